import { html, css } from 'lit';
import { SocketioClusterPage } from './socketio-cluster-page.js';

/**
 * Rooms and sockets per worker and namespace, live, with a filter (room or socket id) and the actions: disconnect a
 * socket, emit a test event to a room or a socket.
 */
export class QwcSocketioSockets extends SocketioClusterPage {

    static styles = css`
        :host { display: block; padding: 10px 20px; }
        .bar { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; margin-bottom: 12px; }
        input { font-family: monospace; padding: 4px; }
        section.worker { margin-bottom: 18px; }
        h3 { margin: 6px 0; }
        h4 { margin: 4px 0; color: var(--lumo-contrast-60pct); }
        table { border-collapse: collapse; width: 100%; margin-bottom: 8px; }
        th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--lumo-contrast-10pct);
                 vertical-align: top; }
        th { color: var(--lumo-contrast-60pct); font-weight: normal; }
        code, pre { font-size: var(--lumo-font-size-s); }
        pre { margin: 0; white-space: pre-wrap; }
    `;

    static properties = {
        _workers: { state: true },
        _filter: { state: true },
    };

    constructor() {
        super();
        this._filter = '';
    }

    stateChanged(state) {
        this._workers = state.sockets;
    }

    render() {
        return html`
            <div class="bar">
                <input id="filter" placeholder="Filter: room or socket id" .value=${this._filter}
                       @input=${e => this._filter = e.target.value.trim()}>
            </div>
            <div class="bar">
                Emit a test event:
                <input id="emit-namespace" placeholder="namespace" value="/" size="8">
                <input id="emit-to" placeholder="room or socket id (empty: all)" size="28">
                <input id="emit-event" placeholder="event" size="12">
                <input id="emit-payload" placeholder='payload (JSON, or text)' size="24">
                <button id="emit" @click=${this._emit}>Emit</button>
            </div>
            ${this._workers ? this._workers.map(w => this._renderWorker(w)) : html`<span>Loading sockets...</span>`}`;
    }

    _matches(socket) {
        const f = this._filter;
        return !f || socket.id.includes(f) || socket.rooms.some(r => r.includes(f));
    }

    _renderWorker(worker) {
        return html`
            <section class="worker" data-worker="${worker.worker}">
                <h3>Worker ${worker.worker}</h3>
                ${worker.namespaces.map(ns => this._renderNamespace(worker.worker, ns))}
            </section>`;
    }

    _renderNamespace(worker, ns) {
        const sockets = ns.sockets.filter(s => this._matches(s));
        const rooms = ns.rooms.filter(r => !this._filter || r.name.includes(this._filter)
            || r.members.some(m => m.includes(this._filter)));
        return html`
            <div class="namespace" data-namespace="${ns.name}">
                <h4>Namespace <code>${ns.name}</code>: ${ns.sockets.length} socket(s)</h4>
                <table class="rooms">
                    <thead><tr><th>Room</th><th>Members</th></tr></thead>
                    <tbody>${rooms.map(r => html`
                        <tr class="room" data-room="${r.name}">
                            <td><code>${r.name}</code></td>
                            <td>${r.members.map(m => html`<code class="member">${m}</code> `)}</td>
                        </tr>`)}
                    </tbody>
                </table>
                <table class="sockets">
                    <thead><tr>
                        <th>Socket</th><th>Transport</th><th>Rooms</th><th>Handshake</th><th>Data</th>
                        <th>Connected since</th><th></th>
                    </tr></thead>
                    <tbody>${sockets.map(s => html`
                        <tr class="socket" data-socket="${s.id}">
                            <td><code>${s.id}</code></td>
                            <td>${s.transport}${s.upgrades ? html`<br><small>${s.upgrades}</small>` : ''}</td>
                            <td>${s.rooms.map(r => html`<code>${r}</code> `)}</td>
                            <td><details><summary>${s.address}</summary>
                                <pre>${JSON.stringify({ auth: s.auth, query: s.query, headers: s.headers }, null, 1)}</pre>
                            </details></td>
                            <td><pre>${JSON.stringify(s.data)}</pre></td>
                            <td>${s.connectedSince}</td>
                            <td><button class="disconnect" @click=${() => this._disconnect(worker, ns.name, s.id)}>
                                Disconnect</button></td>
                        </tr>`)}
                    </tbody>
                </table>
            </div>`;
    }

    _disconnect(worker, namespace, socketId) {
        this.jsonRpc.disconnectSocket({ worker: worker, namespace: namespace, socketId: socketId })
            .then(response => this.notify(response));
    }

    _emit() {
        const value = id => this.renderRoot.querySelector('#' + id).value;
        this.jsonRpc.emitEvent({
            namespace: value('emit-namespace'), to: value('emit-to'), event: value('emit-event'),
            payload: value('emit-payload')
        }).then(response => this.notify(response));
    }
}
customElements.define('qwc-socketio-sockets', QwcSocketioSockets);
