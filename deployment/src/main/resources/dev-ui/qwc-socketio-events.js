import { LitElement, html, css } from 'lit';
import { JsonRpc } from 'jsonrpc';

/**
 * A live log of what happens on the workers: connections, disconnections (with the reason), joins and leaves, events
 * received and emitted (name and size, never payloads), and cluster messages between workers.
 */
export class QwcSocketioEvents extends LitElement {

    jsonRpc = new JsonRpc(this);

    static MAX = 500;

    static styles = css`
        :host { display: block; padding: 10px 20px; }
        .bar { display: flex; gap: 14px; align-items: center; margin-bottom: 10px; }
        table { border-collapse: collapse; width: 100%; }
        th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid var(--lumo-contrast-10pct); }
        th { color: var(--lumo-contrast-60pct); font-weight: normal; }
        code { font-size: var(--lumo-font-size-s); }
    `;

    static properties = {
        _events: { state: true },
        _showCluster: { state: true },
    };

    constructor() {
        super();
        this._events = [];
        this._showCluster = false;
    }

    connectedCallback() {
        super.connectedCallback();
        this.jsonRpc.getEvents().then(response => {
            this._events = response.result.slice().reverse();
            this._stream = this.jsonRpc.streamEvents().onNext(next => {
                this._events = [next.result, ...this._events].slice(0, QwcSocketioEvents.MAX);
            });
        });
    }

    disconnectedCallback() {
        if (this._stream) {
            this._stream.cancel();
        }
        super.disconnectedCallback();
    }

    render() {
        const shown = this._events.filter(e => this._showCluster || e.kind !== 'cluster');
        return html`
            <div class="bar">
                <label><input type="checkbox" .checked=${this._showCluster}
                              @change=${e => this._showCluster = e.target.checked}> Cluster messages</label>
                <button @click=${() => this._events = []}>Clear</button>
            </div>
            <table id="events">
                <thead><tr>
                    <th>Time</th><th>Worker</th><th>What</th><th>Namespace</th><th>Socket</th><th>Event</th>
                    <th>Size</th><th>Detail</th>
                </tr></thead>
                <tbody>${shown.map(e => html`
                    <tr class="event" data-kind="${e.kind}">
                        <td>${e.time ? e.time.substring(11, 23) : ''}</td>
                        <td>${e.worker}</td>
                        <td>${e.kind}</td>
                        <td><code>${e.namespace}</code></td>
                        <td><code>${e.socket || ''}</code></td>
                        <td>${e.event || ''}</td>
                        <td>${e.size != null ? e.size : ''}</td>
                        <td>${e.detail || ''}</td>
                    </tr>`)}
                </tbody>
            </table>`;
    }
}
customElements.define('qwc-socketio-events', QwcSocketioEvents);
