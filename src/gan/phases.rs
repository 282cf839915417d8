//! The phase machine: a training step as five phases ([`Phase`]), run one at a time
//! ([`Gan::advance`]) or all together ([`Gan::train_step`]), and the half-steps D alone and
//! G alone.

use super::{Gan, StepStats, TrainError, IMAGE_DIM, IMAGE_SIDE};
use crate::data::Dataset;

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
    /// (2) G makes a batch of fakes from fresh noise (forward only). On a rayon pool of
    /// two threads or more this runs beside [`Phase::Real`], in the same `advance`, and
    /// the next phase after Real is then [`Phase::Fake`] (the same bits either way).
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

    /// The phase's name in one word, for figures: `real`, `sample`, `fake`, `through_d`,
    /// `generator`.
    pub fn name(self) -> &'static str {
        match self {
            Phase::Real => "real",
            Phase::Sample => "sample",
            Phase::Fake => "fake",
            Phase::ThroughD => "through_d",
            Phase::Generator => "generator",
        }
    }

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
pub(super) struct StepProgress {
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
    pub(super) const START: StepProgress = StepProgress {
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

impl Gan {
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
        data.check_batch(self.config.batch_size)
            .map_err(TrainError::Data)
    }

    /// One full step: `d_steps` D updates (steps 1–2), then one G update (step 3) on the
    /// last fake batch, through the just-updated D. A step that [`Gan::advance`] left
    /// part-way done is finished instead.
    ///
    /// ```
    /// use ganplay::data::Dataset;
    /// use ganplay::gan::{Gan, GanConfig, IMAGE_DIM, IMAGE_SIDE};
    ///
    /// // 16 images, one batch of `GanConfig::small()`, pixels in [-1, 1].
    /// let images = (0..16 * IMAGE_DIM).map(|i| (i % 7) as f32 / 3.0 - 1.0).collect();
    /// let data = Dataset::from_parts(images, vec![0; 16], IMAGE_SIDE, IMAGE_SIDE).unwrap();
    /// let mut gan = Gan::new(GanConfig::small()).unwrap();
    /// let (g0, d0) = (gan.generator().params.clone(), gan.discriminator().params.clone());
    ///
    /// let stats = gan.train_step(&data).unwrap();
    /// let counters = gan.counters();
    /// assert_eq!((counters.steps, counters.d_updates, counters.g_updates), (1, 1, 1));
    /// assert!(stats.g_loss.is_finite() && stats.d_loss.unwrap().is_finite());
    /// assert!((0.0..=1.0).contains(&stats.d_fake));
    /// assert_ne!(gan.generator().params, g0);
    /// assert_ne!(gan.discriminator().params, d0);
    ///
    /// // The same seed trains to the same bits.
    /// let mut again = Gan::new(GanConfig::small()).unwrap();
    /// assert_eq!(again.train_step(&data).unwrap(), stats);
    /// assert_eq!(again.generator().params, gan.generator().params);
    /// ```
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
                // On a pool of two threads or more, G makes the fakes beside it: the
                // Sample phase is then done with this one.
                let beside = crate::nn::pool::parallel();
                (progress.loss_real, progress.d_real) = if beside {
                    self.d_real_gradients_beside_fakes(data)
                } else {
                    self.d_real_gradients(data)
                };
                self.check_loss(Phase::Real, "D's loss on real digits", progress.loss_real)?;
                progress.next = if beside { Phase::Fake } else { Phase::Sample };
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
}
