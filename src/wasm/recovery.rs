//! The restore points (crate::run::restore) and divergence, for the page: which point
//! is offered, why it was kept, putting it back; the chart history's numbers for an
//! autosave.

use super::codes::{coded, snapshot_code, train_code};
use super::Playground;
use crate::gan::GanConfig;
use crate::run::{History, Point};
use wasm_bindgen::prelude::*;

// Rust-only helpers.
impl Playground {
    /// The model was replaced (built, reset, loaded): forgets the old run's restore points
    /// and keeps the start of this one. `how`: "created" or "loaded".
    pub(super) fn start_restore_points(&mut self, how: &'static str) {
        self.restore_points
            .start_over(&self.gan, &self.history, how);
    }

    /// Keeps a periodic restore point if a step just completed on a multiple of
    /// `PERIODIC_EVERY[0]` that has none yet.
    pub(super) fn keep_restore_point_if_due(&mut self) {
        self.restore_points.keep_if_due(&self.gan, &self.history);
    }

    /// Called just before the settings change to `changed_to` (see `keep_before_change`).
    pub(super) fn keep_restore_point_before_change(&mut self, changed_to: &GanConfig) {
        self.restore_points
            .keep_before_change(&self.gan, &self.history, changed_to);
    }

    fn chosen_point(&self) -> Option<&Point> {
        self.restore_points.offered(self.gan.counters().steps)
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

    /// The code of `divergence_message` (src/wasm/codes.rs: "train.diverged step=… phase=…
    /// who=… part=… value=…"), for the page to say it in its language; empty if none.
    pub fn divergence_code(&self) -> String {
        self.gan.divergence().map_or_else(String::new, train_code)
    }

    /// The step of the restore point `restore_last_good` would put back now (see the
    /// module doc for which); -1 if none is kept.
    pub fn restore_point_step(&self) -> f64 {
        self.chosen_point().map_or(-1.0, |p| p.step() as f64)
    }

    /// Why that point was kept, in plain words to follow "step N, ": "before G's learning
    /// rate went from 0.0005 to 10", "kept automatically", "as the model was loaded".
    /// Empty if none is kept.
    pub fn restore_point_reason(&self) -> String {
        self.chosen_point().map_or_else(String::new, Point::reason)
    }

    /// The same reason as data, for the page to say in its language (`Point::reason_json`);
    /// empty if none is kept.
    pub fn restore_point_reason_json(&self) -> String {
        self.chosen_point()
            .map_or_else(String::new, Point::reason_json)
    }

    /// The steps of every restore point kept, newest first.
    pub fn restore_point_steps(&self) -> Vec<f64> {
        let steps = self.restore_points.steps();
        steps.into_iter().map(|s| s as f64).collect()
    }

    /// Puts back the restore point `restore_point_step` names: weights, optimiser state,
    /// random stream, data order, counters, settings and chart history, exactly as they
    /// were at its step. Points newer than it are dropped. Returns that step.
    pub fn restore_last_good(&mut self) -> Result<f64, JsError> {
        let restored = self
            .restore_points
            .restore(&mut self.gan, &mut self.history)
            .map_err(|e| coded(snapshot_code(&e), format!("cannot restore: {e}")))?;
        match restored {
            Some(step) => Ok(step as f64),
            None => Err(coded("restore.none", "no restore point has been kept yet")),
        }
    }

    /// The chart history as numbers, for an autosave (a checkpoint holds the same):
    /// `[records, stride, d_loss, g_loss, d_real, d_fake, rows…]` (the last step's
    /// statistics NaN before any step; rows of `HISTORY_COLUMNS`).
    pub fn export_history(&self) -> Vec<f64> {
        self.history.to_saved()
    }

    /// Puts back a history from `export_history`. Checked before anything changes: a
    /// malformed one is refused and the current history stays.
    pub fn import_history(&mut self, saved: &[f64]) -> Result<(), JsError> {
        let history = History::from_saved(saved).map_err(|why| {
            coded(
                "history.malformed",
                format!("the saved chart history is malformed: {why}"),
            )
        })?;
        self.history.copy_from(&history);
        // The point kept on load had no history: keep it again with this one.
        self.start_restore_points("loaded");
        Ok(())
    }

    /// Keeps the current state as the newest periodic restore point now, between steps
    /// (the benchmark times this; the page has no need to call it).
    pub fn keep_restore_point_now(&mut self) -> Result<(), JsError> {
        self.finish_step()?;
        self.restore_points.keep_periodic(&self.gan, &self.history);
        Ok(())
    }
}

#[cfg(feature = "test-hooks")]
#[wasm_bindgen]
impl Playground {
    /// TEST HOOK, only in builds with the `test-hooks` feature (pkg-test/): panics on
    /// purpose, so that the end-to-end tests can check that a Rust panic reaches the page as
    /// a visible error banner. After it, like after any panic, the wasm instance is unusable.
    #[allow(clippy::panic)]
    pub fn debug_panic(&self) {
        panic!("debug_panic: a deliberate panic from the test hook");
    }
}

#[cfg(test)]
#[path = "recovery_tests.rs"]
mod tests;
