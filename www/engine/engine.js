// The engine: the wasm playground (G, D, the digits), the quality judge and the training
// loop, behind one object whose methods take and return plain data. It runs in a Web
// Worker (www/engine/worker.js, through Comlink) or, where workers cannot, on the page's
// own thread; the page reaches it only through www/engine/connect.js and never touches
// wasm memory. Each call returns what the page needs to draw: a report of the counters,
// and on request G's grid and the charts' history, copied out of wasm memory (so they can
// be transferred to the page without copying again).
import { RECORD_VERSION, writeSavedRun } from '../autosave-store.js';
import { isMilestone } from '../grid.js';
import { setLang } from '../i18n.js';
import { fetchBytes, gunzip } from '../util.js';
import { loadBuild } from '../wasm-build.js';

const MAX_PHASES_PER_CHUNK = 3000;
/** The quality judge: samples per evaluation, and training steps between evaluations. */
export const EVAL_SAMPLES = 500;
export const EVAL_EVERY_STEPS = 200;
/** Time an evaluation may take per chunk; the rows per slice follow from it. */
const SLICE_MS = 6;
const MIN_ROWS = 10;
/**
 * A 1-D or 2-D world's view (src/wasm/worlds.rs): G's points shown, D's verdict on this
 * many grid points per axis (2-D: squared; a 64×64 map of a 64-64 D is about 1 ms), and
 * lines of the noise mesh per axis.
 */
export const WORLD_POINTS_SHOWN = 512;
export const WORLD_RES_2D = 64;
export const WORLD_RES_1D = 200;
export const WORLD_MESH = 21;
/** Rows of the world's metric history kept before it is thinned to every other row. */
const WORLD_METRICS_MAX_ROWS = 2000;

/** No phase's cost measured yet: slots 1…last (slot 0 unused; `last` the core's `last_phase`). */
const unmeasuredPhases = (last) => Array(last + 1).fill(null);
const now = () => performance.now();

/**
 * A wasm trap (a Rust panic) leaves the instance unusable. Across a worker it arrives as
 * a plain Error, so it is marked by name, with the panic's own message when Rust logged one.
 */
function panicError(err, panic) {
  const e = new Error(err.message);
  e.name = 'RuntimeError';
  e.panic = panic;
  return e;
}

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

  /** Whether a 1-D or 2-D world is in force (not the digits). */
  inWorld() {
    return this.pg.data_dim() !== this.core.image_dim;
  }

  /**
   * Loads the wasm build (`threads`: the pool's size, for the threaded build) and unpacks
   * the digits (`images`, `labels`: gzipped IDX bytes). Returns the core's default config
   * and the pool's size. Started early in the page's boot; `create` follows.
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
    return { defaults: glue.Playground.default_config_json(), threads: glue.threads };
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

  async loadJudge(url) {
    const q = this.quality;
    try {
      this.judge = new this.glue.QualityJudge(await fetchBytes(url));
      q.status = 'ready';
      q.accuracy = this.judge.accuracy();
      q.vanishedShare = this.glue.QualityJudge.vanished_share();
    } catch (err) {
      q.status = 'failed';
      q.error = describe(err);
    }
    q.version++; // the page learns the judge's state with the next report
  }

  // ---- what the page draws --------------------------------------------------------------

  /**
   * The counters and state every call returns, plus on request (`want`) G's grid as RGBA
   * pixels and the charts' history rows, both copied out of wasm memory.
   */
  report(want = {}, worldParts = null) {
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
    if (this.inWorld()) {
      r.worldName = pg.world_name();
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

  /** The world's view and metrics, as far as `want` asks for them (grid: the view; history: the metrics). */
  worldParts(want) {
    const parts = {};
    if (want.grid || want.world) parts.world = this.worldView();
    if (want.history || want.world) parts.worldMetrics = this.worldMetrics(this.pg.steps());
    return parts;
  }

  /**
   * What the world's view draws, copied out of wasm memory: D's verdict on the grid, the
   * real points, G's points, the push of G's loss on each, and G's image of the noise grid.
   */
  worldView() {
    const { pg } = this;
    const dim = pg.data_dim();
    const res = dim === 1 ? WORLD_RES_1D : WORLD_RES_2D;
    this.call(() => pg.update_world_view(WORLD_POINTS_SHOWN, res, WORLD_MESH));
    const f32 = (ptr, len) => new Float32Array(this.memory().buffer, ptr, len).slice();
    const n = WORLD_POINTS_SHOWN * dim;
    return {
      name: pg.world_name(),
      dim,
      res,
      noiseDim: JSON.parse(pg.config_json()).noise_dim,
      mesh: WORLD_MESH,
      d: f32(pg.world_d_ptr(), pg.world_d_len()),
      real: f32(pg.world_real_ptr(), Math.min(pg.data_len(), 1500) * dim),
      fake: f32(pg.world_fake_ptr(), n),
      push: f32(pg.world_push_ptr(), n),
      meshPoints: f32(pg.world_mesh_ptr(), pg.world_mesh_len()),
      version: this.version,
      step: pg.steps(),
    };
  }

  /**
   * The world's metrics now (measured again whenever the model changed since the last
   * time: about 2 ms for 2,500 points of a 64-64 G, asked with the charts at most 4×/s)
   * and their history, for the charts.
   */
  worldMetrics(steps) {
    if (this.worldMetricsVersion !== this.version) {
      const [js, covered, modes, hq] = this.call(() => this.pg.world_metrics());
      const rows = this.worldRows;
      while (rows.length && rows[rows.length - 1][0] >= steps) rows.pop();
      rows.push([steps, js, covered, modes, hq]);
      if (rows.length > WORLD_METRICS_MAX_ROWS) this.worldRows = rows.filter((_, i) => i % 2 === 1);
      this.worldMetricsVersion = this.version;
    }
    const last = this.worldRows[this.worldRows.length - 1];
    return { js: last[1], covered: last[2], modes: last[3], highQuality: last[4], rows: Float64Array.from(this.worldRows.flat()), columns: 5 };
  }

  /** The judge's last verdict and its history, for the Quality panel. */
  qualityReport() {
    const q = this.quality;
    q.sent = q.version;
    const out = { status: q.status, accuracy: q.accuracy, error: q.error, evaluations: q.evaluations, samples: EVAL_SAMPLES, every: EVAL_EVERY_STEPS, vanishedShare: q.vanishedShare, timings: q.timings.slice(-5) };
    const j = this.judge;
    if (!j) return out;
    const len = j.history_len();
    return {
      ...out,
      counts: Array.from(j.counts()),
      fd: j.fd(),
      minShare: j.min_class_share(),
      agreement: j.agreement(),
      speckle: j.speckle(),
      dataSpeckle: this.dataSpeckle,
      vanished: Array.from(j.vanished()),
      history: new Float32Array(this.memory().buffer, j.history_ptr(), len).slice(),
      columns: this.core.quality_columns,
    };
  }

  // ---- training ---------------------------------------------------------------------------

  /**
   * One chunk of the page's frame loop: a slice of a due quality evaluation, then (when
   * `train`) as many phases of training as fit `budgetMs` from the start of the call.
   * Stops early at a film-strip milestone, so that the grid of that step is reported.
   */
  frame({ train = false, budgetMs = 14, want = {} } = {}) {
    this.guardBroken();
    const start = now();
    // Until each phase has run once (about five chunks after Train), the judge waits:
    // its slice would leave too little of the chunk for a phase of unknown cost.
    const warmingUp = train && this.msPerStep == null;
    if (!warmingUp && !this.inWorld()) this.tickQuality();
    // A world's view and metrics are computed before the chunk's training, so that their
    // cost counts in its budget (on the page's thread a frame has room for both only so);
    // they show the model as the chunk found it, and the next redraw catches up.
    const worldParts = this.inWorld() ? this.worldParts(want) : null;
    if (train) this.trainChunk(start, budgetMs);
    this.tickSave();
    return this.report(want, worldParts);
  }

  /** Whether a call to `frame` has work even when not training (an evaluation due or under way, the judge loading). */
  busy() {
    const q = this.quality;
    if (q.status === 'loading') return true; // the page asks until it hears the judge is in
    if (this.inWorld()) return false; // the judge reads digits only
    return Boolean(this.judge && (q.due || this.judge.busy() || this.pg.steps() >= q.nextStep));
  }

  trainChunk(start, budgetMs) {
    const { pg } = this;
    let phases = 0;
    let completed = 0;
    try {
      while (phases < MAX_PHASES_PER_CHUNK) {
        const phase = pg.next_phase();
        const estimate = this.phaseMs[phase];
        const t = now();
        const left = budgetMs - (t - start);
        // The next phase must fit; one whose cost is not known yet runs alone (the first
        // runs of the wasm code are its slowest). If none has run yet and the judge took
        // part of this chunk, train in the next one; else run one, since a phase longer
        // than the whole budget can only run alone.
        if ((estimate == null || estimate > left) && (phases > 0 || t - start > 2)) break;
        pg.advance();
        const took = now() - t;
        this.phaseMs[phase] = this.phaseMs[phase] == null ? took : 0.8 * this.phaseMs[phase] + 0.2 * took;
        phases++;
        if (phase === this.core.last_phase) {
          completed++;
          this.version++;
          if (isMilestone(pg.steps())) {
            this.milestone = pg.steps();
            break;
          }
        }
      }
    } catch (err) {
      this.fail(err); // a panic; or divergence and other refusals, reported with the state
      if (!pg.diverged()) throw err;
    } finally {
      if (phases && !completed) this.version++; // D moved
      this.lastPhases = phases;
      this.lastChunk = completed;
      // Once the last phase has run, every phase of a step has (they run in order; on a
      // pool of two threads the core runs G's Sample phase inside the Real one, so that
      // one never runs on its own and stays unmeasured).
      const known = this.phaseMs.slice(1).filter((v) => v != null);
      this.msPerStep = this.phaseMs[this.core.last_phase] != null ? known.reduce((a, b) => a + b, 0) : null;
    }
  }

  /** Runs a slice of a due or running quality evaluation (SLICE_MS long, about). */
  tickQuality() {
    const q = this.quality;
    const j = this.judge;
    if (!j) return;
    const steps = this.pg.steps();
    if (!j.busy()) {
      if (!q.due && steps < q.nextStep) return;
      q.due = false;
      q.nextStep = steps + EVAL_EVERY_STEPS;
      j.begin(this.pg, EVAL_SAMPLES);
      q.current = { step: steps, ms: 0, slices: 0, maxSliceMs: 0 };
    }
    const t0 = now();
    const rows = q.rows;
    const done = j.advance(this.pg, rows);
    const ms = now() - t0;
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
      q.version++;
    }
  }

  /** Finishes a step the chunks left part-way done, so the counters show whole steps. */
  finishPendingStep() {
    this.guardBroken();
    this.stopFree();
    try {
      if (this.pg.finish_pending_step()) this.version++;
    } catch (err) {
      this.fail(err);
      if (!this.pg.diverged()) throw err;
    }
    return this.report({ grid: true, history: true });
  }

  /**
   * A hidden tab gets no animation frames: the engine trains on by itself, in chunks of
   * `budgetMs` with a pause between them so that calls from the page get through, until
   * `stopFree` (or an error, which the next report shows).
   */
  startFree(budgetMs = 50) {
    this.guardBroken();
    if (this.free) return this.report();
    const free = { stopped: false, error: null };
    this.free = free;
    const loop = () => {
      if (free.stopped || this.broken) return;
      try {
        this.frame({ train: true, budgetMs });
      } catch (err) {
        free.error = describe(err);
        this.free = null;
        return;
      }
      if (this.pg.diverged()) {
        this.free = null;
        return;
      }
      setTimeout(loop, 0);
    };
    setTimeout(loop, 0);
    return this.report();
  }

  /** Stops the background loop; returns what happened in it (an error, if one stopped it). */
  stopFree() {
    const free = this.free;
    if (free) free.stopped = true;
    this.free = null;
    return { error: free?.error ?? null, ...this.report({ grid: true, history: true }) };
  }

  // ---- hand steps and settings ----------------------------------------------------------

  /** One hand step: `kind` 'step' (a whole step), 'd' (D only) or 'g' (G only). */
  handStep(kind) {
    this.guardBroken();
    this.stopFree();
    const { pg } = this;
    try {
      if (kind === 'step') pg.train_steps(1);
      else if (kind === 'd') pg.d_step();
      else if (kind === 'g') pg.g_step();
      else throw new Error(`unknown step “${kind}”`);
    } catch (err) {
      this.fail(err);
      throw err;
    } finally {
      this.version++;
    }
    if (isMilestone(pg.steps())) this.milestone = pg.steps();
    return this.report({ grid: true, history: true });
  }

  /** Trains `n` whole steps at once (the tests' and the CLI-like shortcut). */
  trainSteps(n) {
    this.guardBroken();
    try {
      this.pg.train_steps(n);
    } catch (err) {
      this.fail(err);
      if (!this.pg.diverged()) throw err;
    } finally {
      this.version++;
    }
    return this.report({ grid: true, history: true });
  }

  configJson() {
    return this.pg.config_json();
  }

  /** The default settings of world `worldJson` (`"ring8"`, `{"drawn": [[x, y], …]}`), as JSON. */
  worldDefaults(worldJson) {
    return this.call(() => this.glue.Playground.world_default_config_json(worldJson));
  }

  /** New training settings, the weights kept. Returns the config in force. */
  setHyperparameters(json) {
    this.guardBroken();
    this.call(() => this.pg.set_hyperparameters(json));
    this.version++;
    return this.pg.config_json();
  }

  /**
   * Draws the grid, samples and the judge's verdicts from the averaged G (`on`) or from G
   * itself; training is unchanged. The judge looks again. Returns a full report.
   */
  setSamplesFromAverage(on) {
    this.guardBroken();
    this.pg.set_samples_from_average(Boolean(on));
    this.version++;
    this.rejudge();
    return this.report({ grid: true, history: true });
  }

  /** Forgets the judge's verdicts, which are about another G now, and asks for a new one. */
  rejudge() {
    const q = this.quality;
    if (!this.judge) return;
    this.judge.clear();
    q.current = null;
    q.due = true;
    q.version++; // the cleared verdict is news for the panel
  }

  /** New networks from `json` (a new seed or architecture): everything starts over. */
  reset(json) {
    return this.replaceRun(() => this.pg.reset(json));
  }

  /**
   * Replaces the model by `replace` (a playground call); on success the run it replaced is
   * kept for `undoReplace` (with `keep`, and unless it had diverged), and a full report
   * returned, with what `replace` returned as `result`. On error the model, and the run
   * kept before, stay.
   */
  replaceRun(replace, { keep = true } = {}) {
    this.guardBroken();
    this.stopFree();
    const { pg } = this;
    const old = keep && !pg.diverged() ? this.call(() => ({ checkpoint: pg.save_checkpoint(), history: pg.export_history(), step: pg.steps() })) : null;
    const result = this.call(replace);
    this.replacedRun = old;
    return { result, ...this.replaced() };
  }

  /**
   * Puts back the run the last replacement replaced, exactly (weights, optimiser state,
   * settings, step, charts); the run undone is not kept (there is no redo).
   */
  undoReplace() {
    const run = this.replacedRun;
    if (!run) throw new Error('[engine.no_undo] there is no replaced run to put back');
    return this.replaceRun(() => {
      this.pg.load_checkpoint(run.checkpoint);
      this.pg.import_history(run.history);
    }, { keep: false });
  }

  /** The model was replaced: the phase costs, the judge's verdicts and the views start over. */
  replaced() {
    this.version++;
    this.worldRows = [];
    this.worldMetricsVersion = -1;
    this.phaseMs = unmeasuredPhases(this.core.last_phase);
    this.msPerStep = null;
    this.rejudge();
    const run = this.replacedRun;
    return { config: this.pg.config_json(), undo: run && { step: run.step }, ...this.report({ grid: true, history: true }) };
  }

  // ---- files and saved runs -----------------------------------------------------------------

  saveCheckpoint() {
    this.guardBroken();
    return this.call(() => this.pg.save_checkpoint());
  }

  loadCheckpoint(bytes) {
    return this.replaceRun(() => this.pg.load_checkpoint(bytes));
  }

  /** The autosave's record of the run (null while diverged: the last save stays). */
  savedRun() {
    this.guardBroken();
    if (this.pg.diverged()) return null;
    return this.call(() => ({
      checkpoint: this.pg.save_checkpoint(),
      history: this.pg.export_history(),
      step: this.pg.steps(),
    }));
  }

  /**
   * Sets up (or changes) the autosave: `id` the run to save under, `dataSource` what to
   * record the data as, `everyMs` how often to save while the model changes, `lang` the
   * language of the store's messages; with `saved`, the model as it is counts as saved
   * (a run just restored from that id). A model not changed since the autosave was set up
   * is not saved: an untouched page writes nothing. Returns the autosave's report.
   */
  setAutosave({ id, dataSource, everyMs, lang, saved = false } = {}) {
    if (lang && !globalThis.document) setLang(lang); // in a worker; the page's own thread has the page's
    const a = (this.autosave ??= { id: null, dataSource: null, everyMs: 3000, version: this.version, at: now(), writing: null, saves: 0, errors: 0, error: null, step: null, savedAt: null });
    if (id != null && id !== a.id) {
      a.id = id;
      a.step = a.savedAt = null;
    }
    if (dataSource != null) a.dataSource = dataSource;
    if (everyMs != null) a.everyMs = everyMs;
    if (saved) a.version = this.version;
    return this.autosaveReport();
  }

  /** What the page shows of the autosave: the model version last saved, saves and failures. */
  autosaveReport() {
    const a = this.autosave;
    if (!a) return null;
    return { id: a.id, version: a.version, saves: a.saves, errors: a.errors, error: a.error, step: a.step, savedAt: a.savedAt, writing: a.writing != null };
  }

  /** Saves when the model changed and the last save is `everyMs` old (from each chunk). */
  tickSave() {
    const a = this.autosave;
    if (a && !a.writing && a.version !== this.version && now() - a.at >= a.everyMs) this.saveRun();
  }

  /**
   * Writes the run into IndexedDB now, if it changed since the last save. Resolves to the
   * autosave's report with `saved` (whether this call wrote it). Nothing after a panic or
   * while diverged (the last save, from before, stays). A save already under way is
   * waited for instead of starting another: it is at most a moment old. Never rejects: a
   * failure is in the report (`error`), and the page says so.
   */
  async saveRun() {
    const a = this.autosave;
    if (!a || this.broken) return { saved: false, ...this.autosaveReport() };
    if (a.writing) return { saved: await a.writing, ...this.autosaveReport() };
    if (a.version === this.version || this.pg.diverged()) return { saved: false, ...this.autosaveReport() };
    const version = this.version;
    a.at = now();
    let record;
    try {
      const run = this.savedRun();
      record = { version: RECORD_VERSION, ...run, savedAt: Date.now(), dataSource: a.dataSource };
    } catch (err) {
      if (this.broken) throw err; // a panic: the page says it
      a.errors++;
      a.error = describe(err);
      return { saved: false, ...this.autosaveReport() };
    }
    const id = a.id;
    a.writing = writeSavedRun(id, record).then(
      () => {
        if (a.id === id) {
          a.version = Math.max(a.version, version);
          a.step = record.step;
          a.savedAt = record.savedAt;
        }
        a.saves++;
        a.error = null;
        return true;
      },
      (err) => {
        console.warn('autosave: cannot save the run', err);
        a.errors++;
        a.error = describe(err);
        return false;
      },
    );
    const saved = await a.writing.finally(() => (a.writing = null));
    return { saved, ...this.autosaveReport() };
  }

  /**
   * Puts back a saved run: its checkpoint, then its charts' history. With `id`, the
   * autosave goes on under that run id from here, the run as restored counting as saved
   * (in the same call, so that no save in between lands under the old id).
   */
  restoreRun(checkpoint, history, id = null) {
    const out = this.replaceRun(() => {
      this.pg.load_checkpoint(checkpoint);
      this.pg.import_history(history);
    });
    if (id != null && this.autosave) {
      this.setAutosave({ id, saved: true });
      out.autosave = this.autosaveReport();
    }
    return out;
  }

  exportHistory() {
    return this.pg.export_history();
  }

  /** Trains on new IDX bytes (or the built-in digits when none); returns the data's size. */
  loadData(images, labels) {
    this.guardBroken();
    const data = images ? { images, labels } : this.builtin;
    this.call(() => this.pg.load_data(data.images, data.labels));
    this.dataSpeckle = this.pg.data_speckle();
    return this.pg.data_len();
  }

  /** Puts back the restore point the core offers after divergence (src/wasm/recovery.rs). */
  restoreLastGood() {
    const { result, ...report } = this.replaceRun(() => this.pg.restore_last_good());
    return { restored: result, ...report };
  }

  // ---- D's verdicts, G's images, the training set ---------------------------------------

  score(image, label) {
    return this.call(() => this.pg.score(image, label));
  }

  scoreLabels(image) {
    return this.call(() => this.pg.score_labels(image));
  }

  /** `n` steps of gradient ascent on D's score of `image`: the new image and each score. */
  ascend(image, label, stepSize, n) {
    return this.call(() => {
      const scores = [];
      for (let i = 0; i < n; i++) scores.push(this.pg.ascend(image, label, stepSize)); // mutates image
      return { image, scores };
    });
  }

  // ---- "Can D generate?": D alone, in rounds (src/dalone/) ---------------------------------

  /**
   * Starts a D-alone run afresh (`settings`: seed, negatives, d_steps, ascent_steps,
   * ascent_rate; the core's page defaults otherwise). Returns its state (`daloneState`).
   */
  daloneStart(settings = {}) {
    this.call(() => this.pg.dalone_start(JSON.stringify(settings)));
    return this.daloneState(null);
  }

  /** One round (a run with the defaults starts if none has): its figures and the new negatives. */
  daloneRound() {
    const stats = JSON.parse(this.call(() => this.pg.dalone_round()));
    return this.daloneState(stats);
  }

  /** `{ rounds, stats, negatives }`: negatives a Float32Array (n × image_dim, pixels in [-1, 1]), empty with no run. */
  daloneState(stats) {
    return { rounds: this.pg.dalone_rounds(), stats, negatives: this.pg.dalone_negatives() };
  }

  // ---- "Can G learn by itself?": the VAE beside the GAN (src/vae/) ---------------------------

  /**
   * Starts a VAE run afresh (`settings`: kind "vae" or "autoencoder", seed; the decoder
   * shaped as the playground's G, the encoder as its D). Returns its state (`vaeState`).
   */
  vaeStart(settings = {}) {
    this.call(() => this.pg.vae_start(JSON.stringify(settings)));
    return this.vaeState(null);
  }

  /** `steps` training steps (1–1000; a VAE with the defaults starts if none has): its state. */
  vaeTrain(steps) {
    const stats = JSON.parse(this.call(() => this.pg.vae_train(steps)));
    return this.vaeState(stats);
  }

  /**
   * `{ steps, stats, grid, recon }`: `grid` the decoder's images for the codes of G's grid
   * (100 × image_dim), `recon` the first 8 training digits then their reconstructions
   * (16 × image_dim); both empty with no run. Pixels in [-1, 1].
   */
  vaeState(stats) {
    return this.call(() => {
      const { pg } = this;
      return { steps: pg.vae_steps(), stats, grid: pg.vae_grid(), recon: pg.vae_reconstructions(8) };
    });
  }

  /**
   * The judge's verdict (`Quality` JSON: fd, min_class_share, vanished, speckle, counts)
   * on `n` of the VAE's samples from fresh codes z ~ N(0, 1) (the same codes each time);
   * null with no run or no judge.
   */
  vaeJudge(n = EVAL_SAMPLES) {
    if (!this.judge) return null;
    return this.call(() => {
      const samples = this.pg.vae_samples(n, 1);
      return samples.length ? { step: this.pg.vae_steps(), ...JSON.parse(this.judge.judge_pixels(samples)) } : null;
    });
  }

  /**
   * The lecture's two edits of `n` training digits, `count` pixels each, one along the
   * stroke and one stray, at the same pixel distance, and D's mean scores of them:
   * `{ count, squared_distance, n, d_original, d_stroke, d_stray, lower_stray, images }`,
   * `images` the first digit and its two edits (a Float32Array, 3 × image_dim).
   */
  pixelEdits(count = 6, n = 500) {
    const out = JSON.parse(this.call(() => this.pg.pixel_edits(count, n)));
    return { ...out, images: Float32Array.from(out.images) };
  }

  /**
   * D's verdicts on `n` real digits drawn at random from the training set and on `n` of
   * G's fakes from fresh noise N(0, 1) (random digits, when conditional): `{ real, fake }`,
   * n probabilities each. The pad's histogram shows a drawing's score against them.
   */
  scoreSample(n = 200) {
    return this.call(() => {
      const { pg } = this;
      const { noise_dim: dim } = JSON.parse(pg.config_json());
      const len = pg.data_len();
      const pixels = this.core.image_dim;
      const images = new Float32Array(n * pixels);
      const labels = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const index = Math.floor(Math.random() * len);
        images.set(pg.training_image(index), i * pixels);
        labels[i] = pg.training_label(index);
      }
      const z = Float32Array.from({ length: n * dim }, gaussian);
      const fakeLabels = Uint8Array.from({ length: n }, () => Math.floor(Math.random() * this.core.num_classes));
      const fakes = pg.generate(z, fakeLabels);
      return { real: pg.score_batch(images, labels), fake: pg.score_batch(fakes, fakeLabels), version: this.version };
    });
  }

  /** A training image picked at random: `{ index, label, image }`. */
  randomTrainingImage() {
    return this.call(() => {
      const index = Math.floor(Math.random() * this.pg.data_len());
      return { index, label: this.pg.training_label(index), image: this.pg.training_image(index) };
    });
  }

  /** The noise vector and label of grid cell `index`, and G's image of it as last drawn. */
  gridCell(index) {
    const dim = this.core.image_dim;
    return this.call(() => ({
      z: this.pg.grid_z(index),
      label: this.pg.grid_label(index),
      image: new Float32Array(this.memory().buffer, this.pg.grid_images_ptr() + index * dim * 4, dim).slice(),
    }));
  }

  generate(z, labels) {
    return this.call(() => this.pg.generate(z, labels));
  }

  /** The training image nearest to `image` (pixel distance): its index, label and pixels. */
  nearest(image) {
    return this.call(() => {
      const index = this.pg.nearest_training_image(image);
      return { index, label: this.pg.training_label(index), image: this.pg.training_image(index) };
    });
  }

  /** The wasm memory's size in bytes (the bench checks that a long run keeps it flat). */
  memoryBytes() {
    return this.memory().buffer.byteLength;
  }

  /**
   * Raw training speed in this thread: `steps` whole steps at batch size `batch` after 10
   * to warm up, timed here (no page, no messages in between). The batch size in force
   * before is put back. Returns steps per second; with `phases`, `{ sps, ms }` instead,
   * the steps run a phase at a time (`advance`, as the page's frames do) and `ms` each
   * phase's mean milliseconds per step, `[real, sample, fake, through_d, generator]`.
   */
  benchmark({ batch, steps, phases = false }) {
    this.guardBroken();
    const before = this.pg.config_json();
    try {
      this.call(() => this.pg.set_hyperparameters(JSON.stringify({ ...JSON.parse(before), batch_size: batch })));
      this.call(() => this.pg.train_steps(10));
      const t0 = now();
      if (!phases) {
        this.call(() => this.pg.train_steps(steps));
        return (steps * 1000) / (now() - t0);
      }
      const ms = [0, 0, 0, 0, 0];
      for (let done = 0; done < steps; ) {
        const phase = this.pg.next_phase(); // 1–5
        const t = now();
        this.call(() => this.pg.advance());
        ms[phase - 1] += now() - t;
        if (phase === 5) done++;
      }
      return { sps: (steps * 1000) / (now() - t0), ms: ms.map((m) => m / steps) };
    } finally {
      this.version++;
      if (!this.broken) this.pg.set_hyperparameters(before);
    }
  }

  /** For tests and debugging: calls the playground's own method `name`. */
  playground(name, ...args) {
    this.guardBroken();
    if (typeof this.pg[name] !== 'function') throw new Error(`the playground has no method “${name}”`);
    try {
      return this.call(() => this.pg[name](...args));
    } finally {
      if (!READ_ONLY.test(name)) this.version++;
    }
  }

  // ---- errors ------------------------------------------------------------------------------

  /** Runs `fn`; a wasm trap marks the engine broken and comes out as a panic error. */
  call(fn) {
    try {
      return fn();
    } catch (err) {
      this.fail(err);
      throw err instanceof WebAssembly.RuntimeError ? panicError(err, this.panicMessage) : err;
    }
  }

  fail(err) {
    if (err instanceof WebAssembly.RuntimeError) {
      this.broken = true;
      this.trap = err.message;
      if (this.free) this.free.stopped = true;
      this.free = null;
      throw panicError(err, this.panicMessage);
    }
  }

  guardBroken() {
    // Every call after a trap fails as the trap did: whichever reaches the page first says it.
    if (this.broken) throw panicError(new Error(this.trap), this.panicMessage);
  }
}

/** A standard normal sample (Box–Muller). */
const gaussian = () => Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random());

/** Playground methods that change nothing (the rest bump the model's version). */
const READ_ONLY = /^(steps|epoch|images_seen|[dg]_updates|config_json|data_len|diverged|divergence_message|divergence_code|restore_point_step|restore_point_reason|restore_point_reason_json|restore_point_steps|last_stats|history_len|next_phase|grid_label|grid_z|export_history|training_label|training_image|score|score_labels|score_batch|nearest_training_image)$/;

const describe = (err) => (err?.message ?? String(err)).replace(/[.!?]$/, '') + '.';
