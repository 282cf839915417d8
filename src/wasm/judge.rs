//! The judge at the boundary: a second handle, `QualityJudge`, built from the judge
//! file's bytes, that scores the playground's G. An evaluation is spread over calls
//! (`begin`, then `advance` with a few rows each animation frame), so no frame waits for
//! hundreds of samples. Results are scalars and small arrays; the history of evaluations
//! (step, FD, smallest class share, agreement) is read through a pointer, like the
//! playground's loss history.

use super::codes::{coded, input_error};
use super::Playground;
use crate::judge::metrics::{Quality, VANISHED_SHARE};
use crate::judge::{Evaluation, Judge};
use wasm_bindgen::prelude::*;

/// Columns of a quality history row: step, FD, smallest class share, label agreement
/// (NaN for an unconditional model).
pub const QUALITY_COLUMNS: usize = 4;
/// Most rows kept; older ones are dropped (at one evaluation per 200 steps, that is
/// 800,000 steps of history).
pub const QUALITY_MAX_ROWS: usize = 4000;
/// Most samples one evaluation may ask for.
pub const MAX_EVAL_SAMPLES: usize = 10_000;

/// The digit classifier and the evaluation under way.
#[wasm_bindgen]
pub struct QualityJudge {
    judge: Judge,
    eval: Option<Pending>,
    last: Option<Quality>,
    history: Vec<f32>, // rows of QUALITY_COLUMNS
}

/// An evaluation begun on one model.
struct Pending {
    eval: Evaluation,
    step: u64,
    /// What the evaluation's noise and labels were drawn for; a model of another shape
    /// (after a reset or a load) abandons it.
    noise_dim: usize,
    conditional: bool,
}

#[wasm_bindgen]
impl QualityJudge {
    /// Reads a judge file (`www/data/judge.safetensors`).
    #[wasm_bindgen(constructor)]
    pub fn new(bytes: &[u8]) -> Result<QualityJudge, JsError> {
        let judge = Judge::from_bytes(bytes).map_err(|e| coded("judge.invalid", e))?;
        Ok(QualityJudge {
            judge,
            eval: None,
            last: None,
            history: Vec::new(),
        })
    }

    /// The judge's accuracy on its held-out digits, in [0, 1].
    pub fn accuracy(&self) -> f64 {
        self.judge.info.accuracy
    }

    /// Starts judging `n` samples of the playground's G (fixed noise; digits 0–9 in turn
    /// when conditional). Replaces any evaluation under way.
    pub fn begin(&mut self, playground: &Playground, n: usize) -> Result<(), JsError> {
        if !(10..=MAX_EVAL_SAMPLES).contains(&n) {
            return Err(coded(
                "input",
                format!("an evaluation takes 10 to {MAX_EVAL_SAMPLES} samples, got {n}"),
            ));
        }
        let gan = &playground.gan;
        if gan.config().world.is_points() {
            return Err(input_error(
                "the judge reads digits: it has nothing to say in a world of points",
            ));
        }
        self.eval = Some(Pending {
            eval: Evaluation::new(gan, &self.judge, n),
            step: gan.counters().steps,
            noise_dim: gan.config().noise_dim,
            conditional: gan.config().conditional,
        });
        Ok(())
    }

    /// Judges any images (`n × 784` pixels in [-1, 1], 10 to 10,000 of them) at once, as
    /// it judges G's samples: the VAE's, say. JSON as `Quality::to_json`; the evaluation
    /// under way and the history are left alone.
    pub fn judge_pixels(&mut self, images: &[f32]) -> Result<String, JsError> {
        let n = images.len() / crate::gan::IMAGE_DIM;
        if !images.len().is_multiple_of(crate::gan::IMAGE_DIM)
            || !(10..=MAX_EVAL_SAMPLES).contains(&n)
        {
            return Err(coded(
                "input",
                format!(
                    "the judge takes 10 to {MAX_EVAL_SAMPLES} whole images of {} pixels, got {} pixels",
                    crate::gan::IMAGE_DIM,
                    images.len()
                ),
            ));
        }
        let x = ndarray::ArrayView2::from_shape((n, crate::gan::IMAGE_DIM), images)
            .expect("whole images");
        let judge = &mut self.judge;
        Ok(super::on_pool(|| crate::judge::judge_images(judge, x)).to_json())
    }

    /// Whether an evaluation is under way.
    pub fn busy(&self) -> bool {
        self.eval.is_some()
    }

    /// Generates and judges up to `rows` more samples. Returns true when this call
    /// finished the evaluation (its results are then in the getters and the history);
    /// false if samples remain or none was under way. An evaluation of a model that has
    /// since changed shape is dropped.
    pub fn advance(&mut self, playground: &mut Playground, rows: usize) -> bool {
        let Some(pending) = &mut self.eval else {
            return false;
        };
        let config = playground.gan.config();
        if config.noise_dim != pending.noise_dim
            || config.conditional != pending.conditional
            || config.world.is_points()
        {
            self.eval = None;
            return false;
        }
        let (eval, judge, gan) = (&mut pending.eval, &mut self.judge, &mut playground.gan);
        if !super::on_pool(|| eval.advance(gan, judge, rows)) {
            return false;
        }
        let quality = pending.eval.finish(&self.judge);
        let step = pending.step;
        self.eval = None;
        if self.history.len() >= QUALITY_MAX_ROWS * QUALITY_COLUMNS {
            self.history.drain(..QUALITY_COLUMNS);
        }
        self.history.extend_from_slice(&[
            step as f32,
            quality.fd as f32,
            quality.min_class_share() as f32,
            quality.agreement.map_or(f32::NAN, |a| a as f32),
        ]);
        self.last = Some(quality);
        true
    }

    /// Samples the last evaluation judged as each digit (10 counts; empty before any).
    pub fn counts(&self) -> Vec<u32> {
        self.last
            .as_ref()
            .map(|q| q.counts.iter().map(|&c| c as u32).collect())
            .unwrap_or_default()
    }

    /// The last evaluation's Fréchet distance (NaN before any).
    pub fn fd(&self) -> f64 {
        self.last.as_ref().map_or(f64::NAN, |q| q.fd)
    }

    /// The last evaluation's smallest class share (NaN before any).
    pub fn min_class_share(&self) -> f64 {
        self.last
            .as_ref()
            .map_or(f64::NAN, Quality::min_class_share)
    }

    /// The last evaluation's label agreement; NaN for an unconditional model or before
    /// any evaluation.
    pub fn agreement(&self) -> f64 {
        self.last
            .as_ref()
            .and_then(|q| q.agreement)
            .unwrap_or(f64::NAN)
    }

    /// The last evaluation's isolated bright pixels per sample (NaN before any).
    pub fn speckle(&self) -> f64 {
        self.last
            .as_ref()
            .and_then(|q| q.speckle)
            .unwrap_or(f64::NAN)
    }

    /// Digits under 2% of the last evaluation's samples: mode collapse.
    pub fn vanished(&self) -> Vec<u8> {
        self.last
            .as_ref()
            .map(|q| q.vanished(VANISHED_SHARE))
            .unwrap_or_default()
    }

    /// The share under which a digit counts as vanished.
    pub fn vanished_share() -> f64 {
        VANISHED_SHARE
    }

    /// Start of the history rows (`QUALITY_COLUMNS` f32 each) in wasm memory.
    pub fn history_ptr(&self) -> *const f32 {
        self.history.as_ptr()
    }

    /// Floats in the history (rows × `QUALITY_COLUMNS`).
    pub fn history_len(&self) -> usize {
        self.history.len()
    }

    /// Forgets the evaluations so far (a new or loaded model), and any under way.
    pub fn clear(&mut self) {
        self.history.clear();
        self.last = None;
        self.eval = None;
    }
}
