//! Divergence: a loss or a weight that turns NaN or infinite stops training, with an
//! error that says where, until the GAN is replaced.

use super::{Gan, Phase};
use std::fmt;

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
pub(super) fn thousands(n: u64) -> String {
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

impl Gan {
    /// The error training diverged with, if it did: then nothing may train on.
    pub fn divergence(&self) -> Option<&TrainError> {
        self.diverged.as_ref()
    }

    pub(super) fn check_healthy(&self) -> Result<(), TrainError> {
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

    /// A loss checked before the update that would use it: NaN or infinite diverges.
    pub(super) fn check_loss(
        &mut self,
        phase: Phase,
        what: &str,
        value: f32,
    ) -> Result<(), TrainError> {
        if value.is_finite() {
            return Ok(());
        }
        Err(self.diverge(phase, format!("{what} became {value}")))
    }

    /// The network the update of `phase` just changed (D after [`Phase::Fake`], G after
    /// [`Phase::Generator`]) checked for NaN or infinite weights.
    pub(super) fn check_weights(&mut self, phase: Phase) -> Result<(), TrainError> {
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
