//! Snapshots: a copy of everything a GAN needs to train on exactly as it would have —
//! settings, weights, optimiser state, random stream, data order, counters and the grid's
//! noise — taken between steps, in buffers that the next snapshot reuses. The playground
//! keeps a few as restore points (src/wasm/recovery.rs). Unlike a clone of the GAN, a
//! snapshot holds no gradients and no activation caches: for the default networks it is
//! 15 MB (parameters, their average and Adam's two moments), against about 21 MB for a clone.

use super::{Counters, Gan, GanConfig};
use crate::data::sampler::BatchSampler;
use crate::nn::Optimizer;
use ndarray::Array2;
use rand::rngs::ChaCha8Rng;

/// A GAN's training state at one step, between steps and before any divergence.
#[derive(Debug)]
pub struct Snapshot {
    config: GanConfig,
    g_params: Vec<f32>,     // (G's parameters)
    g_avg_params: Vec<f32>, // (G's parameters) their moving average
    d_params: Vec<f32>,     // (D's parameters)
    g_opt: Optimizer,
    d_opt: Optimizer,
    rng: ChaCha8Rng,
    sampler: BatchSampler,
    counters: Counters,
    grid_z: Array2<f32>, // (100, noise_dim)
}

impl Snapshot {
    /// The settings in force when it was taken.
    pub fn config(&self) -> &GanConfig {
        &self.config
    }

    /// The counters when it was taken.
    pub fn counters(&self) -> Counters {
        self.counters
    }

    /// Makes this a snapshot of `gan`, reusing this one's buffers (nothing is allocated
    /// when they are large enough, as they are for a GAN of the same networks).
    fn copy_from(&mut self, gan: &Gan) {
        copy_config(&mut self.config, &gan.config);
        self.g_params.clone_from(&gan.g.params);
        self.g_avg_params.clone_from(&gan.g_avg.params);
        self.d_params.clone_from(&gan.d.params);
        copy_optimizer(&mut self.g_opt, &gan.g_opt);
        copy_optimizer(&mut self.d_opt, &gan.d_opt);
        self.rng = copy_rng(&gan.rng);
        copy_sampler(&mut self.sampler, &gan.sampler);
        self.counters = gan.counters;
        if self.grid_z.dim() == gan.grid_z.dim() {
            self.grid_z.assign(&gan.grid_z);
        } else {
            self.grid_z = gan.grid_z.clone();
        }
    }
}

/// Why a snapshot could not be taken or put back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SnapshotError {
    /// A step is part-way done ([`Gan::advance`]): snapshots are taken between steps.
    StepInProgress,
    /// Training diverged: the state is not worth keeping.
    Diverged,
    /// The snapshot is of other networks than the GAN it was to be put back into.
    OtherNetworks,
}

impl std::fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SnapshotError::StepInProgress => "a training step is part-way done",
            SnapshotError::Diverged => "training diverged",
            SnapshotError::OtherNetworks => "the snapshot is of other networks",
        })
    }
}

impl std::error::Error for SnapshotError {}

impl Gan {
    fn check_snapshot_time(&self) -> Result<(), SnapshotError> {
        if self.progress.is_some() {
            return Err(SnapshotError::StepInProgress);
        }
        if self.diverged.is_some() {
            return Err(SnapshotError::Diverged);
        }
        Ok(())
    }

    /// A new snapshot of this GAN's training state (allocates; see [`Gan::snapshot_into`]).
    pub fn snapshot(&self) -> Result<Snapshot, SnapshotError> {
        self.check_snapshot_time()?;
        Ok(Snapshot {
            config: self.config.clone(),
            g_params: self.g.params.clone(),
            g_avg_params: self.g_avg.params.clone(),
            d_params: self.d.params.clone(),
            g_opt: self.g_opt.clone(),
            d_opt: self.d_opt.clone(),
            rng: copy_rng(&self.rng),
            sampler: self.sampler.clone(),
            counters: self.counters,
            grid_z: self.grid_z.clone(),
        })
    }

    /// Takes a snapshot into `snapshot`'s buffers: no allocation once they have held a
    /// snapshot of the same networks. Refused (nothing changes) part-way through a step or
    /// after divergence.
    pub fn snapshot_into(&self, snapshot: &mut Snapshot) -> Result<(), SnapshotError> {
        self.check_snapshot_time()?;
        snapshot.copy_from(self);
        Ok(())
    }

    /// Puts back a snapshot taken from a GAN of the same networks: from here training goes
    /// on bit for bit as it did from the snapshot's step. Clears any divergence; gradients
    /// and activation caches are not restored (every phase recomputes them). Refused,
    /// nothing changed, for a snapshot of other networks.
    pub fn restore_snapshot(&mut self, snapshot: &Snapshot) -> Result<(), SnapshotError> {
        if !self.config.same_architecture(&snapshot.config)
            || self.config.conditional != snapshot.config.conditional
        {
            return Err(SnapshotError::OtherNetworks);
        }
        copy_config(&mut self.config, &snapshot.config);
        self.g.params.copy_from_slice(&snapshot.g_params);
        self.g_avg.params.copy_from_slice(&snapshot.g_avg_params);
        self.d.params.copy_from_slice(&snapshot.d_params);
        copy_optimizer(&mut self.g_opt, &snapshot.g_opt);
        copy_optimizer(&mut self.d_opt, &snapshot.d_opt);
        self.rng = copy_rng(&snapshot.rng);
        copy_sampler(&mut self.sampler, &snapshot.sampler);
        self.counters = snapshot.counters;
        self.progress = None;
        self.diverged = None;
        if self.grid_z.dim() == snapshot.grid_z.dim() {
            self.grid_z.assign(&snapshot.grid_z);
        } else {
            self.grid_z = snapshot.grid_z.clone();
        }
        self.size_batch_buffers();
        Ok(())
    }
}

// Copies into existing buffers. (A derived `clone_from` would allocate afresh.)

/// ChaCha8Rng is not `Clone`, but its state serialises exactly.
fn copy_rng(rng: &ChaCha8Rng) -> ChaCha8Rng {
    ChaCha8Rng::deserialize_state(&rng.serialize_state())
}

fn copy_config(into: &mut GanConfig, from: &GanConfig) {
    let mut g_hidden = std::mem::take(&mut into.g_hidden);
    let mut d_hidden = std::mem::take(&mut into.d_hidden);
    let mut world = std::mem::take(&mut into.world);
    g_hidden.clone_from(&from.g_hidden);
    d_hidden.clone_from(&from.d_hidden);
    // A drawn world's points are kept in place (only a changed world allocates).
    if world != from.world {
        world.clone_from(&from.world);
    }
    // Every other field is `Copy` (this stops compiling if one is not).
    *into = GanConfig {
        g_hidden,
        d_hidden,
        world,
        ..*from
    };
}

fn copy_optimizer(into: &mut Optimizer, from: &Optimizer) {
    into.config = from.config;
    into.step = from.step;
    into.m.clone_from(&from.m);
    into.v.clone_from(&from.v);
}

fn copy_sampler(into: &mut BatchSampler, from: &BatchSampler) {
    into.order.clone_from(&from.order);
    into.cursor = from.cursor;
    into.epoch = from.epoch;
}
