//! The charts' history of training statistics: one row per recorded step (D's and G's
//! losses, the mean D(x) and D(G(z))), thinned to every other row when it fills, so that
//! memory stays flat on long runs while the chart keeps its whole span; and its form as
//! numbers for autosaves and checkpoints (`to_saved`, `from_saved`).

use crate::gan::StepStats;

/// Columns of a history row: record number, D loss, G loss, mean D(x), mean D(G(z)).
/// A value a step did not measure is NaN.
pub const HISTORY_COLUMNS: usize = 5;
/// Rows kept before the history is thinned to every other row, so that memory stays flat
/// on long runs while the chart keeps its whole span.
pub const HISTORY_MAX_ROWS: usize = 8192;

/// The charts' history of training statistics, and the last step's.
pub struct History {
    /// Rows of `HISTORY_COLUMNS` floats.
    rows: Vec<f32>,
    /// Records made so far (the x of the next row).
    records: u64,
    /// Keep one record in `stride` (doubles each time the history is thinned).
    stride: u64,
    last: Option<StepStats>,
}

impl Default for History {
    fn default() -> Self {
        History {
            rows: Vec::new(),
            records: 0,
            stride: 1,
            last: None,
        }
    }
}

impl History {
    /// An empty history whose buffer already holds the most rows it keeps (a restore
    /// point's copy then never reallocates).
    pub fn with_capacity() -> History {
        History {
            rows: Vec::with_capacity(HISTORY_MAX_ROWS * HISTORY_COLUMNS),
            ..History::default()
        }
    }

    /// The rows, `HISTORY_COLUMNS` floats each (record number, then `stats_values`).
    pub fn rows(&self) -> &[f32] {
        &self.rows
    }

    /// The last step's statistics, if a step ran since the history (re)started.
    pub fn last(&self) -> Option<StepStats> {
        self.last
    }

    /// The history as numbers, for an autosave or a checkpoint: `[records, stride,
    /// d_loss, g_loss, d_real, d_fake, rows…]` (the last step's statistics NaN before any
    /// step). [`History::from_saved`] reads it back.
    pub fn to_saved(&self) -> Vec<f64> {
        let mut out = vec![self.records as f64, self.stride as f64];
        let last = stats_values(self.last);
        out.extend(last.iter().chain(&self.rows).map(|&v| f64::from(v)));
        out
    }

    /// Empties the history, its record numbers counting on from `records`.
    pub fn restart(&mut self, records: u64) {
        self.rows.clear();
        self.records = records;
        self.stride = 1;
        self.last = None;
    }

    /// Makes this a copy of `other`, reusing this one's buffer.
    pub fn copy_from(&mut self, other: &History) {
        self.rows.clone_from(&other.rows);
        self.records = other.records;
        self.stride = other.stride;
        self.last = other.last;
    }

    /// Records one step's statistics (one row in `stride`; thinned when full).
    pub fn record(&mut self, stats: StepStats) {
        self.last = Some(stats);
        self.records += 1;
        if !self.records.is_multiple_of(self.stride) {
            return;
        }
        self.rows.push(self.records as f32);
        self.rows.extend_from_slice(&stats_values(Some(stats)));
        if self.rows.len() >= HISTORY_MAX_ROWS * HISTORY_COLUMNS {
            // Keep the rows whose record number is a multiple of the doubled stride.
            self.stride *= 2;
            let stride = self.stride;
            let kept: Vec<f32> = self
                .rows
                .chunks_exact(HISTORY_COLUMNS)
                .filter(|row| (row[0] as u64).is_multiple_of(stride))
                .flatten()
                .copied()
                .collect();
            self.rows.clear();
            self.rows.extend_from_slice(&kept);
        }
    }
}

/// A step's statistics as `[d_loss, g_loss, d_real, d_fake]`, NaN where not measured
/// (all NaN for no step).
pub fn stats_values(stats: Option<StepStats>) -> [f32; 4] {
    stats.map_or([f32::NAN; 4], |s| {
        [
            s.d_loss.unwrap_or(f32::NAN),
            s.g_loss,
            s.d_real.unwrap_or(f32::NAN),
            s.d_fake,
        ]
    })
}

impl History {
    /// Reads [`History::to_saved`]'s numbers back, checking all of them first;
    /// a malformed list is refused with the reason.
    pub fn from_saved(saved: &[f64]) -> Result<History, String> {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// What `to_saved` gives after three full steps with these losses.
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
        history.to_saved()
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
