//! The GAN: a generator G and a discriminator D (both MLPs), their optimisers, and the
//! three-step training loop of Goodfellow et al. (2014):
//!
//! 1. D on a real batch, target 1 (or `1 - label_smoothing`); conditional, with
//!    `d_mismatch` > 0, also the same digits with wrong labels, target 0;
//! 2. D on a batch from G, target 0 — G only runs forward; then D takes one update
//!    from the gradients of (1) and (2) together;
//! 3. G through the just-updated D, target 1 — D is frozen: its input gradient flows
//!    back into G, its own parameters do not move.
//!
//! Steps 1–2 repeat `d_steps` times per step 3. Everything random (weights, noise, the
//! data order) comes from one seeded ChaCha8 stream, so a seed and a configuration give
//! bit-identical weights after N steps on the same build.

pub mod config;
mod snapshot;

pub use config::{ConfigError, GanConfig, SettingChange, IMAGE_DIM, IMAGE_SIDE, NUM_CLASSES};
pub use snapshot::{Snapshot, SnapshotError};

use crate::data::sampler::BatchSampler;
use crate::data::Dataset;
use crate::nn::layers::sigmoid;
use crate::nn::loss::{bce_with_logits, generator_loss};
use crate::nn::{Activation, Mlp, Optimizer};
use ndarray::{s, Array2, ArrayView2, ArrayViewMut2};
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use rand_distr::StandardNormal;
use std::fmt;

/// Samples in the fixed-noise grid: 10 × 10.
pub const GRID_SAMPLES: usize = 100;

/// What one training step measured.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepStats {
    /// D's loss on the real and the fake batch (sum of the two means); `None` when the
    /// step did not update D.
    pub d_loss: Option<f32>,
    /// G's loss against the current D.
    pub g_loss: f32,
    /// Mean D(x) on the real batch; `None` when the step did not look at real data.
    pub d_real: Option<f32>,
    /// Mean D(G(z)) on the fake batch, before D's update.
    pub d_fake: f32,
}

/// How far training has gone.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counters {
    /// Full steps (D updates then a G update).
    pub steps: u64,
    pub d_updates: u64,
    pub g_updates: u64,
    /// Real images D has been shown.
    pub images_seen: u64,
}

/// The parts of a training step, in order: each of the three steps of the game in one or
/// two phases of roughly equal cost (a fifth of a step each, give or take). [`Gan::advance`]
/// runs one at a time, so the page can spread a step over several animation frames
/// without any one frame doing much; [`Gan::train_step`] runs them all. With `d_steps` =
/// k, the phases of steps (1) and (2) run k times before those of step (3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// (1) D on a real batch, labelled 1 (conditional, with `d_mismatch`: and the same
    /// digits with wrong labels, labelled 0): D's gradients, no update yet.
    Real,
    /// (2) G makes a batch of fakes from fresh noise (forward only).
    Sample,
    /// (2) D on those fakes, labelled 0, G frozen; then D's update.
    Fake,
    /// (3) The same fakes through the just-updated, frozen D, labelled 1: the gradient of
    /// G's loss with respect to the fake pixels.
    ThroughD,
    /// (3) That gradient back through G; then G's update, which completes the step.
    Generator,
}

impl Phase {
    /// Every phase, in the order of a step with `d_steps` = 1.
    pub const ALL: [Phase; 5] = [
        Phase::Real,
        Phase::Sample,
        Phase::Fake,
        Phase::ThroughD,
        Phase::Generator,
    ];

    /// The phase in plain words, for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Phase::Real => "D on real digits",
            Phase::Sample => "G making fakes",
            Phase::Fake => "D on fakes",
            Phase::ThroughD => "G's fakes through D",
            Phase::Generator => "G's update",
        }
    }
}

/// A training step under way between calls of [`Gan::advance`].
#[derive(Clone, Copy, Debug)]
struct StepProgress {
    next: Phase,
    /// D updates done in this step.
    d_round: usize,
    /// From phase (1), for the statistics phase (2) completes: D's loss on real digits
    /// (with the wrong-label term) and the mean D(x).
    loss_real: f32,
    d_real: f32,
    /// From the last phase (2); phase (3) fills in `g_loss`.
    stats: StepStats,
}

impl StepProgress {
    const START: StepProgress = StepProgress {
        next: Phase::Real,
        d_round: 0,
        loss_real: 0.0,
        d_real: 0.0,
        stats: StepStats {
            d_loss: None,
            g_loss: 0.0,
            d_real: None,
            d_fake: 0.0,
        },
    };
}

/// Why a training step could not run.
#[derive(Clone, Debug, PartialEq)]
pub enum TrainError {
    /// The data does not fit the model (wrong image size, too few examples…).
    Data(String),
    /// A loss or an updated weight came out NaN or infinite, in phase `phase` of step
    /// `step` (the step under way, counted from 1). `what` says which, in plain words
    /// ("D's loss became NaN"). A loss is checked before its update, so a bad loss is
    /// never applied; weights are checked right after their update. Either way the GAN
    /// refuses to train on (every training call returns this error again) until it is
    /// replaced: restore a good state, load a checkpoint or start afresh.
    Diverged {
        step: u64,
        phase: Phase,
        what: String,
    },
    /// A training step is part-way done ([`Gan::advance`]); finish it first.
    StepInProgress,
}

impl fmt::Display for TrainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrainError::Data(msg) => write!(f, "{msg}"),
            TrainError::Diverged { step, phase, what } => write!(
                f,
                "{what} at step {} (phase: {}) — the learning rate may be too high",
                thousands(*step),
                phase.describe()
            ),
            TrainError::StepInProgress => write!(
                f,
                "a training step is part-way done: finish it first (Gan::finish_step)"
            ),
        }
    }
}

impl std::error::Error for TrainError {}

/// A count with thousands separators, as the page writes numbers: 10207 → "10,207".
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// G, D, their optimisers, the random stream and the training state.
#[derive(Debug)]
pub struct Gan {
    config: GanConfig,
    pub(crate) g: Mlp,
    /// G's weights averaged over its updates (`config.g_average`); samples come from it
    /// while `sample_average` is on. Only its parameters are kept up to date.
    pub(crate) g_avg: Mlp,
    /// Whether [`Gan::generate`] uses the averaged G (the default) or G itself. A way of
    /// looking, not a setting of training: checkpoints do not store it.
    sample_average: bool,
    pub(crate) d: Mlp,
    pub(crate) g_opt: Optimizer,
    pub(crate) d_opt: Optimizer,
    pub(crate) rng: ChaCha8Rng,
    pub(crate) sampler: BatchSampler,
    pub(crate) counters: Counters,
    /// The step under way, if `advance` left one part-way done.
    progress: Option<StepProgress>,
    /// Set when training diverged; every training call returns it from then on.
    diverged: Option<TrainError>,
    /// The grid's noise, fixed by the seed so the same digits evolve: (100, noise_dim).
    grid_z: Array2<f32>,
    // Training buffers, sized to the batch B once and reused every step.
    batch_idx: Vec<usize>,   // (B) indices of the real batch
    g_in: Array2<f32>,       // (B, noise + label) z, then the one-hot label
    d_real_in: Array2<f32>,  // (B, 784 + label) a real batch, then its one-hot labels
    d_wrong_in: Array2<f32>, // (B, 784 + label) the same images with wrong labels, or empty
    d_fake_in: Array2<f32>,  // (B, 784 + label) G's batch, then its one-hot labels
    d_dx: Array2<f32>,       // (B, 784 + label) D's input gradient in step 3
    dlogits: Array2<f32>,    // (B, 1)
    // Inference buffers (generate, discriminate), grown to the largest request.
    infer_in: Array2<f32>, // (N, max(noise, 784) + label)
}

impl Gan {
    /// A new GAN with fresh weights drawn from the configuration's seed.
    pub fn new(config: GanConfig) -> Result<Gan, ConfigError> {
        config.validate()?;
        let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
        let hidden = Activation::LeakyRelu {
            slope: config.leaky_slope,
        };
        let g = Mlp::new(&config.g_sizes(), hidden, Activation::Tanh, &mut rng);
        let d = Mlp::new(&config.d_sizes(), hidden, Activation::Identity, &mut rng);
        let g_avg = g.clone();
        let g_opt = Optimizer::new(config.g_optimizer, g.params.len());
        let d_opt = Optimizer::new(config.d_optimizer, d.params.len());
        let grid_z = fixed_noise(config.seed, GRID_SAMPLES, config.noise_dim);
        let mut gan = Gan {
            g,
            g_avg,
            sample_average: true,
            d,
            g_opt,
            d_opt,
            rng,
            sampler: BatchSampler::default(),
            counters: Counters::default(),
            progress: None,
            diverged: None,
            grid_z,
            batch_idx: Vec::new(),
            g_in: Array2::zeros((0, 0)),
            d_real_in: Array2::zeros((0, 0)),
            d_wrong_in: Array2::zeros((0, 0)),
            d_fake_in: Array2::zeros((0, 0)),
            d_dx: Array2::zeros((0, 0)),
            dlogits: Array2::zeros((0, 0)),
            infer_in: Array2::zeros((0, 0)),
            config,
        };
        gan.size_batch_buffers();
        Ok(gan)
    }

    /// The configuration in force.
    pub fn config(&self) -> &GanConfig {
        &self.config
    }

    /// Training progress.
    pub fn counters(&self) -> Counters {
        self.counters
    }

    /// Completed passes over the data.
    pub fn epoch(&self) -> u64 {
        self.sampler.epoch
    }

    /// The generator.
    pub fn generator(&self) -> &Mlp {
        &self.g
    }

    /// G with its weights averaged over training (G itself when averaging is off).
    pub fn averaged_generator(&self) -> &Mlp {
        &self.g_avg
    }

    /// Whether samples ([`Gan::generate`], the grid, the judge's) come from the averaged
    /// G (true, the default) or from G itself.
    pub fn samples_from_average(&self) -> bool {
        self.sample_average
    }

    /// Chooses where samples come from: the averaged G or G itself. Training is unchanged.
    pub fn set_samples_from_average(&mut self, on: bool) {
        self.sample_average = on;
    }

    /// The discriminator.
    pub fn discriminator(&self) -> &Mlp {
        &self.d
    }

    /// Changes training hyperparameters mid-run (learning rates, optimisers, batch size,
    /// D steps, generator loss, label smoothing) keeping the weights. Changing the
    /// architecture (sizes, conditional, slope) needs a new `Gan`, and is refused here;
    /// a new seed takes effect at the next reset. On error nothing changes.
    pub fn set_hyperparameters(&mut self, config: GanConfig) -> Result<(), ConfigError> {
        self.check_hyperparameters(&config)?;
        self.g_opt.set_config(config.g_optimizer);
        self.d_opt.set_config(config.d_optimizer);
        let seed = self.config.seed;
        self.config = GanConfig { seed, ..config };
        self.size_batch_buffers();
        Ok(())
    }

    /// Whether [`Gan::set_hyperparameters`] would take `config` now; the error it would give.
    pub fn check_hyperparameters(&self, config: &GanConfig) -> Result<(), ConfigError> {
        config.validate()?;
        if self.progress.is_some() {
            return Err(ConfigError(TrainError::StepInProgress.to_string()));
        }
        if !config.same_architecture(&self.config) || config.conditional != self.config.conditional
        {
            return Err(ConfigError(
                "the network sizes, conditional mode, LeakyReLU slope and world can only \
                 change by re-initialising the model"
                    .into(),
            ));
        }
        Ok(())
    }

    fn size_batch_buffers(&mut self) {
        let b = self.config.batch_size;
        if self.batch_idx.len() == b {
            return;
        }
        self.batch_idx = vec![0; b];
        self.g_in = Array2::zeros((b, self.config.g_input_dim()));
        self.d_real_in = Array2::zeros((b, self.config.d_input_dim()));
        self.d_fake_in = self.d_real_in.clone();
        self.d_wrong_in = if self.config.conditional {
            self.d_real_in.clone()
        } else {
            Array2::zeros((0, 0))
        };
        self.d_dx = self.d_real_in.clone();
        self.dlogits = Array2::zeros((b, 1));
        self.g.reserve_batch(b);
        self.d.reserve_batch(b);
    }

    fn check_data(&self, data: &Dataset) -> Result<(), TrainError> {
        let dim = self.config.data_dim();
        if data.image_dim() != dim && dim == IMAGE_DIM {
            return Err(TrainError::Data(format!(
                "the networks are built for {IMAGE_SIDE}×{IMAGE_SIDE} images; the data has {} pixels per image",
                data.image_dim()
            )));
        }
        if data.image_dim() != dim {
            return Err(TrainError::Data(format!(
                "the networks are built for {dim}-D points; the data's points are {}-D",
                data.image_dim()
            )));
        }
        if data.len() < self.config.batch_size {
            return Err(TrainError::Data(format!(
                "the batch size ({}) is larger than the data set ({} images)",
                self.config.batch_size,
                data.len()
            )));
        }
        Ok(())
    }

    /// One full step: `d_steps` D updates (steps 1–2), then one G update (step 3) on the
    /// last fake batch, through the just-updated D. A step that [`Gan::advance`] left
    /// part-way done is finished instead.
    pub fn train_step(&mut self, data: &Dataset) -> Result<StepStats, TrainError> {
        loop {
            if let Some(stats) = self.advance(data)? {
                return Ok(stats);
            }
        }
    }

    /// Runs the next phase of the training step under way (or starts one). Returns the
    /// step's statistics when this phase completed it. The phases of one step give
    /// bit-identically what [`Gan::train_step`] gives. On error the step is abandoned
    /// where it stood (an update that failed its check is not applied) and the next call
    /// starts a new one.
    pub fn advance(&mut self, data: &Dataset) -> Result<Option<StepStats>, TrainError> {
        self.check_healthy()?;
        self.check_data(data)?;
        let mut progress = self.progress.take().unwrap_or(StepProgress::START);
        match progress.next {
            Phase::Real => {
                self.d.zero_grad();
                (progress.loss_real, progress.d_real) = self.d_real_gradients(data);
                self.check_loss(Phase::Real, "D's loss on real digits", progress.loss_real)?;
                progress.next = Phase::Sample;
            }
            Phase::Sample => {
                self.sample_fake_batch();
                progress.next = Phase::Fake;
            }
            Phase::Fake => {
                progress.stats = self.d_fake_gradients(progress.loss_real, progress.d_real)?;
                self.apply_d_update()?;
                progress.d_round += 1;
                progress.next = if progress.d_round < self.config.d_steps {
                    Phase::Real
                } else {
                    Phase::ThroughD
                };
            }
            Phase::ThroughD => {
                // G has not changed since its fakes were made, so its forward cache holds.
                (progress.stats.g_loss, _) = self.fake_pixel_gradients()?;
                progress.next = Phase::Generator;
            }
            Phase::Generator => {
                self.g_backward_and_update()?;
                self.counters.steps += 1;
                return Ok(Some(progress.stats));
            }
        }
        self.progress = Some(progress);
        Ok(None)
    }

    /// The phase the next [`Gan::advance`] runs when a step is part-way done; `None`
    /// between steps.
    pub fn phase(&self) -> Option<Phase> {
        self.progress.map(|p| p.next)
    }

    /// Runs the rest of a step left part-way done, if any; returns its statistics.
    pub fn finish_step(&mut self, data: &Dataset) -> Result<Option<StepStats>, TrainError> {
        if self.progress.is_none() {
            return Ok(None);
        }
        self.train_step(data).map(Some)
    }

    /// Steps 1–2 alone: one D update, G untouched. `g_loss` is G's loss on that fake
    /// batch as D judged it before its update.
    pub fn d_step(&mut self, data: &Dataset) -> Result<StepStats, TrainError> {
        self.check_healthy()?;
        self.check_data(data)?;
        self.check_between_steps()?;
        let stats = self.d_gradients(data)?;
        self.apply_d_update()?;
        Ok(stats)
    }

    /// Step 3 alone: one G update on fresh noise, D frozen.
    pub fn g_step(&mut self) -> Result<StepStats, TrainError> {
        self.check_healthy()?;
        self.check_between_steps()?;
        let (g_loss, d_fake) = self.g_update(true)?;
        Ok(StepStats {
            d_loss: None,
            g_loss,
            d_real: None,
            d_fake,
        })
    }

    fn check_between_steps(&self) -> Result<(), TrainError> {
        match self.progress {
            Some(_) => Err(TrainError::StepInProgress),
            None => Ok(()),
        }
    }

    /// The error training diverged with, if it did: then nothing may train on.
    pub fn divergence(&self) -> Option<&TrainError> {
        self.diverged.as_ref()
    }

    fn check_healthy(&self) -> Result<(), TrainError> {
        match &self.diverged {
            Some(e) => Err(e.clone()),
            None => Ok(()),
        }
    }

    /// Records that training diverged in `phase` of the step under way, and returns the
    /// error. The step is abandoned.
    fn diverge(&mut self, phase: Phase, what: String) -> TrainError {
        let err = TrainError::Diverged {
            step: self.counters.steps + 1,
            phase,
            what,
        };
        self.progress = None;
        self.diverged = Some(err.clone());
        err
    }

    /// D's optimiser step on the gradients of steps 1 and 2, then a check that D's
    /// weights are still finite.
    fn apply_d_update(&mut self) -> Result<(), TrainError> {
        self.d_opt.update(&mut self.d.params, &self.d.grads);
        self.counters.d_updates += 1;
        self.counters.images_seen += self.config.batch_size as u64;
        self.check_weights(Phase::Fake)
    }

    /// A loss checked before the update that would use it: NaN or infinite diverges.
    fn check_loss(&mut self, phase: Phase, what: &str, value: f32) -> Result<(), TrainError> {
        if value.is_finite() {
            return Ok(());
        }
        Err(self.diverge(phase, format!("{what} became {value}")))
    }

    /// The network the update of `phase` just changed (D after [`Phase::Fake`], G after
    /// [`Phase::Generator`]) checked for NaN or infinite weights.
    fn check_weights(&mut self, phase: Phase) -> Result<(), TrainError> {
        let (name, params) = match phase {
            Phase::Generator => ("G", &self.g.params),
            _ => ("D", &self.d.params),
        };
        match first_non_finite(params) {
            None => Ok(()),
            Some((i, v)) => Err(self.diverge(
                phase,
                format!("{name}'s weights became {v} (parameter {i}) after its update"),
            )),
        }
    }

    /// Steps 1 and 2 up to D's gradients (in `d.grads`), without the update.
    pub(crate) fn d_gradients(&mut self, data: &Dataset) -> Result<StepStats, TrainError> {
        self.d.zero_grad();
        let (loss_real, d_real) = self.d_real_gradients(data);
        self.sample_fake_batch();
        self.d_fake_gradients(loss_real, d_real)
    }

    /// Step 1: D on a real batch, target 1 - smoothing, and when conditional with
    /// `d_mismatch` > 0 the same images with wrong labels, target 0, weighted by it; adds
    /// to D's gradients. Returns the loss (both terms) and the mean D(x).
    fn d_real_gradients(&mut self, data: &Dataset) -> (f32, f32) {
        self.sampler
            .next_batch(data.len(), &mut self.batch_idx, &mut self.rng);
        let dim = self.config.data_dim();
        for (mut row, &i) in self.d_real_in.rows_mut().into_iter().zip(&self.batch_idx) {
            let row = row
                .as_slice_mut()
                .expect("rows of a standard array are contiguous");
            row[..dim].copy_from_slice(data.image(i));
            write_one_hot(&mut row[dim..], data.label(i));
        }
        add_instance_noise(
            &mut self.d_real_in,
            dim,
            self.config.d_input_noise,
            &mut self.rng,
        );
        let target = 1.0 - self.config.label_smoothing;
        let logits = self.d.forward(self.d_real_in.view());
        let logits = logits.as_slice().expect("a (B, 1) output is contiguous");
        let d_real = mean_sigmoid(logits);
        let loss_real = bce_with_logits(as_flat(&mut self.dlogits), logits, target);
        self.d
            .backward(self.d_real_in.view(), self.dlogits.view(), true, None);
        let weight = self.config.d_mismatch;
        if !self.config.conditional || weight == 0.0 {
            return (loss_real, d_real);
        }
        self.fill_wrong_labels(data);
        let logits = self.d.forward(self.d_wrong_in.view());
        let logits = logits.as_slice().expect("a (B, 1) output is contiguous");
        let dlogits = as_flat(&mut self.dlogits);
        let loss_wrong = bce_with_logits(dlogits, logits, 0.0);
        dlogits.iter_mut().for_each(|d| *d *= weight);
        self.d
            .backward(self.d_wrong_in.view(), self.dlogits.view(), true, None);
        (loss_real + weight * loss_wrong, d_real)
    }

    /// Copies the real batch (pixels with their instance noise) into `d_wrong_in`, each
    /// with a label drawn uniformly from the nine it does not have.
    fn fill_wrong_labels(&mut self, data: &Dataset) {
        for ((mut row, real), &i) in self
            .d_wrong_in
            .rows_mut()
            .into_iter()
            .zip(self.d_real_in.rows())
            .zip(&self.batch_idx)
        {
            let row = row.as_slice_mut().expect("contiguous row");
            let real = real.as_slice().expect("contiguous row");
            row[..IMAGE_DIM].copy_from_slice(&real[..IMAGE_DIM]);
            let shift = self.rng.random_range(1..NUM_CLASSES as u8);
            write_one_hot(
                &mut row[IMAGE_DIM..],
                (data.label(i) + shift) % NUM_CLASSES as u8,
            );
        }
    }

    /// Step 2: D on the fake batch that [`Gan::sample_fake_batch`] made, target 0, G only
    /// having run forward; adds to D's gradients. Checks D's whole loss (with step 1's)
    /// before anything is updated.
    fn d_fake_gradients(&mut self, loss_real: f32, d_real: f32) -> Result<StepStats, TrainError> {
        let logits = self.d.forward(self.d_fake_in.view());
        let logits = logits.as_slice().expect("a (B, 1) output is contiguous");
        let d_fake = mean_sigmoid(logits);
        let loss_fake = bce_with_logits(as_flat(&mut self.dlogits), logits, 0.0);
        // G's loss as this D sees the batch, for the record; `dlogits` is only scratch here,
        // so compute it after backward has used the real gradient.
        let d_loss = loss_real + loss_fake;
        self.check_loss(Phase::Fake, "D's loss", d_loss)?;
        self.d
            .backward(self.d_fake_in.view(), self.dlogits.view(), true, None);
        let logits = self.d.output_view();
        let logits = logits.as_slice().expect("a (B, 1) output is contiguous");
        let g_loss = generator_loss(
            self.config.generator_loss,
            as_flat(&mut self.dlogits),
            logits,
        );
        Ok(StepStats {
            d_loss: Some(d_loss),
            g_loss,
            d_real: Some(d_real),
            d_fake,
        })
    }

    /// Step 3: G through a frozen D. With `fresh`, draws a new fake batch; otherwise uses
    /// the one step 2 left in place (G has not changed since, so its forward cache holds).
    /// Returns G's loss and the mean D(G(z)) it saw.
    fn g_update(&mut self, fresh: bool) -> Result<(f32, f32), TrainError> {
        if fresh {
            self.sample_fake_batch();
        }
        let result = self.fake_pixel_gradients()?;
        self.g_backward_and_update()?;
        Ok(result)
    }

    /// Step 3 on the fake batch in place, up to G's gradients (in `g.grads`): the
    /// gradient check's view of step 3.
    #[cfg(test)]
    pub(crate) fn g_gradients(&mut self) -> Result<(f32, f32), TrainError> {
        let result = self.fake_pixel_gradients()?;
        self.g_backward();
        Ok(result)
    }

    /// The first half of step 3: the fake batch through D, frozen, labelled 1, back to
    /// the pixels (into `d_dx`). Returns G's loss and the mean D(G(z)).
    fn fake_pixel_gradients(&mut self) -> Result<(f32, f32), TrainError> {
        let logits = self.d.forward(self.d_fake_in.view());
        let logits = logits.as_slice().expect("a (B, 1) output is contiguous");
        let d_fake = mean_sigmoid(logits);
        let g_loss = generator_loss(
            self.config.generator_loss,
            as_flat(&mut self.dlogits),
            logits,
        );
        self.check_loss(Phase::ThroughD, "G's loss", g_loss)?;
        // D frozen: no parameter gradients, only the gradient with respect to its input.
        self.d.backward(
            self.d_fake_in.view(),
            self.dlogits.view(),
            false,
            Some(self.d_dx.view_mut()),
        );
        Ok((g_loss, d_fake))
    }

    /// The second half of step 3: the pixel gradients back through G, into `g.grads`.
    fn g_backward(&mut self) {
        self.g.zero_grad();
        let dimages = self.d_dx.slice(s![.., ..self.config.data_dim()]);
        self.g.backward(self.g_in.view(), dimages, true, None);
    }

    /// The second half of step 3 and G's update; checks G's weights after it, then folds
    /// them into the average.
    fn g_backward_and_update(&mut self) -> Result<(), TrainError> {
        self.g_backward();
        self.g_opt.update(&mut self.g.params, &self.g.grads);
        self.counters.g_updates += 1;
        self.check_weights(Phase::Generator)?;
        self.update_average();
        Ok(())
    }

    /// `avg ← β avg + (1 - β) g` with `β = min(g_average, (1 + t) / (10 + t))` after t
    /// G updates: early on the average follows G closely, later it moves slowly.
    fn update_average(&mut self) {
        let t = self.counters.g_updates as f32;
        let decay = self.config.g_average.min((1.0 + t) / (10.0 + t));
        if decay == 0.0 {
            self.g_avg.params.copy_from_slice(&self.g.params);
            return;
        }
        let keep = 1.0 - decay;
        for (a, &p) in self.g_avg.params.iter_mut().zip(&self.g.params) {
            *a += keep * (p - *a);
        }
    }

    /// Fills `g_in` with fresh noise (and random labels when conditional), runs G, and
    /// writes its images (and the same labels) into `d_fake_in`, with D's instance noise.
    pub(crate) fn sample_fake_batch(&mut self) {
        let noise_dim = self.config.noise_dim;
        let dim = self.config.data_dim();
        let conditional = self.config.conditional;
        for (mut z_row, mut d_row) in self
            .g_in
            .rows_mut()
            .into_iter()
            .zip(self.d_fake_in.rows_mut())
        {
            let z_row = z_row.as_slice_mut().expect("contiguous row");
            for v in &mut z_row[..noise_dim] {
                *v = self.rng.sample(StandardNormal);
            }
            if conditional {
                let label = self.rng.random_range(0..NUM_CLASSES as u8);
                write_one_hot(&mut z_row[noise_dim..], label);
                let d_row = d_row.as_slice_mut().expect("contiguous row");
                write_one_hot(&mut d_row[dim..], label);
            }
        }
        let images = self.g.forward(self.g_in.view());
        self.d_fake_in.slice_mut(s![.., ..dim]).assign(&images);
        add_instance_noise(
            &mut self.d_fake_in,
            dim,
            self.config.d_input_noise,
            &mut self.rng,
        );
    }

    /// Writes the images of the averaged G (or of G itself: [`Gan::set_samples_from_average`])
    /// for noise `z` (N, noise_dim) and, when conditional, `labels` (N, each 0–9; ignored
    /// otherwise) into `out` (N, 784), pixels in [-1, 1].
    pub fn generate(&mut self, z: ArrayView2<f32>, labels: &[u8], mut out: ArrayViewMut2<f32>) {
        let n = z.nrows();
        let noise_dim = self.config.noise_dim;
        assert_eq!(z.ncols(), noise_dim, "noise width");
        let conditional = self.config.conditional;
        let mut input = self.inference_input(n, self.config.g_input_dim());
        input.slice_mut(s![.., ..noise_dim]).assign(&z);
        if conditional {
            for (mut row, &label) in input.rows_mut().into_iter().zip(labels) {
                write_one_hot(
                    row.as_slice_mut()
                        .expect("contiguous row")
                        .split_at_mut(noise_dim)
                        .1,
                    label,
                );
            }
        }
        let input = self.infer_in.slice(s![..n, ..self.config.g_input_dim()]);
        let g = if self.sample_average {
            &mut self.g_avg
        } else {
            &mut self.g
        };
        out.assign(&g.infer(input));
    }

    /// D's probability that each image in `images` (N, 784) is real, given `labels` when
    /// conditional (ignored otherwise), written into `out` (N).
    pub fn discriminate(&mut self, images: ArrayView2<f32>, labels: &[u8], out: &mut [f32]) {
        let n = images.nrows();
        self.fill_d_input(images, labels);
        let input = self.infer_in.slice(s![..n, ..self.config.d_input_dim()]);
        for (o, &l) in out.iter_mut().zip(self.d.infer(input)) {
            *o = sigmoid(l);
        }
    }

    /// One step of gradient ascent on an image's pixels to raise D's logit: what "D alone
    /// generates". The step moves the largest pixel by `step_size`; pixels stay in [-1, 1].
    /// Returns D(x) before the step.
    pub fn ascend_d(&mut self, image: &mut [f32], label: u8, step_size: f32) -> f32 {
        let dim = self.config.data_dim();
        let x = ArrayView2::from_shape((1, dim), &*image).expect("one image");
        self.fill_d_input(x, &[label]);
        let width = self.config.d_input_dim();
        let input = self.infer_in.slice(s![..1, ..width]);
        let p = sigmoid(self.d.forward(input)[[0, 0]]);
        let mut dx = Array2::zeros((1, width));
        self.d.backward(
            input,
            Array2::ones((1, 1)).view(),
            false,
            Some(dx.view_mut()),
        );
        let dx = dx.slice(s![0, ..dim]);
        let scale = dx.iter().fold(0.0f32, |m, v| m.max(v.abs()));
        if scale > 0.0 {
            for (px, g) in image.iter_mut().zip(dx) {
                *px = (*px + step_size * g / scale).clamp(-1.0, 1.0);
            }
        }
        p
    }

    fn fill_d_input(&mut self, images: ArrayView2<f32>, labels: &[u8]) {
        let n = images.nrows();
        let dim = self.config.data_dim();
        assert_eq!(images.ncols(), dim, "image width");
        let conditional = self.config.conditional;
        let mut input = self.inference_input(n, self.config.d_input_dim());
        input.slice_mut(s![.., ..dim]).assign(&images);
        if conditional {
            for (mut row, &label) in input.rows_mut().into_iter().zip(labels) {
                write_one_hot(
                    row.as_slice_mut()
                        .expect("contiguous row")
                        .split_at_mut(dim)
                        .1,
                    label,
                );
            }
        }
    }

    /// The first `n` rows and `width` columns of the inference buffer, grown if needed.
    fn inference_input(&mut self, n: usize, width: usize) -> ArrayViewMut2<'_, f32> {
        let cols = self.config.noise_dim.max(self.config.data_dim()) + NUM_CLASSES;
        if self.infer_in.nrows() < n || self.infer_in.ncols() != cols {
            self.infer_in = Array2::zeros((n.max(GRID_SAMPLES), cols));
        }
        self.infer_in.slice_mut(s![..n, ..width])
    }

    /// The grid's fixed noise, (100, noise_dim).
    pub fn grid_noise(&self) -> ArrayView2<'_, f32> {
        self.grid_z.view()
    }

    /// The grid's labels: row r shows digit r in conditional mode (each column keeps its z
    /// across rows, so a column is one "style"); all zero (unused) otherwise.
    pub fn grid_labels(&self) -> [u8; GRID_SAMPLES] {
        std::array::from_fn(|i| {
            if self.config.conditional {
                (i / 10) as u8
            } else {
                0
            }
        })
    }

    /// G's images for the fixed grid noise into `out` (100, 784).
    pub fn generate_grid(&mut self, out: ArrayViewMut2<f32>) {
        let z = if self.config.conditional {
            // Ten styles (the first ten z), each shown as every digit.
            let mut z = Array2::zeros((GRID_SAMPLES, self.config.noise_dim));
            for (i, mut row) in z.rows_mut().into_iter().enumerate() {
                row.assign(&self.grid_z.row(i % 10));
            }
            z
        } else {
            self.grid_z.clone()
        };
        let labels = self.grid_labels();
        self.generate(z.view(), &labels, out);
    }
}

impl Clone for Gan {
    /// A full copy, random stream included (ChaCha8Rng itself is not `Clone`, but its
    /// state serialises exactly).
    fn clone(&self) -> Gan {
        Gan {
            config: self.config.clone(),
            g: self.g.clone(),
            g_avg: self.g_avg.clone(),
            sample_average: self.sample_average,
            d: self.d.clone(),
            g_opt: self.g_opt.clone(),
            d_opt: self.d_opt.clone(),
            rng: ChaCha8Rng::deserialize_state(&self.rng.serialize_state()),
            sampler: self.sampler.clone(),
            counters: self.counters,
            progress: self.progress,
            diverged: self.diverged.clone(),
            grid_z: self.grid_z.clone(),
            batch_idx: self.batch_idx.clone(),
            g_in: self.g_in.clone(),
            d_real_in: self.d_real_in.clone(),
            d_wrong_in: self.d_wrong_in.clone(),
            d_fake_in: self.d_fake_in.clone(),
            d_dx: self.d_dx.clone(),
            dlogits: self.dlogits.clone(),
            infer_in: self.infer_in.clone(),
        }
    }
}

/// Noise for fixed samples, drawn from its own stream of the seed so that it does not
/// depend on how far training has gone: (n, noise_dim).
pub fn fixed_noise(seed: u64, n: usize, noise_dim: usize) -> Array2<f32> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(1);
    Array2::from_shape_simple_fn((n, noise_dim), || rng.sample(StandardNormal))
}

/// Adds Gaussian noise of standard deviation `std` to the first `dim` columns (the data,
/// not the label) of D's input batch `x` (B, dim + label); nothing (and no draw from
/// `rng`) when `std` is 0.
fn add_instance_noise(x: &mut Array2<f32>, dim: usize, std: f32, rng: &mut ChaCha8Rng) {
    if std == 0.0 {
        return;
    }
    for v in x.slice_mut(s![.., ..dim]) {
        *v += std * rng.sample::<f32, _>(StandardNormal);
    }
}

/// Writes a one-hot label into `out`; an empty `out` (unconditional) is left alone.
fn write_one_hot(out: &mut [f32], label: u8) {
    if out.is_empty() {
        return;
    }
    out.fill(0.0);
    out[usize::from(label)] = 1.0;
}

fn mean_sigmoid(logits: &[f32]) -> f32 {
    logits.iter().map(|&l| sigmoid(l)).sum::<f32>() / logits.len() as f32
}

fn as_flat(a: &mut Array2<f32>) -> &mut [f32] {
    a.as_slice_mut().expect("standard layout")
}

/// The first NaN or infinite value in `params` and its index, if any. The common case
/// (all finite) is one pass of lane-wise `acc += v * 0`, which stays 0 for finite values
/// and turns NaN on anything else, so the compiler vectorises it (docs/robustness.md has
/// its cost: a small share of a step).
pub fn first_non_finite(params: &[f32]) -> Option<(usize, f32)> {
    const LANES: usize = 16;
    let mut acc = [0.0f32; LANES];
    let chunks = params.chunks_exact(LANES);
    let rest = chunks.remainder();
    for chunk in chunks {
        for (a, &v) in acc.iter_mut().zip(chunk) {
            *a += v * 0.0;
        }
    }
    if acc.iter().chain(rest).all(|v| v.is_finite()) {
        return None;
    }
    params
        .iter()
        .copied()
        .enumerate()
        .find(|(_, v)| !v.is_finite())
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod divergence_tests;

#[cfg(test)]
mod average_tests;

#[cfg(test)]
mod world_tests;
