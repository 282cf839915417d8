// Explore G's noise: pick a grid digit to get its z; five sliders move z along fixed
// random unit directions and G redraws it live; A and B give the interpolation strip
// between two noise vectors; and the nearest training image (pixel distance) shows that
// G makes new digits rather than copying them.
// Its panel object, `explore` (main.js's PANELS): state (app.explore), setup, tick
// (G's explored digit, asked before the frame's training).
import { drawGridView } from './grid.js';
import { fixed, onLangChange, t } from './i18n.js';
import { $, IMAGE_DIM, drawImage28, drawTiles, fmtNum, unitDirections } from './util.js';
import { isWorld } from './worlds/world.js';

const DIRECTIONS = 5;
const SLIDER_RANGE = 3;
const INTERP_STEPS = 10;
/** The nearest-neighbour search reads every training image: not more often than this
 * (ms), and more rarely while training, when it competes with the training steps. */
const NEAREST_EVERY_MS = 500;
const NEAREST_TRAINING_MS = 2000;

/** The explorer's part of the page's state (this panel's `state`, which main.js puts on `app`). */
const exploreState = () => ({
  explore: { index: null, z: null, label: 0, offsets: new Array(DIRECTIONS).fill(0), dirs: [], a: null, b: null, image: null, nearest: null, nearestAt: -Infinity, dirty: false, nearestDirty: false, interpDirty: false, interp: null, busy: false },
});

function setupExplore(app) {
  const box = $('z-sliders');
  for (let k = 0; k < DIRECTIONS; k++) {
    const label = document.createElement('label');
    label.innerHTML = '<span class="z-dir-name"></span>';
    label.firstChild.dataset.k = String(k + 1);
    const input = document.createElement('input');
    Object.assign(input, { type: 'range', min: -SLIDER_RANGE, max: SLIDER_RANGE, step: 0.1, value: 0, id: `z-dir-${k}` });
    const out = document.createElement('output');
    out.value = '0.0';
    input.addEventListener('input', () => {
      app.explore.offsets[k] = Number(input.value);
      out.value = fixed(Number(input.value), 1);
      app.explore.dirty = true;
      app.explore.nearestDirty = true;
      app.interacted();
    });
    label.append(input, out);
    box.append(label);
  }
  $('set-a').addEventListener('click', () => setEnd(app, 'a'));
  $('set-b').addEventListener('click', () => setEnd(app, 'b'));
  $('z-zero').addEventListener('click', () => {
    app.explore.offsets.fill(0);
    syncSliders(app);
    app.explore.dirty = app.explore.nearestDirty = true;
  });
  captions(app);
  onLangChange(() => captions(app));
}

/** The panel's words, from what it shows (again after a language switch). */
function captions(app) {
  const ex = app.explore;
  for (const span of document.querySelectorAll('#z-sliders .z-dir-name')) span.textContent = t('explore.direction', { k: span.dataset.k });
  $('explore-caption').textContent = !ex.captioned
    ? t('explore.caption.none')
    : t('explore.caption', {
      index: ex.captioned.index,
      digit: ex.captioned.told == null ? '' : t('explore.caption.told', { label: ex.captioned.told }),
      moved: ex.captioned.moved ? t('explore.caption.moved') : '',
    });
  $('nearest-caption').textContent = ex.nearest
    ? t('explore.nearest.found', { label: ex.nearest.label, index: ex.nearest.index, rms: fmtNum(ex.nearest.rms, 2) })
    : t('explore.nearest');
  const { a, b, interp } = ex;
  const caption = $('interp-caption');
  if (interp && a && b) caption.textContent = t('explore.interp.caption', { a: interp.a, b: interp.b, n: interp.steps });
  else if (a && !b) caption.textContent = t('explore.pickB', { a: a.index });
  else if (!a) caption.textContent = t('explore.pickAB');
  // A and B both set, their strip not drawn yet: the caption changes when it is.
}

/** New networks or noise: fresh directions; the picked cell keeps its place, A and B go. */
export function resetExplore(app) {
  const ex = app.explore;
  ex.dirs = unitDirections(app.flat.seed, DIRECTIONS, app.flat.noise_dim);
  ex.a = ex.b = null;
  if (ex.index != null) app.guard('what.pick', () => pickCell(app, ex.index));
  ex.interpDirty = true;
}

/**
 * A digit picked with the pointer: the panel that now shows it may be far below the grid,
 * so it comes into view (smoothly, unless the visitor asks for reduced motion) and takes
 * the focus (its heading), as a link to a section on the page would. The keyboard's
 * picks (arrows on the grid) stay on the grid.
 */
export function revealExplore() {
  const panel = $('explore-h').closest('section');
  if (panel.offsetParent == null) return; // not shown (a teacher's link, a world)
  const top = parseFloat(getComputedStyle(panel).scrollMarginTop) || 0;
  const r = panel.getBoundingClientRect();
  // In sight enough when its heading and the picked digit's row are on screen.
  const inView = r.top >= top - 12 && r.top + Math.min(r.height, 240) <= window.innerHeight;
  const reduced = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  if (!inView) panel.scrollIntoView({ behavior: reduced ? 'auto' : 'smooth', block: 'start' });
  $('explore-h').focus({ preventScroll: true });
}

/** Selects grid cell `index` (0–99); with `asB`, it becomes B of the interpolation. */
export function selectCell(app, index, asB = false) {
  const ex = app.explore;
  return app.guard('what.pick', async () => {
    await pickCell(app, index);
    if (asB) setEnd(app, 'b');
    else if (!ex.a) setEnd(app, 'a');
  });
}

async function pickCell(app, index) {
  const ex = app.explore;
  ex.index = index;
  drawGridView(app); // the outline moves at once; the digit follows when the engine answers
  const cell = await app.engine.gridCell(index);
  if (ex.index !== index) return; // another pick meanwhile
  ex.z = Float32Array.from(cell.z);
  ex.label = cell.label;
  ex.offsets.fill(0);
  syncSliders(app);
  ex.dirty = ex.nearestDirty = true;
  $('explore-empty').hidden = true;
  $('explore-body').hidden = false;
  drawGridView(app);
}

function syncSliders(app) {
  app.explore.offsets.forEach((v, k) => {
    const input = $(`z-dir-${k}`);
    input.value = v;
    input.nextElementSibling.value = fixed(v, 1);
  });
}

/** The picked z moved along the directions by the sliders. */
function currentZ(ex) {
  const z = Float32Array.from(ex.z);
  ex.offsets.forEach((s, k) => {
    if (s !== 0) for (let i = 0; i < z.length; i++) z[i] += s * ex.dirs[k][i];
  });
  return z;
}

function setEnd(app, which) {
  const ex = app.explore;
  if (ex.z == null) return;
  ex[which] = { index: ex.index, z: currentZ(ex), label: ex.label, moved: ex.offsets.some((v) => v !== 0) };
  drawGridView(app);
  ex.interpDirty = true;
}

/** The digit the pad should judge: the picked one as G draws it now. */
export const pickedImage = (app) => app.explore.image;

/**
 * Redraws what changed: the picked digit (sliders, or G learned), its nearest training
 * image (throttled), and the A→B strip when `modelChanged`. One engine question at a
 * time; what changes meanwhile is drawn after.
 */
function tickExplore(app, now, modelChanged) {
  const ex = app.explore;
  if (ex.z == null && !ex.interpDirty) return;
  if (modelChanged && ex.z != null) ex.dirty = ex.nearestDirty = ex.interpDirty = true;
  if (ex.busy) return;
  ex.busy = true;
  redraw(app, now).finally(() => (ex.busy = false));
}

async function redraw(app, now) {
  const ex = app.explore;
  if (ex.dirty && ex.z != null) {
    ex.dirty = false;
    await app.guard('what.picked', async () => {
      ex.image = await app.engine.generate(currentZ(ex), Uint8Array.of(ex.label));
      drawImage28($('explore-img'), ex.image);
      ex.captioned = { index: ex.index, told: app.flat.conditional ? ex.label : null, moved: ex.offsets.some((v) => v !== 0) };
      captions(app);
    });
  }
  const every = app.running ? NEAREST_TRAINING_MS : NEAREST_EVERY_MS;
  if (ex.nearestDirty && ex.image && now - ex.nearestAt >= every) {
    ex.nearestDirty = false;
    ex.nearestAt = now;
    await app.guard('what.nearest', async () => {
      const image = ex.image;
      const { index, label, image: real } = await app.engine.nearest(image);
      let sq = 0;
      for (let i = 0; i < IMAGE_DIM; i++) sq += (real[i] - image[i]) ** 2;
      ex.nearest = { index, label, rms: Math.sqrt(sq / IMAGE_DIM) };
      drawImage28($('nearest-img'), real);
      captions(app);
    });
  }
  if (ex.interpDirty) {
    ex.interpDirty = false;
    await showInterp(app);
  }
}

/** Draws G's images along the straight line from A's z to B's (labels: A's, then B's). */
async function showInterp(app) {
  const { a, b } = app.explore;
  const canvas = $('interp');
  if (!a || !b) {
    canvas.hidden = true;
    app.explore.interp = null;
    captions(app);
    return;
  }
  await app.guard('what.interp', async () => {
    const dim = a.z.length;
    const zs = new Float32Array(INTERP_STEPS * dim);
    const labels = new Uint8Array(INTERP_STEPS);
    for (let s = 0; s < INTERP_STEPS; s++) {
      const t = s / (INTERP_STEPS - 1);
      for (let i = 0; i < dim; i++) zs[s * dim + i] = (1 - t) * a.z[i] + t * b.z[i];
      labels[s] = t < 0.5 ? a.label : b.label;
    }
    const images = await app.engine.generate(zs, labels);
    drawTiles(canvas, images, INTERP_STEPS, 1);
    canvas.hidden = false;
    app.explore.interp = { steps: INTERP_STEPS, a: a.index, b: b.index };
    captions(app);
  });
}

/** The explorer's face as a panel of the page (main.js's PANELS). */
export const explore = {
  state: exploreState,
  setup: setupExplore,
  /** The explorer is the digits': a world has none. */
  tick(app, { now, due }) {
    if (!isWorld(app.flat.world)) tickExplore(app, now, due.history);
  },
};
