// The lessons that run beside the GAN on the same playground (docs/lessons.md): each
// lesson's methods together under its own heading. Methods of Engine (engine.js), `this`
// the engine.

import { EVAL_SAMPLES } from './quality.js';

export class Lessons {
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
}
