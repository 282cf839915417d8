// The Quality panel: a digit classifier (the judge, trained by `ganplay judge`, shipped as
// www/data/judge.safetensors) scores G's samples every few hundred steps. It shows which
// digits G draws (a histogram, with a warning when some vanish: mode collapse), how far
// G's samples are from real digits in the judge's features (a Fréchet distance, charted
// over steps; lower is better) and, in conditional mode, how often G draws the digit it
// was asked for. The engine (www/engine/engine.js) runs the judge, a slice of rows at a
// time between chunks of training, and reports each verdict; this module draws it. Also
// here: "Load pretrained", a trained model in one click.
// Its panel object, `quality` (main.js's PANELS): setup (app.quality), update (a
// report's verdict), relabel.
import { latest } from './charts.js';
import uPlot from './vendor/uplot/uPlot.esm.js';
import { fixed, onLangChange, percent, t } from './i18n.js';
import { $, fetchBytes, fmtInt } from './util.js';

// Beside this module, wherever the site is served from (the static site moves www/ under v/<build>/).
const PRETRAINED = {
  false: new URL('./models/uncond.safetensors', import.meta.url).href,
  true: new URL('./models/cond.safetensors', import.meta.url).href,
};
/**
 * Before this many steps G draws noise, and which digits the judge sees in it means
 * little: the mode-collapse warning waits (the panel says so).
 */
export const WARN_FROM_STEP = 1000;
const HEIGHT = 170;

/** Builds the panel; the engine loads the judge and reports its verdicts (showQuality). */
function setupQuality(app) {
  app.quality = { chart: null, evaluations: 0, last: null };
  const hist = $('quality-hist');
  for (let d = 0; d < 10; d++) {
    const col = document.createElement('div');
    col.className = 'hist-col';
    col.innerHTML = `<div class="hist-bar-wrap"><div class="hist-bar" data-digit="${d}"></div></div><span>${d}</span>`;
    hist.append(col);
  }
  $('load-pretrained').addEventListener('click', () => loadPretrained(app));
  $('load-pretrained').disabled = false;
  const q = app.quality;
  $('quality-status').textContent = t('quality.loading');
  q.chart = new uPlot(chartOptions(), [[], [], [], []], $('chart-fd'));
  const fit = () => {
    const width = Math.max(200, Math.floor($('chart-fd').clientWidth));
    if (width !== q.chart.width) q.chart.setSize({ width, height: HEIGHT });
  };
  new ResizeObserver(fit).observe($('chart-fd'));
  fit();
  // A language switch rebuilds the chart with its words in the new language, and redraws the panel.
  onLangChange(() => {
    const data = q.chart.data;
    q.chart.destroy();
    q.chart = new uPlot(chartOptions(), data, $('chart-fd'));
    q.chart.setSize({ width: Math.max(200, Math.floor($('chart-fd').clientWidth)), height: HEIGHT });
    if (q.last) showQuality(app, q.last);
    else $('quality-status').textContent = t(q.failed ? 'quality.failed' : 'quality.loading');
  });
}

function chartOptions() {
  // The legend shows the point under the cursor, or the newest one when it is away.
  const fmt = (digits) => (u, v, s, idx) => {
    const value = latest(u, s, idx, v);
    return value == null ? '–' : fixed(value, digits);
  };
  return {
    title: t('quality.chart.title'),
    width: 400,
    height: HEIGHT,
    scales: { x: { time: false }, y: { auto: true }, share: { range: [0, 1] } },
    axes: [
      { label: t('charts.step'), size: 40, labelSize: 14 },
      { size: 48 },
      { scale: 'share', side: 1, size: 40, grid: { show: false } },
    ],
    series: [
      { label: t('charts.step'), value: (u, v, s, idx) => (latest(u, s, idx, v) == null ? '–' : fmtInt(latest(u, s, idx, v))) },
      { label: t('quality.chart.fd'), stroke: '#7c3aed', width: 2, points: { show: true, size: 4 }, value: fmt(2) },
      { label: t('quality.chart.minShare'), stroke: '#0d9488', dash: [6, 3], scale: 'share', spanGaps: true, value: fmt(3) },
      { label: t('quality.chart.agreement'), stroke: '#ea580c', scale: 'share', spanGaps: true, value: fmt(3) },
    ],
  };
}

/**
 * Shows the engine's quality report: the judge's state, and its last verdict —
 * histogram, warning, numbers — and the chart of its history.
 */
function showQuality(app, r) {
  const q = app.quality;
  if (!q) return;
  q.last = r;
  q.evaluations = r.evaluations;
  if (r.status === 'failed') {
    $('quality-status').textContent = t('quality.failed');
    if (!q.failed) app.showError(() => t('error.what', { what: t('what.judge'), reason: app.describe(new Error(r.error)) }));
    q.failed = true;
    return;
  }
  if (r.status === 'loading') return;
  $('quality-status').textContent = t('quality.status', { accuracy: percent(r.accuracy), samples: fmtInt(r.samples), every: fmtInt(r.every) });
  const counts = r.counts;
  const total = counts.reduce((a, b) => a + b, 0);
  const threshold = r.vanishedShare;
  const cols = Array.from({ length: r.columns }, () => []);
  for (let i = 0; i < r.history.length; i++) {
    const v = r.history[i];
    cols[i % r.columns].push(Number.isNaN(v) ? null : v);
  }
  const step = cols[0].length ? cols[0][cols[0].length - 1] : null;
  const early = step != null && step < WARN_FROM_STEP;
  const bars = $('quality-hist').querySelectorAll('.hist-bar');
  bars.forEach((bar, d) => {
    const share = total ? counts[d] / total : 0;
    // Full height is 25% of the samples; an even spread (10%) reaches 40% of it.
    bar.style.height = `${Math.min(100, (100 * share) / 0.25)}%`;
    bar.classList.toggle('vanished', total > 0 && !early && share < threshold);
    bar.title = total ? t('quality.bar', { d, share: percent(share), total: fmtInt(total) }) : '';
  });
  const vanished = r.vanished;
  const warning = $('quality-warning');
  warning.hidden = total === 0 || (!early && vanished.length === 0);
  warning.classList.toggle('early', early);
  if (early) {
    warning.textContent = t('quality.early', { step: fmtInt(WARN_FROM_STEP) });
  } else if (vanished.length) {
    const list = t('quality.vanished', { count: vanished.length, digits: vanished.join(t('list.sep')) });
    warning.textContent = t('quality.collapse', { list, threshold: `${100 * threshold}%` });
  }
  const parts = [];
  if (total) {
    parts.push(t('quality.fd', { fd: fixed(r.fd, 2) }));
    parts.push(t('quality.minShare', { share: percent(r.minShare) }));
    if (!Number.isNaN(r.agreement)) parts.push(t('quality.agreement', { share: percent(r.agreement) }));
    if (Number.isFinite(r.speckle)) parts.push(t('quality.speckle', { speckle: fixed(r.speckle, 2) }), t('quality.speckle.real', { real: fixed(r.dataSpeckle, 3) }));
    if (step != null) parts.push(t('quality.at', { step: fmtInt(step) }));
  }
  $('quality-numbers').innerHTML = parts.join(' · ');
  q.chart.setData(cols);
}

/** Fetches the pretrained model for the current mode and loads it; training may go on. */
async function loadPretrained(app) {
  const conditional = Boolean(app.flat?.conditional);
  const url = PRETRAINED[conditional];
  const button = $('load-pretrained');
  button.disabled = true;
  try {
    const bytes = await fetchBytes(url);
    const what = conditional ? 'cond' : 'uncond';
    await app.replaceModel('what.pretrained', `pretrained.${what}`, () => app.engine.loadCheckpoint(bytes), {
      notice: (r) => t('quality.pretrained', { what: t(`quality.pretrained.${what}`), step: fmtInt(r.steps) }),
      undo: true,
    });
  } catch (err) {
    app.showError(() => t('error.what', { what: t('what.pretrained'), reason: app.describe(err) }), err);
  } finally {
    button.disabled = false;
  }
}

/** The Quality panel's face as a panel of the page (main.js's PANELS). */
export const quality = {
  setup: setupQuality,
  update(app, r) {
    if (r.quality) showQuality(app, r.quality);
  },
  /** Before the panel is built (the engine still starting), its status says it loads. */
  relabel(app) {
    if (!app.quality) $('quality-status').textContent = t('quality.loading');
  },
};
