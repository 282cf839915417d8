//! The pool's other threads kept awake through a call: with the `threads` feature, while
//! `work` runs, every other thread of the current rayon pool polls for the halves of the
//! products that `work` splits (`rayon::yield_now`) instead of falling asleep between
//! them. A thread that slept must be woken for each product, about 30 a step; in wasm
//! that is an `Atomics.notify` to a worker parked in `memory.atomic.wait` (tens of
//! microseconds, and rayon's own spinning before it parks is short there, as
//! `yield_now` is a no-op in wasm). docs/threads.md has what it bought.
//!
//! Which thread computes a block never changes how it is computed, so the results stay
//! bit-identical. The cost: the other threads use their cores through the whole call,
//! element-wise stretches included, where they would have slept.

/// Runs `work` with the pool's other threads polling for work until it returns (without
/// the `threads` feature, or on a pool of one, or inside another `awake`, just `work`).
pub fn awake<R: Send>(work: impl FnOnce() -> R + Send) -> R {
    #[cfg(feature = "threads")]
    {
        use std::sync::atomic::AtomicBool;
        let others = rayon::current_num_threads().saturating_sub(1);
        if others > 0 && !AWAKE.with(|a| a.get()) {
            let stop = AtomicBool::new(false);
            return rayon::scope(|s| {
                for _ in 0..others {
                    s.spawn(|_| poll(&stop));
                }
                // Dropped when `work` returns or unwinds: the pollers stop either way, so
                // a panic in `work` propagates instead of the scope waiting for them.
                let _done = Done(&stop);
                AWAKE.with(|a| a.set(true));
                work()
            });
        }
    }
    work()
}

/// Whether the current pool has more than one thread (never without the `threads` feature).
pub fn parallel() -> bool {
    #[cfg(feature = "threads")]
    {
        rayon::current_num_threads() > 1
    }
    #[cfg(not(feature = "threads"))]
    {
        false
    }
}

/// `a` and `b`, side by side on the pool (`rayon::join`) when it has more than one
/// thread, else one after the other.
pub fn both<A: Send, B: Send>(
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B + Send,
) -> (A, B) {
    #[cfg(feature = "threads")]
    if parallel() {
        return rayon::join(a, b);
    }
    (a(), b())
}

#[cfg(feature = "threads")]
thread_local! {
    /// Whether this thread is inside `awake`'s `work` (no second set of pollers then).
    static AWAKE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Ends an `awake`: this thread is no longer in one, and its pollers stop.
#[cfg(feature = "threads")]
struct Done<'a>(&'a std::sync::atomic::AtomicBool);

#[cfg(feature = "threads")]
impl Drop for Done<'_> {
    fn drop(&mut self) {
        AWAKE.with(|a| a.set(false));
        self.0.store(true, std::sync::atomic::Ordering::Release);
    }
}

/// Runs the pool's pending jobs until `stop`.
#[cfg(feature = "threads")]
fn poll(stop: &std::sync::atomic::AtomicBool) {
    while !stop.load(std::sync::atomic::Ordering::Acquire) {
        if rayon::yield_now() != Some(rayon::Yield::Executed) {
            std::hint::spin_loop();
        }
    }
}
