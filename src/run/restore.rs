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

use super::history::History;
use crate::gan::{Gan, GanConfig, Snapshot, SnapshotError};

/// Spacing of the periodic restore points, finest first: the newest multiple of 200
/// steps, then an older multiple of 1,000 and an older multiple of 5,000.
pub const PERIODIC_EVERY: [u64; 3] = [200, 1_000, 5_000];

/// Training that diverges fewer than this many steps after a settings change is blamed on
/// that change: the point from before it is offered. Also the span over which successive
/// changes count as one.
pub const BLAME_STEPS: u64 = 500;

/// Why a point was kept.
#[derive(Clone, Debug)]
pub enum Kind {
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
pub struct Point {
    gan: Snapshot,
    history: History,
    kind: Kind,
}

impl Point {
    /// The step it holds.
    pub fn step(&self) -> u64 {
        self.gan.counters().steps
    }

    /// Why it was kept, for the page to say in its language: `{"kind": "start", "how":
    /// "created"}`, `{"kind": "periodic"}` or `{"kind": "before", "changes": [{"name",
    /// "from", "to"}…]}` (names as `reason` gives them, likeliest cause first).
    pub fn reason_json(&self) -> String {
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
    pub fn reason(&self) -> String {
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
pub struct RestorePoints {
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
                let mut kept = History::with_capacity();
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
    pub fn start_over(&mut self, gan: &Gan, history: &History, how: &'static str) {
        self.clear();
        self.periodic[0] = self.capture(None, gan, history, Kind::Start(how));
    }

    /// Keeps a periodic point of the state now; the newest one moves to a coarser slot if
    /// its step is a multiple of that slot's spacing (or the slot is empty), pushing that
    /// slot's on in turn, and the buffers of the one that falls out are reused. A newest
    /// point of this very step is taken again in place.
    pub fn keep_periodic(&mut self, gan: &Gan, history: &History) {
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
    pub fn keep_before_change(&mut self, gan: &Gan, history: &History, changed_to: &GanConfig) {
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
    /// Keeps a periodic point if a step just completed on a multiple of
    /// `PERIODIC_EVERY[0]` that has none yet.
    pub fn keep_if_due(&mut self, gan: &Gan, history: &History) {
        let steps = gan.counters().steps;
        let newest = self.periodic.iter().flatten().map(Point::step).max();
        if steps.is_multiple_of(PERIODIC_EVERY[0]) && newest.is_none_or(|n| steps > n) {
            self.keep_periodic(gan, history);
        }
    }

    /// The point [`RestorePoints::restore`] would put back after `steps` completed steps.
    pub fn offered(&self, steps: u64) -> Option<&Point> {
        self.chosen(steps).and_then(|slot| self.get(slot))
    }

    /// The steps of every point kept, newest first.
    pub fn steps(&self) -> Vec<u64> {
        let mut steps: Vec<u64> = self.filled().map(|(_, p)| p.step()).collect();
        steps.sort_by(|a, b| b.cmp(a));
        steps
    }

    /// How many points' buffers are kept for reuse (the tests check that they stay few).
    pub fn spares(&self) -> usize {
        self.spare.len()
    }

    /// How many buffers are held in all, points and spares.
    pub fn buffers(&self) -> usize {
        self.filled().count() + self.spare.len()
    }

    /// Puts the offered point back into `gan` and `history` (weights, optimiser state,
    /// random stream, data order, counters, settings, charts), drops the points newer
    /// than it, and returns its step; `Ok(None)` if no point is kept. On error nothing
    /// changed.
    pub fn restore(
        &mut self,
        gan: &mut Gan,
        history: &mut History,
    ) -> Result<Option<u64>, SnapshotError> {
        let Some(slot) = self.chosen(gan.counters().steps) else {
            return Ok(None);
        };
        let point = self.get(slot).expect("chosen among the filled slots");
        gan.restore_snapshot(&point.gan)?;
        history.copy_from(&point.history);
        let step = point.step();
        self.drop_newer_than(step);
        if let Some(Point {
            kind: Kind::BeforeChange { last_change_at, .. },
            ..
        }) = self.slot_mut(slot)
        {
            *last_change_at = None; // its changes are undone
        }
        Ok(Some(step))
    }
}
