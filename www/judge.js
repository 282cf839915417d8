// The Quality panel: a digit classifier (the judge, trained by `ganplay judge`, shipped as
// www/data/judge.safetensors) scores G's samples every few hundred steps. It shows which
// digits G draws (a histogram, with a warning when some vanish: mode collapse), how far
// G's samples are from real digits in the judge's features (a Fréchet distance, charted
// over steps; lower is better) and, in conditional mode, how often G draws the digit it
// was asked for. An evaluation is spread over frames, a slice of rows each, so that no
// frame waits for all of it. Also here: "Load pretrained", a trained model in one click.
import uPlot from './vendor/uplot/uPlot.esm.js';
import { $, fetchBytes, fmtInt } from './util.js';

const JUDGE_FILE = 'www/data/judge.safetensors';
const PRETRAINED = { false: 'www/models/uncond.safetensors', true: 'www/models/cond.safetensors' };
/** Samples per evaluation, and training steps between evaluations. */
const EVAL_SAMPLES = 500;
const EVAL_EVERY_STEPS = 200;
/** Main-thread time an evaluation may take per frame; the rows per slice follow from it. */
const SLICE_MS = 6;
const MIN_ROWS = 10;
const QUALITY_COLUMNS = 4; // step, fd, min class share, agreement
const HEIGHT = 170;

/** Loads the judge (in the background: the page works without it) and builds the panel. */
export async function setupQuality(app, QualityJudge) {
  const q = {
    judge: null,
    chart: null,
    due: true,
    nextStep: 0,
    msPerRow: null,
    rows: 20,
    /** The evaluation under way: main-thread ms so far, slices, longest slice. */
    current: null,
    /** Finished evaluations: { step, ms, slices, maxSliceMs }, newest last (kept short). */
    timings: [],
    evaluations: 0,
  };
  app.quality = q;
  const hist = $('quality-hist');
  for (let d = 0; d < 10; d++) {
    const col = document.createElement('div');
    col.className = 'hist-col';
    col.innerHTML = `<div class="hist-bar-wrap"><div class="hist-bar" data-digit="${d}"></div></div><span>${d}</span>`;
    hist.append(col);
  }
  $('load-pretrained').addEventListener('click', () => loadPretrained(app));
  $('load-pretrained').disabled = false;
  q.chart = new uPlot(chartOptions(), [[], [], [], []], $('chart-fd'));
  const fit = () => {
    const width = Math.max(200, Math.floor($('chart-fd').clientWidth));
    if (width !== q.chart.width) q.chart.setSize({ width, height: HEIGHT });
  };
  new ResizeObserver(fit).observe($('chart-fd'));
  fit();
  try {
    q.judge = new QualityJudge(await fetchBytes(JUDGE_FILE));
    $('quality-status').textContent = `Judge: an MLP digit classifier, ${(100 * q.judge.accuracy()).toFixed(1)}% right on held-out digits. Scoring ${EVAL_SAMPLES} samples every ${EVAL_EVERY_STEPS} steps.`;
  } catch (err) {
    $('quality-status').textContent = 'The judge could not be loaded; quality is not measured.';
    app.showError(`Loading the judge: ${app.describe(err)}`, err);
  }
}

function chartOptions() {
  const fmt = (digits) => (u, v) => (v == null ? '–' : v.toFixed(digits));
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
      { label: 'step', value: (u, v) => (v == null ? '–' : fmtInt(v)) },
      { label: 'FD', stroke: '#7c3aed', width: 2, points: { show: true, size: 4 }, value: fmt(2) },
      { label: 'smallest digit share', stroke: '#0d9488', dash: [6, 3], scale: 'share', spanGaps: true, value: fmt(3) },
      { label: 'label agreement', stroke: '#ea580c', scale: 'share', spanGaps: true, value: fmt(3) },
    ],
  };
}

/** A new model (reset, load): its verdicts start over, and it is judged at once. */
export function qualityModelReplaced(app) {
  const q = app.quality;
  if (!q?.judge) return;
  q.judge.clear();
  q.current = null;
  q.due = true;
  drawQuality(app);
}

/** Called every frame: starts an evaluation when one is due, or runs a slice of one. */
export function tickQuality(app) {
  const q = app.quality;
  if (!q?.judge || app.broken) return;
  const steps = app.pg.steps();
  if (!q.judge.busy()) {
    if (!q.due && steps < q.nextStep) return;
    q.due = false;
    q.nextStep = steps + EVAL_EVERY_STEPS;
    if (!app.guard('Judging G', () => q.judge.begin(app.pg, EVAL_SAMPLES))) return;
    q.current = { step: steps, ms: 0, slices: 0, maxSliceMs: 0 };
  }
  const t0 = performance.now();
  let done = false;
  const rows = q.rows;
  app.guard('Judging G', () => {
    done = q.judge.advance(app.pg, rows);
  });
  const ms = performance.now() - t0;
  // Rows per slice from the measured cost per row, so a slice takes about SLICE_MS.
  const perRow = ms / rows;
  q.msPerRow = q.msPerRow == null ? perRow : 0.7 * q.msPerRow + 0.3 * perRow;
  q.rows = Math.max(MIN_ROWS, Math.min(EVAL_SAMPLES, Math.floor(SLICE_MS / Math.max(q.msPerRow, 1e-3))));
  if (!q.current) return;
  q.current.ms += ms;
  q.current.slices++;
  q.current.maxSliceMs = Math.max(q.current.maxSliceMs, ms);
  if (done) {
    q.timings.push(q.current);
    if (q.timings.length > 50) q.timings.shift();
    q.current = null;
    q.evaluations++;
    drawQuality(app);
  }
}

/** Histogram, warning, numbers and chart from the judge's last verdict and its history. */
function drawQuality(app) {
  const q = app.quality;
  const counts = q.judge.counts();
  const total = counts.reduce((a, b) => a + b, 0);
  const threshold = q.judge.constructor.vanished_share();
  const bars = $('quality-hist').querySelectorAll('.hist-bar');
  bars.forEach((bar, d) => {
    const share = total ? counts[d] / total : 0;
    // Full height is 25% of the samples; an even spread (10%) reaches 40% of it.
    bar.style.height = `${Math.min(100, (100 * share) / 0.25)}%`;
    bar.classList.toggle('vanished', total > 0 && share < threshold);
    bar.title = total ? `digit ${d}: ${(100 * share).toFixed(1)}% of ${total} samples` : '';
  });
  const vanished = Array.from(q.judge.vanished());
  const warning = $('quality-warning');
  warning.hidden = vanished.length === 0;
  if (vanished.length) {
    const list = vanished.length === 1 ? `digit ${vanished[0]} has` : `digits ${vanished.join(', ')} have`;
    warning.textContent = `Mode collapse: ${list} vanished (under ${100 * threshold}% of G’s samples).`;
  }
  const parts = [];
  if (total) {
    parts.push(`Fréchet distance <b>${q.judge.fd().toFixed(2)}</b>`);
    parts.push(`smallest digit share <b>${(100 * q.judge.min_class_share()).toFixed(1)}%</b>`);
    const a = q.judge.agreement();
    if (!Number.isNaN(a)) parts.push(`label agreement <b>${(100 * a).toFixed(1)}%</b>`);
    const last = q.timings[q.timings.length - 1];
    if (last) parts.push(`<span class="muted">at step ${fmtInt(last.step)}</span>`);
  }
  $('quality-numbers').innerHTML = parts.join(' · ');
  const len = q.judge.history_len();
  const rows = new Float32Array(app.wasm.memory.buffer, q.judge.history_ptr(), len);
  const n = len / QUALITY_COLUMNS;
  const cols = Array.from({ length: QUALITY_COLUMNS }, () => new Array(n));
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < QUALITY_COLUMNS; c++) {
      const v = rows[r * QUALITY_COLUMNS + c];
      cols[c][r] = Number.isNaN(v) ? null : v;
    }
  }
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
    const loaded = app.guard('Loading the pretrained model', () => app.pg.load_checkpoint(bytes));
    if (!loaded) return;
    const what = conditional ? 'conditional' : 'unconditional';
    app.modelReplaced(`pretrained ${what}, step ${fmtInt(app.pg.steps())}`);
    app.notify(`Loaded the pretrained ${what} model (step ${fmtInt(app.pg.steps())}). Train to keep going from there.`);
  } catch (err) {
    app.showError(`Loading the pretrained model: ${app.describe(err)}`, err);
  } finally {
    button.disabled = false;
  }
}
