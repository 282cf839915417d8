// What a 1-D or 2-D world's views draw (src/wasm/worlds.rs): D's verdict on a grid, the
// real points, G's points and their pushes, the noise mesh; and the world's metrics with
// their history, for the charts. Methods of Engine (engine.js), `this` the engine.

/**
 * G's points shown, D's verdict on this many grid points per axis (2-D: squared; small
 * enough that the view fits in a chunk's budget: its cost is in docs/worlds.md, "Speed"),
 * and lines of the noise mesh per axis.
 */
export const WORLD_POINTS_SHOWN = 512;
export const WORLD_RES_2D = 64;
export const WORLD_RES_1D = 200;
export const WORLD_MESH = 21;
/** Rows of the world's metric history kept before it is thinned to every other row. */
const WORLD_METRICS_MAX_ROWS = 2000;

export class WorldViews {
  /** Whether a 1-D or 2-D world is in force (not the digits). */
  inWorld() {
    return this.pg.data_dim() !== this.core.image_dim;
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
   * time, asked with the charts at most 4×/s; their cost is in docs/worlds.md, "Speed")
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
}
