// ganplay's page: starts the engine (www/engine/: in a worker, on threads or on this
// thread), keeps the page's state and its mirror of the engine's, routes what the engine
// reports to the panels and runs the one requestAnimationFrame loop. Each frame it asks the
// engine for one chunk of training (in a worker the next chunk trains while this thread
// draws the last) and the panels draw what the engine reports: G's grid, the counters, the
// charts. Also the test hook, window.ganplay.
//
// Every panel is one module that exports one object with the same face, each member
// optional (docs/architecture.md):
//   state(app)            its part of `app`: its fields, and the callbacks other modules reach it by
//   start(app)            before the engine starts; may return messages ({ key, params }) for the first notice
//   setup(app, first)     once the engine holds the first model (`first`: its report): wire the DOM
//   update(app, report)   an engine report came; returns what its drawing cost, { grid, charts } in ms
//   tick(app, frame)      each frame, before the chunk of training is asked (so it does not queue behind it)
//   tickAfter(app, frame) each frame, after it
//   relabel(app)          a language switch: the texts of its own that the markup does not hold
// `frame` is { now, training, due: { grid, charts, history } }: what this frame redraws. All go through PANELS, in
// its order: a new panel is one more line there. The panels reach each other through the
// callbacks on `app` (messages.js's guard, notify…, and apply, setRunning, replaceModel,
// writeUrl, switchLang, relabel, interacted), not by importing this file.
import { autosave, saveNow } from './autosave.js';
import { charts } from './charts.js';
import { controls } from './controls.js';
import { counters, showCounters } from './counters.js';
import { dalone } from './dalone.js';
import { pad } from './draw.js';
import { startEngine } from './engine/connect.js';
import { errors } from './errors.js';
import { explain } from './explain.js';
import { explore } from './explore.js';
import { files } from './files.js';
import { drawGridView, grid } from './grid.js';
import { drag } from './grid-drag.js';
import { header, showEnginePath } from './header.js';
import { t } from './i18n.js';
import { quality } from './quality.js';
import { layout } from './layout.js';
import { messages, sentences } from './messages.js';
import { divergence } from './divergence.js';
import { undo } from './replace.js';
import { saturation } from './saturation.js';
import { fromConfig, fromQuery, toJson } from './settings.js';
import { settings } from './settings-form.js';
import { $, checkCoreFacts } from './util.js';
import { vae } from './vae.js';
import { isWorld, worldDefaults, worldFromQuery, worlds } from './worlds/world.js';

/**
 * The panels, in the order each phase runs them. The order matters where one reads what
 * another wrote: errors first (a failure while starting is shown), the judge's verdict
 * before the VAE's side of it, the pad's question to D before the explorer's, the first
 * model (undo's setup) before the autosave starts counting changes from it.
 */
const PANELS = [
  errors, // uncaught errors and panics
  header, // the header and the language
  layout, // the panels shown, Share this view
  messages, // the error banner and the notice; guard
  counters, // the counters and the status line
  explain, // the explanation panel
  charts, // the loss and D(x) charts
  grid, // G's grid and the film strip
  pad, // the draw pad and D's verdict
  saturation, // minimax against non-saturating
  explore, // G's noise explorer
  quality, // the judge's verdict
  vae, // the lesson "Can G learn by itself?"
  dalone, // the lesson "Can D generate?"
  files, // Keep and share
  divergence, // the divergence banner and Restore
  worlds, // the 1-D and 2-D worlds
  controls, // Train, the hand steps, Reset, the speed
  settings, // the settings form and the address
  drag, // G's digits dragged to the pad
  undo, // a new model, and its Undo
  autosave, // the autosave
];

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
 * rest of it: what that cost is in docs/speed.md, "Training off the page's thread"). The
 * speed control can make it longer.
 */
const WORKER_CHUNK_MS = 30;
/**
 * While someone draws on the pad or moves a slider (and for INTERACTIVE_MS after), a
 * worker gets one short chunk at a time, so that D's score of the drawing does not wait
 * behind queued training (two full chunks queued made pad-to-score several frames long:
 * docs/speed.md, "Training off the page's thread", has the figures).
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

const app = {
  ready: false,
  /** The engine (www/engine/connect.js): every method returns a promise. */
  engine: null,
  /** Where it runs: 'threads', 'worker' or 'main'; the build; the header's words for both. */
  path: null,
  build: null,
  /** The core's facts (`Playground.constants()`: history_columns, image_side, num_classes…). */
  core: null,
  /** The engine's last report: counters, the last step's numbers, divergence. */
  view: null,
  /** Settings in force, flat (see settings.js); `defaults` are GanConfig's. */
  flat: null,
  defaults: null,
  running: false,
  /** The engine trains by itself because the tab is hidden. */
  free: false,
  /** After a wasm panic nothing may touch the engine again. */
  broken: false,
  /** Chunks asked of the engine and not answered yet, and when the oldest was sent. */
  inFlight: 0,
  chunkSentAt: 0,
  /** Until then someone is drawing or exploring: training goes in short chunks (frame()). */
  interactiveUntil: -Infinity,
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
  /** The training data: 'built-in MNIST' (shown in the page's language), or the files' names. */
  dataSource: 'built-in MNIST',
};

// ---- the callbacks other modules reach through `app` -------------------------------------

// On `app` before boot: an error or a panic while the engine starts uses them.
for (const panel of PANELS) Object.assign(app, panel.state?.(app));
Object.assign(app, {
  apply,
  relabel,
  /** Someone is drawing or exploring: training goes in short chunks for a while (frame()). */
  interacted: () => (app.interactiveUntil = performance.now() + INTERACTIVE_MS),
});

// ---- what the engine reports -------------------------------------------------------------

/**
 * Takes in an engine report: the counters, and whatever it carries of G's grid (a
 * film-strip milestone with it), the charts' history, the judge's verdict, divergence;
 * each panel draws its part. What the grid's and the charts' drawing cost paces their
 * next redraw (frame()).
 */
function apply(r) {
  if (!r) return r;
  app.view = r;
  app.modelVersion = r.version;
  if (r.config) {
    app.flat = fromConfig(JSON.parse(r.config));
  }
  let gridMs = null;
  let chartsMs = null;
  for (const panel of PANELS) {
    const cost = panel.update?.(app, r);
    if (cost?.grid != null) gridMs = cost.grid;
    // A world's metric charts are drawn with the loss charts, and cost with them.
    if (cost?.charts != null) chartsMs = (chartsMs ?? 0) + cost.charts;
  }
  if (gridMs != null) app.gridCost = gridMs;
  if (chartsMs != null) app.chartsCost = chartsMs;
  const drawn = r.grid ?? r.world; // one or the other: a world has no grid of digits
  if (drawn) app.gridVersion = drawn.version;
  if (r.history) app.chartsVersion = r.history.version;
  if (r.diverged && app.running) {
    app.setRunning(false);
    app.showDiverged();
  }
  return r;
}

// ---- training in the background ----------------------------------------------------------

/** A chunk of training failed: a panic stops the page; anything else pauses and says why. */
function onFrameError(err) {
  if (app.isPanic(err)) return app.onPanic('what.training', err);
  app.onTrainError(err); // divergence.js
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
      await app.setRunning(false);
      app.showDiverged();
    }
    showCounters(app);
  }
}

/** While hidden (no frames), the page still hears the engine once a second, and autosaves. */
async function tickHidden() {
  if (!app.free || app.broken) return;
  await app.guard('what.background', async () => apply(await app.engine.frame({})));
  autosave.tickAfter(app, { now: performance.now(), training: false, due: {} });
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
  if (chartsDue) app.chartsAt = start;
  // The counters, D's verdict and G's explored digit come first, so they do not queue
  // behind training.
  const beat = { now: start, training, due: { grid: gridDue, charts: chartsDue, history: want.history } };
  for (const panel of PANELS) panel.tick?.(app, beat);
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
  for (const panel of PANELS) panel.tickAfter?.(app, beat);
  app.frameMs.push(performance.now() - start);
  if (app.frameMs.length > 240) app.frameMs.shift();
}

// ---- boot -------------------------------------------------------------------------------

/** Texts a language switch redraws in place (training runs on): each panel's. */
function relabel() {
  for (const panel of PANELS) panel.relabel?.(app);
}

/** A message of engine/connect.js ({ key, params }); `where`, `next` and `using` are keys too. */
function engineMessage({ key, params = {} }) {
  const p = { ...params };
  for (const name of ['where', 'next', 'using']) if (p[name]) p[name] = t(p[name]);
  return t(key, p);
}

async function boot() {
  const early = PANELS.flatMap((panel) => panel.start?.(app) ?? []);
  $('status').textContent = t('status.loading');
  const started = await startEngine();
  Object.assign(app, { engine: started.engine, path: started.path, build: started.build, threads: started.threads, why: started.why, core: started.core });
  checkCoreFacts(app.core);
  showEnginePath(app);
  // The static site's service worker says when every file is kept for offline use.
  window.ganplayHost?.offline.then((kept) => {
    app.offline = kept;
    showEnginePath(app);
  });
  app.defaults = fromConfig(JSON.parse(started.defaults));
  const search = location.search;
  // A world in the address brings its own defaults; the other settings go on top.
  const place = worldFromQuery(search);
  if (isWorld(place.world)) app.defaults = await worldDefaults(app, place.world).catch(() => app.defaults);
  const { flat, messages: said } = fromQuery(search, app.defaults);
  flat.world = isWorld(app.defaults.world) ? place.world : 'digits';
  if (place.message) said.push(place.message);
  const first = await app.engine.create({ configJson: toJson(flat), judge: new URL('./data/judge.safetensors', import.meta.url).href });
  if (said.length || started.messages.length || first.configMessage || early.length) {
    app.notify(() => sentences([
      ...started.messages.map(engineMessage),
      ...early.map(engineMessage),
      ...fromQuery(search, app.defaults).messages,
      ...(place.message ? [worldFromQuery(search).message] : []),
      ...(first.configMessage ? [t(first.configMessage.key, { reason: app.describe(new Error(first.configMessage.reason)) })] : []),
    ]));
  }
  document.addEventListener('visibilitychange', onVisibility);
  setInterval(tickHidden, 1000);
  for (const panel of PANELS) panel.setup?.(app, first);
  for (const id of ['train', 'step', 'step-d', 'step-g', 'reset']) $(id).disabled = false;
  app.ready = true;
  window.ganplay.ready = true;
  window.ganplayReady = true;
  requestAnimationFrame(frame);
}


/**
 * The test hook: the page's state, and `engine`, the engine's methods the tests call (the
 * page's own, through the seam; each returns a promise: `await ganplay.engine.steps()`).
 */
window.ganplay = {
  ready: false,
  state: app,
  engine: {
    /** The counters every report carries (`steps`, `dUpdates`, `stats`, `diverged`, `dataDim`…). */
    counters: () => app.engine.counters(),
    steps: async () => (await app.engine.counters()).steps,
    /** The settings in force, parsed (the core's JSON keys). */
    config: async () => JSON.parse(await app.engine.configJson()),
    configJson: () => app.engine.configJson(),
    setHyperparameters: (json) => app.engine.setHyperparameters(json),
    saveCheckpoint: () => app.engine.saveCheckpoint(),
    /** A new model behind the page's back (`sync` after): new networks from `json`, or a checkpoint's bytes. */
    reset: (json) => app.engine.reset(json),
    loadCheckpoint: (bytes) => app.engine.loadCheckpoint(bytes),
    exportHistory: () => app.engine.exportHistory(),
    importHistory: (rows) => app.engine.importHistory(rows),
    gridCell: (index) => app.engine.gridCell(index),
    /** `{ offered, steps }`: the restore point divergence would offer (-1: none) and every one kept. */
    restorePoints: () => app.engine.restorePoints(),
    /** A deliberate Rust panic where the build has the core's test hooks; false where not. */
    debugPanic: () => app.engine.debugPanic(),
  },
  guard: app.guard,
  /** Switches the page's language ('zh' or 'en') as the header's switch does. */
  setLang: (code) => app.switchLang(code),
  redrawGrid: () => drawGridView(app),
  /** Writes the autosave now; resolves to whether it was written. */
  autosaveNow: () => saveNow(app),
  /** Trains `n` steps at once (the tests' shortcut to a trained model); the views catch up. */
  trainSteps: async (n) => {
    apply(await app.engine.trainSteps(n));
    showCounters(app);
  },
  /** After the tests change the engine behind the page's back: the page catches up with it. */
  sync: async () => {
    apply(await app.engine.frame({ want: { grid: true, history: true } }));
    showCounters(app);
  },
};

boot().catch((err) => {
  $('status').textContent = t('status.noStart');
  app.showError(() => t('error.noStart', { reason: app.describe(err) }), err);
  window.ganplayReady = false;
});
