// The two training charts (uPlot, vendored in www/vendor/uplot): D's and G's losses, and
// D's mean verdicts on real digits D(x) and on fakes D(G(z)). Both read the history rows
// the engine reports (app.history): [record, d_loss, g_loss, d_real, d_fake]. Each
// value is drawn twice: every step, faint, and a moving average on top, since one
// batch's numbers jump around too much to read a trend from. Every number they show goes
// through util.js's fmtNum, and the y axis widens to fit its labels, so that a diverging
// run's losses (6.05e30) stay readable instead of being clipped. Titles and legends are in
// the page's language: a language switch rebuilds both charts with the data they hold.
// Its panel object, `charts` (main.js's PANELS): state (app.history, app.charts), setup,
// update (a report's history).
import uPlot from './vendor/uplot/uPlot.esm.js';
import { onLangChange, t } from './i18n.js';
import { $, clamp, fmtInt, fmtNum } from './util.js';

const COLOR = { d: '#2563eb', g: '#ea580c', real: '#0d9488', fake: '#db2777' };
const HEIGHT = 190;
/** The moving average spans about this share of the history (at least 1, at most 200 rows). */
const SMOOTH_SHARE = 0.02;

/** `series`: [label key, colour, dash] of the two values; smoothed lines first, raw after. */
function options(title, series, yRange) {
  const line = ([key, stroke, dash], raw) => ({
    label: t(raw ? 'charts.raw' : 'charts.avg', { label: t(key) }),
    stroke: raw ? `${stroke}40` : stroke, // raw: the same colour, 25% opaque
    dash: raw ? undefined : dash,
    width: raw ? 1 : 2,
    spanGaps: true,
    points: { show: false },
    value: (u, v, s, idx) => fmtNum(latest(u, s, idx, v), 3),
  });
  return {
    title: t(title),
    width: 400,
    height: HEIGHT,
    cursor: { drag: { x: true, y: false } },
    scales: { x: { time: false }, y: yRange ? { range: yRange } : { auto: true } },
    axes: [
      { label: t('charts.step'), size: 40, labelSize: 14, values: tickLabels },
      { values: tickLabels, size: yAxisSize },
    ],
    series: [
      { label: t('charts.step'), value: (u, v, s, idx) => fmtNum(latest(u, s, idx, v), 0) },
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

/** Decimals that show a tick spacing exactly: 0.25 → 2, 0.2 → 1, 5 → 0 (at most 6). */
export function tickDigits(incr) {
  if (!(incr > 0) || !Number.isFinite(incr)) return 0;
  const exp = Math.floor(Math.log10(incr));
  const mantissa = incr / 10 ** exp;
  const fraction = Math.abs(mantissa - Math.round(mantissa)) > 1e-9 ? 1 : 0;
  return clamp(fraction - exp, 0, 6);
}

/** uPlot `axes[].values`: the ticks at the precision their spacing needs. */
const tickLabels = (u, splits, axisIdx, space, incr) => {
  const digits = tickDigits(incr);
  return splits.map((v) => fmtNum(v, digits));
};

/** uPlot's axis font, tick length and gap between ticks and labels. */
const AXIS_FONT = '12px system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif';
const TICK_AND_GAP = 10 + 5;
const MIN_Y_AXIS = 48;
let measure = null;

/** uPlot `axes[].size` for the y axis: as wide as its widest label needs, at least 48 px. */
function yAxisSize(u, values) {
  if (!values?.length) return MIN_Y_AXIS;
  measure ??= document.createElement('canvas').getContext('2d');
  measure.font = AXIS_FONT;
  const widest = Math.max(...values.map((v) => measure.measureText(v ?? '').width));
  return Math.max(MIN_Y_AXIS, Math.ceil(widest) + TICK_AND_GAP + 4);
}

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
  const make = (data = [empty(), empty()]) => [
    new uPlot(options('charts.loss', [['charts.dLoss', COLOR.d], ['charts.gLoss', COLOR.g]]), data[0], $('chart-loss')),
    new uPlot(options('charts.prob', [['charts.real', COLOR.real], ['charts.fake', COLOR.fake, [6, 3]]], [0, 1]), data[1], $('chart-prob')),
  ];
  const charts = { rows: 0 };
  [charts.loss, charts.prob] = make();
  const fit = () => {
    for (const [chart, el] of [[charts.loss, $('chart-loss')], [charts.prob, $('chart-prob')]]) {
      const width = Math.max(200, Math.floor(el.clientWidth));
      if (width !== chart.width) chart.setSize({ width, height: HEIGHT });
    }
  };
  new ResizeObserver(fit).observe($('chart-loss'));
  fit();
  onLangChange(() => {
    const data = [charts.loss.data, charts.prob.data];
    charts.loss.destroy();
    charts.prob.destroy();
    [charts.loss, charts.prob] = make(data);
    fit();
  });
  return charts;
}

/** Redraws the charts from the history the engine last reported; returns the milliseconds it took. */
function updateCharts(app) {
  const t0 = performance.now();
  const { history: rows, charts } = app;
  const columns = app.core.history_columns;
  const n = rows.length / columns;
  const cols = Array.from({ length: columns }, () => new Array(n));
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < columns; c++) {
      const v = rows[r * columns + c];
      cols[c][r] = Number.isFinite(v) ? v : null; // NaN: not measured in that step
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
  showEmpty(n ? null : app.view?.steps ?? 0);
  return performance.now() - t0;
}

/**
 * Says why the charts are empty: no step yet, or a model at `step` that came without its
 * history (the pretrained ones); null hides it. Said again after a language switch.
 */
let emptyAt = null;
function showEmpty(step) {
  emptyAt = step;
  const el = $('charts-empty');
  el.hidden = step == null;
  if (step != null) el.textContent = step > 0 ? t('charts.empty.loaded', { step: fmtInt(step) }) : t('charts.empty.start');
}
onLangChange(() => showEmpty(emptyAt));

/** The charts' face as a panel of the page (main.js's PANELS). */
export const charts = {
  state: () => ({
    /** The charts' history rows as last reported, [record, d_loss, g_loss, d_real, d_fake]… */
    history: new Float32Array(0),
    charts: null,
  }),
  setup(app) {
    app.charts = createCharts();
  },
  update(app, r) {
    if (!r.history) return null;
    app.history = r.history.rows;
    return { charts: updateCharts(app) };
  },
};
