// The two training charts (uPlot, vendored in www/vendor/uplot): D's and G's losses, and
// D's mean verdicts on real digits D(x) and on fakes D(G(z)). Both read the history rows
// the engine reports (app.history): [record, d_loss, g_loss, d_real, d_fake]. Each
// value is drawn twice: every step, faint, and a moving average on top, since one
// batch's numbers jump around too much to read a trend from.
import uPlot from './vendor/uplot/uPlot.esm.js';
import { $ } from './util.js';

const COLUMNS = 5;
const COLOR = { d: '#2563eb', g: '#ea580c', real: '#0d9488', fake: '#db2777' };
const HEIGHT = 190;
/** The moving average spans about this share of the history (at least 1, at most 200 rows). */
const SMOOTH_SHARE = 0.02;

/** `series`: [label, colour, dash] of the two values; smoothed lines first, raw after. */
function options(title, series, yRange) {
  const line = ([label, stroke, dash], raw) => ({
    label: raw ? `${label} (each step)` : `${label} (moving average)`,
    stroke: raw ? `${stroke}40` : stroke, // raw: the same colour, 25% opaque
    dash: raw ? undefined : dash,
    width: raw ? 1 : 2,
    spanGaps: true,
    points: { show: false },
    value: (u, v, s, idx) => fmt(latest(u, s, idx, v), 3),
  });
  return {
    title,
    width: 400,
    height: HEIGHT,
    cursor: { drag: { x: true, y: false } },
    scales: { x: { time: false }, y: yRange ? { range: yRange } : { auto: true } },
    axes: [{ label: 'step', size: 40, labelSize: 14 }, { size: 48 }],
    series: [
      { label: 'step', value: (u, v, s, idx) => fmt(latest(u, s, idx, v), 0) },
      ...series.map((s) => line(s, false)),
      ...series.map((s) => line(s, true)),
    ],
  };
}

/** The legend shows the value under the cursor, or the newest one when the cursor is away. */
export function latest(u, s, idx, v) {
  if (idx != null) return v;
  const col = u.data[s] ?? [];
  for (let i = col.length - 1; i >= 0; i--) if (col[i] != null) return col[i];
  return null;
}
const fmt = (v, digits) => (v == null ? '–' : digits ? v.toFixed(digits) : Math.round(v).toLocaleString('en-US'));

/** Exponential moving average of `col` over about `window` rows; gaps (null) are skipped. */
function smooth(col, window) {
  const alpha = 2 / (window + 1);
  const out = new Array(col.length);
  let avg = null;
  for (let i = 0; i < col.length; i++) {
    const v = col[i];
    if (v != null) avg = avg == null ? v : avg + alpha * (v - avg);
    out[i] = v == null ? null : avg;
  }
  return out;
}

const empty = () => Array.from({ length: 5 }, () => []);

/** Creates both charts; they follow their containers' width. */
export function createCharts() {
  const loss = new uPlot(
    options('Loss', [['D loss', COLOR.d], ['G loss', COLOR.g]]),
    empty(),
    $('chart-loss'),
  );
  const prob = new uPlot(
    options('D’s mean verdict', [['D(x) real', COLOR.real], ['D(G(z)) fake', COLOR.fake, [6, 3]]], [0, 1]),
    empty(),
    $('chart-prob'),
  );
  const charts = { loss, prob, rows: 0 };
  const fit = () => {
    for (const [chart, el] of [[loss, $('chart-loss')], [prob, $('chart-prob')]]) {
      const width = Math.max(200, Math.floor(el.clientWidth));
      if (width !== chart.width) chart.setSize({ width, height: HEIGHT });
    }
  };
  new ResizeObserver(fit).observe($('chart-loss'));
  fit();
  return charts;
}

/** Redraws the charts from the history the engine last reported; returns the milliseconds it took. */
export function updateCharts(app) {
  const t0 = performance.now();
  const { history: rows, charts } = app;
  const n = rows.length / COLUMNS;
  const cols = Array.from({ length: COLUMNS }, () => new Array(n));
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < COLUMNS; c++) {
      const v = rows[r * COLUMNS + c];
      cols[c][r] = Number.isNaN(v) ? null : v; // NaN: not measured in that step
    }
  }
  const window = Math.min(200, Math.max(1, Math.round(n * SMOOTH_SHARE)));
  const avg = cols.map((col, c) => (c === 0 ? col : smooth(col, window)));
  // batch(): redraw now rather than in a microtask, so the cost is measured (and the
  // frame loop can leave room for it).
  charts.loss.batch(() => charts.loss.setData([cols[0], avg[1], avg[2], cols[1], cols[2]]));
  charts.prob.batch(() => charts.prob.setData([cols[0], avg[3], avg[4], cols[3], cols[4]]));
  charts.rows = n;
  charts.smoothing = window;
  return performance.now() - t0;
}
