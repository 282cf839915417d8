// D's verdicts and G's images for the panels that ask about one image: the drawing pad
// (D's score, gradient ascent, the histogram against real and fake digits), the grid's
// cells, the training set's nearest image. Methods of Engine (engine.js), `this` the engine.

export class Inference {
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
}

/** A standard normal sample (Box–Muller). */
const gaussian = () => Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random());
