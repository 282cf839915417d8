// The quality judge's side of the engine: loading the judge, its evaluations run a slice
// at a time inside the page's chunks (every EVAL_EVERY_STEPS steps, on EVAL_SAMPLES of G's
// samples), and the verdicts for the Quality panel. Methods of Engine (engine.js), `this`
// the engine; its state is `this.judge` and `this.quality`.
import { describe } from './failures.js';
import { fetchBytes } from '../util.js';

/** The quality judge: samples per evaluation, and training steps between evaluations. */
export const EVAL_SAMPLES = 500;
export const EVAL_EVERY_STEPS = 200;
/** Time an evaluation may take per chunk; the rows per slice follow from it. */
const SLICE_MS = 6;
const MIN_ROWS = 10;

const now = () => performance.now();

export class Quality {
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

  /** Whether a call to `frame` has work even when not training (an evaluation due or under way, the judge loading). */
  busy() {
    const q = this.quality;
    if (q.status === 'loading') return true; // the page asks until it hears the judge is in
    if (this.inWorld()) return false; // the judge reads digits only
    return Boolean(this.judge && (q.due || this.judge.busy() || this.pg.steps() >= q.nextStep));
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

  /** Forgets the judge's verdicts, which are about another G now, and asks for a new one. */
  rejudge() {
    const q = this.quality;
    if (!this.judge) return;
    this.judge.clear();
    q.current = null;
    q.due = true;
    q.version++; // the cleared verdict is news for the panel
  }
}
