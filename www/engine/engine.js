// The engine: the wasm playground (G, D, the digits), the quality judge and the training
// loop, behind one object whose methods take and return plain data. It runs in a Web
// Worker (www/engine/worker.js, through Comlink) or, where workers cannot, on the page's
// own thread; the page reaches it only through www/engine/connect.js and never touches
// wasm memory. Each call returns what the page needs to draw: a report of the counters,
// and on request G's grid and the charts' history, copied out of wasm memory (so they can
// be transferred to the page without copying again).
//
// This file holds the engine's state, loading the wasm and making the playground, and the
// report. Its other methods live in one file per responsibility and are put on
// Engine.prototype below, so that the page, the worker and the tests see one object:
//   training.js     the chunks, the free run, hand steps, settings, the benchmark
//   quality.js      the judge's periodic evaluations and the Quality panel's verdicts
//   world-views.js  a 1-D or 2-D world's views and metrics
//   runs.js         replacing the model and its one undo, files, saved runs, the autosave
//   inference.js    D's verdicts and G's images for the pad, the grid, the training set
//   lessons.js      the lessons beside the GAN (D alone, the VAE)
//   failures.js     a wasm trap: the engine broken, every later call failing as it did
import { Failures } from './failures.js';
import { Inference } from './inference.js';
import { Lessons } from './lessons.js';
import { Quality } from './quality.js';
import { Runs } from './runs.js';
import { Training, unmeasuredPhases } from './training.js';
import { WorldViews } from './world-views.js';
import { gunzip } from '../util.js';
import { loadBuild } from '../wasm-build.js';

export { EVAL_EVERY_STEPS, EVAL_SAMPLES } from './quality.js';
export { WORLD_MESH, WORLD_POINTS_SHOWN, WORLD_RES_1D, WORLD_RES_2D } from './world-views.js';

export class Engine {
  constructor() {
    this.pg = null;
    this.judge = null;
    /** The last panic message console_error_panic_hook logged in this thread. */
    this.panicMessage = null;
    this.broken = false;
    this.version = 0;
    /**
     * The core's facts (`Playground.constants()`: the last phase's number, the columns of
     * the history rows, a digit's pixels…), read when the wasm is loaded.
     */
    this.core = null;
    this.phaseMs = [];
    this.msPerStep = null;
    this.lastPhases = 0;
    this.lastChunk = 0;
    /** A step that reached a film-strip milestone, reported with the grid at that step. */
    this.milestone = null;
    // `version` counts what the Quality panel would show differently (a verdict, the judge
    // loaded or failed, a clear); `sent` is the version the page last got.
    this.quality = { status: 'loading', accuracy: null, error: null, due: true, nextStep: 0, rows: 20, msPerRow: null, evaluations: 0, version: 0, sent: -1, current: null, timings: [] };
    /** The background loop (a hidden tab): training on without the page's frames. */
    this.free = null;
    /**
     * The run the last replacement of the model replaced (checkpoint bytes, chart history,
     * step), kept here for `undoReplace` until the next replacement; null when there is
     * none or it had diverged.
     */
    this.replacedRun = null;
    /** The world's metric history: rows [step, js, modes covered, modes, high-quality share]. */
    this.worldRows = [];
    this.worldMetricsVersion = -1;
    /**
     * The autosave, once the page has set it up (`setAutosave`): this tab's run id, the
     * data source to record, how often to save while training, and what was saved when.
     * The engine writes the run into IndexedDB itself: it holds the state, and a page
     * being left has no time to ask for it and write it.
     */
    this.autosave = null;
  }

  /**
   * Loads the wasm build (`threads`: the pool's size, for the threaded build) and unpacks
   * the digits (`images`, `labels`: gzipped IDX bytes). Returns the core's default config,
   * its facts (`core`) and the pool's size. Started early in the page's boot; `create` follows.
   */
  async load({ build, threads = 0, images, labels }) {
    const consoleError = console.error.bind(console);
    console.error = (...args) => {
      const text = args.map(String).join(' ');
      if (/panicked at/.test(text)) this.panicMessage = text.split('\n').slice(0, 2).join(' ');
      consoleError(...args);
    };
    const [glue, imageBytes, labelBytes] = await Promise.all([loadBuild(build, threads), gunzip(images), gunzip(labels)]);
    this.glue = glue;
    this.core = JSON.parse(glue.Playground.constants());
    this.phaseMs = unmeasuredPhases(this.core.last_phase);
    this.builtin = { images: imageBytes, labels: labelBytes };
    return { defaults: glue.Playground.default_config_json(), core: this.core, threads: glue.threads };
  }

  /**
   * Makes the playground with `configJson` (the defaults if that cannot be used, with a
   * message saying why), and starts loading the quality judge from `judge` (a URL) in the
   * background. Returns a full report.
   */
  create({ configJson, judge }) {
    const { Playground } = this.glue;
    let configMessage = null;
    try {
      this.pg = new Playground(this.builtin.images, this.builtin.labels, configJson);
    } catch (err) {
      // The page says it in its language: `reason` is the core's coded message.
      configMessage = { key: 'engine.configUnusable', reason: err?.message ?? String(err) };
      this.pg = new Playground(this.builtin.images, this.builtin.labels, Playground.default_config_json());
    }
    this.dataSpeckle = this.pg.data_speckle();
    this.loadJudge(judge);
    return { configMessage, config: this.pg.config_json(), ...this.report({ grid: true, history: true }) };
  }

  /** The last panic message Rust logged in this thread, or null. */
  lastPanic() {
    return this.panicMessage;
  }

  // ---- what the page draws --------------------------------------------------------------

  /**
   * The counters and state every report carries (the steps, the updates, D's and G's
   * last losses, divergence, the autosave…); nothing is copied out of wasm memory and
   * nothing is marked as sent.
   */
  counters() {
    const { pg } = this;
    const r = {
      version: this.version,
      steps: pg.steps(),
      epoch: pg.epoch(),
      imagesSeen: pg.images_seen(),
      dUpdates: pg.d_updates(),
      gUpdates: pg.g_updates(),
      stats: pg.last_stats(),
      nextPhase: pg.next_phase(),
      dataLen: pg.data_len(),
      diverged: pg.diverged(),
      lastPhases: this.lastPhases,
      lastChunk: this.lastChunk,
      msPerStep: this.msPerStep,
      free: this.free != null,
      busy: this.busy(),
      average: pg.samples_from_average(),
      autosave: this.autosaveReport(),
      dataDim: pg.data_dim(),
    };
    if (r.diverged) {
      // The core's English, and the same as codes and data for the page's language (www/core-errors.js).
      r.divergence = {
        message: pg.divergence_message(),
        code: pg.divergence_code(),
        restoreStep: pg.restore_point_step(),
        restoreReason: pg.restore_point_reason(),
        restoreReasonJson: pg.restore_point_reason_json(),
      };
    }
    if (this.inWorld()) r.worldName = pg.world_name();
    return r;
  }

  /**
   * The counters (`counters`), plus on request (`want`) G's grid as RGBA pixels and the
   * charts' history rows, both copied out of wasm memory; with a film-strip milestone's
   * grid and the judge's news when there are.
   */
  report(want = {}, worldParts = null) {
    const { pg } = this;
    const r = this.counters();
    if (this.inWorld()) {
      Object.assign(r, worldParts ?? this.worldParts(want));
      this.milestone = null;
    } else if (want.grid || this.milestone != null) {
      const ptr = pg.render_grid();
      const w = pg.grid_width();
      const h = pg.grid_height();
      r.grid = { pixels: new Uint8ClampedArray(this.memory().buffer, ptr, w * h * 4).slice(), width: w, height: h, version: this.version, step: r.steps };
      r.milestone = this.milestone;
      this.milestone = null;
    }
    if (want.history) {
      r.history = { rows: new Float32Array(this.memory().buffer, pg.history_ptr(), pg.history_len()).slice(), version: this.version };
    }
    const q = this.quality;
    if (q.sent !== q.version) r.quality = this.qualityReport();
    return r;
  }

  memory() {
    return this.glue.wasm.memory;
  }

  /** The wasm memory's size in bytes (the bench checks that a long run keeps it flat). */
  memoryBytes() {
    return this.memory().buffer.byteLength;
  }
}

/**
 * Puts each part's methods on `target`'s prototype, as if written in its class body (the
 * worker exposes Engine.prototype's own methods by name). A name two parts define is an
 * error at load, not a silent override.
 */
function compose(target, ...parts) {
  for (const part of parts) {
    for (const name of Object.getOwnPropertyNames(part.prototype)) {
      if (name === 'constructor') continue;
      if (Object.hasOwn(target.prototype, name)) throw new Error(`Engine.${name} is defined twice (${part.name})`);
      Object.defineProperty(target.prototype, name, Object.getOwnPropertyDescriptor(part.prototype, name));
    }
  }
}

compose(Engine, Training, Quality, WorldViews, Runs, Inference, Lessons, Failures);
