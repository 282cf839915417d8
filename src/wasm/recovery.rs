//! Last good state: every `SNAPSHOT_EVERY` steps the playground keeps a copy of its whole
//! training state (weights, optimiser moments, random stream, data order, counters,
//! settings and chart history) in memory, so that when training diverges one call puts
//! everything back as it was at that step. The copy reuses its buffers, so keeping it
//! allocates nothing after the first; it costs a memcpy of the weights and moments (a
//! few milliseconds for the default networks, measured in docs/robustness.md).

use super::{stats_values, History, Playground, HISTORY_COLUMNS, HISTORY_MAX_ROWS};
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

impl History {
    /// Reads `Playground::export_history`'s numbers back, checking all of them first;
    /// a malformed list is refused with the reason.
    pub(super) fn from_saved(saved: &[f64]) -> Result<History, String> {
        let Some((head, rows)) = saved.split_at_checked(6) else {
            return Err(format!(
                "it has {} numbers, fewer than the 6 of its head",
                saved.len()
            ));
        };
        let whole = |v: f64| v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v < 2f64.powi(53);
        if !whole(head[0]) || !whole(head[1]) || head[1] < 1.0 {
            return Err(format!(
                "its counters (records {}, stride {}) are not whole numbers, the stride at \
                 least 1",
                head[0], head[1]
            ));
        }
        if !rows.len().is_multiple_of(HISTORY_COLUMNS) {
            return Err(format!(
                "its {} numbers after the head are not rows of {HISTORY_COLUMNS}",
                rows.len()
            ));
        }
        if rows.len() > HISTORY_MAX_ROWS * HISTORY_COLUMNS {
            return Err(format!(
                "it has {} rows, more than the {HISTORY_MAX_ROWS} kept",
                rows.len() / HISTORY_COLUMNS
            ));
        }
        // Record numbers (the charts' x) count up; the values may be NaN (not measured).
        let mut previous = 0.0;
        for row in rows.chunks_exact(HISTORY_COLUMNS) {
            if !(row[0].is_finite() && row[0] >= previous) {
                return Err(format!(
                    "a row's record number, {}, does not follow the one before ({previous})",
                    row[0]
                ));
            }
            previous = row[0];
        }
        let opt = |v: f64| (!v.is_nan()).then_some(v as f32);
        Ok(History {
            rows: rows.iter().map(|&v| v as f32).collect(),
            records: head[0] as u64,
            stride: head[1] as u64,
            last: opt(head[3]).map(|g_loss| StepStats {
                d_loss: opt(head[2]),
                g_loss,
                d_real: opt(head[4]),
                d_fake: head[5] as f32,
            }),
        })
    }
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

    /// The chart history as numbers, for an autosave (a checkpoint holds the same):
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
        let history = History::from_saved(saved)
            .map_err(|why| JsError::new(&format!("the saved chart history is malformed: {why}")))?;
        self.history.copy_from(&history);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// What `export_history` gives after three full steps with these losses.
    fn saved() -> Vec<f64> {
        let mut history = History::default();
        for (d_loss, g_loss) in [(1.4, 0.69), (1.3, 0.8), (1.2, 0.9)] {
            history.record(StepStats {
                d_loss: Some(d_loss),
                g_loss,
                d_real: Some(0.5),
                d_fake: 0.25,
            });
        }
        let mut out = vec![history.records as f64, history.stride as f64];
        out.extend(stats_values(history.last).map(f64::from));
        out.extend(history.rows.iter().map(|&v| f64::from(v)));
        out
    }

    #[test]
    fn a_saved_history_reads_back() {
        let saved = saved();
        let history = History::from_saved(&saved).unwrap();
        assert_eq!((history.records, history.stride), (3, 1));
        assert_eq!(history.rows.len(), 3 * HISTORY_COLUMNS);
        assert_eq!(history.rows[..5], [1.0, 1.4, 0.69, 0.5, 0.25]);
        assert_eq!(history.last.map(|s| s.g_loss), Some(0.9));
        // A step that measured only G's half (Step G only) has NaN for D's values.
        let mut g_only = saved.clone();
        g_only[2] = f64::NAN;
        g_only[4] = f64::NAN;
        let last = History::from_saved(&g_only).unwrap().last.unwrap();
        assert_eq!((last.d_loss, last.d_real), (None, None));
        // Before any step: no rows, and no last step.
        let empty = [0.0, 1.0, f64::NAN, f64::NAN, f64::NAN, f64::NAN];
        let history = History::from_saved(&empty).unwrap();
        assert!(history.rows.is_empty() && history.last.is_none());
    }

    #[test]
    fn a_malformed_history_is_refused_with_the_reason() {
        let good = saved();
        let with = |at: usize, v: f64| {
            let mut bad = good.clone();
            bad[at] = v;
            bad
        };
        let mut too_long = vec![1e6, 1.0, 1.0, 1.0, 0.5, 0.5];
        for i in 0..=HISTORY_MAX_ROWS {
            too_long.extend([i as f64, 1.0, 1.0, 0.5, 0.5]);
        }
        for (bad, why) in [
            (good[..5].to_vec(), "5 numbers, fewer than the 6"),
            (with(0, -1.0), "counters"),
            (with(0, 2.5), "counters"),
            (with(0, f64::INFINITY), "counters"),
            (with(1, 0.0), "stride"),
            (with(1, f64::NAN), "stride"),
            (good[..good.len() - 1].to_vec(), "not rows of 5"),
            (too_long, "8193 rows, more than the 8192"),
            (with(6 + HISTORY_COLUMNS, 0.5), "does not follow"),
            (with(6, f64::NAN), "does not follow"),
            (with(6, -1.0), "does not follow"),
        ] {
            match History::from_saved(&bad) {
                Ok(_) => panic!("accepted a history with {why}"),
                Err(e) => assert!(e.contains(why), "{e} (expected {why:?})"),
            }
        }
    }
}
