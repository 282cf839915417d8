//! What the playground keeps of a training run besides the model itself: the charts'
//! history of step statistics ([`history`]) and the restore points that divergence can
//! go back to ([`restore`]). Plain Rust over `gan`, tested natively; `src/wasm/` only
//! hands them to the page.

pub mod history;
pub mod restore;

pub use history::{stats_values, History, HISTORY_COLUMNS, HISTORY_MAX_ROWS};
pub use restore::{Point, RestorePoints, BLAME_STEPS, PERIODIC_EVERY};
