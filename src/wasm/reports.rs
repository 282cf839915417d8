//! What the page reports of a run: the counters, the last step's statistics and the
//! chart history (read through a pointer into wasm memory).

use super::Playground;
use crate::run::stats_values;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
impl Playground {
    /// Full steps so far.
    pub fn steps(&self) -> f64 {
        self.gan.counters().steps as f64
    }

    pub fn d_updates(&self) -> f64 {
        self.gan.counters().d_updates as f64
    }

    pub fn g_updates(&self) -> f64 {
        self.gan.counters().g_updates as f64
    }

    /// Real images D has been shown.
    pub fn images_seen(&self) -> f64 {
        self.gan.counters().images_seen as f64
    }

    /// Completed passes over the data.
    pub fn epoch(&self) -> f64 {
        self.gan.epoch() as f64
    }

    /// The last step's statistics: `[d_loss, g_loss, d_real, d_fake]`, NaN where not
    /// measured; empty before any step.
    pub fn last_stats(&self) -> Vec<f32> {
        self.history
            .last()
            .map_or_else(Vec::new, |s| stats_values(Some(s)).to_vec())
    }

    /// Pointer to the history rows (see `HISTORY_COLUMNS`); valid until the next call
    /// that trains.
    pub fn history_ptr(&self) -> *const f32 {
        self.history.rows().as_ptr()
    }

    /// Number of floats in the history (rows × 5).
    pub fn history_len(&self) -> usize {
        self.history.rows().len()
    }
}
