// by path: the import map names only the Dev UI's finished charts, and its "echarts/" is ECharts' own package; this
// page is served one level below the Dev UI's root, beside its echarts/ folder
import { EchartsAbstractCanvas } from '../echarts/echarts-abstract-canvas.js';

/**
 * A line chart of one measure over time, one line per worker. The Dev UI of Quarkus 3.33 offers no line chart
 * component (its ECharts components are a gauge, a pie, stacked bars and a force graph), so this extends the canvas
 * they all extend: the Dev UI's own ECharts, resized with the window and redrawn when the theme changes; only the
 * option is ours.
 */
class QwcSocketioActivityChart extends EchartsAbstractCanvas {

    static properties = {
        heading: { type: String },
        /** One line per worker: [{worker, points: [[epoch millis, count], ...]}] */
        lines: { attribute: false },
    };

    constructor() {
        super();
        this.heading = '';
        this.lines = [];
    }

    getOption() {
        const style = getComputedStyle(this);
        const text = style.getPropertyValue('--lumo-body-text-color').trim() || '#888';
        const rule = style.getPropertyValue('--lumo-contrast-10pct').trim() || '#ddd';
        return {
            // redrawn every second: an animation each time would only make the lines wobble
            animation: false,
            title: { text: this.heading, left: 0, textStyle: { color: text, fontSize: 14, fontWeight: 'normal' } },
            tooltip: { trigger: 'axis' },
            legend: { top: 0, right: 0, textStyle: { color: text } },
            grid: { left: 16, right: 24, top: 48, bottom: 4, containLabel: true },
            xAxis: {
                type: 'time',
                axisLabel: { color: text, hideOverlap: true },
                axisLine: { lineStyle: { color: text } },
            },
            yAxis: {
                type: 'value',
                minInterval: 1,
                axisLabel: { color: text },
                splitLine: { lineStyle: { color: rule } },
            },
            series: this.lines.map(line => ({
                // an id per worker: each second's option is merged into the last, line by line
                id: `worker-${line.worker}`,
                name: `worker ${line.worker}`,
                type: 'line',
                showSymbol: false,
                data: line.points,
            })),
        };
    }
}
customElements.define('qwc-socketio-activity-chart', QwcSocketioActivityChart);
