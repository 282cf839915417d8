//! The judge: an MNIST digit classifier (an MLP trained here, with the crate's own layers,
//! loss and optimiser) that scores G's samples. Its class histogram shows which digits G
//! draws, its last hidden layer gives the features for a Fréchet distance to real digits,
//! and in conditional mode it checks that G draws the digit it was asked for.
//!
//! Shapes: images (N, 784) in [-1, 1] → hidden ReLU layers (e.g. 256, 64) → logits (N, 10).
//! The features are the last hidden layer's activations, (N, 64).
//!
//! The file (`www/data/judge.safetensors`) is safetensors: tensors `mlp.<l>.weight`
//! (in, out) and `mlp.<l>.bias` (out) as in [`Mlp::param_tensors`], `real.mean` (d) and
//! `real.cov` (d, d), the feature statistics of the built-in digits; metadata `format` =
//! `ganplay-judge`, `format_version` = `1`, `sizes` (JSON), and, for the record,
//! `accuracy`, `train_count`, `held_out_count`, `seed`, `epochs`.

pub mod eigen;
pub mod metrics;

use crate::checkpoint::safetensors::{check_floats, copy_f32s, serialize, File, Raw};
use crate::checkpoint::CheckpointError;
use crate::data::{Dataset, NUM_CLASSES};
use crate::gan::config::MAX_WIDTH;
use crate::gan::{fixed_noise, Gan, IMAGE_DIM, IMAGE_SIDE};
use crate::nn::loss::softmax_cross_entropy;
use crate::nn::{Activation, AdamConfig, Mlp, Optimizer, OptimizerConfig};
use metrics::{FeatureStats, Quality, QualityAccumulator};
use ndarray::{s, Array2, ArrayView2};
use rand::rngs::ChaCha8Rng;
use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};
use safetensors::Dtype;
use std::collections::HashMap;
use std::fmt;

/// The `format` metadata of a judge file.
const FORMAT_NAME: &str = "ganplay-judge";
/// Version of the judge file layout.
pub const FORMAT_VERSION: u32 = 1;
/// Rows per forward pass when judging many images: bounds the activation buffers.
const CHUNK: usize = 500;
/// Most layers a judge file may ask for (each at most the networks' `MAX_WIDTH` wide).
const MAX_LAYERS: usize = 8;

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

    /// The judge as safetensors bytes (layout in the module doc).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut tensors = Vec::new();
        for (name, shape, range) in self.mlp.param_tensors() {
            tensors.push((
                format!("mlp.{name}"),
                Raw::f32(shape, &self.mlp.params[range]),
            ));
        }
        let d = self.feature_dim();
        let to_f32 = |v: &[f64]| v.iter().map(|&x| x as f32).collect::<Vec<f32>>();
        tensors.push((
            "real.mean".into(),
            Raw::f32(vec![d], &to_f32(&self.real.mean)),
        ));
        tensors.push((
            "real.cov".into(),
            Raw::f32(vec![d, d], &to_f32(&self.real.cov)),
        ));
        let info = &self.info;
        let metadata = HashMap::from([
            ("format".to_string(), FORMAT_NAME.to_string()),
            ("format_version".to_string(), FORMAT_VERSION.to_string()),
            (
                "sizes".to_string(),
                serde_json::to_string(self.mlp.sizes()).expect("a list of numbers"),
            ),
            ("accuracy".to_string(), format!("{:.4}", info.accuracy)),
            ("train_count".to_string(), info.train_count.to_string()),
            (
                "held_out_count".to_string(),
                info.held_out_count.to_string(),
            ),
            ("seed".to_string(), info.seed.to_string()),
            ("epochs".to_string(), info.epochs.to_string()),
        ]);
        serialize(tensors, metadata)
    }

    /// Reads a judge written by [`Judge::to_bytes`], refusing (without panicking)
    /// anything else.
    pub fn from_bytes(bytes: &[u8]) -> Result<Judge, JudgeError> {
        let bad = |e: CheckpointError| JudgeError(format!("not a judge file: {e}"));
        // The file's framing in the judge's words; the rest as the checkpoint reader says.
        let file = File::parse(bytes).map_err(|e| match e {
            CheckpointError::NotSafetensors(why) => JudgeError(format!("not a judge file: {why}")),
            CheckpointError::Truncated(why) => JudgeError(format!(
                "this judge file is incomplete: {why}; it was probably truncated"
            )),
            e => bad(e),
        })?;
        match file.meta("format") {
            Some(FORMAT_NAME) => {}
            other => {
                return Err(JudgeError(format!(
                    "not a judge file: its format is {other:?}, not {FORMAT_NAME:?}"
                )))
            }
        }
        let version = file.required_meta("format_version").map_err(bad)?;
        if version.parse::<u32>() != Ok(FORMAT_VERSION) {
            return Err(JudgeError(format!(
                "judge file version {version:?} is not supported (this ganplay reads {FORMAT_VERSION})"
            )));
        }
        let sizes: Vec<usize> = serde_json::from_str(file.required_meta("sizes").map_err(bad)?)
            .map_err(|e| JudgeError(format!("judge file: bad `sizes`: {e}")))?;
        if sizes.len() < 3
            || sizes.len() > MAX_LAYERS
            || sizes[0] != IMAGE_DIM
            || sizes[sizes.len() - 1] != NUM_CLASSES
            || sizes.iter().any(|&w| !(1..=MAX_WIDTH).contains(&w))
        {
            return Err(JudgeError(format!(
                "judge file: sizes {sizes:?} are not a {IMAGE_DIM} → hidden… → {NUM_CLASSES} \
                 classifier"
            )));
        }
        let d = sizes[sizes.len() - 2];
        // Shapes and values first, then the allocation.
        let mut specs: Vec<(String, Vec<usize>)> = sizes
            .windows(2)
            .enumerate()
            .flat_map(|(l, p)| {
                [
                    (format!("mlp.{l}.weight"), vec![p[0], p[1]]),
                    (format!("mlp.{l}.bias"), vec![p[1]]),
                ]
            })
            .collect();
        specs.push(("real.mean".into(), vec![d]));
        specs.push(("real.cov".into(), vec![d, d]));
        for (name, shape) in &specs {
            let data = file.tensor(name, Dtype::F32, shape).map_err(bad)?;
            check_floats(name, data, false).map_err(bad)?;
        }
        if let Some(extra) = file
            .names()
            .into_iter()
            .find(|n| !specs.iter().any(|s| &s.0 == n))
        {
            return Err(JudgeError(format!("judge file: unexpected tensor {extra}")));
        }
        let mut rng = ChaCha8Rng::seed_from_u64(0);
        let mut mlp = Mlp::new(&sizes, Activation::Relu, Activation::Identity, &mut rng);
        file.fill_params("mlp", &mut mlp, false).map_err(bad)?;
        let read = |name: &str, shape: &[usize]| -> Result<Vec<f64>, JudgeError> {
            let mut v = vec![0.0f32; shape.iter().product()];
            copy_f32s(&mut v, file.tensor(name, Dtype::F32, shape).map_err(bad)?);
            Ok(v.into_iter().map(f64::from).collect())
        };
        let real = FeatureStats {
            mean: read("real.mean", &[d])?,
            cov: read("real.cov", &[d, d])?,
        };
        let number = |key: &str| {
            file.meta(key)
                .and_then(|v| v.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        let info = JudgeInfo {
            accuracy: number("accuracy"),
            train_count: number("train_count") as usize,
            held_out_count: number("held_out_count") as usize,
            seed: number("seed") as u64,
            epochs: number("epochs") as usize,
        };
        Ok(Judge { mlp, real, info })
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

/// Added to a model's seed for the noise of evaluation samples, so that they are neither
/// the grid's nor `ganplay sample`'s.
pub const EVAL_SEED_OFFSET: u64 = 2_000_000;

/// One evaluation of G by the judge, spread over as many calls as the caller likes: `n`
/// samples from fixed noise (the same at every evaluation of a run, so changes over
/// steps are G's, not the noise's), labels cycling 0…9 in conditional mode.
#[derive(Clone, Debug)]
pub struct Evaluation {
    z: Array2<f32>,      // (n, noise_dim)
    labels: Vec<u8>,     // (n)
    images: Array2<f32>, // (chunk, 784) scratch
    next: usize,
    conditional: bool,
    acc: QualityAccumulator,
}

impl Evaluation {
    /// An evaluation of `n` samples of `gan` by `judge`.
    pub fn new(gan: &Gan, judge: &Judge, n: usize) -> Evaluation {
        let config = gan.config();
        Evaluation {
            z: fixed_noise(
                config.seed.wrapping_add(EVAL_SEED_OFFSET),
                n,
                config.noise_dim,
            ),
            labels: (0..n).map(|i| (i % NUM_CLASSES) as u8).collect(),
            images: Array2::zeros((0, IMAGE_DIM)),
            next: 0,
            conditional: config.conditional,
            acc: QualityAccumulator::new(judge.feature_dim()),
        }
    }

    /// Samples still to judge.
    pub fn remaining(&self) -> usize {
        self.labels.len() - self.next
    }

    /// Generates and judges up to `rows` more samples; returns whether all are done.
    pub fn advance(&mut self, gan: &mut Gan, judge: &mut Judge, rows: usize) -> bool {
        let rows = rows.max(1).min(self.remaining());
        if rows > 0 {
            if self.images.nrows() < rows {
                self.images = Array2::zeros((rows, IMAGE_DIM));
            }
            let range = self.next..self.next + rows;
            let labels = &self.labels[range.clone()];
            let mut images = self.images.slice_mut(s![..rows, ..]);
            gan.generate(
                self.z.slice(s![range.clone(), ..]),
                labels,
                images.view_mut(),
            );
            let (logits, features) = judge.infer(self.images.slice(s![..rows, ..]));
            let asked = self.conditional.then_some(labels);
            self.acc.add(logits, features, asked);
            let images = self.images.slice(s![..rows, ..]);
            self.acc.add_speckles(
                images.as_slice().expect("leading rows are contiguous"),
                IMAGE_SIDE,
            );
            self.next += rows;
        }
        self.remaining() == 0
    }

    /// The quality of the samples judged so far.
    pub fn finish(&self, judge: &Judge) -> Quality {
        self.acc.finish(&judge.real)
    }
}

/// Judges any images (N, 784), pixels in [-1, 1], as it judges G's samples: which digit
/// each looks like, the Fréchet distance to real digits, the stray specks (D alone's
/// negatives, say, which no G made).
pub fn judge_images(judge: &mut Judge, images: ArrayView2<f32>) -> Quality {
    let mut acc = QualityAccumulator::new(judge.feature_dim());
    for start in (0..images.nrows()).step_by(CHUNK) {
        let chunk = images.slice(s![start..(start + CHUNK).min(images.nrows()), ..]);
        let owned = chunk.as_standard_layout();
        let (logits, features) = judge.infer(owned.view());
        acc.add(logits, features, None);
        acc.add_speckles(owned.as_slice().expect("standard layout"), IMAGE_SIDE);
    }
    acc.finish(&judge.real)
}

/// Judges `n` samples of `gan` in one go.
pub fn evaluate(gan: &mut Gan, judge: &mut Judge, n: usize) -> Quality {
    let mut eval = Evaluation::new(gan, judge, n);
    while !eval.advance(gan, judge, CHUNK) {}
    eval.finish(judge)
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
