//! Restore points: copies of the whole training state (weights, optimiser moments, random
//! stream, data order, counters, settings and chart history) that the playground keeps by
//! itself, so that when training diverges one call puts back a state worth having.
//!
//! Which are kept (at most four, 13 MB each with the default networks):
//! - **periodic**: the newest multiple of 200 steps, an older multiple of 1,000 and an
//!   older multiple of 5,000 (`PERIODIC_EVERY`), so that a slow ruin is not the only copy;
//!   until a coarser one comes round, the state the model started from (built or loaded)
//!   stands in for it;
//! - **before a settings change**: taken just before `set_hyperparameters` changes
//!   anything. Changes made within `BLAME_STEPS` steps of that point (several controls
//!   changed one after another, say) add to it, so that it is from before all of them.
//!
//! Which is offered (`chosen`): when training has run fewer than `BLAME_STEPS` steps
//! since the last settings change, that change is the likely cause, and the point from
//! before it is offered; otherwise the most recent point. Restoring a point drops those
//! newer than it (they belong to a run that no longer exists).
//!
//! Every point reuses the buffers of the one it replaces, so keeping one allocates nothing
//! after the first few; a copy costs a memcpy of the weights and moments (a few
//! milliseconds for the default networks, measured in docs/robustness.md).

use super::codes::{coded, snapshot_code, train_code};
use super::{stats_values, History, Playground, HISTORY_COLUMNS, HISTORY_MAX_ROWS};
use crate::gan::{Gan, GanConfig, Snapshot, StepStats};
use wasm_bindgen::prelude::*;

/// Spacing of the periodic restore points, finest first: the newest multiple of 200
/// steps, then an older multiple of 1,000 and an older multiple of 5,000.
pub const PERIODIC_EVERY: [u64; 3] = [200, 1_000, 5_000];

/// Training that diverges fewer than this many steps after a settings change is blamed on
/// that change: the point from before it is offered. Also the span over which successive
/// changes count as one.
pub const BLAME_STEPS: u64 = 500;

/// Why a point was kept.
#[derive(Clone, Debug)]
enum Kind {
    /// The state the model started from: "created" or "loaded".
    Start(&'static str),
    /// A multiple of 200 steps (or of a coarser spacing).
    Periodic,
    /// Just before a settings change (and any made within `BLAME_STEPS` steps after it).
    BeforeChange {
        /// The settings after the last of those changes.
        changed_to: GanConfig,
        /// The step of the last of those changes; `None` once this point has been
        /// restored (its changes are undone).
        last_change_at: Option<u64>,
    },
}

/// One restore point.
struct Point {
    gan: Snapshot,
    history: History,
    kind: Kind,
}

impl Point {
    fn step(&self) -> u64 {
        self.gan.counters().steps
    }

    /// Why it was kept, for the page to say in its language: `{"kind": "start", "how":
    /// "created"}`, `{"kind": "periodic"}` or `{"kind": "before", "changes": [{"name",
    /// "from", "to"}…]}` (names as `reason` gives them, likeliest cause first).
    fn reason_json(&self) -> String {
        let value = match &self.kind {
            Kind::Start(how) => serde_json::json!({ "kind": "start", "how": how }),
            Kind::Periodic => serde_json::json!({ "kind": "periodic" }),
            Kind::BeforeChange { changed_to, .. } => {
                let changes: Vec<_> = self
                    .gan
                    .config()
                    .changes_to(changed_to)
                    .into_iter()
                    .map(|c| serde_json::json!({ "name": c.name, "from": c.from, "to": c.to }))
                    .collect();
                serde_json::json!({ "kind": "before", "changes": changes })
            }
        };
        value.to_string()
    }

    /// Why it was kept, in plain words, to follow "the state from step N, ".
    fn reason(&self) -> String {
        match &self.kind {
            Kind::Start(how) => format!("as the model was {how}"),
            Kind::Periodic => "kept automatically".into(),
            Kind::BeforeChange { changed_to, .. } => {
                let changes = self.gan.config().changes_to(changed_to);
                match changes.as_slice() {
                    [] => "before settings changes that were later undone".into(),
                    [one] => format!("before {one}"),
                    [first, second] => format!(
                        "before {first} and {} from {} to {}",
                        second.name, second.from, second.to
                    ),
                    [first, second, rest @ ..] => format!(
                        "before {first} and {} from {} to {}, and {} more {}",
                        second.name,
                        second.from,
                        second.to,
                        rest.len(),
                        if rest.len() == 1 { "change" } else { "changes" }
                    ),
                }
            }
        }
    }
}

/// Where a point is kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Slot {
    Periodic(usize),
    BeforeChange,
}

/// The restore points, and the buffers of dropped ones for the next.
#[derive(Default)]
pub(super) struct RestorePoints {
    /// `periodic[i]` holds a multiple of `PERIODIC_EVERY[i]` steps (or the start), each
    /// older than the one before it.
    periodic: [Option<Point>; 3],
    before_change: Option<Point>,
    spare: Vec<Point>,
}

impl RestorePoints {
    fn get(&self, slot: Slot) -> Option<&Point> {
        match slot {
            Slot::Periodic(i) => self.periodic[i].as_ref(),
            Slot::BeforeChange => self.before_change.as_ref(),
        }
    }

    fn slot_mut(&mut self, slot: Slot) -> &mut Option<Point> {
        match slot {
            Slot::Periodic(i) => &mut self.periodic[i],
            Slot::BeforeChange => &mut self.before_change,
        }
    }

    /// Every slot holding a point, the change point first.
    fn filled(&self) -> impl Iterator<Item = (Slot, &Point)> {
        let slots = [
            Slot::BeforeChange,
            Slot::Periodic(0),
            Slot::Periodic(1),
            Slot::Periodic(2),
        ];
        slots
            .into_iter()
            .filter_map(|slot| self.get(slot).map(|p| (slot, p)))
    }

    /// The point to offer after `steps` completed steps (see the module doc): the one from
    /// before the last settings change if training ran fewer than `BLAME_STEPS` steps
    /// since it, else the most recent (the change point on a tie).
    fn chosen(&self, steps: u64) -> Option<Slot> {
        if let Some(Point {
            kind:
                Kind::BeforeChange {
                    last_change_at: Some(at),
                    ..
                },
            ..
        }) = &self.before_change
        {
            if steps.saturating_sub(*at) < BLAME_STEPS {
                return Some(Slot::BeforeChange);
            }
        }
        self.filled()
            .fold(None, |best: Option<(Slot, u64)>, (slot, p)| match best {
                Some((_, step)) if step >= p.step() => best,
                _ => Some((slot, p.step())),
            })
            .map(|(slot, _)| slot)
    }

    /// Moves every point to the spare buffers.
    fn clear(&mut self) {
        for slot in [
            Slot::BeforeChange,
            Slot::Periodic(0),
            Slot::Periodic(1),
            Slot::Periodic(2),
        ] {
            if let Some(point) = self.slot_mut(slot).take() {
                self.spare.push(point);
            }
        }
    }

    /// Moves the points newer than `step` to the spare buffers.
    fn drop_newer_than(&mut self, step: u64) {
        for slot in [
            Slot::BeforeChange,
            Slot::Periodic(0),
            Slot::Periodic(1),
            Slot::Periodic(2),
        ] {
            let entry = self.slot_mut(slot);
            if entry.as_ref().is_some_and(|p| p.step() > step) {
                let point = entry.take().expect("checked above");
                self.spare.push(point);
            }
        }
    }

    /// A point of `gan` and `history` now, in `buffers` (or a spare's, or new ones).
    /// `None`, the buffers kept as spares, when the state cannot be kept (part-way
    /// through a step, or diverged).
    fn capture(
        &mut self,
        buffers: Option<Point>,
        gan: &Gan,
        history: &History,
        kind: Kind,
    ) -> Option<Point> {
        match buffers.or_else(|| self.spare.pop()) {
            Some(mut point) => {
                if gan.snapshot_into(&mut point.gan).is_err() {
                    self.spare.push(point);
                    return None;
                }
                point.history.copy_from(history);
                point.kind = kind;
                Some(point)
            }
            None => {
                let snapshot = gan.snapshot().ok()?;
                let mut kept = History {
                    rows: Vec::with_capacity(HISTORY_MAX_ROWS * HISTORY_COLUMNS),
                    ..History::default()
                };
                kept.copy_from(history);
                Some(Point {
                    gan: snapshot,
                    history: kept,
                    kind,
                })
            }
        }
    }

    /// Forgets every point and keeps the start of a new model.
    fn start_over(&mut self, gan: &Gan, history: &History, how: &'static str) {
        self.clear();
        self.periodic[0] = self.capture(None, gan, history, Kind::Start(how));
    }

    /// Keeps a periodic point of the state now; the newest one moves to a coarser slot if
    /// its step is a multiple of that slot's spacing (or the slot is empty), pushing that
    /// slot's on in turn, and the buffers of the one that falls out are reused. A newest
    /// point of this very step is taken again in place.
    fn keep_periodic(&mut self, gan: &Gan, history: &History) {
        let steps = gan.counters().steps;
        let mut spare = self.periodic[0].take();
        if spare.as_ref().is_some_and(|p| p.step() != steps) {
            for (slot, every) in self.periodic.iter_mut().zip(PERIODIC_EVERY).skip(1) {
                let Some(point) = spare.take() else { break };
                if slot.is_none() || point.step().is_multiple_of(every) {
                    spare = slot.replace(point);
                } else {
                    spare = Some(point);
                    break;
                }
            }
        }
        self.periodic[0] = self.capture(spare, gan, history, Kind::Periodic);
    }

    /// Called just before the settings change to `changed_to`: keeps the state now as the
    /// point before that change, or, if one was kept fewer than `BLAME_STEPS` steps ago,
    /// adds the change to it.
    fn keep_before_change(&mut self, gan: &Gan, history: &History, changed_to: &GanConfig) {
        if gan.divergence().is_some() || gan.phase().is_some() {
            return;
        }
        let steps = gan.counters().steps;
        if let Some(Point {
            gan: kept,
            kind:
                Kind::BeforeChange {
                    changed_to: after,
                    last_change_at,
                },
            ..
        }) = &mut self.before_change
        {
            let since = steps.checked_sub(kept.counters().steps);
            if since.is_some_and(|n| n < BLAME_STEPS) {
                after.clone_from(changed_to);
                // Changed back to what it was: nothing to blame.
                *last_change_at = if kept.config().changes_to(after).is_empty() {
                    None
                } else {
                    Some(steps)
                };
                return;
            }
        }
        let buffers = self.before_change.take();
        let kind = Kind::BeforeChange {
            changed_to: changed_to.clone(),
            last_change_at: Some(steps),
        };
        self.before_change = self.capture(buffers, gan, history, kind);
    }
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
    /// The model was replaced (built, reset, loaded): forgets the old run's restore points
    /// and keeps the start of this one. `how`: "created" or "loaded".
    pub(super) fn start_restore_points(&mut self, how: &'static str) {
        self.restore_points
            .start_over(&self.gan, &self.history, how);
    }

    /// Keeps a periodic restore point if a step just completed on a multiple of
    /// `PERIODIC_EVERY[0]` that has none yet.
    pub(super) fn keep_restore_point_if_due(&mut self) {
        let steps = self.gan.counters().steps;
        let newest = self
            .restore_points
            .periodic
            .iter()
            .flatten()
            .map(Point::step)
            .max();
        if steps.is_multiple_of(PERIODIC_EVERY[0]) && newest.is_none_or(|n| steps > n) {
            self.restore_points.keep_periodic(&self.gan, &self.history);
        }
    }

    /// Called just before the settings change to `changed_to` (see `keep_before_change`).
    pub(super) fn keep_restore_point_before_change(&mut self, changed_to: &GanConfig) {
        self.restore_points
            .keep_before_change(&self.gan, &self.history, changed_to);
    }

    fn chosen_point(&self) -> Option<&Point> {
        let points = &self.restore_points;
        points
            .chosen(self.gan.counters().steps)
            .and_then(|slot| points.get(slot))
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
        let mut steps: Vec<f64> = self
            .restore_points
            .filled()
            .map(|(_, p)| p.step() as f64)
            .collect();
        steps.sort_by(|a, b| b.total_cmp(a));
        steps
    }

    /// Puts back the restore point `restore_point_step` names: weights, optimiser state,
    /// random stream, data order, counters, settings and chart history, exactly as they
    /// were at its step. Points newer than it are dropped. Returns that step.
    pub fn restore_last_good(&mut self) -> Result<f64, JsError> {
        let points = &mut self.restore_points;
        let Some(slot) = points.chosen(self.gan.counters().steps) else {
            return Err(coded("restore.none", "no restore point has been kept yet"));
        };
        let point = points.get(slot).expect("chosen among the filled slots");
        self.gan
            .restore_snapshot(&point.gan)
            .map_err(|e| coded(snapshot_code(&e), format!("cannot restore: {e}")))?;
        self.history.copy_from(&point.history);
        let step = point.step();
        points.drop_newer_than(step);
        if let Some(Point {
            kind: Kind::BeforeChange { last_change_at, .. },
            ..
        }) = points.slot_mut(slot)
        {
            *last_change_at = None; // its changes are undone
        }
        Ok(step as f64)
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
mod history_tests {
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

#[cfg(test)]
#[path = "recovery_tests.rs"]
mod tests;
