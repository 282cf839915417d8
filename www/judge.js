// The Quality panel: a digit classifier (the judge, trained by `ganplay judge`, shipped as
// www/data/judge.safetensors) scores G's samples every few hundred steps. It shows which
// digits G draws (a histogram, with a warning when some vanish: mode collapse), how far
// G's samples are from real digits in the judge's features (a Fréchet distance, charted
// over steps; lower is better) and, in conditional mode, how often G draws the digit it
// was asked for. The engine (www/engine/engine.js) runs the judge, a slice of rows at a
// time between chunks of training, and reports each verdict; this module draws it. Also
// here: "Load pretrained", a trained model in one click.
import { latest } from './charts.js';
import uPlot from './vendor/uplot/uPlot.esm.js';
import { $, fetchBytes, fmtInt } from './util.js';

const PRETRAINED = { false: 'www/models/uncond.safetensors', true: 'www/models/cond.safetensors' };
/**
 * Before this many steps G draws noise, and which digits the judge sees in it means
 * little: the mode-collapse warning waits (the panel says so).
 */
export const WARN_FROM_STEP = 1000;
const HEIGHT = 170;

/** Builds the panel; the engine loads the judge and reports its verdicts (showQuality). */
export function setupQuality(app) {
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
  q.chart = new uPlot(chartOptions(), [[], [], [], []], $('chart-fd'));
  const fit = () => {
    const width = Math.max(200, Math.floor($('chart-fd').clientWidth));
    if (width !== q.chart.width) q.chart.setSize({ width, height: HEIGHT });
  };
  new ResizeObserver(fit).observe($('chart-fd'));
  fit();
}

function chartOptions() {
  // The legend shows the point under the cursor, or the newest one when it is away.
  const fmt = (digits) => (u, v, s, idx) => {
    const value = latest(u, s, idx, v);
    return value == null ? '–' : value.toFixed(digits);
  };
  return {
    title: 'Fréchet distance to real digits (lower is better)',
    width: 400,
    height: HEIGHT,
    scales: { x: { time: false }, y: { auto: true }, share: { range: [0, 1] } },
    axes: [
      { label: 'step', size: 40, labelSize: 14 },
      { size: 48 },
      { scale: 'share', side: 1, size: 40, grid: { show: false } },
    ],
    series: [
      { label: 'step', value: (u, v, s, idx) => (latest(u, s, idx, v) == null ? '–' : fmtInt(latest(u, s, idx, v))) },
      { label: 'FD', stroke: '#7c3aed', width: 2, points: { show: true, size: 4 }, value: fmt(2) },
      { label: 'smallest digit share', stroke: '#0d9488', dash: [6, 3], scale: 'share', spanGaps: true, value: fmt(3) },
      { label: 'label agreement', stroke: '#ea580c', scale: 'share', spanGaps: true, value: fmt(3) },
    ],
  };
}

/**
 * Shows the engine's quality report: the judge's state, and its last verdict —
 * histogram, warning, numbers — and the chart of its history.
 */
export function showQuality(app, r) {
  const q = app.quality;
  if (!q) return;
  q.last = r;
  q.evaluations = r.evaluations;
  if (r.status === 'failed') {
    $('quality-status').textContent = 'The judge could not be loaded; quality is not measured.';
    if (!q.failed) app.showError(`Loading the judge: ${r.error}`);
    q.failed = true;
    return;
  }
  if (r.status === 'loading') return;
  $('quality-status').textContent = `Judge: an MLP digit classifier, ${(100 * r.accuracy).toFixed(1)}% right on held-out digits. Scoring ${r.samples} samples every ${r.every} steps.`;
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
    bar.title = total ? `digit ${d}: ${(100 * share).toFixed(1)}% of ${total} samples` : '';
  });
  const vanished = r.vanished;
  const warning = $('quality-warning');
  warning.hidden = total === 0 || (!early && vanished.length === 0);
  warning.classList.toggle('early', early);
  if (early) {
    warning.textContent = `Mode-collapse warnings start at step ${fmtInt(WARN_FROM_STEP)}: until then G draws mostly noise, and which digits the judge sees in it means little.`;
  } else if (vanished.length) {
    const list = vanished.length === 1 ? `digit ${vanished[0]} has` : `digits ${vanished.join(', ')} have`;
    warning.textContent = `Mode collapse: ${list} vanished (under ${100 * threshold}% of G’s samples).`;
  }
  const parts = [];
  if (total) {
    parts.push(`Fréchet distance <b>${r.fd.toFixed(2)}</b>`);
    parts.push(`smallest digit share <b>${(100 * r.minShare).toFixed(1)}%</b>`);
    if (!Number.isNaN(r.agreement)) parts.push(`label agreement <b>${(100 * r.agreement).toFixed(1)}%</b>`);
    if (step != null) parts.push(`<span class="muted">at step ${fmtInt(step)}</span>`);
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
    const what = conditional ? 'conditional' : 'unconditional';
    await app.replaceModel('Loading the pretrained model', `pretrained ${what}`, () => app.engine.loadCheckpoint(bytes), {
      notice: (r) => `Loaded the pretrained ${what} model (step ${fmtInt(r.steps)}). Train to keep going from there.`,
      undo: true,
    });
  } catch (err) {
    app.showError(`Loading the pretrained model: ${app.describe(err)}`, err);
  } finally {
    button.disabled = false;
  }
}
