// The training loop: the page's chunks (as many phases as fit a frame's budget), the free
// run of a hidden tab, the hand steps, the settings changed with the weights kept, and
// the raw-speed benchmark. Methods of Engine (engine.js), `this` the engine.
import { isMilestone } from '../milestones.js';
import { describe } from './failures.js';

const MAX_PHASES_PER_CHUNK = 3000;

/** No phase's cost measured yet: slots 1…last (slot 0 unused; `last` the core's `last_phase`). */
export const unmeasuredPhases = (last) => Array(last + 1).fill(null);
const now = () => performance.now();

export class Training {
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

  // ---- settings --------------------------------------------------------------------------

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
}
