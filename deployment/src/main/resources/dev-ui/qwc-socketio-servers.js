import { LitElement, html, css } from 'lit';
import { JsonRpc } from 'jsonrpc';

/**
 * The servers of the whole cluster as the adapter sees them: per namespace, the server count and every socket
 * fetchSockets finds (those of other hosts and of Node's servers too, with a Redis adapter). Asked on demand: each
 * refresh is a request to every server.
 */
export class QwcSocketioServers extends LitElement {

    jsonRpc = new JsonRpc(this);

    static styles = css`
        :host { display: block; padding: 10px 20px; }
        table { border-collapse: collapse; width: 100%; margin-bottom: 18px; }
        th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--lumo-contrast-10pct); }
        th { color: var(--lumo-contrast-60pct); font-weight: normal; }
        code { font-size: var(--lumo-font-size-s); }
        .remote { color: var(--lumo-primary-text-color); }
        .error { color: var(--lumo-error-text-color); }
    `;

    static properties = {
        _namespaces: { state: true },
    };

    connectedCallback() {
        super.connectedCallback();
        this._refresh();
    }

    _refresh() {
        this.jsonRpc.getClusterServers().then(response => this._namespaces = response.result);
    }

    render() {
        if (!this._namespaces) {
            return html`<span>Asking every server...</span>`;
        }
        return html`
            <button id="refresh" @click=${() => this._refresh()}>Refresh</button>
            ${this._namespaces.map(ns => html`
                <h4><code>${ns.name}</code>: ${ns.error
                    ? html`<span class="error">${ns.error}</span>`
                    : html`<span class="count">${ns.servers}</span> server(s), adapter <code>${ns.adapter}</code>`}</h4>
                ${ns.sockets ? html`
                <table class="sockets" data-namespace="${ns.name}">
                    <thead><tr><th>Socket</th><th>Where</th><th>Rooms</th><th>Data</th></tr></thead>
                    <tbody>
                    ${ns.sockets.map(s => html`
                        <tr class="${s.local ? 'local' : 'remote'}">
                            <td><code>${s.id}</code></td>
                            <td>${s.local ? 'this application' : 'another server'}</td>
                            <td>${s.rooms.join(', ')}</td>
                            <td><code>${JSON.stringify(s.data)}</code></td>
                        </tr>`)}
                    </tbody>
                </table>` : ''}`)}`;
    }
}
customElements.define('qwc-socketio-servers', QwcSocketioServers);
