// ganplay's page: boots the wasm playground on the built-in MNIST sample, keeps the page's
// state, wires the training controls and the settings, and runs the one
// requestAnimationFrame loop: throttled drawing first, then as many training steps as fit
// the rest of the frame's time budget, so the page stays responsive while G and D learn.
import { readSavedRun, saveNow, setupAutosave, tickAutosave } from './autosave.js';
import { createCharts, updateCharts } from './charts.js';
import { loadOntoPad, setupPad, tickJudge } from './draw.js';
import { highlight, setTraining, showStats } from './explain.js';
import { pickedImage, resetExplore, selectCell, setupExplore, tickExplore } from './explore.js';
import { setupErrors } from './errors.js';
import { setupFiles, showDataSource } from './files.js';
import { qualityModelReplaced, setupQuality, tickQuality } from './judge.js';
import { cellAt, clearStrip, drawGridView, isMilestone, nextMilestone, renderGrid, setRowLabels, snapshot } from './grid.js';
import {
  FIELDS, FIELD_BY_KEY, archDiffers, defaultLr, format, fromConfig, fromQuery, parse, recipe, toJson, toQuery,
} from './settings.js';
import { setupRecovery } from './recovery.js';
import { $, IMAGE_DIM, IMAGE_SIDE, drawImage28, fetchGz, fmtInt } from './util.js';
import { BUILDS, startBuild } from './wasm-build.js';

const DATA = {
  images: 'www/data/mnist-10k-images-idx3-ubyte.gz',
  labels: 'www/data/mnist-10k-labels-idx1-ubyte.gz',
};
/** Redraw the grid at most 10×/s, the charts and counters at most 4×/s. */
const GRID_EVERY_MS = 100;
const CHARTS_EVERY_MS = 250;
/** While training, drawing may take about this share of the time; the rest trains. */
const DRAW_SHARE = 0.1;
const MAX_PHASES_PER_FRAME = 3000;
/** The number of the phase that completes a training step (Playground.advance). */
const LAST_PHASE = 5;
/** No phase's cost measured yet: slots 1…LAST_PHASE (slot 0 unused). */
const unmeasuredPhases = () => Array(LAST_PHASE + 1).fill(null);
/** Steps per second are measured over this window. */
const SPS_WINDOW_MS = 1500;
/** A pointer must move this far (px) on the grid before it counts as a drag. */
const DRAG_START_PX = 6;
/** Dragging within this many px of the window's edge scrolls, up to this many px a frame. */
const AUTOSCROLL_EDGE_PX = 60;
const AUTOSCROLL_PX = 18;

const app = {
  ready: false,
  wasm: null,
  pg: null,
  /** Settings in force, flat (see settings.js); `defaults` are GanConfig's. */
  flat: null,
  defaults: null,
  running: false,
  /** After a wasm panic nothing may touch the playground again. */
  broken: false,
  /**
   * Training time per animation frame (the speed control). 14 ms leaves a 60 Hz frame
   * room for drawing and the browser's own work: measured here, p95 frame time stayed at
   * 16.7 ms with 14 and went to 33 ms with 16 (`make bench`, README).
   */
  budgetMs: 14,
  /** Measured ms per phase of a step, indexed 1–5 (moving averages; null until measured). */
  phaseMs: unmeasuredPhases(),
  /** Their sum: ms per step. */
  msPerStep: null,
  /** Steps completed and phases run in the last training frame. */
  lastChunk: 0,
  lastPhases: 0,
  sps: 0,
  spsLog: [],
  /** Work time (ms) of recent frames, for the tests and the status line. */
  frameMs: [],
  /** The model just reached a film-strip milestone step. */
  snapshotDue: false,
  /** Bumped whenever the model changes; views redraw when theirs lags behind. */
  modelVersion: 0,
  gridVersion: -1,
  gridStep: 0,
  gridAt: -Infinity,
  gridCost: 0,
  chartsVersion: -1,
  chartsAt: -Infinity,
  chartsCost: 0,
  charts: null,
  snapshots: [],
  explain: { log: [] },
  judge: { image: null, source: 'empty', fromPad: false, dirty: true, brush: 18, score: null, labelScores: null, ascent: null, lastAscent: null },
  explore: { index: null, z: null, label: 0, offsets: new Array(5).fill(0), dirs: [], a: null, b: null, image: null, nearest: null, nearestAt: -Infinity, dirty: false, nearestDirty: false, interp: null },
  /** A digit being dragged from the grid: { cell, x, y, ghost, image, scroll }. */
  drag: null,
  builtin: null,
  /** The wasm build in use ('relaxed-simd' or 'simd128'), and whether the address asked for it. */
  build: null,
  buildRequested: null,
  dataSource: 'built-in MNIST',
  errors: [],
  notices: [],
};

// ---- messages ---------------------------------------------------------------------------

/** A readable message for anything thrown, wasm traps included. */
app.describe = (err) => {
  if (err instanceof WebAssembly.RuntimeError) return `internal error in the wasm module (${err.message}).`;
  const msg = err?.message ?? String(err);
  return /[.!?]$/.test(msg) ? msg : `${msg}.`;
};

app.showError = (message, err) => {
  app.errors.push(message);
  $('error-text').textContent = message;
  $('error-banner').hidden = false;
  if (err) console.warn(message, err);
};

app.notify = (message) => {
  app.notices.push(message);
  $('notice-text').textContent = message;
  $('notice').hidden = false;
};

/**
 * Runs `fn`, showing any error in the banner as "`what`: reason". A wasm trap (a panic:
 * `RuntimeError: unreachable`) leaves the playground unusable, so it also stops training
 * for good. Returns true on success (a Promise of it when `fn` is async).
 */
app.guard = (what, fn) => {
  const fail = (err) => {
    if (err instanceof WebAssembly.RuntimeError) {
      app.onPanic(what, err); // errors.js
    } else {
      app.showError(`${what}: ${app.describe(err)}`, err);
    }
    return false;
  };
  try {
    const r = fn();
    if (r && typeof r.then === 'function') return r.then(() => true, fail);
    return true;
  } catch (err) {
    return fail(err);
  }
};

// ---- counters, status, URL -------------------------------------------------------------

function showCounters() {
  const { pg } = app;
  $('count-step').textContent = fmtInt(pg.steps());
  $('count-epoch').textContent = fmtInt(pg.epoch());
  $('count-images').textContent = fmtInt(pg.images_seen());
  $('count-sps').textContent = app.running ? app.sps.toFixed(app.sps < 10 ? 1 : 0) : '–';
  $('count-d').textContent = fmtInt(pg.d_updates());
  $('count-g').textContent = fmtInt(pg.g_updates());
  showStats(pg.last_stats());
  $('status').textContent = app.broken
    ? 'Stopped after an internal error: reload the page.'
    : app.running
      ? `Training: ${app.lastPhases} phase${app.lastPhases === 1 ? '' : 's'} per frame (a step is ${3 * (app.flat?.d_steps ?? 1) + 2} phases, ${app.msPerStep?.toFixed(1) ?? '–'} ms).`
      : 'Paused. Press Train, or step by hand.';
}

function measureSps(now) {
  app.spsLog.push([now, app.pg.steps()]);
  while (app.spsLog.length > 2 && now - app.spsLog[0][0] > SPS_WINDOW_MS) app.spsLog.shift();
  const [t0, s0] = app.spsLog[0];
  app.sps = now > t0 ? ((app.pg.steps() - s0) * 1000) / (now - t0) : 0;
}

function writeUrl() {
  let query = toQuery(app.flat, app.defaults);
  if (app.buildRequested) query += `&wasm=${encodeURIComponent(app.buildRequested)}`;
  history.replaceState(null, '', `${location.pathname}?${query}${location.hash}`);
}

// ---- settings form ---------------------------------------------------------------------

function writeControl(field) {
  const el = $(field.el);
  const value = app.flat[field.key];
  if (field.type === 'bool') el.checked = value;
  else el.value = field.type === 'list' ? value.join(', ') : format(field, value);
}

/** Shows the settings in force; the seed field only when asked (it may hold a seed typed for the next Reset). */
function syncForm({ seed = false } = {}) {
  for (const f of FIELDS) if (seed || f.key !== 'seed') writeControl(f);
  for (const n of ['g', 'd']) {
    const sgd = app.flat[`${n}_kind`] === 'sgd';
    $(`${n}-opt`).closest('fieldset').classList.toggle('is-sgd', sgd);
  }
  const wrongLabels = app.flat.conditional && app.flat.d_mismatch > 0;
  $('gan-step-1-wrong').hidden = !wrongLabels;
  $('value-fn-wrong').hidden = !wrongLabels;
}

/** The seed field's value, or null (with a message) when it cannot be read. */
function readSeed() {
  const f = FIELD_BY_KEY.seed;
  const r = parse(f, $('seed').value);
  if (r.error) {
    app.notify(`${r.error} Kept ${app.flat.seed}.`);
    writeControl(f);
    return null;
  }
  if (r.message) app.notify(r.message);
  return r.value;
}

/** Applies a recipe's training settings (the weights stay). */
function applyRecipe(name) {
  const next = { ...app.flat, ...recipe(name, app.defaults) };
  const ok = app.guard('Changing the recipe', () => {
    app.pg.set_hyperparameters(toJson(next));
    app.flat = fromConfig(JSON.parse(app.pg.config_json()));
  });
  syncForm();
  if (!ok) return;
  writeUrl();
  app.notify(name === 'tuned'
    ? 'Tuned recipe: Adam at the default learning rates, label smoothing and instance noise on.'
    : 'Textbook recipe: Adam lr 0.0002, β₁ 0.5, no label smoothing, no instance noise.');
}

/** A settings control changed: check it, then apply it (asking first if it re-initialises). */
function applyField(field) {
  const el = $(field.el);
  const r = parse(field, field.type === 'bool' ? (el.checked ? '1' : '0') : el.value);
  if (r.error) {
    app.notify(`${r.error} Kept ${format(field, app.flat[field.key])}.`);
    writeControl(field);
    return;
  }
  const next = structuredClone(app.flat);
  next[field.key] = r.value;
  const messages = r.message ? [r.message] : [];
  const kind = field.key.match(/^([gd])_kind$/);
  if (kind && r.value !== app.flat[field.key]) {
    const lr = defaultLr(r.value, app.defaults, kind[1]);
    next[`${kind[1]}_lr`] = lr;
    messages.push(`${kind[1].toUpperCase()}'s learning rate set to ${lr}, a usual start for ${r.value === 'sgd' ? 'SGD' : 'Adam'}.`);
  }
  if (field.arch && archDiffers(next, app.flat)) {
    const seed = readSeed();
    if (seed == null) return writeControl(field);
    next.seed = seed;
    const ok = window.confirm(
      `Changing ${field.label} builds new networks: G and D start again from random weights (seed ${seed}), and the charts and film strip start over. Continue?`,
    );
    if (!ok) return writeControl(field);
    app.guard(`Changing ${field.label}`, () => {
      app.pg.reset(toJson(next));
      modelReplaced('step 0');
    }) || writeControl(field);
  } else {
    const ok = app.guard(`Changing ${field.label}`, () => {
      app.pg.set_hyperparameters(toJson(next));
      app.flat = fromConfig(JSON.parse(app.pg.config_json()));
    });
    syncForm();
    if (ok) writeUrl();
  }
  if (messages.length) app.notify(messages.join(' '));
}

// ---- the model changed -----------------------------------------------------------------

/** The weights moved (training, a hand step, new hyperparameters): views catch up. */
function modelChanged() {
  app.modelVersion++;
  const steps = app.pg.steps();
  // A milestone: the next frame snapshots the grid before it trains any further.
  if (isMilestone(steps) && !app.snapshots.includes(steps)) app.snapshotDue = true;
}

/** A new model (reset, new architecture, loaded checkpoint): everything starts over. */
function modelReplaced(stripLabel) {
  app.flat = fromConfig(JSON.parse(app.pg.config_json()));
  app.phaseMs = unmeasuredPhases();
  app.msPerStep = null;
  app.spsLog = [];
  app.modelVersion++;
  syncForm({ seed: true });
  writeUrl();
  setRowLabels(app.flat.conditional);
  clearStrip(app);
  app.gridCost = renderGrid(app);
  app.gridAt = performance.now();
  snapshot(app, app.pg.steps() === 0 ? undefined : stripLabel);
  app.chartsCost = updateCharts(app);
  app.chartsVersion = app.modelVersion;
  resetExplore(app);
  app.judge.dirty = true;
  $('diverge-banner').hidden = true;
  qualityModelReplaced(app);
  showCounters();
}
app.modelReplaced = modelReplaced;
app.setRunning = setRunning;

// ---- training ---------------------------------------------------------------------------

function setRunning(running) {
  if (app.running && !running) finishPendingStep();
  app.running = running && !app.broken;
  const b = $('train');
  b.textContent = app.running ? 'Pause' : 'Train';
  b.setAttribute('aria-pressed', String(app.running));
  b.classList.toggle('running', app.running);
  setTraining(app.running);
  app.spsLog = [];
  app.sps = 0;
  if (app.pg) showCounters();
}

/**
 * Runs as many phases of training as fit what is left of this frame's budget. A step is
 * five phases (Playground.advance): D on real digits; G makes fakes; D on them and D's
 * update; the fakes through D; back through G and G's update. Each is about a fifth of
 * a step, so even a model whose step is longer than a frame trains without long frames.
 */
function trainChunk(frameStart) {
  const { pg } = app;
  let phases = 0;
  let completed = 0;
  while (phases < MAX_PHASES_PER_FRAME) {
    const phase = pg.next_phase();
    const estimate = app.phaseMs[phase];
    const now = performance.now();
    const left = app.budgetMs - (now - frameStart);
    // The next phase must fit; one whose cost is not known yet runs alone (the first
    // runs of the wasm code are its slowest, before the engine's optimising tier takes
    // over). If none has run yet and drawing took part of this frame, train in the next
    // one (drawing and a long phase never add up to one long task); else run one, since
    // a phase longer than the whole budget can only run alone.
    if ((estimate == null || estimate > left) && (phases > 0 || now - frameStart > 2)) break;
    try {
      pg.advance();
    } catch (err) {
      return app.onTrainError(err); // recovery.js: a panic, divergence or another reason
    }
    const took = performance.now() - now;
    app.phaseMs[phase] = app.phaseMs[phase] == null ? took : 0.8 * app.phaseMs[phase] + 0.2 * took;
    phases++;
    if (phase === LAST_PHASE) {
      completed++;
      modelChanged();
      // A film-strip milestone: the next frame snapshots the grid before training on.
      if (app.snapshotDue) break;
    }
  }
  if (phases && !completed) modelChanged(); // D moved
  app.lastPhases = phases;
  app.lastChunk = completed;
  const known = app.phaseMs.slice(1);
  app.msPerStep = known.every((v) => v != null) ? known.reduce((a, b) => a + b, 0) : null;
}

/** Finishes a step the frame loop left part-way done, so the counters show whole steps. */
function finishPendingStep() {
  if (!app.pg || app.broken) return;
  try {
    if (app.pg.finish_pending_step()) modelChanged();
  } catch (err) {
    app.onTrainError(err);
  }
}

/** Pauses, runs one hand step, lights the steps of the game it ran. */
function handStep(what, steps, fn) {
  setRunning(false);
  if (app.guard(what, fn)) {
    highlight(app, steps);
    modelChanged();
    showCounters();
  } else if (!app.broken && app.pg.diverged()) {
    $('error-banner').hidden = true; // the divergence banner says it, with the way out
    app.showDiverged();
  }
}

// ---- the one animation loop -------------------------------------------------------------

function frame() {
  requestAnimationFrame(frame);
  if (!app.ready || app.broken) return;
  const start = performance.now();
  const training = app.running;
  if (app.snapshotDue) {
    app.snapshotDue = false;
    app.gridAt = start;
    app.guard('Taking a snapshot', () => {
      app.gridCost = renderGrid(app);
      snapshot(app);
    });
  }
  // While training, redraws are spaced so they take about DRAW_SHARE of the time.
  const gridEvery = training ? Math.max(GRID_EVERY_MS, app.gridCost / DRAW_SHARE) : GRID_EVERY_MS;
  if (app.gridVersion !== app.modelVersion && start - app.gridAt >= gridEvery) {
    app.gridAt = start;
    app.guard('Drawing the grid', () => {
      app.gridCost = renderGrid(app);
    });
  }
  const chartsEvery = training ? Math.max(CHARTS_EVERY_MS, app.chartsCost / DRAW_SHARE) : CHARTS_EVERY_MS;
  let viewsDue = false;
  if (start - app.chartsAt >= chartsEvery) {
    app.chartsAt = start;
    if (training) measureSps(start);
    if (app.chartsVersion !== app.modelVersion) {
      app.chartsVersion = app.modelVersion;
      viewsDue = true;
      app.guard('Drawing the charts', () => {
        app.chartsCost = updateCharts(app);
      });
    }
    showCounters();
  }
  if (app.drag?.scroll) {
    window.scrollBy(0, app.drag.scroll);
    markDropTarget();
  }
  tickJudge(app, viewsDue);
  tickExplore(app, start, viewsDue);
  // Until each phase of a step has run once (about five frames after Train), the judge's
  // slices wait: each would leave too little of the frame for a phase of unknown cost.
  const warmingUp = training && app.msPerStep == null;
  if (!warmingUp) tickQuality(app);
  // An autosave (a 13 MB checkpoint with the default networks, 11–15 ms here) takes this
  // frame's training time instead of adding to it.
  const saved = tickAutosave(app, start);
  if (training && !app.broken && !saved) trainChunk(start);
  app.frameMs.push(performance.now() - start);
  if (app.frameMs.length > 240) app.frameMs.shift();
}

// ---- wiring -----------------------------------------------------------------------------

function wireControls() {
  $('train').addEventListener('click', () => setRunning(!app.running));
  $('step').addEventListener('click', () => handStep('Step', [1, 2, 3], () => app.pg.train_steps(1)));
  $('step-d').addEventListener('click', () => handStep('Step D', [1, 2], () => app.pg.d_step()));
  $('step-g').addEventListener('click', () => handStep('Step G', [3], () => app.pg.g_step()));
  $('reset').addEventListener('click', () => {
    const seed = readSeed();
    if (seed == null) return;
    const next = { ...app.flat, seed };
    app.guard('Reset', () => {
      app.pg.reset(toJson(next));
      modelReplaced('step 0');
    });
  });
  $('seed').addEventListener('keydown', (e) => {
    if (e.key === 'Enter') $('reset').click();
  });
  const speed = $('speed');
  const setSpeed = () => {
    app.budgetMs = Number(speed.value);
    $('speed-value').value = `${speed.value} ms/frame`;
  };
  speed.addEventListener('input', setSpeed);
  setSpeed();
  for (const f of FIELDS) if (f.key !== 'seed') $(f.el).addEventListener('change', () => applyField(f));
  $('recipe-tuned').addEventListener('click', () => applyRecipe('tuned'));
  $('recipe-plain').addEventListener('click', () => applyRecipe('plain'));
  $('error-close').addEventListener('click', () => ($('error-banner').hidden = true));
  $('notice-close').addEventListener('click', () => ($('notice').hidden = true));
  $('to-pad').addEventListener('click', () => {
    const image = pickedImage(app);
    if (image) loadOntoPad(app, image, 'g');
  });
  wireGridPointer();
}

/** Grid: click picks a digit (shift-click: as B); dragging one onto the pad judges it. */
function wireGridPointer() {
  const grid = $('grid');
  const endDrag = () => {
    app.drag?.ghost?.remove();
    $('pad').classList.remove('drop-target');
    app.drag = null;
  };
  grid.addEventListener('pointerdown', (e) => {
    if (!app.ready || (e.pointerType === 'mouse' && e.button !== 0)) return;
    const cell = cellAt(e);
    if (cell == null) return;
    e.preventDefault();
    grid.setPointerCapture(e.pointerId);
    app.drag = { cell, x: e.clientX, y: e.clientY, shift: e.shiftKey, ghost: null, image: null, scroll: 0 };
  });
  grid.addEventListener('pointermove', (e) => {
    const drag = app.drag;
    if (!drag) return;
    if (!drag.ghost && Math.hypot(e.clientX - drag.x, e.clientY - drag.y) < DRAG_START_PX) return;
    if (!drag.ghost) {
      // G's image of this cell as of the last grid render (floats in wasm memory).
      const ptr = app.pg.grid_images_ptr() + drag.cell * IMAGE_DIM * 4;
      drag.image = new Float32Array(app.wasm.memory.buffer, ptr, IMAGE_DIM).slice();
      const ghost = document.createElement('canvas');
      ghost.width = ghost.height = IMAGE_SIDE;
      ghost.className = 'drag-ghost';
      drawImage28(ghost, drag.image);
      document.body.append(ghost);
      drag.ghost = ghost;
    }
    drag.x = e.clientX;
    drag.y = e.clientY;
    drag.ghost.style.left = `${e.clientX}px`;
    drag.ghost.style.top = `${e.clientY}px`;
    // Near the top or bottom of the window the page scrolls (in the frame loop), so the
    // pad can be reached from the grid on any screen.
    const top = Math.max(0, document.querySelector('.top').getBoundingClientRect().bottom);
    const bottom = window.innerHeight;
    drag.scroll =
      e.clientY > bottom - AUTOSCROLL_EDGE_PX ? (AUTOSCROLL_PX * (e.clientY - bottom + AUTOSCROLL_EDGE_PX)) / AUTOSCROLL_EDGE_PX
        : e.clientY < top + AUTOSCROLL_EDGE_PX ? (-AUTOSCROLL_PX * (top + AUTOSCROLL_EDGE_PX - e.clientY)) / AUTOSCROLL_EDGE_PX
          : 0;
    markDropTarget();
  });
  grid.addEventListener('pointerup', (e) => {
    const drag = app.drag;
    if (!drag) return;
    if (drag.ghost) {
      if (overPad(e.clientX, e.clientY)) loadOntoPad(app, drag.image, 'g');
    } else {
      selectCell(app, drag.cell, drag.shift || e.shiftKey);
    }
    endDrag();
  });
  grid.addEventListener('pointercancel', endDrag);
  // Keyboard: arrows move the pick, B makes the picked digit B, P puts it on the pad.
  grid.addEventListener('keydown', (e) => {
    if (!app.ready) return;
    const at = app.explore.index ?? 0;
    const moves = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -10, ArrowDown: 10 };
    if (e.key in moves) {
      e.preventDefault();
      const next = at + moves[e.key];
      if (next >= 0 && next < 100 && (Math.abs(moves[e.key]) === 10 || Math.floor(next / 10) === Math.floor(at / 10))) selectCell(app, next);
      else if (app.explore.index == null) selectCell(app, at);
    } else if (e.key === 'b' || e.key === 'B') {
      selectCell(app, at, true);
    } else if ((e.key === 'p' || e.key === 'P') && pickedImage(app)) {
      loadOntoPad(app, pickedImage(app), 'g');
    }
  });
}

function overPad(x, y) {
  const r = $('pad').getBoundingClientRect();
  return x >= r.left && x <= r.right && y >= r.top && y <= r.bottom;
}

const markDropTarget = () => $('pad').classList.toggle('drop-target', overPad(app.drag.x, app.drag.y));

// ---- boot -------------------------------------------------------------------------------

async function boot() {
  setupErrors(app);
  // The digits download while the wasm compiles.
  const digits = Promise.all([fetchGz(DATA.images), fetchGz(DATA.labels)]);
  digits.catch(() => {}); // reported when awaited below
  const saved = readSavedRun();
  const { requested, build, message, loaded } = startBuild();
  // A known build asked for in the address stays there; an unknown one is dropped.
  app.buildRequested = requested in BUILDS ? requested : null;
  const { wasm, Playground, QualityJudge } = await loaded;
  app.wasm = wasm;
  app.build = build;
  $('wasm-build').textContent = BUILDS[build].label;
  app.defaults = fromConfig(JSON.parse(Playground.default_config_json()));
  const { flat, messages } = fromQuery(location.search, app.defaults);
  if (message) messages.unshift(message);
  $('status').textContent = 'Loading 10,000 MNIST digits…';
  const [images, labels] = await digits;
  app.builtin = { images, labels };
  try {
    app.pg = new Playground(images, labels, toJson(flat));
  } catch (err) {
    messages.push(`The settings in the address could not be used (${app.describe(err)}) Using the defaults.`);
    app.pg = new Playground(images, labels, toJson(app.defaults));
  }
  if (messages.length) app.notify(messages.join(' '));
  app.charts = createCharts();
  setupPad(app);
  setupExplore(app);
  setupFiles(app);
  setupRecovery(app);
  wireControls();
  modelReplaced();
  showDataSource(app);
  setupQuality(app, QualityJudge); // in the background: the page works without the judge
  for (const id of ['train', 'step', 'step-d', 'step-g', 'reset']) $(id).disabled = false;
  await setupAutosave(app, saved);
  app.ready = true;
  window.ganplay.ready = true;
  window.ganplayReady = true;
  requestAnimationFrame(frame);
}

/** The test hook: the page's state and playground, for tests/e2e. */
window.ganplay = {
  ready: false,
  state: app,
  get playground() {
    return app.pg;
  },
  guard: app.guard,
  redrawGrid: () => drawGridView(app),
  /** Writes the autosave now; resolves to whether it was written. */
  autosaveNow: () => saveNow(app),
};

boot().catch((err) => {
  $('status').textContent = 'The playground could not start.';
  app.showError(`The playground could not start: ${app.describe(err)}`, err);
  window.ganplayReady = false;
});
