import { html, css } from 'lit';
import { SocketioClusterPage } from './socketio-cluster-page.js';

/** The workers of the Socket.IO cluster, live: state, uptime, restarts and sockets per namespace. */
export class QwcSocketioWorkers extends SocketioClusterPage {

    static styles = css`
        :host { display: block; padding: 10px 20px; }
        table { border-collapse: collapse; width: 100%; }
        th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--lumo-contrast-10pct); }
        th { color: var(--lumo-contrast-60pct); font-weight: normal; }
        code { font-size: var(--lumo-font-size-s); }
        .bar { display: flex; gap: 8px; align-items: center; margin-bottom: 12px; }
        input { width: 4em; padding: 4px; }
    `;

    static properties = {
        _workers: { state: true },
    };

    stateChanged(state) {
        this._workers = state.workers;
    }

    render() {
        if (!this._workers) {
            return html`<span>Loading workers...</span>`;
        }
        return html`
            <div class="bar">
                <button id="reload" @click=${() => this.jsonRpc.reloadWorkers().then(r => this.notify(r))}>
                    Reload all workers</button>
                <input id="scale-count" type="number" min="1" max="64" .value=${String(this._workers.length)}>
                <button id="scale" @click=${this._scale}>Scale</button>
            </div>
            <table id="workers">
                <thead><tr>
                    <th>Worker</th><th>Node</th><th>State</th><th>Uptime</th><th>Restarts</th><th>Sockets</th>
                    <th>Per namespace</th><th></th>
                </tr></thead>
                <tbody>
                ${this._workers.map(w => html`
                    <tr class="worker" data-worker="${w.index}">
                        <td>${w.index}</td>
                        <td>${w.node}</td>
                        <td>${w.state}</td>
                        <td>${this._uptime(w.uptimeSeconds)}</td>
                        <td>${w.restarts}</td>
                        <td class="sockets">${w.sockets}</td>
                        <td>${Object.entries(w.socketsPerNamespace).map(([ns, n]) =>
                            html`<code>${ns}</code>: ${n}&nbsp;&nbsp;`)}</td>
                        <td><button class="restart" @click=${() => this._restart(w.index)}>Restart</button></td>
                    </tr>`)}
                </tbody>
            </table>`;
    }

    _uptime(seconds) {
        const h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
        return h > 0 ? `${h}h ${m}m` : m > 0 ? `${m}m ${s}s` : `${s}s`;
    }

    _scale() {
        const count = parseInt(this.renderRoot.querySelector('#scale-count').value, 10);
        this.jsonRpc.scaleWorkers({ count: count }).then(response => this.notify(response));
    }

    _restart(index) {
        this.jsonRpc.restartWorker({ worker: index }).then(response => this.notify(response));
    }
}
customElements.define('qwc-socketio-workers', QwcSocketioWorkers);
