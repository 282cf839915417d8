//! Keeping restore points allocates nothing once warm: over 20,000 steps, the steps that
//! keep a periodic point (every 200) make no heap allocation after the first 6,400 (by
//! then every slot has held a point), so memory stays flat on long runs. Counted with a
//! global allocator that tallies this thread's allocations.

use ganplay::data::idx::write_idx_u8;
use ganplay::wasm::Playground;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

// SAFETY: forwards to the system allocator; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|n| n.set(n.get() + 1));
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.with(|n| n.set(n.get() + 1));
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations() -> u64 {
    ALLOCATIONS.with(Cell::get)
}

fn playground() -> Playground {
    let labels: Vec<u8> = (0..40).map(|i| (i % 10) as u8).collect();
    let pixels: Vec<u8> = (0..40 * 784).map(|i| (i * 37 % 251) as u8).collect();
    let images = write_idx_u8(&[40, 28, 28], &pixels);
    let labels = write_idx_u8(&[40], &labels);
    let config = r#"{"noise_dim": 8, "g_hidden": [16], "d_hidden": [16], "batch_size": 8}"#;
    Playground::new(&images, &labels, config).expect("valid data and settings")
}

fn train(p: &mut Playground, n: u32) {
    assert_eq!(p.train_steps(n).ok(), Some(n));
}

#[test]
fn keeping_restore_points_allocates_nothing_once_warm() {
    let before = allocations();
    let v = std::hint::black_box(vec![1u8; 100]);
    assert!(allocations() > before, "the counter counts");
    drop(v);

    let mut p = playground();
    // A settings change keeps a point of its own (the fourth slot).
    train(&mut p, 150);
    let json = p
        .config_json()
        .replace(r#""batch_size":8"#, r#""batch_size":12"#);
    assert!(p.set_hyperparameters(&json).is_ok());
    train(&mut p, 6_400 - 150 - 1);
    let mut kept = 0;
    while p.steps() < 20_000.0 {
        // The step that lands on a multiple of 200 keeps a point; the one after does not.
        // (Natively a step allocates by itself: matrixmultiply's packing buffers.)
        let points = p.restore_point_steps();
        let start = allocations();
        train(&mut p, 1);
        let keeping = allocations() - start;
        assert_ne!(p.restore_point_steps(), points, "step {}", p.steps());
        assert_eq!(p.restore_point_steps().len(), 4);
        let start = allocations();
        train(&mut p, 1);
        let plain = allocations() - start;
        assert_eq!(
            keeping,
            plain,
            "allocations in step {} (keeps a point) and the next",
            p.steps() - 1.0
        );
        kept += 1;
        train(&mut p, 198);
    }
    assert_eq!(kept, 69);
}
