// Runs kept and replaced: a new model (reset, a checkpoint loaded, a saved run restored,
// the restore point after divergence) with the run it replaced kept for one undo; the
// checkpoint files, the charts' history, the data set, and the autosave, which the engine
// writes into IndexedDB itself (it holds the state, and a page being left has no time to
// ask for it). Methods of Engine (engine.js), `this` the engine.
import { RECORD_VERSION, writeSavedRun } from '../autosave-store.js';
import { setLang } from '../i18n.js';
import { describe } from './failures.js';
import { unmeasuredPhases } from './training.js';

const now = () => performance.now();

export class Runs {
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
    const old = keep && !pg.diverged() ? this.call(() => this.runNow()) : null;
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
    return this.replaceRun(() => this.putBack(run), { keep: false });
  }

  /** The run as it is: `{ checkpoint, history, step }` (what undo and the autosave keep). */
  runNow() {
    const { pg } = this;
    return { checkpoint: pg.save_checkpoint(), history: pg.export_history(), step: pg.steps() };
  }

  /** Puts `run` (as `runNow` gives it) into the playground: its checkpoint, then its charts' history. */
  putBack({ checkpoint, history }) {
    this.pg.load_checkpoint(checkpoint);
    this.pg.import_history(history);
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
    return this.call(() => this.runNow());
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
    const out = this.replaceRun(() => this.putBack({ checkpoint, history }));
    if (id != null && this.autosave) {
      this.setAutosave({ id, saved: true });
      out.autosave = this.autosaveReport();
    }
    return out;
  }

  exportHistory() {
    return this.pg.export_history();
  }

  /** Replaces the charts' history by `rows` (as `exportHistory` gives them); the model stays. */
  importHistory(rows) {
    this.guardBroken();
    this.call(() => this.pg.import_history(rows));
    this.version++;
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

  /** `{ offered, steps }`: the step of the restore point divergence would offer now (-1: none), and of every one kept. */
  restorePoints() {
    return { offered: this.pg.restore_point_step(), steps: Array.from(this.pg.restore_point_steps()) };
  }
}
