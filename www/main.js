// ganplay's page: starts the engine (www/engine/: in a worker, on threads or on this
// thread), keeps the page's state and its mirror of the engine's, wires the training
// controls and the settings, and runs the one requestAnimationFrame loop. Each frame it asks
// the engine for one chunk of training (in a worker the next chunk trains while this thread
// draws the last) and draws what the engine reports: G's grid, the counters, the charts.
import { listSavedRuns, saveNow, setupAutosave, takeReport, tickAutosave } from './autosave.js';
import { createCharts, updateCharts } from './charts.js';
import { loadOntoPad, setupPad, tickJudge } from './draw.js';
import { setupSaturation } from './saturation.js';
import { setupDAlone } from './dalone.js';
import { PATHS, startEngine } from './engine/connect.js';
import { BUILDS } from './wasm-build.js';
import { highlight, resetStats, setTraining, showStats } from './explain.js';
import { pickedImage, resetExplore, revealExplore, selectCell, setupExplore, tickExplore } from './explore.js';
import { setupErrors } from './errors.js';
import { setupFiles, showDataSource } from './files.js';
import { setupQuality, showQuality } from './judge.js';
import { cellAt, clearStrip, drawGridView, setRowLabels, showGrid, snapshot } from './grid.js';
import {
  FIELDS, FIELD_BY_KEY, archDiffers, controlText, defaultLr, describeChanges, format, fromConfig, fromQuery, parse, recipe, toJson, toQuery,
} from './settings.js';
import { setupRecovery } from './recovery.js';
import { coreMessage } from './core-errors.js';
import { chooseLang, fixed, getLang, onLangChange, setLang, t } from './i18n.js';
import { readSavedLang, writeSavedLang } from './autosave-store.js';
import { $, IMAGE_SIDE, drawImage28, fmtInt } from './util.js';
import { layout, layoutQuery, setupLayout } from './layout.js';
import { drawWorld, isWorld, setupWorlds, showWorld, showWorldMetrics, worldDefaults, worldFromQuery, worldQuery } from './worlds/world.js';

/** Redraw the grid at most 10×/s, the charts and counters at most 4×/s. */
const GRID_EVERY_MS = 100;
const CHARTS_EVERY_MS = 250;
/** On this thread, drawing may take about this share of the time while training. */
const DRAW_SHARE = 0.1;
/**
 * Chunks of training asked of a worker at once: the next is queued while the last trains,
 * so the worker never waits for this thread's frame.
 */
const CHUNKS_IN_FLIGHT = 2;
/**
 * A worker's chunk is at least this long: longer than a frame, so that the next chunk is
 * always queued when one ends (a chunk shorter than a frame left the worker idle for the
 * rest of it: 0.66 of its speed alone, measured). The speed control can make it longer.
 */
const WORKER_CHUNK_MS = 30;
/**
 * While someone draws on the pad or moves a slider (and for INTERACTIVE_MS after), a
 * worker gets one short chunk at a time, so that D's score of the drawing does not wait
 * behind queued training: pad-to-score was about 100 ms at the p95 with two 30 ms chunks
 * queued (docs/speed.md).
 */
const INTERACTIVE_MS = 500;
const INTERACTIVE_CHUNK_MS = 8;
/**
 * A chunk not answered in this long means the engine is gone: in the threaded build a
 * panic on a pool thread leaves the call waiting forever instead of throwing
 * (docs/threads.md), so the page says so as it does for any panic.
 */
const ENGINE_SILENT_MS = 15_000;
/** A hidden tab trains on in chunks this long (no animation frames to pace it). */
const FREE_CHUNK_MS = 50;
/** Steps per second are measured over this window. */
const SPS_WINDOW_MS = 1500;
/** A pointer must move this far (px) on the grid before it counts as a drag. */
const DRAG_START_PX = 6;
/** Dragging within this many px of the window's edge scrolls, up to this many px a frame. */
const AUTOSCROLL_EDGE_PX = 60;
const AUTOSCROLL_PX = 18;

const app = {
  ready: false,
  /** The engine (www/engine/connect.js): every method returns a promise. */
  engine: null,
  /** Where it runs: 'threads', 'worker' or 'main'; the build; the header's words for both. */
  path: null,
  build: null,
  /** The engine's last report: counters, the last step's numbers, divergence. */
  view: null,
  /** Settings in force, flat (see settings.js); `defaults` are GanConfig's. */
  flat: null,
  defaults: null,
  running: false,
  /** Train on while the tab is hidden (in a worker only: a hidden page gets no frames). */
  trainHidden: true,
  /** The engine trains by itself because the tab is hidden. */
  free: false,
  /** After a wasm panic nothing may touch the engine again. */
  broken: false,
  /**
   * Training time per chunk (the speed control). On this thread, 14 ms leaves a 60 Hz
   * frame room for drawing and the browser's own work (p95 frame 16.7 ms with 14, 33 ms
   * with 16: docs/speed.md); in a worker it only sets how often the page hears back.
   */
  budgetMs: 14,
  /** Chunks asked of the engine and not answered yet, and when the oldest was sent. */
  inFlight: 0,
  chunkSentAt: 0,
  /** Until then someone is drawing or exploring: training goes in short chunks (frame()). */
  interactiveUntil: -Infinity,
  /** The step shown by the counters. */
  stepsShown: 0,
  sps: 0,
  spsLog: [],
  /** Work time (ms) of recent frames on this thread, for the tests and the bench. */
  frameMs: [],
  /** The engine's model version of the last report; views redraw when theirs lags behind. */
  modelVersion: 0,
  gridVersion: -1,
  gridAt: -Infinity,
  gridCost: 0,
  chartsVersion: -1,
  chartsAt: -Infinity,
  chartsCost: 0,
  /** The charts' history rows as last reported, [record, d_loss, g_loss, d_real, d_fake]… */
  history: new Float32Array(0),
  charts: null,
  snapshots: [],
  explain: { log: [] },
  judge: { image: null, source: 'empty', fromPad: false, dirty: true, brush: 18, score: null, labelScores: null, ascent: null, lastAscent: null, scoring: false, scoreLog: [] },
  explore: { index: null, z: null, label: 0, offsets: new Array(5).fill(0), dirs: [], a: null, b: null, image: null, nearest: null, nearestAt: -Infinity, dirty: false, nearestDirty: false, interpDirty: false, interp: null, busy: false },
  /** A digit being dragged from the grid: { cell, x, y, ghost, image, scroll }. */
  drag: null,
  /** The training data: 'built-in MNIST' (shown in the page's language), or the files' names. */
  dataSource: 'built-in MNIST',
  errors: [],
  notices: [],
  /**
   * The Undo on offer in the notice after a replacement of the model (the engine keeps the
   * replaced run): its step, and the film strip as it was, to put back with it. Null when
   * none is shown.
   */
  undo: null,
};

// ---- messages ---------------------------------------------------------------------------

/** A wasm trap (a Rust panic), on this thread or passed on from a worker. */
app.isPanic = (err) => err instanceof WebAssembly.RuntimeError || err?.name === 'RuntimeError';

/**
 * A readable message for anything thrown, wasm traps included, in the page's language:
 * the core's errors carry a code the catalogue translates (core-errors.js).
 */
app.describe = (err) => {
  if (app.isPanic(err)) return t('error.panicDescribe', { message: err.message });
  const msg = coreMessage(err?.message ?? String(err));
  return /[.!?。！？]$/.test(msg) ? msg : `${msg}${getLang() === 'zh' ? '。' : '.'}`;
};

/**
 * The text of a banner: `message` is a string, or a function that makes it in the page's
 * language (called again on a language switch, so the banner follows it).
 */
const shown = { error: null, notice: null };
const render = (message) => (typeof message === 'function' ? message() : message);
/**
 * What was being done, for the start of an error ("Step: …"): a catalogue key 'what.…', or
 * a function or a string as for a message.
 */
const say = (what) => (typeof what === 'string' && what.startsWith('what.') ? t(what) : render(what));
app.say = say;
/** Sentences one after another: a space between them in English, none in Chinese. */
const sentences = (list) => list.filter(Boolean).join(t('sentence.sep'));

app.showError = (message, err) => {
  const text = render(message);
  app.errors.push(text);
  shown.error = message;
  $('error-text').textContent = text;
  $('error-banner').hidden = false;
  if (err) console.warn(text, err);
};

/**
 * Shows `message` (as for showError) in the notice line; with `undo`, an Undo button that
 * puts back the run the last replacement replaced. Any other message withdraws the offer.
 */
app.notify = (message, { undo = false } = {}) => {
  const text = render(message);
  app.notices.push(text);
  shown.notice = message;
  $('notice-text').textContent = text;
  $('notice-undo').hidden = !undo;
  if (!undo) app.undo = null;
  $('notice').hidden = false;
};

/**
 * Runs `fn` (sync or async), showing any error in the banner as "`what`: reason". A wasm
 * trap (a panic) leaves the engine unusable, so it also stops training for good. Resolves
 * to true on success (returns true at once when `fn` is sync).
 */
app.guard = (what, fn) => {
  const fail = (err) => {
    if (app.isPanic(err)) app.onPanic(what, err); // errors.js
    else app.showError(() => t('error.what', { what: say(what), reason: app.describe(err) }), err);
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

// ---- what the engine reports -------------------------------------------------------------

/**
 * Takes in an engine report: the counters, and whatever it carries of G's grid (a
 * film-strip milestone with it), the charts' history, the judge's verdict, divergence.
 */
function apply(r) {
  if (!r) return r;
  app.view = r;
  app.modelVersion = r.version;
  if (r.config) {
    app.flat = fromConfig(JSON.parse(r.config));
  }
  if (r.world) {
    app.gridCost = drawWorld(app, r.world);
    app.gridVersion = r.world.version;
  }
  if (r.grid) {
    app.gridCost = showGrid(app, r.grid);
    app.gridVersion = r.grid.version;
    if (r.milestone != null && !app.snapshots.includes(r.milestone)) snapshot(app, r.milestone);
  }
  if (r.history) {
    app.history = r.history.rows;
    app.chartsCost = updateCharts(app);
    app.chartsVersion = r.history.version;
  }
  // A world's metric charts are drawn with the loss charts, and cost with them.
  if (r.worldMetrics) app.chartsCost = (r.history ? app.chartsCost : 0) + showWorldMetrics(app, r.worldMetrics);
  if (r.quality) showQuality(app, r.quality);
  if (r.autosave) takeReport(app, r.autosave);
  if (r.diverged && app.running) {
    setRunning(false);
    app.showDiverged();
  }
  return r;
}
app.apply = apply;

function showCounters() {
  const v = app.view;
  if (!v) return;
  app.stepsShown = v.steps;
  $('count-step').textContent = fmtInt(v.steps);
  $('count-epoch').textContent = fmtInt(v.epoch);
  $('count-images').textContent = fmtInt(v.imagesSeen);
  $('count-sps').textContent = app.running ? fixed(app.sps, app.sps < 10 ? 1 : 0) : '–';
  $('count-d').textContent = fmtInt(v.dUpdates);
  $('count-g').textContent = fmtInt(v.gUpdates);
  showStats(v.stats, v);
  const ms = v.msPerStep == null ? '–' : fixed(v.msPerStep, 1);
  $('status').textContent = app.broken
    ? t('status.broken')
    : app.running
      ? t(`status.${app.path}`, { ms })
      : t('status.paused');
}

function measureSps(now) {
  const steps = app.view.steps;
  app.spsLog.push([now, steps]);
  while (app.spsLog.length > 2 && now - app.spsLog[0][0] > SPS_WINDOW_MS) app.spsLog.shift();
  const [t0, s0] = app.spsLog[0];
  app.sps = now > t0 ? ((steps - s0) * 1000) / (now - t0) : 0;
}

/** The address holds the settings, the language, the panels shown and where the engine runs: a shared link opens the same. */
function writeUrl() {
  const params = new URLSearchParams(location.search);
  const parts = [];
  if (app.flat) {
    parts.push(toQuery(app.flat, app.defaults), worldQuery(app.flat.world), layoutQuery(layout()));
    // Where the engine runs, as asked; a request it could not read (the start said so) is dropped.
    const known = { engine: (v) => PATHS.includes(v), wasm: (v) => v in BUILDS && v !== 'threads', threads: () => true };
    for (const key of ['engine', 'wasm', 'threads']) if (params.has(key) && known[key](params.get(key))) parts.push(`${key}=${encodeURIComponent(params.get(key))}`);
  } else {
    // Still starting (the settings not read yet): the address keeps what it asks for.
    for (const key of ['lang', 'show', 'hide', 'present']) params.delete(key);
    parts.push(layoutQuery(layout()));
    parts.push(params.toString());
  }
  parts.push(`lang=${getLang()}`);
  history.replaceState(null, '', `${location.pathname}?${parts.filter(Boolean).join('&')}${location.hash}`);
}
app.writeUrl = writeUrl;

// ---- settings form ---------------------------------------------------------------------

function writeControl(field) {
  const el = $(field.el);
  const value = app.flat[field.key];
  if (field.type === 'bool') el.checked = value;
  else el.value = controlText(field, value);
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
  const text = $('seed').value;
  const kept = app.flat.seed;
  const r = parse(f, text);
  // Messages are made again in the new language after a switch: parse is pure.
  if (r.error) {
    app.notify(() => t('notice.kept', { error: parse(f, text).error, value: kept }));
    writeControl(f);
    return null;
  }
  if (r.message) app.notify(() => parse(f, text).message);
  return r.value;
}

/** New training settings (the weights stay); the form shows what the engine took. */
async function setHyperparameters(what, next) {
  const ok = await app.guard(what, async () => {
    app.flat = fromConfig(JSON.parse(await app.engine.setHyperparameters(toJson(next))));
  });
  syncForm();
  if (ok) writeUrl();
  return ok;
}

/**
 * Runs settings changes one at a time, in the order they were made: each starts from the
 * settings the one before left (two controls changed in quick succession would otherwise
 * both start from the old settings, and the later answer would undo the earlier change).
 */
let settingsTurn = Promise.resolve();
function inTurn(change) {
  settingsTurn = settingsTurn.then(change, change);
  return settingsTurn;
}

/** Applies a recipe: every training setting it names (the weights stay); says what changed. */
async function applyRecipe(name) {
  const before = app.flat;
  const ok = await setHyperparameters('what.recipe', { ...app.flat, ...recipe(name, app.defaults) });
  if (!ok) return;
  const after = app.flat;
  app.notify(() => {
    const changes = describeChanges(before, after);
    return sentences([t(name === 'tuned' ? 'notice.recipe.tuned' : 'notice.recipe.plain'), changes.length ? t('notice.changed', { list: changes.join(t('list.sep')) }) : t('notice.unchanged')]);
  });
}

/** A settings control changed: check it, then apply it (asking first if it re-initialises). */
async function applyField(field, text) {
  const r = parse(field, text);
  if (r.error) {
    const kept = format(field, app.flat[field.key]);
    app.notify(() => t('notice.kept', { error: parse(field, text).error, value: kept }));
    writeControl(field);
    return;
  }
  const next = structuredClone(app.flat);
  next[field.key] = r.value;
  // Functions that make each message in the page's language (again after a switch).
  const messages = r.message ? [() => parse(field, text).message] : [];
  const kind = field.key.match(/^([gd])_kind$/);
  if (kind && r.value !== app.flat[field.key]) {
    const lr = defaultLr(r.value, app.defaults, kind[1]);
    next[`${kind[1]}_lr`] = lr;
    messages.push(() => t('notice.lrSet', { who: kind[1].toUpperCase(), lr, kind: t(`value.${r.value}`) }));
  }
  if (field.arch && archDiffers(next, app.flat)) {
    const seed = readSeed();
    if (seed == null) return writeControl(field);
    next.seed = seed;
    const ok = window.confirm(t('notice.confirmArch', { label: field.label, seed }));
    if (!ok) return writeControl(field);
    const done = await replaceModel(() => t('what.changing', { label: field.label }), 'reset', () => app.engine.reset(toJson(next)), {
      notice: () => sentences([...messages.map(render), t('notice.newNetworks', { seed })]),
      undo: true,
    });
    if (!done) writeControl(field);
    return;
  }
  await setHyperparameters(() => t('what.changing', { label: field.label }), next);
  if (messages.length) app.notify(() => sentences(messages.map(render)));
}

// ---- the model changed -----------------------------------------------------------------

/**
 * Replaces the model (reset, new architecture, loaded checkpoint, restored run, restore
 * point, undo): pauses, runs `fn` (an engine call that returns a full report), and starts
 * every view over. Then shows `notice(report)` (when given) followed by the settings that
 * changed, and with `undo` an Undo button that puts the replaced run back (the engine keeps
 * it until the next replacement). On error the model is unchanged, and the error banner
 * says `failed(err)` (by default "`what`: reason"). Resolves to the report, or null.
 */
async function replaceModel(what, stripLabel, fn, { notice = null, undo = false, failed = null } = {}) {
  await setRunning(false);
  const before = app.flat;
  const strip = { figures: [...$('film-strip').children], steps: app.snapshots.slice() };
  let report;
  try {
    report = await fn();
  } catch (err) {
    if (app.isPanic(err)) app.onPanic(what, err); // errors.js
    else app.showError(failed ? () => failed(err) : () => t('error.what', { what: say(what), reason: app.describe(err) }), err);
    return null;
  }
  modelReplaced(report, stripLabel);
  if (notice) {
    const after = app.flat;
    const message = () => {
      const changed = describeChanges(before, after);
      return sentences([notice(report), changed.length ? t('notice.settingsChanged', { list: changed.join(t('list.sep')) }) : '']);
    };
    const offer = undo && report.undo != null;
    app.notify(message, { undo: offer });
    app.undo = offer ? { step: report.undo.step, strip } : null;
  } else {
    // The engine now keeps another run: an Undo still showing would not put back what it says.
    app.undo = null;
    $('notice-undo').hidden = true;
  }
  return report;
}
app.replaceModel = replaceModel;
/** Someone is drawing or exploring: training goes in short chunks for a while (frame()). */
app.interacted = () => (app.interactiveUntil = performance.now() + INTERACTIVE_MS);

/** Undo in the notice: the run the last replacement replaced comes back as it was, film strip included. */
async function undoReplace() {
  const offer = app.undo;
  if (!offer) return;
  const r = await replaceModel('what.undoing', null, () => app.engine.undoReplace(), {
    notice: (r) => t('notice.undone', { step: fmtInt(r.steps) }),
  });
  if (!r) return;
  $('film-strip').replaceChildren(...offer.strip.figures);
  app.snapshots = offer.strip.steps;
}

/** A new model is in the engine: everything starts over from its report. */
function modelReplaced(report, stripLabel) {
  app.spsLog = [];
  resetStats();
  clearStrip(app);
  apply(report);
  syncForm({ seed: true });
  writeUrl();
  setRowLabels(app.flat.conditional);
  showWorld(app);
  app.gridAt = performance.now();
  // The strip's caption is a key ('restored', 'loaded', …), in the page's language when drawn.
  if (report.milestone == null) snapshot(app, report.steps, report.steps === 0 || !stripLabel ? undefined : stripLabel);
  resetExplore(app);
  app.judge.dirty = true;
  $('diverge-banner').hidden = true;
  showDataSource(app);
  showCounters();
}

// ---- training ---------------------------------------------------------------------------

/** Starts or stops training; stopping finishes a step left part-way, so counters show whole steps. */
async function setRunning(running) {
  const was = app.running;
  app.running = running && !app.broken;
  const b = $('train');
  b.dataset.i18n = app.running ? 'controls.pause' : 'controls.train';
  b.textContent = t(b.dataset.i18n);
  b.setAttribute('aria-pressed', String(app.running));
  b.classList.toggle('running', app.running);
  setTraining(app.running);
  app.spsLog = [];
  app.sps = 0;
  if (was && !app.running && app.engine && !app.broken) {
    app.free = false;
    await app.guard('what.pausing', async () => {
      const r = await app.engine.finishPendingStep();
      apply(r);
    });
  }
  if (app.view) showCounters();
}
app.setRunning = setRunning;

/** A chunk of training failed: a panic stops the page; anything else pauses and says why. */
function onFrameError(err) {
  if (app.isPanic(err)) return app.onPanic('what.training', err);
  app.onTrainError(err); // recovery.js
}

/** Pauses, runs one hand step, lights the steps of the game it ran. */
/** The grid, samples and judge from the averaged G or from G itself, as the "Show" choice says. */
async function showAverage() {
  const on = $('show-average').checked;
  try {
    apply(await app.engine.setSamplesFromAverage(on));
  } catch (err) {
    if (app.isPanic(err)) return app.onPanic('what.show', err);
    app.showError(() => t('error.what', { what: say('what.show'), reason: app.describe(err) }), err);
  }
}

async function handStep(what, kind, steps) {
  await setRunning(false);
  try {
    apply(await app.engine.handStep(kind));
  } catch (err) {
    if (app.isPanic(err)) return app.onPanic(what, err);
    // A diverged model refuses to train: the divergence banner says so, with the way out.
    const r = await app.engine.frame({ want: { history: true } }).then(apply, () => null);
    if (r?.diverged) return app.showDiverged();
    return app.showError(() => t('error.what', { what: say(what), reason: app.describe(err) }), err);
  }
  highlight(app, steps);
  for (const [id, on] of [['world-step-d', steps.includes(1)], ['world-step-g', steps.includes(3)]]) $(id).classList.toggle('lit', on);
  showCounters();
}

/** A hidden tab gets no frames: in a worker the engine trains on by itself until it is back. */
async function onVisibility() {
  const hidden = document.visibilityState === 'hidden';
  if (hidden && app.running && app.trainHidden && app.path !== 'main' && !app.broken) {
    app.free = true;
    await app.guard('what.background', async () => apply(await app.engine.startFree(FREE_CHUNK_MS)));
  } else if (!hidden && app.free) {
    app.free = false;
    await app.guard('what.background', async () => {
      const r = apply(await app.engine.stopFree());
      if (r.error) app.onTrainError(new Error(r.error));
    });
    if (app.view?.diverged) {
      await setRunning(false);
      app.showDiverged();
    }
    showCounters();
  }
}

/** While hidden (no frames), the page still hears the engine once a second, and autosaves. */
async function tickHidden() {
  if (!app.free || app.broken) return;
  await app.guard('what.background', async () => apply(await app.engine.frame({})));
  tickAutosave(app, performance.now());
}

// ---- the one animation loop -------------------------------------------------------------

function frame() {
  requestAnimationFrame(frame);
  if (!app.ready || app.broken || app.free) return;
  const start = performance.now();
  const training = app.running;
  const stale = app.view.version;
  // While training on this thread, redraws are spaced so they take about DRAW_SHARE of the time.
  const share = training && app.path === 'main' ? DRAW_SHARE : 1;
  const gridDue = app.gridVersion !== stale && start - app.gridAt >= Math.max(GRID_EVERY_MS, app.gridCost / share);
  const chartsDue = start - app.chartsAt >= Math.max(CHARTS_EVERY_MS, app.chartsCost / share);
  const want = { grid: gridDue, history: chartsDue && app.chartsVersion !== stale };
  if (gridDue) app.gridAt = start;
  if (chartsDue) {
    app.chartsAt = start;
    if (training) measureSps(start);
    showCounters();
  }
  // D's verdict and G's explored digit are asked first, so they do not queue behind training.
  // The pad and the noise explorer are the digits'.
  if (!isWorld(app.flat.world)) {
    tickJudge(app, want.history);
    tickExplore(app, start, want.history);
  }
  const interactive = start < app.interactiveUntil;
  const limit = training && app.path !== 'main' && !interactive ? CHUNKS_IN_FLIGHT : 1;
  // On this thread a world's view and charts are drawn in the same frame as the chunk:
  // their last cost comes out of the chunk's time (4 ms of training at least).
  const inWorld = isWorld(app.flat.world);
  const drawMs = inWorld ? (gridDue ? app.gridCost : 0) + (want.history ? app.chartsCost : 0) : 0;
  const budgetMs = app.path === 'main' ? Math.max(4, app.budgetMs - drawMs) : interactive ? INTERACTIVE_CHUNK_MS : Math.max(app.budgetMs, WORKER_CHUNK_MS);
  if (app.inFlight && start - app.chunkSentAt > ENGINE_SILENT_MS) {
    app.onPanic('what.training', new Error(t('error.silent', { s: ENGINE_SILENT_MS / 1000 })));
    return;
  }
  if (app.inFlight < limit && (training || want.grid || want.history || app.view.busy)) {
    if (!app.inFlight) app.chunkSentAt = start;
    app.inFlight++;
    app.engine
      .frame({ train: training, budgetMs, want })
      .then(apply, onFrameError)
      .finally(() => {
        app.inFlight--;
        app.chunkSentAt = performance.now(); // the next one waiting, from now
      });
  } else if (gridDue) {
    app.gridAt = -Infinity; // not asked this frame: the next may
  }
  if (app.drag?.scroll) {
    window.scrollBy(0, app.drag.scroll);
    markDropTarget();
  }
  tickAutosave(app, start);
  app.frameMs.push(performance.now() - start);
  if (app.frameMs.length > 240) app.frameMs.shift();
}

// ---- wiring -----------------------------------------------------------------------------

function wireControls() {
  $('train').addEventListener('click', () => setRunning(!app.running));
  $('step').addEventListener('click', () => handStep('what.step', 'step', [1, 2, 3]));
  $('step-d').addEventListener('click', () => handStep('what.stepD', 'd', [1, 2]));
  $('step-g').addEventListener('click', () => handStep('what.stepG', 'g', [3]));
  $('reset').addEventListener('click', () => {
    const seed = readSeed();
    if (seed == null) return;
    replaceModel('what.reset', 'reset', () => app.engine.reset(toJson({ ...app.flat, seed })), {
      notice: () => t('notice.reset', { seed }),
      undo: true,
    });
  });
  $('seed').addEventListener('keydown', (e) => {
    if (e.key === 'Enter') $('reset').click();
  });
  const speed = $('speed');
  const setSpeed = () => {
    app.budgetMs = Number(speed.value);
    $('speed-value').value = t('controls.speed.value', { ms: speed.value });
  };
  speed.addEventListener('input', setSpeed);
  onLangChange(setSpeed);
  setSpeed();
  const hidden = $('train-hidden');
  hidden.disabled = app.path === 'main';
  hidden.checked = app.trainHidden && app.path !== 'main';
  hidden.addEventListener('change', () => {
    app.trainHidden = hidden.checked;
  });
  document.addEventListener('visibilitychange', onVisibility);
  setInterval(tickHidden, 1000);
  for (const f of FIELDS) {
    if (f.key === 'seed') continue;
    const el = $(f.el);
    // The text as it is now: by the time its turn comes, the form may have been redrawn
    // from the settings an earlier change left.
    el.addEventListener('change', () => {
      const text = f.type === 'bool' ? (el.checked ? '1' : '0') : el.value;
      inTurn(() => applyField(f, text));
    });
  }
  for (const id of ['show-average', 'show-raw']) $(id).addEventListener('change', () => inTurn(showAverage));
  $('recipe-tuned').addEventListener('click', () => inTurn(() => applyRecipe('tuned')));
  $('recipe-plain').addEventListener('click', () => inTurn(() => applyRecipe('plain')));
  $('error-close').addEventListener('click', () => ($('error-banner').hidden = true));
  $('notice-close').addEventListener('click', () => {
    $('notice').hidden = true;
    app.undo = null;
  });
  $('notice-undo').addEventListener('click', undoReplace);
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
      const ghost = document.createElement('canvas');
      ghost.width = ghost.height = IMAGE_SIDE;
      ghost.className = 'drag-ghost';
      document.body.append(ghost);
      drag.ghost = ghost;
      // G's image of this cell as of the last grid render.
      app.engine.gridCell(drag.cell).then(({ image }) => {
        drag.image = image;
        drawImage28(ghost, image);
      }, () => {});
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
      if (drag.image && overPad(e.clientX, e.clientY)) loadOntoPad(app, drag.image, 'g');
    } else {
      selectCell(app, drag.cell, drag.shift || e.shiftKey);
      revealExplore();
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

// ---- language ---------------------------------------------------------------------------

/** Texts this module writes that a language switch redraws in place (training runs on). */
function relabel() {
  if (!app.quality) $('quality-status').textContent = t('quality.loading');
  if (shown.error != null) $('error-text').textContent = render(shown.error);
  if (shown.notice != null) $('notice-text').textContent = render(shown.notice);
  const b = $('train');
  b.textContent = t(b.dataset.i18n ?? 'controls.train');
  showEnginePath();
  if (app.view) showCounters();
  else if (!app.errors.length) $('status').textContent = t('status.loading');
  for (const btn of document.querySelectorAll('.lang-switch button')) btn.setAttribute('aria-pressed', String(btn.dataset.lang === getLang()));
}

/** The header's and the footer's words for where the engine runs and which build. */
function showEnginePath() {
  if (!app.path) {
    $('engine-path').textContent = t('header.engine.starting');
    return;
  }
  const where = app.path === 'threads' ? t('engine.threads', { count: app.threads, n: app.threads }) : t(`engine.${app.path}`);
  const label = `${where} · ${t(`build.${app.build}`)}`;
  $('engine-path').textContent = label;
  $('wasm-build').textContent = label;
  // The header says why training is not on every core (www/host.js, engine/connect.js).
  $('engine-why').textContent = app.why ? t('host.why', { why: t(app.why) }) : '';
  $('offline-state').textContent = app.offline ? t(app.offline.missing.length ? 'host.offline.partial' : 'host.offline.ready', { mb: fixed(app.offline.bytes / 1e6, 1), missing: app.offline.missing.length }) : '';
}

/** The language switch: everything redraws in the new language; training goes on; the address and the autosave keep it. */
async function switchLang(code) {
  if (!setLang(code)) return;
  writeUrl();
  try {
    await writeSavedLang(getLang());
  } catch (err) {
    console.warn('autosave: cannot save the language', err);
  }
}
app.switchLang = switchLang;

/** A message of engine/connect.js ({ key, params }); `where`, `next` and `using` are keys too. */
function engineMessage({ key, params = {} }) {
  const p = { ...params };
  for (const name of ['where', 'next', 'using']) if (p[name]) p[name] = t(p[name]);
  return t(key, p);
}

/** Picks the language (address, then the autosave's, then the browser's) and fills the static markup. */
function startLang() {
  onLangChange(relabel);
  const first = chooseLang({ search: location.search, languages: navigator.languages ?? [navigator.language] });
  setLang(first.lang); // fills the static markup (applyTranslations) in either language
  relabel();
  for (const btn of document.querySelectorAll('.lang-switch button')) btn.addEventListener('click', () => switchLang(btn.dataset.lang));
  // The autosave's language counts when the address names none; it is read while the engine starts.
  if (first.from !== 'url') {
    readSavedLang().then((saved) => {
      const again = chooseLang({ search: location.search, saved, languages: navigator.languages ?? [navigator.language] });
      if (again.from === 'saved' && setLang(again.lang) && app.flat) writeUrl();
    }, (err) => console.warn('autosave: cannot read the language', err));
  }
}

// ---- boot -------------------------------------------------------------------------------

/**
 * Keeps `--sticky-top` (style.css) at the sticky header's height, 0 where the header
 * scrolls away (narrow or short screens): the alerts stick under it, and cards scrolled
 * into view stop below it.
 */
function trackStickyHeader() {
  const header = document.querySelector('.top');
  const set = () => {
    const px = getComputedStyle(header).position === 'sticky' ? Math.ceil(header.getBoundingClientRect().height) : 0;
    document.documentElement.style.setProperty('--sticky-top', `${px}px`);
  };
  new ResizeObserver(set).observe(header);
  window.addEventListener('resize', set);
  set();
}

async function boot() {
  setupErrors(app);
  trackStickyHeader();
  startLang();
  const layoutMessages = setupLayout(writeUrl);
  const saved = listSavedRuns();
  $('status').textContent = t('status.loading');
  const started = await startEngine();
  Object.assign(app, { engine: started.engine, path: started.path, build: started.build, threads: started.threads, why: started.why });
  showEnginePath();
  // The static site's service worker says when every file is kept for offline use.
  window.ganplayHost?.offline.then((kept) => {
    app.offline = kept;
    showEnginePath();
  });
  app.defaults = fromConfig(JSON.parse(started.defaults));
  const search = location.search;
  // A world in the address brings its own defaults; the other settings go on top.
  const place = worldFromQuery(search);
  if (isWorld(place.world)) app.defaults = await worldDefaults(app, place.world).catch(() => app.defaults);
  const { flat, messages } = fromQuery(search, app.defaults);
  flat.world = isWorld(app.defaults.world) ? place.world : 'digits';
  if (place.message) messages.push(place.message);
  const first = await app.engine.create({ configJson: toJson(flat), judge: new URL('./data/judge.safetensors', import.meta.url).href });
  if (messages.length || started.messages.length || first.configMessage || layoutMessages.length) {
    app.notify(() => sentences([
      ...started.messages.map(engineMessage),
      ...layoutMessages.map(engineMessage),
      ...fromQuery(search, app.defaults).messages,
      ...(place.message ? [worldFromQuery(search).message] : []),
      ...(first.configMessage ? [t(first.configMessage.key, { reason: app.describe(new Error(first.configMessage.reason)) })] : []),
    ]));
  }
  app.charts = createCharts();
  setupPad(app);
  setupSaturation(app);
  setupExplore(app);
  setupDAlone(app);
  setupFiles(app);
  setupRecovery(app);
  setupQuality(app);
  setupWorlds(app);
  wireControls();
  modelReplaced(first);
  for (const id of ['train', 'step', 'step-d', 'step-g', 'reset']) $(id).disabled = false;
  setupAutosave(app, saved); // the saved runs are offered when they have been read; the page does not wait
  app.ready = true;
  window.ganplay.ready = true;
  window.ganplayReady = true;
  requestAnimationFrame(frame);
}

/**
 * The test hook: the page's state, and the engine's playground as `playground` (each of
 * its methods by name, returning a promise: `await ganplay.playground.steps()`).
 */
window.ganplay = {
  ready: false,
  state: app,
  playground: new Proxy({}, { get: (_, name) => (...args) => app.engine.playground(name, ...args) }),
  guard: app.guard,
  /** Switches the page's language ('zh' or 'en') as the header's switch does. */
  setLang: (code) => app.switchLang(code),
  redrawGrid: () => drawGridView(app),
  /** Writes the autosave now; resolves to whether it was written. */
  autosaveNow: () => saveNow(app),
  /** Trains `n` steps at once (the tests' shortcut to a trained model); the views catch up. */
  trainSteps: async (n) => {
    apply(await app.engine.trainSteps(n));
    showCounters();
  },
  /** After the tests call the playground directly: the page catches up with the engine. */
  sync: async () => {
    apply(await app.engine.frame({ want: { grid: true, history: true } }));
    showCounters();
  },
};

boot().catch((err) => {
  $('status').textContent = t('status.noStart');
  app.showError(() => t('error.noStart', { reason: app.describe(err) }), err);
  window.ganplayReady = false;
});
