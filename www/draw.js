// Draw and judge: a drawing pad (pointer events: mouse, touch, pen), the drawing turned
// into a 28×28 image the way MNIST's digits were made, D's live score of it (one bar, or
// one per claimed digit in conditional mode) against D's scores on real digits and on G's
// fakes (a histogram), a real digit to compare, and "Can D generate?": gradient ascent on
// the pixels that raises D's score but makes noise, not a digit.
// Its panel object, `pad` (main.js's PANELS): state (app.pad), setup, tick (D's verdict,
// asked before the frame's training).
import { fixed, onLangChange, percent, t } from './i18n.js';
import { drawSaturation } from './saturation.js';
import { $, IMAGE_DIM, IMAGE_SIDE, NUM_CLASSES, clamp, drawImage28, fmtNum } from './util.js';
import { isWorld } from './worlds/world.js';

/** MNIST fitted each digit's ink into 20×20, then centred it by mass in 28×28. */
const FIT = 20;
/** Ink below this (0–1) does not count towards the bounding box (antialiasing fringe). */
const INK_THRESHOLD = 0.15;
const ASCENT_STEPS = 100;
const ASCENT_STEPS_PER_FRAME = 4;
const ASCENT_STEP_SIZE = 0.05;
/** D's verdicts on this many real digits and fakes make the histogram, re-sampled at most this often. */
const SAMPLE_SIZE = 200;
const SAMPLE_EVERY_MS = 2000;
const HIST_BINS = 25;

/**
 * Turns ink (`width × height` values in 0..1, row-major) into what D reads: 784 floats
 * in [-1, 1]. The ink's bounding box is scaled to fit 20×20 keeping its aspect (area
 * averaging, i.e. antialiased), placed in the middle of 28×28, then shifted by whole
 * pixels so its centre of mass sits at the centre. Returns null for an empty drawing.
 */
export function mnistify(ink, width, height) {
  let x0 = width, y0 = height, x1 = -1, y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x] > INK_THRESHOLD) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  if (x1 < 0) return null;
  const bw = x1 - x0 + 1;
  const bh = y1 - y0 + 1;
  const scale = FIT / Math.max(bw, bh);
  const tw = clamp(Math.round(bw * scale), 1, FIT);
  const th = clamp(Math.round(bh * scale), 1, FIT);
  // Separable area resampling: columns first (bh × tw), then rows (th × tw).
  const wx = areaWeights(x0, bw, tw);
  const wy = areaWeights(y0, bh, th);
  const mid = new Float32Array(bh * tw);
  for (let y = 0; y < bh; y++) {
    const row = (y0 + y) * width;
    for (let t = 0; t < tw; t++) {
      let s = 0;
      for (const [x, w] of wx[t]) s += w * ink[row + x];
      mid[y * tw + t] = s;
    }
  }
  const small = new Float32Array(th * tw);
  for (let t = 0; t < th; t++) {
    for (let x = 0; x < tw; x++) {
      let s = 0;
      for (const [y, w] of wy[t]) s += w * mid[(y - y0) * tw + x];
      small[t * tw + x] = Math.min(1, s);
    }
  }
  // Centre of mass of the fitted ink, placed in the middle of the 28×28 field.
  const ox = Math.floor((IMAGE_SIDE - tw) / 2);
  const oy = Math.floor((IMAGE_SIDE - th) / 2);
  let mass = 0, mx = 0, my = 0;
  for (let y = 0; y < th; y++) {
    for (let x = 0; x < tw; x++) {
      const v = small[y * tw + x];
      mass += v;
      mx += v * (ox + x);
      my += v * (oy + y);
    }
  }
  const centre = (IMAGE_SIDE - 1) / 2;
  // Shift by whole pixels, but never push ink off the field.
  const dx = mass > 0 ? clamp(Math.round(centre - mx / mass), -ox, IMAGE_SIDE - tw - ox) : 0;
  const dy = mass > 0 ? clamp(Math.round(centre - my / mass), -oy, IMAGE_SIDE - th - oy) : 0;
  const out = new Float32Array(IMAGE_DIM).fill(-1);
  for (let y = 0; y < th; y++) {
    for (let x = 0; x < tw; x++) {
      out[(oy + dy + y) * IMAGE_SIDE + ox + dx + x] = 2 * small[y * tw + x] - 1;
    }
  }
  return out;
}

/** For each of `n` output cells over source pixels [start, start + len): [[pixel, weight]…]. */
function areaWeights(start, len, n) {
  const span = len / n; // source pixels per output cell
  return Array.from({ length: n }, (_, t) => {
    const a = t * span;
    const b = a + span;
    const ws = [];
    // min(): rounding can put b a hair past the end.
    for (let k = Math.floor(a); k < Math.min(len, Math.ceil(b)); k++) {
      const overlap = Math.min(b, k + 1) - Math.max(a, k);
      if (overlap > 0) ws.push([start + k, overlap / span]);
    }
    return ws;
  });
}

/** The pad's and D's verdict's part of the page's state (this panel's `state`, which main.js puts on `app`). */
const padState = () => ({
  pad: { image: null, source: 'empty', fromPad: false, dirty: true, brush: 18, score: null, labelScores: null, ascent: null, lastAscent: null, scoring: false, scoreLog: [] },
});

/** Sets up the pad's pointer handling and tools. */
function setupPad(app) {
  const pad = $('pad');
  const ctx = pad.getContext('2d', { willReadFrequently: true });
  clearPad(app);
  let last = null;
  const pos = (e) => {
    const r = pad.getBoundingClientRect();
    return [((e.clientX - r.left) / r.width) * pad.width, ((e.clientY - r.top) / r.height) * pad.height];
  };
  const stroke = (from, to) => {
    ctx.strokeStyle = '#fff';
    ctx.fillStyle = '#fff';
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.lineWidth = app.pad.brush;
    ctx.beginPath();
    ctx.moveTo(...from);
    ctx.lineTo(...to);
    ctx.stroke();
  };
  pad.addEventListener('pointerdown', (e) => {
    if (e.button !== 0 && e.pointerType === 'mouse') return;
    e.preventDefault();
    pad.setPointerCapture(e.pointerId);
    stopAscent(app);
    last = pos(e);
    stroke(last, last);
    padChanged(app);
  });
  pad.addEventListener('pointermove', (e) => {
    if (!last) return;
    for (const ev of e.getCoalescedEvents?.() ?? [e]) {
      const p = pos(ev);
      stroke(last, p);
      last = p;
    }
    padChanged(app);
  });
  const end = () => {
    last = null;
  };
  pad.addEventListener('pointerup', end);
  pad.addEventListener('pointercancel', end);
  $('pad-clear').addEventListener('click', () => {
    stopAscent(app);
    clearPad(app);
  });
  const brush = $('brush');
  const setBrush = () => {
    app.pad.brush = Number(brush.value);
    $('brush-value').value = t('pad.brush.value', { px: brush.value });
  };
  brush.addEventListener('input', setBrush);
  setBrush();
  showWords(app);
  // A language switch redraws the verdict's words, the histogram's and the ascent's.
  onLangChange(() => {
    setBrush();
    showWords(app);
    drawScoreHistogram(app);
    showAscent(app);
  });
  $('ascend').addEventListener('click', () => startAscent(app));
  $('pad-real').addEventListener('click', () =>
    app.guard('what.realDigit', async () => {
      stopAscent(app);
      const { index, label, image } = await app.engine.randomTrainingImage();
      loadOntoPad(app, image, 'real');
      app.pad.real = { index, label };
    }),
  );
}

export function clearPad(app) {
  const ctx = $('pad').getContext('2d', { willReadFrequently: true });
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, $('pad').width, $('pad').height);
  app.pad.image = null;
  app.pad.source = 'empty';
  app.pad.dirty = true;
}

/** The pad's pixels changed by hand: re-read them on the next frame. */
function padChanged(app) {
  app.interacted();
  app.pad.source = 'pad';
  app.pad.fromPad = true;
  app.pad.dirty = true;
}

/**
 * Puts a 28×28 image (floats in [-1, 1]) on the pad, scaled up, and judges it exactly as
 * it is (no re-fitting) until it is drawn on. `smooth` blurs the upscale (G's digits);
 * without it every pixel shows (the ascent's noise).
 */
export function loadOntoPad(app, image, source, smooth = true) {
  const small = document.createElement('canvas');
  small.width = small.height = IMAGE_SIDE;
  drawImage28(small, image);
  const pad = $('pad');
  const ctx = pad.getContext('2d', { willReadFrequently: true });
  ctx.imageSmoothingEnabled = smooth;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(small, 0, 0, pad.width, pad.height);
  app.pad.image = Float32Array.from(image);
  app.pad.source = source;
  app.pad.fromPad = false;
  app.pad.dirty = true;
}

/**
 * Reads the pad when it changed and asks D for its verdict (one question at a time: a
 * change while D is answering is scored after), or advances a running ascent.
 */
function tickPad(app, rescore) {
  const state = app.pad;
  if (state.scoring) return;
  if (state.ascent) {
    state.scoring = true;
    stepAscent(app).finally(() => (state.scoring = false));
    return;
  }
  if (state.dirty && state.fromPad) {
    const pad = $('pad');
    const { data } = pad.getContext('2d', { willReadFrequently: true }).getImageData(0, 0, pad.width, pad.height);
    const ink = new Float32Array(pad.width * pad.height);
    for (let i = 0; i < ink.length; i++) ink[i] = data[i * 4] / 255;
    state.image = mnistify(ink, pad.width, pad.height);
    if (!state.image) state.source = 'empty';
  }
  if (state.dirty || rescore) {
    state.dirty = false;
    state.scoring = true;
    showJudgement(app).finally(() => (state.scoring = false));
  } else if (sampleDue(app)) {
    state.scoring = true;
    refreshSample(app).finally(() => (state.scoring = false));
  }
}

/** D's verdicts on real digits and fakes are re-sampled when D or G moved, at most every SAMPLE_EVERY_MS. */
function sampleDue(app) {
  const state = app.pad;
  if (app.flat.conditional) return false;
  const sample = state.sample;
  return !sample || (sample.version !== app.modelVersion && performance.now() - state.sampleAt >= SAMPLE_EVERY_MS);
}

async function refreshSample(app) {
  const state = app.pad;
  state.sampleAt = performance.now();
  await app.guard('what.sample', async () => {
    state.sample = await app.engine.scoreSample(SAMPLE_SIZE);
  });
  drawScoreHistogram(app);
  drawSaturation(app);
}

/**
 * The drawing's score against the distributions it belongs to, as the tutorials draw the
 * game in one dimension: D's scores on a sample of real digits and of G's fakes as two
 * histograms over [0, 1], the drawing's score a line across them.
 */
export function drawScoreHistogram(app) {
  const state = app.pad;
  const box = $('score-hist-box');
  box.hidden = Boolean(app.flat.conditional) || !state.sample;
  showMine(app);
  if (box.hidden) return;
  const { real, fake } = state.sample;
  const canvas = $('score-hist');
  const ctx = canvas.getContext('2d');
  const { width: w, height: h } = canvas;
  const axis = 16;
  const bins = (xs) => {
    const out = new Array(HIST_BINS).fill(0);
    for (const x of xs) out[Math.min(HIST_BINS - 1, Math.floor(x * HIST_BINS))]++;
    return out;
  };
  const [r, f] = [bins(real), bins(fake)];
  const top = Math.max(1, ...r, ...f);
  ctx.clearRect(0, 0, w, h);
  const bw = w / HIST_BINS;
  for (const [counts, colour] of [[r, 'rgba(13, 148, 136, 0.55)'], [f, 'rgba(219, 39, 119, 0.55)']]) {
    ctx.fillStyle = colour;
    counts.forEach((c, i) => {
      const bh = ((h - axis - 4) * c) / top;
      ctx.fillRect(i * bw + 1, h - axis - bh, bw - 2, bh);
    });
  }
  ctx.fillStyle = '#6b7280';
  ctx.fillRect(0, h - axis, w, 1);
  ctx.font = '10px system-ui, sans-serif';
  ctx.textBaseline = 'top';
  for (const [v, align] of [[0, 'left'], [0.5, 'center'], [1, 'right']]) {
    ctx.textAlign = align;
    ctx.fillText(v === 0.5 ? '½' : String(v), v * w, h - axis + 3);
  }
  if (state.score != null) {
    const x = Math.min(w - 1, Math.max(1, state.score * w));
    ctx.fillStyle = '#111827';
    ctx.fillRect(x - 1, 2, 2, h - axis - 2);
  }
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const [mr, mf] = [mean(real), mean(fake)];
  const share = state.score == null ? null : real.filter((v) => v < state.score).length / real.length;
  const what = t(state.source === 'real' ? 'pad.where.real' : state.source === 'g' ? 'pad.where.g' : 'pad.where.drawing');
  const where = share == null ? '' : t('pad.where', { what, share: percent(share, 0) });
  const balanced = Math.abs(mr - mf) < 0.15 && Math.abs(mr - 0.5) < 0.2;
  const means = { real: fmtNum(mr, 2), fake: fmtNum(mf, 2) };
  $('score-hist-words').textContent = t(balanced ? 'pad.balanced' : mr > mf ? 'pad.apart' : 'pad.averages', means) + where;
  showMine(app);
}

/** The histogram caption's name for what is on the pad. */
function showMine(app) {
  const state = app.pad;
  $('score-hist-mine').textContent = state.source === 'real' && state.real
    ? t('pad.mine.real', { label: state.real.label, index: state.real.index })
    : t(state.source === 'g' ? 'pad.mine.g' : 'pad.mine.drawing');
}

/** Draws what D sees, asks D, and shows its verdict(s). */
async function showJudgement(app) {
  const state = app.pad;
  const small = $('pad-small');
  const img = state.image ?? new Float32Array(IMAGE_DIM).fill(-1);
  drawImage28(small, img);
  const conditional = app.flat.conditional;
  $('score-labels').hidden = !conditional;
  if (!state.image) {
    state.score = null;
    state.labelScores = null;
    setScore(app, null, { key: 'pad.emptyDrag' });
    if (conditional) renderLabelBars(null);
    drawScoreHistogram(app);
    return;
  }
  const started = performance.now();
  await app.guard('what.score', async () => {
    if (conditional) {
      const ps = Array.from(await app.engine.scoreLabels(img));
      const best = ps.indexOf(Math.max(...ps));
      state.labelScores = ps;
      state.score = ps[best];
      setScore(app, ps[best], { key: 'pad.bestGuess', params: { digit: best, p: ps[best] } });
      renderLabelBars(ps);
    } else {
      state.score = await app.engine.score(img, -1);
      state.labelScores = null;
      setScore(app, state.score, { key: verdict(state.score) });
    }
  });
  drawScoreHistogram(app);
  // When each verdict was asked for and shown (the bench times pad-to-score from it).
  state.scoreLog.push([started, performance.now()]);
  if (state.scoreLog.length > 500) state.scoreLog.shift();
}

/** The catalogue key of D's verdict in words for score `p`. */
const verdict = (p) => (p > 0.8 ? 'pad.sureReal' : p > 0.5 ? 'pad.leanReal' : p > 0.2 ? 'pad.leanFake' : 'pad.sureFake');

/** Shows score `p` and `words` ({ key, params }: drawn again in a new language). */
function setScore(app, p, words) {
  $('score-value').value = p == null ? '–' : fixed(p, 3);
  $('score-bar').style.width = `${p == null ? 0 : Math.round(p * 100)}%`;
  app.pad.words = words;
  showWords(app);
}

function showWords(app) {
  const { key, params = {} } = app.pad.words ?? { key: 'pad.empty' };
  const p = params.p == null ? params : { ...params, p: fmtNum(params.p, 2) };
  $('score-words').textContent = t(key, p);
}

function renderLabelBars(ps) {
  const box = $('score-labels');
  if (box.children.length !== NUM_CLASSES) {
    box.replaceChildren(
      ...Array.from({ length: NUM_CLASSES }, (_, d) => {
        const row = document.createElement('div');
        row.className = 'label-bar';
        row.innerHTML = `<span class="digit">${d}</span><div class="bar"><div class="bar-fill"></div></div><span class="p">–</span>`;
        return row;
      }),
    );
  }
  [...box.children].forEach((row, d) => {
    const p = ps ? ps[d] : null;
    row.querySelector('.bar-fill').style.width = `${p == null ? 0 : Math.round(p * 100)}%`;
    row.querySelector('.p').textContent = fmtNum(p, 2);
  });
}

/** Starts gradient ascent on D's score from the current drawing (blank if none). */
async function startAscent(app) {
  const state = app.pad;
  const image = Float32Array.from(state.image ?? new Float32Array(IMAGE_DIM).fill(-1));
  $('ascend').disabled = true;
  let label = -1;
  if (app.flat.conditional) {
    const ok = await app.guard('what.ascent', async () => {
      const ps = Array.from(await app.engine.scoreLabels(image));
      label = ps.indexOf(Math.max(...ps));
    });
    if (!ok) return stopAscent(app);
  }
  state.ascent = { image, label, left: ASCENT_STEPS, scores: [] };
}

/** A few steps of the ascent (one engine call), then the pad shows where it got. */
async function stepAscent(app) {
  const state = app.pad;
  const a = state.ascent;
  const n = Math.min(ASCENT_STEPS_PER_FRAME, a.left);
  const ok = await app.guard('what.ascent', async () => {
    const r = await app.engine.ascend(a.image, a.label, ASCENT_STEP_SIZE, n);
    a.image = r.image;
    a.scores.push(...r.scores);
    a.left -= n;
  });
  const done = !ok || a.left === 0;
  if (done) await app.guard('what.ascent', async () => a.scores.push(await app.engine.score(a.image, a.label)));
  if (state.ascent !== a) return; // stopped meanwhile (a new drawing)
  loadOntoPad(app, a.image, 'ascent', false);
  state.dirty = false;
  await showJudgement(app);
  const first = a.scores[0];
  const last = a.scores[a.scores.length - 1];
  state.ascentShown = { done: ASCENT_STEPS - a.left, label: a.label, first, last };
  showAscent(app);
  if (done) {
    state.lastAscent = { first, last, steps: a.scores.length - 1 };
    stopAscent(app);
  }
}

/** The ascent's progress line, from the last numbers shown. */
function showAscent(app) {
  const s = app.pad.ascentShown;
  if (!s) return;
  const as = s.label >= 0 ? t('pad.ascend.as', { digit: s.label }) : '';
  $('ascend-status').value = t('pad.ascend.status', { done: s.done, total: ASCENT_STEPS, as, first: fmtNum(s.first), last: fmtNum(s.last) });
}

function stopAscent(app) {
  app.pad.ascent = null;
  $('ascend').disabled = false;
}

/** The pad's face as a panel of the page (main.js's PANELS). */
export const pad = {
  state: padState,
  setup: setupPad,
  /** The pad is the digits': a world has none. */
  tick(app, { due }) {
    if (!isWorld(app.flat.world)) tickPad(app, due.history);
  },
};
