// Time-series charts drawn with uPlot from GET /v1/admin/stats. Each chart is rebuilt on every load: the series
// (one per model, provider or project) change with the data, and uPlot fixes its series when it is created.
import uPlot from '/webjars/uplot/1.6.30/dist/uPlot.esm.js';

const COLOURS = ['#2f6fdf', '#e0702b', '#2a9d5c', '#b93bbf', '#c9a400', '#1aa3b8', '#d6336c', '#6c757d'];
const HEIGHT = 220;

// the live charts by name: read by the browser test (DashboardChromiumTest) and handy in the console
export const charts = {};
window.caravanCharts = charts;

function draw(name, series, data) {
  const element = document.getElementById(`chart-${name}`);
  charts[name]?.destroy();
  element.replaceChildren();
  const options = {
    width: Math.max(element.clientWidth, 300),
    height: HEIGHT,
    // points as well as lines: a bucket between two empty ones would otherwise draw nothing at all
    series: [{}, ...series.map((s, i) => ({
      stroke: COLOURS[i % COLOURS.length], width: 2, spanGaps: false, points: { show: true, size: 5 }, ...s,
    }))],
    // three significant digits: uPlot's default rounds small spend (0.00025) to the same label as its neighbours
    axes: [{}, { size: 70, values: (u, splits) => splits.map((v) => String(Number(v.toPrecision(3)))) }],
    legend: { live: true },
  };
  charts[name] = new uPlot(options, data, element);
}

/** The four charts of one stats answer. */
export function drawAll(stats) {
  const xs = stats.buckets.map((b) => Date.parse(b.start) / 1000);
  const groups = stats.groups.slice(0, COLOURS.length);
  draw('spend', [{ label: 'total', stroke: '#222', dash: [4, 4] }, ...groups.map((g) => ({ label: g }))],
    [xs, stats.buckets.map((b) => Number(b.cost)),
      ...groups.map((g) => stats.buckets.map((b) => Number(b.cost_by_group[g] ?? 0)))]);
  draw('requests', [{ label: 'requests', fill: 'rgba(47,111,223,0.15)' }, { label: 'errors', stroke: '#d62728' }],
    [xs, stats.buckets.map((b) => b.requests), stats.buckets.map((b) => b.errors)]);
  for (const [name, field] of [['latency', 'latency_ms'], ['ttft', 'ttft_ms']]) {
    draw(name, ['p50', 'p95', 'p99'].map((p) => ({ label: p })),
      [xs, ...['p50', 'p95', 'p99'].map((p) => stats.buckets.map((b) => b[field]?.[p] ?? null))]);
  }
}
