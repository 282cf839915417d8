//! The boundary with JavaScript: one opaque handle, `Playground`, that owns the GAN and
//! the data in wasm linear memory. JavaScript passes scalars, small arrays and JSON
//! settings in, and reads big things (the grid's pixels, the chart history) through
//! pointers, building typed-array views over `memory.buffer` each time it draws.
//! Errors cross as `JsError` with the core's message; nothing here may panic on input.

use crate::checkpoint;
use crate::data::Dataset;
use crate::gan::{
    Gan, GanConfig, Phase, StepStats, GRID_SAMPLES, IMAGE_DIM, IMAGE_SIDE, NUM_CLASSES,
};
use crate::judge::metrics::speckle_rate;
use crate::render::{grid_gray, grid_size};
use crate::run::{stats_values, History};
use codes::{checkpoint_error, config_error, data_error, input_error, train_error};
use ndarray::{Array2, ArrayView2};
use wasm_bindgen::prelude::*;

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
/// waking the pool for both halves. That took the speed-up on two threads at batch 32
/// from about 1.15 to 1.35.
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

    /// Refuses calls that only make sense for digits while a world of points is in force.
    fn digits_only(&self) -> Result<(), JsError> {
        if self.gan.config().world.is_points() {
            return Err(input_error(
                "this works on digits, and a 1-D or 2-D world is in force",
            ));
        }
        Ok(())
    }

    fn image_view(image: &[f32]) -> Result<ArrayView2<'_, f32>, JsError> {
        if image.len() != IMAGE_DIM {
            return Err(input_error(format!(
                "an image has {IMAGE_DIM} pixels, got {}",
                image.len()
            )));
        }
        if let Some(v) = image.iter().find(|v| !v.is_finite()) {
            return Err(input_error(format!(
                "image pixels must be finite numbers, got {v}"
            )));
        }
        Ok(ArrayView2::from_shape((1, IMAGE_DIM), image).expect("length checked"))
    }

    fn check_label(&self, label: i32) -> Result<u8, JsError> {
        if !self.gan.config().conditional {
            return Ok(0);
        }
        u8::try_from(label)
            .ok()
            .filter(|&l| usize::from(l) < NUM_CLASSES)
            .ok_or_else(|| {
                input_error(format!(
                    "the model is conditional: pick a digit 0–9, got {label}"
                ))
            })
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

    /// The default settings, as JSON.
    pub fn default_config_json() -> String {
        GanConfig::default().to_json()
    }

    /// The settings in force, as JSON.
    pub fn config_json(&self) -> String {
        self.gan.config().to_json()
    }

    /// New weights from the given settings (their seed included); clears the history.
    /// On error the current model stays.
    pub fn reset(&mut self, config_json: &str) -> Result<(), JsError> {
        let config = GanConfig::from_json(config_json).map_err(|e| config_error(&e))?;
        let gan = Gan::new(config).map_err(|e| config_error(&e))?;
        self.replace_gan(gan);
        self.fit_data_to_world();
        self.clear_history();
        self.start_restore_points("created");
        Ok(())
    }

    /// Changes training settings that keep the weights (learning rates, optimisers,
    /// batch size, D steps, loss, smoothing); the seed stays. A change keeps a restore
    /// point of the state just before it (src/wasm/recovery.rs). On error nothing changes.
    pub fn set_hyperparameters(&mut self, config_json: &str) -> Result<(), JsError> {
        let config = GanConfig::from_json(config_json).map_err(|e| config_error(&e))?;
        self.finish_step()?;
        let config = GanConfig {
            seed: self.gan.config().seed,
            ..config
        };
        self.gan
            .check_hyperparameters(&config)
            .map_err(|e| config_error(&e))?;
        if config != *self.gan.config() {
            self.keep_restore_point_before_change(&config);
        }
        self.gan
            .set_hyperparameters(config)
            .map_err(|e| config_error(&e))
    }

    /// Replaces the training data with IDX bytes (gunzipped). On error the data stays.
    pub fn load_data(&mut self, images_idx: &[u8], labels_idx: &[u8]) -> Result<(), JsError> {
        let data = Dataset::from_idx(images_idx, labels_idx).map_err(|e| data_error(&e))?;
        self.finish_step()?;
        self.set_digits(data);
        Ok(())
    }

    /// Images in the training data.
    pub fn data_len(&self) -> usize {
        self.data.len()
    }

    /// Isolated bright pixels per image of the training data: the figure G's samples are
    /// compared with (about 0.002 for MNIST; `judge::metrics::speckles`).
    pub fn data_speckle(&self) -> f64 {
        speckle_rate(self.data.images(), IMAGE_SIDE)
    }

    /// Whether the grid, samples and judge use the averaged G (true) or G itself.
    pub fn samples_from_average(&self) -> bool {
        self.gan.samples_from_average()
    }

    /// Chooses between the averaged G (true) and G itself for the grid, samples and
    /// judge; training is unchanged.
    pub fn set_samples_from_average(&mut self, on: bool) {
        self.gan.set_samples_from_average(on);
    }

    /// Runs one phase of the training step under way (or starts a step) and returns its
    /// number: 1 = D on real digits (step 1), 2 = G makes fakes, 3 = D on them and D's
    /// update (step 2), 4 = the fakes through D to their pixels, 5 = back through G and
    /// G's update (step 3), which completes the step. Each is about a fifth of a step; the
    /// frame loop runs phases as long as the next one fits in the frame, so no frame
    /// waits for a whole step.
    pub fn advance(&mut self) -> Result<u32, JsError> {
        let ran = self.next_phase();
        if let Some(stats) =
            on_pool(|| self.gan.advance(&self.data)).map_err(|e| train_error(&e))?
        {
            self.record(stats);
        }
        Ok(ran)
    }

    /// The phase the next `advance` runs, 1–5 (see `advance`).
    pub fn next_phase(&self) -> u32 {
        let next = self.gan.phase().unwrap_or(Phase::Real);
        Phase::ALL
            .iter()
            .position(|&p| p == next)
            .map_or(1, |i| i as u32 + 1)
    }

    /// Runs the rest of a step that `advance` left part-way done (the page does this when
    /// training pauses). Returns whether there was one.
    pub fn finish_pending_step(&mut self) -> Result<bool, JsError> {
        let pending = self.gan.phase().is_some();
        self.finish_step()?;
        Ok(pending)
    }

    /// Runs up to `n` full steps (the first finishing a step left part-way done); stops
    /// at the first error (divergence, say), which it returns. Returns how many ran.
    pub fn train_steps(&mut self, n: u32) -> Result<u32, JsError> {
        on_pool(|| {
            for done in 0..n {
                match self.gan.train_step(&self.data) {
                    Ok(stats) => self.record(stats),
                    Err(e) if done == 0 => return Err(e),
                    Err(_) => return Ok(done),
                }
            }
            Ok(n)
        })
        .map_err(|e| train_error(&e))
    }

    /// Steps 1–2 only: one D update, G frozen.
    pub fn d_step(&mut self) -> Result<(), JsError> {
        self.finish_step()?;
        let stats = on_pool(|| self.gan.d_step(&self.data)).map_err(|e| train_error(&e))?;
        self.record(stats);
        Ok(())
    }

    /// Step 3 only: one G update, D frozen.
    pub fn g_step(&mut self) -> Result<(), JsError> {
        self.finish_step()?;
        let stats = on_pool(|| self.gan.g_step()).map_err(|e| train_error(&e))?;
        self.record(stats);
        Ok(())
    }

    /// Full steps so far.
    pub fn steps(&self) -> f64 {
        self.gan.counters().steps as f64
    }

    pub fn d_updates(&self) -> f64 {
        self.gan.counters().d_updates as f64
    }

    pub fn g_updates(&self) -> f64 {
        self.gan.counters().g_updates as f64
    }

    /// Real images D has been shown.
    pub fn images_seen(&self) -> f64 {
        self.gan.counters().images_seen as f64
    }

    /// Completed passes over the data.
    pub fn epoch(&self) -> f64 {
        self.gan.epoch() as f64
    }

    /// The last step's statistics: `[d_loss, g_loss, d_real, d_fake]`, NaN where not
    /// measured; empty before any step.
    pub fn last_stats(&self) -> Vec<f32> {
        self.history
            .last()
            .map_or_else(Vec::new, |s| stats_values(Some(s)).to_vec())
    }

    /// Pointer to the history rows (see `HISTORY_COLUMNS`); valid until the next call
    /// that trains.
    pub fn history_ptr(&self) -> *const f32 {
        self.history.rows().as_ptr()
    }

    /// Number of floats in the history (rows × 5).
    pub fn history_len(&self) -> usize {
        self.history.rows().len()
    }

    /// Regenerates the 10×10 grid from the fixed noise and renders it to RGBA; returns a
    /// pointer to `grid_width() × grid_height() × 4` bytes.
    pub fn render_grid(&mut self) -> *const u8 {
        if self.gan.config().world.is_points() {
            // No digits to draw: the world's own view (worlds.rs) shows G instead.
            return self.grid_rgba.as_ptr();
        }
        on_pool(|| self.gan.generate_grid(self.grid.view_mut()));
        let pixels = self.grid.as_slice().expect("standard layout");
        grid_gray(pixels, 10, 10, 64, &mut self.grid_gray);
        for (rgba, &g) in self.grid_rgba.chunks_exact_mut(4).zip(&self.grid_gray) {
            rgba[..3].fill(g);
        }
        self.grid_rgba.as_ptr()
    }

    pub fn grid_width(&self) -> usize {
        grid_size(10, 10).0
    }

    pub fn grid_height(&self) -> usize {
        grid_size(10, 10).1
    }

    /// Pointer to the grid's images as floats in [-1, 1]: (100, 784), as of the last
    /// `render_grid`.
    pub fn grid_images_ptr(&self) -> *const f32 {
        self.grid.as_ptr()
    }

    /// The fixed noise vector behind grid cell `index` (0–99).
    pub fn grid_z(&self, index: usize) -> Result<Vec<f32>, JsError> {
        let z = self.gan.grid_noise();
        let row = if self.gan.config().conditional {
            index % 10
        } else {
            index
        };
        if index >= GRID_SAMPLES {
            return Err(input_error(format!("grid cells are 0–99, got {index}")));
        }
        Ok(z.row(row).to_vec())
    }

    /// The digit label behind grid cell `index` (its row in conditional mode; 0 otherwise).
    pub fn grid_label(&self, index: usize) -> u8 {
        self.gan.grid_labels().get(index).copied().unwrap_or(0)
    }

    /// G's images for noise vectors `z` (n × noise size, concatenated) with `labels` (n
    /// digits, used when conditional): n × 784 floats in [-1, 1].
    pub fn generate(&mut self, z: &[f32], labels: &[u8]) -> Result<Vec<f32>, JsError> {
        self.digits_only()?;
        let noise_dim = self.gan.config().noise_dim;
        if z.is_empty() || !z.len().is_multiple_of(noise_dim) {
            return Err(input_error(format!(
                "noise must be a whole number of {noise_dim}-long vectors"
            )));
        }
        let n = z.len() / noise_dim;
        if n > 1000 {
            return Err(input_error("at most 1000 images at a time"));
        }
        if self.gan.config().conditional
            && (labels.len() != n || labels.iter().any(|&l| usize::from(l) >= NUM_CLASSES))
        {
            return Err(input_error(
                "a conditional model needs one digit 0–9 per noise vector",
            ));
        }
        if z.iter().any(|v| !v.is_finite()) {
            return Err(input_error("noise values must be finite numbers"));
        }
        let z = ArrayView2::from_shape((n, noise_dim), z).expect("length checked");
        let mut out = Array2::zeros((n, IMAGE_DIM));
        on_pool(|| self.gan.generate(z, labels, out.view_mut()));
        Ok(out.into_raw_vec_and_offset().0)
    }

    /// D's probability that `image` (784 floats in [-1, 1]) is a real digit, claiming
    /// digit `label` in conditional mode (ignored otherwise).
    pub fn score(&mut self, image: &[f32], label: i32) -> Result<f32, JsError> {
        self.digits_only()?;
        let label = self.check_label(label)?;
        let x = Self::image_view(image)?;
        let mut p = [0.0];
        on_pool(|| self.gan.discriminate(x, &[label], &mut p));
        Ok(p[0])
    }

    /// D's probability for `image` under each claimed digit 0–9 (conditional models), or
    /// one probability (unconditional).
    pub fn score_labels(&mut self, image: &[f32]) -> Result<Vec<f32>, JsError> {
        self.digits_only()?;
        let x = Self::image_view(image)?;
        if !self.gan.config().conditional {
            let mut p = [0.0];
            on_pool(|| self.gan.discriminate(x, &[0], &mut p));
            return Ok(p.to_vec());
        }
        let batch = x
            .broadcast((NUM_CLASSES, IMAGE_DIM))
            .expect("one row broadcasts")
            .to_owned();
        let labels: Vec<u8> = (0..NUM_CLASSES as u8).collect();
        let mut p = vec![0.0; NUM_CLASSES];
        on_pool(|| self.gan.discriminate(batch.view(), &labels, &mut p));
        Ok(p)
    }

    /// D's probabilities for `images` (n × 784 floats in [-1, 1], concatenated), each
    /// claiming the digit in `labels` (one per image, used when conditional): n floats.
    /// The page's histogram of D's verdicts on real digits and on fakes reads these.
    pub fn score_batch(&mut self, images: &[f32], labels: &[u8]) -> Result<Vec<f32>, JsError> {
        self.digits_only()?;
        if images.is_empty() || !images.len().is_multiple_of(IMAGE_DIM) {
            return Err(input_error(format!(
                "images must be a whole number of {IMAGE_DIM}-pixel images"
            )));
        }
        let n = images.len() / IMAGE_DIM;
        if n > 1000 {
            return Err(input_error("at most 1000 images at a time"));
        }
        if labels.len() != n || labels.iter().any(|&l| usize::from(l) >= NUM_CLASSES) {
            return Err(input_error("one digit 0–9 per image is needed"));
        }
        if let Some(v) = images.iter().find(|v| !v.is_finite()) {
            return Err(input_error(format!(
                "image pixels must be finite numbers, got {v}"
            )));
        }
        let x = ArrayView2::from_shape((n, IMAGE_DIM), images).expect("length checked");
        let mut p = vec![0.0; n];
        on_pool(|| self.gan.discriminate(x, labels, &mut p));
        Ok(p)
    }

    /// One step of gradient ascent on `image`'s pixels to raise D's score, in place;
    /// returns D(x) before the step. Shows what "generating with D alone" produces.
    pub fn ascend(
        &mut self,
        image: &mut [f32],
        label: i32,
        step_size: f32,
    ) -> Result<f32, JsError> {
        self.digits_only()?;
        let label = self.check_label(label)?;
        Self::image_view(image)?;
        if !(step_size.is_finite() && step_size > 0.0 && step_size <= 1.0) {
            return Err(input_error(format!(
                "step size must be in (0, 1], got {step_size}"
            )));
        }
        Ok(on_pool(|| self.gan.ascend_d(image, label, step_size)))
    }

    /// Index of the training image nearest to `image` (Euclidean pixel distance).
    pub fn nearest_training_image(&self, image: &[f32]) -> Result<usize, JsError> {
        self.digits_only()?;
        Self::image_view(image)?;
        let distance = |i: usize| -> f32 {
            self.data
                .image(i)
                .iter()
                .zip(image)
                .map(|(a, b)| (a - b) * (a - b))
                .sum()
        };
        (0..self.data.len())
            .map(|i| (i, distance(i)))
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(i, _)| i)
            .ok_or_else(|| input_error("there is no training data"))
    }

    /// Training image `index` as 784 floats in [-1, 1].
    pub fn training_image(&self, index: usize) -> Result<Vec<f32>, JsError> {
        if index >= self.data.len() {
            return Err(input_error(format!(
                "training images are 0–{}, got {index}",
                self.data.len() - 1
            )));
        }
        Ok(self.data.image(index).to_vec())
    }

    /// The digit label of training image `index`.
    pub fn training_label(&self, index: usize) -> u8 {
        if index < self.data.len() {
            self.data.label(index)
        } else {
            0
        }
    }

    /// The whole training state as a safetensors checkpoint (the same format as the
    /// native trainer's) with the chart history, taken between steps: a step left
    /// part-way done is finished first.
    pub fn save_checkpoint(&mut self) -> Result<Vec<u8>, JsError> {
        self.finish_step()?;
        let history = self.export_history();
        Ok(checkpoint::save_with_history(&self.gan, Some(&history)))
    }

    /// Replaces the model with a checkpoint's, and the chart history with the one it
    /// holds; one without (a native or an older checkpoint) starts the charts afresh at
    /// its step. A bad file, or a malformed history, is refused with the reason and
    /// leaves the current model and history untouched.
    pub fn load_checkpoint(&mut self, bytes: &[u8]) -> Result<(), JsError> {
        let (gan, saved) =
            checkpoint::load_with_history(bytes).map_err(|e| checkpoint_error(&e))?;
        let history = saved
            .map(|saved| History::from_saved(&saved))
            .transpose()
            .map_err(|why| checkpoint_error(&checkpoint::CheckpointError::BadHistory(why)))?;
        self.replace_gan(gan);
        self.fit_data_to_world();
        match history {
            Some(history) => self.history.copy_from(&history),
            None => self.clear_history(),
        }
        self.start_restore_points("loaded");
        Ok(())
    }
}
