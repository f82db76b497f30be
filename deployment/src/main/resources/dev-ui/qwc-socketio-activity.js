import { LitElement, html, css } from 'lit';
import { JsonRpc } from 'jsonrpc';
import './socketio-activity-chart.js';

/**
 * What the workers did, second by second, over the last five minutes at most: connections, disconnections, events
 * received from clients and events emitted, one chart per measure with one line per worker, drawn live; and the
 * totals per worker over the same seconds.
 */
export class QwcSocketioActivity extends LitElement {

    jsonRpc = new JsonRpc(this);

    /** The seconds kept, as the server keeps them. */
    static SECONDS = 300;

    /** [key in the JSON, chart title, table heading] */
    static MEASURES = [
        ['connections', 'Connections per second', 'Connections'],
        ['disconnections', 'Disconnections per second', 'Disconnections'],
        ['received', 'Events received per second', 'Events received'],
        ['emitted', 'Events emitted per second', 'Events emitted'],
    ];

    static styles = css`
        :host { display: block; padding: 10px 20px; }
        .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 16px; }
        qwc-socketio-activity-chart { height: 240px; }
        table { border-collapse: collapse; margin-top: 16px; }
        th, td { text-align: left; padding: 4px 12px; border-bottom: 1px solid var(--lumo-contrast-10pct); }
        th { color: var(--lumo-contrast-60pct); font-weight: normal; }
        td.count { text-align: right; }
        .note { color: var(--lumo-contrast-60pct); font-size: var(--lumo-font-size-s); }
    `;

    static properties = {
        _from: { state: true },
        _to: { state: true },
        _workers: { state: true },
    };

    constructor() {
        super();
        this._from = null;
        this._to = null;
        /** worker index -> {measure key -> counts, one per second from _from} */
        this._workers = new Map();
    }

    connectedCallback() {
        super.connectedCallback();
        this.jsonRpc.getActivity().then(response => {
            this._load(response.result);
            this._stream = this.jsonRpc.streamActivity().onNext(next => this._add(next.result));
        });
    }

    disconnectedCallback() {
        if (this._stream) {
            this._stream.cancel();
        }
        super.disconnectedCallback();
    }

    _load(series) {
        const workers = new Map();
        for (const w of series.workers) {
            const counts = {};
            for (const [key] of QwcSocketioActivity.MEASURES) {
                counts[key] = w[key].slice();
            }
            workers.set(w.worker, counts);
        }
        this._from = series.from;
        this._to = series.to;
        this._workers = workers;
    }

    /** One more second; the stream starts a few seconds back, so the seconds the page has are skipped. */
    _add(item) {
        if (this._to !== null && item.second <= this._to) {
            return;
        }
        const length = this._to === null ? 0 : this._to - this._from + 1;
        if (this._from === null) {
            this._from = item.second;
        }
        const workers = new Map(this._workers);
        for (const w of item.workers) {
            if (!workers.has(w.worker)) {
                const counts = {};
                for (const [key] of QwcSocketioActivity.MEASURES) {
                    counts[key] = new Array(length).fill(0);
                }
                workers.set(w.worker, counts);
            }
        }
        // a second the stream skipped (it should not) would count 0 rather than shift the lines
        const gap = this._to === null ? 0 : item.second - this._to - 1;
        for (const [worker, counts] of workers) {
            const now = item.workers.find(w => w.worker === worker);
            for (const [key] of QwcSocketioActivity.MEASURES) {
                for (let i = 0; i < gap; i++) {
                    counts[key].push(0);
                }
                counts[key].push(now ? now[key] : 0);
            }
        }
        this._to = item.second;
        const extra = this._to - this._from + 1 - QwcSocketioActivity.SECONDS;
        if (extra > 0) {
            for (const counts of workers.values()) {
                for (const [key] of QwcSocketioActivity.MEASURES) {
                    counts[key].splice(0, extra);
                }
            }
            this._from += extra;
        }
        this._workers = workers;
    }

    _lines(key) {
        return [...this._workers.entries()].sort((a, b) => a[0] - b[0]).map(([worker, counts]) => ({
            worker: worker,
            points: counts[key].map((count, i) => [(this._from + i) * 1000, count]),
        }));
    }

    render() {
        if (this._from === null) {
            return html`<span>Loading activity...</span>`;
        }
        const seconds = this._to - this._from + 1;
        const workers = [...this._workers.entries()].sort((a, b) => a[0] - b[0]);
        return html`
            <div class="charts">
                ${QwcSocketioActivity.MEASURES.map(([key, title]) => html`
                    <qwc-socketio-activity-chart data-measure="${key}" .heading=${title} .lines=${this._lines(key)}>
                    </qwc-socketio-activity-chart>`)}
            </div>
            <table id="activity-totals">
                <thead><tr>
                    <th>Worker</th>
                    ${QwcSocketioActivity.MEASURES.map(([, , heading]) => html`<th>${heading}</th>`)}
                </tr></thead>
                <tbody>
                ${workers.map(([worker, counts]) => html`
                    <tr class="worker" data-worker="${worker}">
                        <td>${worker}</td>
                        ${QwcSocketioActivity.MEASURES.map(([key]) => html`
                            <td class="count ${key}">${counts[key].reduce((a, b) => a + b, 0)}</td>`)}
                    </tr>`)}
                </tbody>
            </table>
            <p class="note">Totals over the last ${seconds} s, up to
                <span id="last-second">${new Date(this._to * 1000).toLocaleTimeString()}</span>. A broadcast counts
                as one event emitted, however many sockets get it.</p>`;
    }
}
customElements.define('qwc-socketio-activity', QwcSocketioActivity);
