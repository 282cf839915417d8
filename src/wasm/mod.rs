//! The boundary with JavaScript: one opaque handle, `Playground`, that owns the GAN and
//! the data in wasm linear memory. JavaScript passes scalars, small arrays and JSON
//! settings in, and reads big things (the grid's pixels, the chart history) through
//! pointers, building typed-array views over `memory.buffer` each time it draws.
//! Errors cross as `JsError` with the core's message; nothing here may panic on input.
//!
//! This file holds the handle, its constructor and the helpers its methods share; the
//! methods JavaScript calls sit beside it by what they serve: `settings`, `training`,
//! `reports`, `inference`, `files`, `recovery` (restore points), `worlds`, `dalone`, and
//! the quality judge's own handle in `judge`.

use crate::data::Dataset;
use crate::gan::{Gan, GanConfig, Phase, StepStats, GRID_SAMPLES, IMAGE_DIM};
use crate::render::grid_size;
use crate::run::History;
use codes::{config_error, data_error, train_error};
use ndarray::Array2;
use wasm_bindgen::prelude::*;

// The handle's methods, by what they serve (each file adds an `impl Playground`).
mod files;
mod inference;
mod reports;
mod settings;
mod training;

mod codes;
mod dalone;
mod judge;
mod recovery;
#[cfg(test)]
mod test_data;
mod vae;
mod worlds;
/// The columns of a history row (`history_ptr`): record number, then `stats_values`.
pub use crate::run::HISTORY_COLUMNS;
pub use judge::{QualityJudge, QUALITY_COLUMNS};

/// Runs `work` on the rayon pool's threads in the threaded build (elsewhere it just runs
/// it): the calling thread then sleeps through the whole call, and each product splits
/// from a pool thread, which keeps one half and hands the other to the pool, instead of
/// waking the pool for both halves, which is faster (docs/threads.md, "Speed").
/// The pool's other threads poll for work through the call (`nn::pool::awake`). Every
/// call that runs matrix products goes through it (training, the grid, D's scores, G's
/// images, the judge's slices, the worlds' views): a product split from outside the pool
/// would wake the pool for each of its halves.
pub(crate) fn on_pool<R: Send>(work: impl FnOnce() -> R + Send) -> R {
    #[cfg(feature = "threads")]
    if rayon::current_thread_index().is_none() {
        return rayon::scope(|_| crate::nn::pool::awake(work));
    }
    crate::nn::pool::awake(work)
}

/// The fields of the JSON object a lesson's settings come in (none for empty text: the
/// defaults then), or what is wrong with the text.
fn settings_fields(json: &str) -> Result<serde_json::Map<String, serde_json::Value>, String> {
    if json.trim().is_empty() {
        return Ok(serde_json::Map::new());
    }
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| format!("the settings are not JSON: {e}"))?;
    match value {
        serde_json::Value::Object(object) => Ok(object),
        _ => Err("the settings must be a JSON object".into()),
    }
}

#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}

/// The threaded build only (pkg-threads/, docs/threads.md): `await initThreadPool(n)`
/// starts n Web Workers that share this module's memory, and the matrix products split
/// across them from then on. Await it once, right after `init()` and before any other
/// call: the first product without it settles rayon on one thread for good (and a later
/// `initThreadPool` rejects).
#[cfg(all(target_arch = "wasm32", feature = "threads"))]
pub use wasm_bindgen_rayon::init_thread_pool;

/// The threaded build only: the number of threads the products split across
/// (`initThreadPool`'s n; 1 if the module ran a product before `initThreadPool`).
#[cfg(all(target_arch = "wasm32", feature = "threads"))]
#[wasm_bindgen(js_name = threadCount)]
pub fn thread_count() -> usize {
    rayon::current_num_threads()
}

/// The whole playground state, behind one handle.
#[wasm_bindgen]
pub struct Playground {
    gan: Gan,
    data: Dataset,
    /// G's images for the fixed grid noise: (100, 784), refreshed by `render_grid`.
    grid: Array2<f32>,
    /// The grid as RGBA pixels, (height, width, 4), for `ImageData`.
    grid_rgba: Vec<u8>,
    grid_gray: Vec<u8>,
    history: History,
    /// Copies of the state at a few earlier steps, to restore after divergence.
    restore_points: crate::run::RestorePoints,
    /// The 1-D or 2-D world's data and view (src/wasm/worlds.rs); while one is in force,
    /// `data` holds its points and the digits wait here.
    world: worlds::WorldState,
    /// "Can D generate?": a discriminator alone, the lecture's iterated algorithm
    /// (src/wasm/dalone.rs); none until the page starts one.
    dalone: Option<crate::dalone::DAlone>,
    /// "Can G learn by itself?": a VAE or an auto-encoder (src/wasm/vae.rs); none until
    /// the page starts one.
    vae: Option<crate::vae::Vae>,
}

// Rust-only helpers.
impl Playground {
    fn record(&mut self, stats: StepStats) {
        self.history.record(stats);
        self.keep_restore_point_if_due();
    }

    /// Runs the rest of a step the frame loop left part-way done, so that what follows
    /// starts between steps.
    fn finish_step(&mut self) -> Result<(), JsError> {
        if let Some(stats) =
            on_pool(|| self.gan.finish_step(&self.data)).map_err(|e| train_error(&e))?
        {
            self.record(stats);
        }
        Ok(())
    }

    /// Puts `gan` in place of the model, keeping the page's choice between G and its
    /// average (a way of looking, not part of the model).
    fn replace_gan(&mut self, mut gan: Gan) {
        gan.set_samples_from_average(self.gan.samples_from_average());
        self.gan = gan;
    }

    /// Starts the history afresh, its record numbers counting on from the model's step
    /// count (0 for new weights, the checkpoint's for a loaded one), so the charts'
    /// x axis is in steps.
    fn clear_history(&mut self) {
        self.history.restart(self.gan.counters().steps);
    }
}

#[wasm_bindgen]
impl Playground {
    /// Builds a playground from IDX image and label bytes (already gunzipped) and
    /// settings as JSON (missing fields take their defaults).
    #[wasm_bindgen(constructor)]
    pub fn new(
        images_idx: &[u8],
        labels_idx: &[u8],
        config_json: &str,
    ) -> Result<Playground, JsError> {
        let data = Dataset::from_idx(images_idx, labels_idx).map_err(|e| data_error(&e))?;
        let config = GanConfig::from_json(config_json).map_err(|e| config_error(&e))?;
        let gan = Gan::new(config).map_err(|e| config_error(&e))?;
        let (w, h) = grid_size(10, 10);
        let mut playground = Playground {
            gan,
            data,
            grid: Array2::zeros((GRID_SAMPLES, IMAGE_DIM)),
            grid_rgba: vec![255; w * h * 4],
            grid_gray: vec![0; w * h],
            history: History::with_capacity(),
            restore_points: Default::default(),
            world: Default::default(),
            dalone: None,
            vae: None,
        };
        playground.fit_data_to_world();
        playground.start_restore_points("created");
        Ok(playground)
    }

    /// The core's facts the page builds on, as JSON, so that it restates none of them:
    /// `last_phase` (the number `next_phase` gives the phase that completes a step),
    /// `history_columns` and `quality_columns` (the floats of a chart-history and of a
    /// quality-history row), `image_side`, `image_dim` (a digit's pixels), `num_classes`,
    /// `grid_samples` (G's grid).
    pub fn constants() -> String {
        serde_json::json!({
            "last_phase": Phase::ALL.len(),
            "history_columns": HISTORY_COLUMNS,
            "quality_columns": QUALITY_COLUMNS,
            "image_side": crate::gan::IMAGE_SIDE,
            "image_dim": IMAGE_DIM,
            "num_classes": crate::gan::NUM_CLASSES,
            "grid_samples": GRID_SAMPLES,
        })
        .to_string()
    }
}
