//! "Can D generate?" — the lecture's iterated algorithm (Hung-yi Lee's notes, section 6):
//! a discriminator alone, no generator. Each round
//!
//! 1. D is trained on real digits, labelled 1, against the current negatives, labelled 0
//!    (the first round's negatives are uniform noise);
//! 2. the negatives are replaced by D's own best images: from fresh noise, gradient
//!    ascent on D's logit, `x ← clamp(x + η · ∇x / max |∇x|, -1, 1)` per image, which is
//!    the "argmax D(x)" the lecture asks for, found the only way a D can find it.
//!
//! and the next round trains D to reject those. [`DAlone::round`] returns D's scores
//! before and after, so a learner sees the two things the lecture concludes: D's best
//! images score high while looking like nothing a person would call a digit, and every
//! round has to solve an optimisation for every negative. A generator does that search
//! once, in its weights, which is what a GAN's G is (section 8: G + D).
//!
//! D is the GAN's own discriminator architecture (784 → 512 → 256 → 1, LeakyReLU), with
//! the same hand-written layers and Adam; nothing else is new.

use crate::data::sampler::BatchSampler;
use crate::data::Dataset;
use crate::gan::IMAGE_DIM;
use crate::nn::layers::sigmoid;
use crate::nn::loss::bce_with_logits;
use crate::nn::{Activation, AdamConfig, Mlp, Optimizer, OptimizerConfig};
use ndarray::{s, Array2, ArrayView2};
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};

/// The settings of a D-alone run.
#[derive(Clone, Debug, PartialEq)]
pub struct DAloneConfig {
    pub seed: u64,
    /// D's hidden layers.
    pub d_hidden: Vec<usize>,
    /// How many negatives D's ascent makes each round (and D is trained against).
    pub negatives: usize,
    /// D's updates per round, each on a batch of real digits and one of negatives.
    pub d_steps: usize,
    pub batch_size: usize,
    /// D's Adam learning rate.
    pub lr: f32,
    /// Gradient-ascent steps per negative per round.
    pub ascent_steps: usize,
    /// How far each ascent step moves an image's most-moved pixel (pixels in [-1, 1]).
    pub ascent_rate: f32,
}

impl Default for DAloneConfig {
    fn default() -> Self {
        DAloneConfig {
            seed: 1,
            d_hidden: vec![512, 256],
            negatives: 256,
            d_steps: 100,
            batch_size: 64,
            lr: 4e-4,
            ascent_steps: 40,
            ascent_rate: 0.05,
        }
    }
}

impl DAloneConfig {
    /// Checks every setting, saying which one is wrong.
    pub fn validate(&self) -> Result<(), String> {
        let within = |name: &str, v: usize, lo: usize, hi: usize| {
            if (lo..=hi).contains(&v) {
                Ok(())
            } else {
                Err(format!("{name} must be {lo}–{hi}, got {v}"))
            }
        };
        within("the number of negatives", self.negatives, 1, 4096)?;
        within("D's steps per round", self.d_steps, 1, 100_000)?;
        within("the batch size", self.batch_size, 1, 1024)?;
        within("the ascent steps per round", self.ascent_steps, 1, 10_000)?;
        if self.d_hidden.is_empty() || self.d_hidden.iter().any(|&w| !(1..=4096).contains(&w)) {
            return Err(format!(
                "D's hidden layers must be 1–4096 wide, at least one, got {:?}",
                self.d_hidden
            ));
        }
        if !(self.lr.is_finite() && self.lr > 0.0 && self.lr <= 1.0) {
            return Err(format!(
                "D's learning rate must be in (0, 1], got {}",
                self.lr
            ));
        }
        if !(self.ascent_rate.is_finite() && self.ascent_rate > 0.0 && self.ascent_rate <= 2.0) {
            return Err(format!(
                "the ascent rate must be in (0, 2], got {}",
                self.ascent_rate
            ));
        }
        Ok(())
    }
}

/// What one round did, D's scores as probabilities (means over the images).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RoundStats {
    /// Rounds done, this one included.
    pub round: usize,
    /// D's loss over its last update of the round (real and negatives).
    pub d_loss: f32,
    /// D(x) on a batch of real digits after the round's training.
    pub d_real: f32,
    /// D on the negatives it was trained against, after that training.
    pub d_old_negatives: f32,
    /// D on fresh noise, before the ascent.
    pub d_noise: f32,
    /// D on the new negatives, its best images, after the ascent.
    pub d_new_negatives: f32,
}

/// A discriminator alone, and its negatives.
pub struct DAlone {
    config: DAloneConfig,
    d: Mlp,
    opt: Optimizer,
    rng: ChaCha8Rng,
    sampler: BatchSampler,
    /// (negatives, 784): D's best images of the last round (noise before the first).
    negatives: Array2<f32>,
    batch_idx: Vec<usize>,
    real_in: Array2<f32>,
    neg_in: Array2<f32>,
    dlogits: Array2<f32>,
    rounds: usize,
}

impl DAlone {
    pub fn new(config: DAloneConfig) -> Result<DAlone, String> {
        config.validate()?;
        let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
        let mut sizes = vec![IMAGE_DIM];
        sizes.extend(&config.d_hidden);
        sizes.push(1);
        let d = Mlp::new(
            &sizes,
            Activation::LeakyRelu { slope: 0.2 },
            Activation::Identity,
            &mut rng,
        );
        let opt = Optimizer::new(
            OptimizerConfig::Adam(AdamConfig {
                lr: config.lr,
                ..AdamConfig::default()
            }),
            d.params.len(),
        );
        let mut negatives = Array2::zeros((config.negatives, IMAGE_DIM));
        negatives.mapv_inplace(|_: f32| rng.random_range(-1.0..1.0));
        let b = config.batch_size;
        Ok(DAlone {
            d,
            opt,
            rng,
            sampler: BatchSampler::default(),
            negatives,
            batch_idx: vec![0; b],
            real_in: Array2::zeros((b, IMAGE_DIM)),
            neg_in: Array2::zeros((b, IMAGE_DIM)),
            dlogits: Array2::zeros((b, 1)),
            rounds: 0,
            config,
        })
    }

    pub fn config(&self) -> &DAloneConfig {
        &self.config
    }

    /// Rounds done.
    pub fn rounds(&self) -> usize {
        self.rounds
    }

    /// The negatives D is trained against next: (negatives, 784), pixels in [-1, 1].
    pub fn negatives(&self) -> ArrayView2<'_, f32> {
        self.negatives.view()
    }

    /// D's mean probability that each of `images` (N, 784) is real.
    pub fn score(&mut self, images: ArrayView2<f32>) -> f32 {
        let logits = self.d.infer(images);
        mean_sigmoid(logits.iter().copied())
    }

    /// One round: D trained against the negatives, then new negatives by ascent.
    pub fn round(&mut self, data: &Dataset) -> Result<RoundStats, String> {
        if data.image_dim() != IMAGE_DIM {
            return Err(format!(
                "D alone reads 28×28 digits; the data has {} pixels per image",
                data.image_dim()
            ));
        }
        data.check_batch(self.config.batch_size)?;
        let mut d_loss = f32::NAN;
        for _ in 0..self.config.d_steps {
            d_loss = self.train_d(data);
        }
        if !d_loss.is_finite() || self.d.params.iter().any(|p| !p.is_finite()) {
            return Err(format!(
                "D diverged in round {} (its loss became {d_loss})",
                self.rounds + 1
            ));
        }
        let real = std::mem::take(&mut self.real_in);
        let d_real = self.score(real.view());
        self.real_in = real;
        let negatives = std::mem::take(&mut self.negatives);
        let d_old_negatives = self.score(negatives.view());
        self.negatives = negatives;
        let mut fresh = Array2::zeros(self.negatives.dim());
        fresh.mapv_inplace(|_: f32| self.rng.random_range(-1.0..1.0));
        let d_noise = self.score(fresh.view());
        for _ in 0..self.config.ascent_steps {
            self.ascend(&mut fresh);
        }
        let d_new_negatives = self.score(fresh.view());
        self.negatives = fresh;
        self.rounds += 1;
        Ok(RoundStats {
            round: self.rounds,
            d_loss,
            d_real,
            d_old_negatives,
            d_noise,
            d_new_negatives,
        })
    }

    /// One update of D: a real batch labelled 1 and a batch of negatives labelled 0.
    /// Returns the loss (the two terms' sum).
    fn train_d(&mut self, data: &Dataset) -> f32 {
        self.sampler
            .next_batch(data.len(), &mut self.batch_idx, &mut self.rng);
        for (mut row, &i) in self.real_in.rows_mut().into_iter().zip(&self.batch_idx) {
            row.as_slice_mut()
                .expect("contiguous row")
                .copy_from_slice(data.image(i));
        }
        for mut row in self.neg_in.rows_mut() {
            let k = self.rng.random_range(0..self.negatives.nrows());
            row.assign(&self.negatives.row(k));
        }
        self.d.zero_grad();
        let mut loss = 0.0;
        for (input, target) in [(&self.real_in, 1.0), (&self.neg_in, 0.0)] {
            let logits = self.d.forward(input.view());
            let logits = logits.as_slice().expect("a (B, 1) output is contiguous");
            let dlogits = self.dlogits.as_slice_mut().expect("standard layout");
            loss += bce_with_logits(dlogits, logits, target);
            self.d
                .backward(input.view(), self.dlogits.view(), true, None);
        }
        self.opt.update(&mut self.d.params, &self.d.grads);
        loss
    }

    /// One ascent step on every image of `images` (N, 784), D frozen: each moves along
    /// the gradient of D's logit, scaled so that its most-moved pixel moves by the
    /// ascent rate; pixels stay in [-1, 1].
    fn ascend(&mut self, images: &mut Array2<f32>) {
        let rate = self.config.ascent_rate;
        let n = images.nrows();
        let chunk = self.config.batch_size;
        let mut dx = Array2::zeros((chunk, IMAGE_DIM));
        let ones = Array2::ones((chunk, 1));
        for start in (0..n).step_by(chunk) {
            let end = (start + chunk).min(n);
            let rows = end - start;
            let x = images.slice(s![start..end, ..]).to_owned();
            self.d.forward(x.view());
            self.d.backward(
                x.view(),
                ones.slice(s![..rows, ..]),
                false,
                Some(dx.slice_mut(s![..rows, ..])),
            );
            for (mut image, grad) in images
                .slice_mut(s![start..end, ..])
                .rows_mut()
                .into_iter()
                .zip(dx.rows())
            {
                let scale = grad.iter().fold(0.0f32, |m, g| m.max(g.abs()));
                if scale > 0.0 {
                    image.zip_mut_with(&grad, |px, &g| {
                        *px = (*px + rate * g / scale).clamp(-1.0, 1.0)
                    });
                }
            }
        }
    }
}

fn mean_sigmoid(logits: impl Iterator<Item = f32>) -> f32 {
    let (sum, n) = logits.fold((0.0f64, 0usize), |(s, n), l| {
        (s + f64::from(sigmoid(l)), n + 1)
    });
    (sum / n.max(1) as f64) as f32
}

#[cfg(test)]
mod tests;
