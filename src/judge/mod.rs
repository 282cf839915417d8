//! The judge: an MNIST digit classifier (an MLP trained here, with the crate's own layers,
//! loss and optimiser) that scores G's samples. Its class histogram shows which digits G
//! draws, its last hidden layer gives the features for a Fréchet distance to real digits,
//! and in conditional mode it checks that G draws the digit it was asked for.
//!
//! Shapes: images (N, 784) in [-1, 1] → hidden ReLU layers (e.g. 256, 64) → logits (N, 10).
//! The features are the last hidden layer's activations, (N, 64).
//!
//! The classifier and its training live here; its file (`file.rs`) and its verdicts on
//! G's samples and on any images (`evaluation.rs`) beside it.

pub mod eigen;
mod evaluation;
mod file;
pub mod metrics;

pub use evaluation::{evaluate, judge_images, Evaluation, EVAL_SEED_OFFSET};
pub use file::FORMAT_VERSION;

use crate::data::{Dataset, NUM_CLASSES};
use crate::gan::{IMAGE_DIM, IMAGE_SIDE};
use crate::nn::loss::softmax_cross_entropy;
use crate::nn::{Activation, AdamConfig, Mlp, Optimizer, OptimizerConfig};
use metrics::{FeatureStats, QualityAccumulator};
use ndarray::{Array2, ArrayView2};
use rand::rngs::ChaCha8Rng;
use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};
use std::fmt;

/// Rows per forward pass when judging many images: bounds the activation buffers.
const CHUNK: usize = 500;

/// How the judge is built and trained.
#[derive(Clone, Debug, PartialEq)]
pub struct JudgeConfig {
    /// Seeds the weights and the data order.
    pub seed: u64,
    /// Hidden layer widths; the last is the feature width.
    pub hidden: Vec<usize>,
    /// Passes over the training split.
    pub epochs: usize,
    pub batch_size: usize,
    /// Adam's learning rate.
    pub lr: f32,
    /// Each training image is moved by up to this many pixels in x and y (a fresh random
    /// shift every time it is seen), so the judge learns digits, not positions.
    pub max_shift: usize,
    /// One image in `held_out_every` of each digit (the last of every run of that many)
    /// is kept out of training, to measure accuracy on: a split with the digits in the
    /// proportions of the whole data.
    pub held_out_every: usize,
}

impl Default for JudgeConfig {
    fn default() -> Self {
        JudgeConfig {
            seed: 1,
            hidden: vec![256, 64],
            epochs: 30,
            batch_size: 64,
            lr: 1e-3,
            max_shift: 1,
            held_out_every: 10,
        }
    }
}

/// Where a judge came from, kept in its file.
#[derive(Clone, Debug, PartialEq)]
pub struct JudgeInfo {
    /// Accuracy on the held-out split, in [0, 1].
    pub accuracy: f64,
    pub train_count: usize,
    pub held_out_count: usize,
    pub seed: u64,
    pub epochs: usize,
}

/// Why a judge could not be trained or read.
#[derive(Clone, Debug, PartialEq)]
pub struct JudgeError(pub String);

impl fmt::Display for JudgeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for JudgeError {}

/// The classifier and the real digits' feature statistics.
#[derive(Clone, Debug)]
pub struct Judge {
    mlp: Mlp,
    /// Feature mean and covariance of the real digits.
    pub real: FeatureStats,
    pub info: JudgeInfo,
}

impl Judge {
    /// Trains a judge on `data` less a held-out split ([`JudgeConfig::held_out_every`]),
    /// measures its accuracy on that split, and takes the real feature statistics over all
    /// of `data`.
    /// `progress` hears (epoch, mean training loss) after each epoch.
    pub fn train(
        data: &Dataset,
        config: &JudgeConfig,
        mut progress: impl FnMut(usize, f32),
    ) -> Result<Judge, JudgeError> {
        if data.image_dim() != IMAGE_DIM {
            return Err(JudgeError(format!(
                "the judge reads 28×28 images; the data has {} pixels per image",
                data.image_dim()
            )));
        }
        if config.hidden.is_empty() || config.batch_size == 0 || config.epochs == 0 {
            return Err(JudgeError(
                "the judge needs at least one hidden layer, one epoch and a batch of one".into(),
            ));
        }
        let (train, held_out) = split(data, config.held_out_every);
        let train_count = train.len();
        if train_count < config.batch_size || held_out.is_empty() {
            return Err(JudgeError(format!(
                "{} images cannot make a training split of at least one batch ({}) and a \
                 held-out split of one in {}",
                data.len(),
                config.batch_size,
                config.held_out_every
            )));
        }
        let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
        let mut sizes = vec![IMAGE_DIM];
        sizes.extend(&config.hidden);
        sizes.push(NUM_CLASSES);
        let mut mlp = Mlp::new(&sizes, Activation::Relu, Activation::Identity, &mut rng);
        let mut opt = Optimizer::new(
            OptimizerConfig::Adam(AdamConfig {
                lr: config.lr,
                beta1: 0.9,
                ..AdamConfig::default()
            }),
            mlp.params.len(),
        );
        let b = config.batch_size;
        let mut order: Vec<usize> = (0..train.len()).collect();
        let mut gathered = vec![0.0f32; b * IMAGE_DIM]; // (B, 784) as in the data
        let mut x = Array2::zeros((b, IMAGE_DIM)); // (B, 784) shifted
        let mut labels = vec![0u8; b]; // (B)
        let mut dlogits = Array2::zeros((b, NUM_CLASSES)); // (B, 10)
        for epoch in 1..=config.epochs {
            order.shuffle(&mut rng);
            let mut total = 0.0;
            let batches = train.len() / b;
            for batch in order.chunks_exact(b) {
                train.gather(batch, &mut gathered, &mut labels);
                let pixels = x.as_slice_mut().expect("standard layout");
                let m = config.max_shift as i32;
                for (out, inp) in pixels
                    .chunks_exact_mut(IMAGE_DIM)
                    .zip(gathered.chunks_exact(IMAGE_DIM))
                {
                    let (dx, dy) = (rng.random_range(-m..=m), rng.random_range(-m..=m));
                    shift_image(out, inp, dx, dy);
                }
                mlp.zero_grad();
                let logits = mlp.forward(x.view());
                let logits = logits.as_slice().expect("standard layout");
                let dl = dlogits.as_slice_mut().expect("standard layout");
                total += softmax_cross_entropy(dl, logits, &labels);
                mlp.backward(x.view(), dlogits.view(), true, None);
                opt.update(&mut mlp.params, &mlp.grads);
            }
            let mean = total / batches as f32;
            if !mean.is_finite() {
                return Err(JudgeError(format!(
                    "training diverged in epoch {epoch} (loss {mean}); try a lower learning rate"
                )));
            }
            progress(epoch, mean);
        }
        let mut judge = Judge {
            mlp,
            real: FeatureStats {
                mean: Vec::new(),
                cov: Vec::new(),
            },
            info: JudgeInfo {
                accuracy: 0.0,
                train_count,
                held_out_count: held_out.len(),
                seed: config.seed,
                epochs: config.epochs,
            },
        };
        judge.info.accuracy = judge.accuracy(&held_out);
        judge.real = judge.feature_stats(data.images());
        Ok(judge)
    }

    /// Width of the features (the last hidden layer).
    pub fn feature_dim(&self) -> usize {
        let sizes = self.mlp.sizes();
        sizes[sizes.len() - 2]
    }

    /// Layer sizes, input first.
    pub fn sizes(&self) -> &[usize] {
        self.mlp.sizes()
    }

    /// Runs the classifier on `images` (N, 784); returns the logits (N, 10) and the
    /// features (N, d), valid until the next call.
    pub fn infer(&mut self, images: ArrayView2<f32>) -> (ArrayView2<'_, f32>, ArrayView2<'_, f32>) {
        let n = images.nrows();
        self.mlp.infer(images);
        let last = self.mlp.num_layers() - 1;
        (
            self.mlp.inferred_layer(last, n),
            self.mlp.inferred_layer(last - 1, n),
        )
    }

    /// Adds `images` (N·784 values, row-major) to `acc`, in chunks; `asked` (N) are the
    /// digits asked for in conditional mode.
    pub fn judge_into(
        &mut self,
        acc: &mut QualityAccumulator,
        images: &[f32],
        asked: Option<&[u8]>,
    ) {
        for (c, chunk) in images.chunks(CHUNK * IMAGE_DIM).enumerate() {
            let rows = chunk.len() / IMAGE_DIM;
            let view = ArrayView2::from_shape((rows, IMAGE_DIM), chunk).expect("whole images");
            let asked = asked.map(|a| &a[c * CHUNK..c * CHUNK + rows]);
            let (logits, features) = self.infer(view);
            acc.add(logits, features, asked);
        }
    }

    /// Share of `data` the judge classifies right.
    pub fn accuracy(&mut self, data: &Dataset) -> f64 {
        let mut acc = QualityAccumulator::new(self.feature_dim());
        self.judge_into(&mut acc, data.images(), Some(data.labels()));
        acc.agreement().unwrap_or(0.0)
    }

    /// Feature mean and covariance of `images` (N·784 values).
    pub fn feature_stats(&mut self, images: &[f32]) -> FeatureStats {
        let mut acc = QualityAccumulator::new(self.feature_dim());
        self.judge_into(&mut acc, images, None);
        acc.stats()
    }
}

/// Writes `inp` (28 × 28) moved by (`dx`, `dy`) pixels into `out`; pixels moved in from
/// outside are background (-1).
fn shift_image(out: &mut [f32], inp: &[f32], dx: i32, dy: i32) {
    let side = IMAGE_SIDE as i32;
    for y in 0..side {
        for x in 0..side {
            let (sx, sy) = (x - dx, y - dy);
            out[(y * side + x) as usize] = if (0..side).contains(&sx) && (0..side).contains(&sy) {
                inp[(sy * side + sx) as usize]
            } else {
                -1.0
            };
        }
    }
}

/// Splits `data` into (training, held-out): the `every`-th image of each digit, counting
/// in file order, is held out. Deterministic, and the held-out digits keep the data's
/// class proportions whatever order the file is in.
pub fn split(data: &Dataset, every: usize) -> (Dataset, Dataset) {
    let every = every.max(2);
    let mut seen = [0usize; NUM_CLASSES];
    let (mut train, mut held) = ((Vec::new(), Vec::new()), (Vec::new(), Vec::new()));
    for i in 0..data.len() {
        let label = data.label(i);
        seen[usize::from(label)] += 1;
        let part = if seen[usize::from(label)].is_multiple_of(every) {
            &mut held
        } else {
            &mut train
        };
        part.0.extend_from_slice(data.image(i));
        part.1.push(label);
    }
    let build = |(images, labels): (Vec<f32>, Vec<u8>)| {
        Dataset::from_parts(images, labels, data.rows(), data.cols())
            .expect("parts of a valid data set are valid")
    };
    (build(train), build(held))
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shifting_moves_pixels_and_fills_with_background() {
        let mut inp = vec![-1.0f32; IMAGE_DIM];
        inp[5 * IMAGE_SIDE + 7] = 1.0; // (x 7, y 5)
        inp[27] = 0.5; // (x 27, y 0): leaves the image when moved right
        let mut out = vec![0.0f32; IMAGE_DIM];
        shift_image(&mut out, &inp, 2, -1);
        assert_eq!(out[4 * IMAGE_SIDE + 9], 1.0);
        assert_eq!(out.iter().filter(|&&v| v != -1.0).count(), 1);
        shift_image(&mut out, &inp, 0, 0);
        assert_eq!(out, inp);
    }
}
