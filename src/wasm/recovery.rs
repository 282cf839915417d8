//! Last good state: every `SNAPSHOT_EVERY` steps the playground keeps a copy of its whole
//! training state (weights, optimiser moments, random stream, data order, counters,
//! settings and chart history) in memory, so that when training diverges one call puts
//! everything back as it was at that step. The copy reuses its buffers, so keeping it
//! allocates nothing after the first; it costs a memcpy of the weights and moments (a
//! few milliseconds for the default networks, measured in docs/robustness.md).

use super::{stats_values, History, Playground};
use crate::gan::{Gan, StepStats};
use wasm_bindgen::prelude::*;

/// Steps between snapshots of the last good state.
pub const SNAPSHOT_EVERY: u64 = 200;

/// The state kept: the GAN and the chart history as they were at one step.
#[derive(Default)]
pub(super) struct LastGood {
    gan: Option<Gan>,
    history: History,
}

// Rust-only helpers.
impl Playground {
    /// Keeps the current state as the last good one, now.
    pub(super) fn keep_last_good(&mut self) {
        if self.gan.divergence().is_some() || self.gan.phase().is_some() {
            return;
        }
        let kept = &mut self.last_good;
        let copied = kept
            .gan
            .as_mut()
            .is_some_and(|gan| gan.copy_state_from(&self.gan));
        if !copied {
            kept.gan = None; // free the old copy before making the new one
            kept.gan = Some(self.gan.clone());
        }
        kept.history.copy_from(&self.history);
    }

    /// Keeps the state if a step just completed on a multiple of `SNAPSHOT_EVERY`.
    pub(super) fn keep_last_good_if_due(&mut self) {
        let steps = self.gan.counters().steps;
        let kept_at = self.last_good.gan.as_ref().map(|g| g.counters().steps);
        if steps.is_multiple_of(SNAPSHOT_EVERY) && kept_at != Some(steps) {
            self.keep_last_good();
        }
    }
}

#[wasm_bindgen]
impl Playground {
    /// Whether training diverged (a loss or a weight became NaN or infinite); training
    /// calls then fail with the reason until `restore_last_good`, `reset` or
    /// `load_checkpoint`.
    pub fn diverged(&self) -> bool {
        self.gan.divergence().is_some()
    }

    /// Why training diverged, in plain words; empty if it did not.
    pub fn divergence_message(&self) -> String {
        self.gan
            .divergence()
            .map_or_else(String::new, |e| e.to_string())
    }

    /// The step of the last good state kept (every `SNAPSHOT_EVERY` steps, and whenever
    /// the model is replaced); -1 if none is kept.
    pub fn last_good_step(&self) -> f64 {
        self.last_good
            .gan
            .as_ref()
            .map_or(-1.0, |g| g.counters().steps as f64)
    }

    /// Puts back the last good state: weights, optimiser state, random stream, data
    /// order, counters, settings and chart history, exactly as they were at
    /// `last_good_step()`. Returns that step.
    pub fn restore_last_good(&mut self) -> Result<f64, JsError> {
        let kept = &self.last_good;
        let Some(good) = &kept.gan else {
            return Err(JsError::new("no good state has been kept yet"));
        };
        if !self.gan.copy_state_from(good) {
            self.gan = good.clone();
        }
        self.history.copy_from(&kept.history);
        Ok(self.gan.counters().steps as f64)
    }

    /// The chart history, which a checkpoint does not hold, as numbers for an autosave:
    /// `[records, stride, d_loss, g_loss, d_real, d_fake, rows…]` (the last step's
    /// statistics NaN before any step; rows of `HISTORY_COLUMNS`).
    pub fn export_history(&self) -> Vec<f64> {
        let history = &self.history;
        let mut out = vec![history.records as f64, history.stride as f64];
        let last = stats_values(history.last);
        out.extend(last.iter().chain(&history.rows).map(|&v| f64::from(v)));
        out
    }

    /// Puts back a history from `export_history`. Checked before anything changes: a
    /// malformed one is refused and the current history stays.
    pub fn import_history(&mut self, saved: &[f64]) -> Result<(), JsError> {
        let bad = |why: &str| Err(JsError::new(&format!("the saved chart history {why}")));
        let Some((head, rows)) = saved.split_at_checked(6) else {
            return bad("is too short");
        };
        let whole = |v: f64| v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v < 2f64.powi(53);
        if !whole(head[0]) || !whole(head[1]) || head[1] < 1.0 {
            return bad("has bad counters");
        }
        if !rows.len().is_multiple_of(super::HISTORY_COLUMNS)
            || rows.len() > super::HISTORY_MAX_ROWS * super::HISTORY_COLUMNS
        {
            return bad("has a wrong number of values");
        }
        let opt = |v: f64| (!v.is_nan()).then_some(v as f32);
        let history = &mut self.history;
        history.records = head[0] as u64;
        history.stride = head[1] as u64;
        history.last = opt(head[3]).map(|g_loss| StepStats {
            d_loss: opt(head[2]),
            g_loss,
            d_real: opt(head[4]),
            d_fake: head[5] as f32,
        });
        history.rows.clear();
        history.rows.extend(rows.iter().map(|&v| v as f32));
        // The state just kept (on load) had no history: keep it again with this one.
        self.keep_last_good();
        Ok(())
    }

    /// Keeps the current state as the last good one now, between steps (the benchmark
    /// times this; the page has no need to call it).
    pub fn keep_last_good_now(&mut self) -> Result<(), JsError> {
        self.finish_step()?;
        self.keep_last_good();
        Ok(())
    }
}

#[wasm_bindgen]
impl Playground {
    /// TEST HOOK, not for use: panics on purpose, so that the end-to-end tests can check
    /// that a Rust panic reaches the page as a visible error banner. After it, like after
    /// any panic, the wasm instance is unusable.
    #[allow(clippy::panic)]
    pub fn debug_panic(&self) {
        panic!("debug_panic: a deliberate panic from the test hook");
    }
}
