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
mod divergence;
mod inference;
mod phases;
mod snapshot;
mod steps;
pub mod world;

pub use config::{ConfigError, GanConfig, SettingChange, IMAGE_DIM, IMAGE_SIDE, NUM_CLASSES};
pub use divergence::{first_non_finite, TrainError};
pub use inference::{fixed_noise, GRID_SAMPLES};
pub use phases::Phase;
pub use snapshot::{Snapshot, SnapshotError};
pub use world::World;

use crate::data::sampler::BatchSampler;
use crate::nn::layers::sigmoid;
use crate::nn::{Activation, Mlp, Optimizer};
use ndarray::Array2;
use phases::StepProgress;
use rand::rngs::ChaCha8Rng;
use rand::SeedableRng;

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

/// G, D, their optimisers, the random stream and the training state.
#[derive(Debug)]
pub struct Gan {
    config: GanConfig,
    g: Mlp,
    /// G's weights averaged over its updates (`config.g_average`); samples come from it
    /// while `sample_average` is on. Only its parameters are kept up to date.
    g_avg: Mlp,
    /// Whether [`Gan::generate`] uses the averaged G (the default) or G itself. A way of
    /// looking, not a setting of training: checkpoints do not store it.
    sample_average: bool,
    d: Mlp,
    g_opt: Optimizer,
    d_opt: Optimizer,
    rng: ChaCha8Rng,
    sampler: BatchSampler,
    counters: Counters,
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

    /// G's and D's optimisers (their moments and step counts, for checkpoints).
    pub fn optimizers(&self) -> (&Optimizer, &Optimizer) {
        (&self.g_opt, &self.d_opt)
    }

    /// The data order and where in it training is.
    pub fn sampler(&self) -> &BatchSampler {
        &self.sampler
    }

    /// The random stream's exact state (seed, stream, position).
    pub fn rng_state(&self) -> [u8; 49] {
        self.rng.serialize_state()
    }

    /// Everything a checkpoint restores into a GAN that [`Gan::new`] made for the same
    /// configuration: the three networks, both optimisers, the random stream, the data
    /// order and the counters. The caller fills them; nothing else changes.
    pub fn restore(&mut self) -> Restore<'_> {
        Restore {
            g: &mut self.g,
            g_avg: &mut self.g_avg,
            d: &mut self.d,
            g_opt: &mut self.g_opt,
            d_opt: &mut self.d_opt,
            rng: &mut self.rng,
            sampler: &mut self.sampler,
            counters: &mut self.counters,
        }
    }
}

/// The saved parts of a [`Gan`], borrowed to be filled in ([`Gan::restore`]).
pub struct Restore<'a> {
    pub g: &'a mut Mlp,
    pub g_avg: &'a mut Mlp,
    pub d: &'a mut Mlp,
    pub g_opt: &'a mut Optimizer,
    pub d_opt: &'a mut Optimizer,
    pub rng: &'a mut ChaCha8Rng,
    pub sampler: &'a mut BatchSampler,
    pub counters: &'a mut Counters,
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

#[cfg(test)]
mod tests;

#[cfg(test)]
mod divergence_tests;

#[cfg(test)]
mod average_tests;

#[cfg(test)]
mod world_tests;
