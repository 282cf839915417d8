//! Where a training step's time goes, natively: the wall time spent in the matrix
//! products ([`Part::Gemm`]) and in the optimisers' updates ([`Part::Optimiser`]), summed
//! over every call since the last [`take`]. `ganplay bench --phases` prints it beside
//! each phase's time (docs/threads.md, "Where a step's time goes"); the rest of a step
//! is the element-wise work (activations, losses, sampling, copies).
//!
//! Each timed call costs two clock reads (tens of nanoseconds; a step makes about 30
//! products and 2 updates). In wasm there is no clock for Rust's `Instant`, and nothing
//! is timed: [`take`] gives zeros, and the browser's profile times whole phases from JS.

#[cfg(not(target_arch = "wasm32"))]
use std::sync::atomic::{AtomicU64, Ordering};

/// A part of a step that is timed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    Gemm = 0,
    Optimiser = 1,
}

#[cfg(not(target_arch = "wasm32"))]
static NANOS: [AtomicU64; 2] = [AtomicU64::new(0), AtomicU64::new(0)];

/// Runs `work`, adding its wall time to `part`'s.
#[inline]
pub fn timed<T>(part: Part, work: impl FnOnce() -> T) -> T {
    #[cfg(not(target_arch = "wasm32"))]
    {
        let start = std::time::Instant::now();
        let out = work();
        let nanos = start.elapsed().as_nanos().min(u64::MAX as u128) as u64;
        NANOS[part as usize].fetch_add(nanos, Ordering::Relaxed);
        out
    }
    #[cfg(target_arch = "wasm32")]
    {
        let _ = part;
        work()
    }
}

/// The seconds spent in each part since the last call, `[gemm, optimiser]`; starts over.
pub fn take() -> [f64; 2] {
    #[cfg(not(target_arch = "wasm32"))]
    {
        NANOS
            .each_ref()
            .map(|n| n.swap(0, Ordering::Relaxed) as f64 * 1e-9)
    }
    #[cfg(target_arch = "wasm32")]
    {
        [0.0; 2]
    }
}
