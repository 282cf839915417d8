//! The machine's peak: how many single-precision multiply-adds one core retires per
//! second, measured with independent fused multiply-add chains (enough of them to cover
//! the instruction's latency on every port), at the vector widths that matter here:
//! 128 bits (4 lanes: wasm's `f32x4.relaxed_madd` becomes one), 256 bits (8 lanes:
//! matrixmultiply's AVX2 kernel natively). Prints one JSON line per width, in GFLOP/s
//! (a multiply-add is 2 flops; the best of three runs), one core, then every core at once (`bench/run.sh`;
//! docs/speed.md compares the steps' GFLOP/s with these).
//!
//!     cargo run --release --example peak

use std::time::Instant;

const CHAINS: usize = 12;
const ROUNDS: usize = 20_000_000;

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn fma_loop_256(rounds: usize) -> f32 {
    use std::arch::x86_64::*;
    let mut acc = [_mm256_set1_ps(1.0); CHAINS];
    let (a, b) = (_mm256_set1_ps(0.999_999), _mm256_set1_ps(1e-7));
    for _ in 0..rounds {
        for x in acc.iter_mut() {
            *x = _mm256_fmadd_ps(*x, a, b);
        }
    }
    let mut out = [0.0f32; 8];
    let mut sum = _mm256_setzero_ps();
    for x in acc {
        sum = _mm256_add_ps(sum, x);
    }
    _mm256_storeu_ps(out.as_mut_ptr(), sum);
    out.iter().sum()
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn fma_loop_128(rounds: usize) -> f32 {
    use std::arch::x86_64::*;
    let mut acc = [_mm_set1_ps(1.0); CHAINS];
    let (a, b) = (_mm_set1_ps(0.999_999), _mm_set1_ps(1e-7));
    for _ in 0..rounds {
        for x in acc.iter_mut() {
            *x = _mm_fmadd_ps(*x, a, b);
        }
    }
    let mut out = [0.0f32; 4];
    let mut sum = _mm_setzero_ps();
    for x in acc {
        sum = _mm_add_ps(sum, x);
    }
    _mm_storeu_ps(out.as_mut_ptr(), sum);
    out.iter().sum()
}

/// GFLOP/s of `lanes`-wide FMA chains on `threads` threads at once.
#[cfg(target_arch = "x86_64")]
fn measure(lanes: usize, threads: usize) -> f64 {
    let run = move || {
        let f = if lanes == 8 {
            fma_loop_256
        } else {
            fma_loop_128
        };
        // SAFETY: main checked that the CPU has AVX2 and FMA.
        std::hint::black_box(unsafe { f(ROUNDS) })
    };
    run(); // warm up (and let the clock rise)
    let start = Instant::now();
    let handles: Vec<_> = (0..threads).map(|_| std::thread::spawn(run)).collect();
    for h in handles {
        h.join().expect("a measuring thread");
    }
    let seconds = start.elapsed().as_secs_f64();
    (threads * ROUNDS * CHAINS * lanes * 2) as f64 / seconds / 1e9
}

fn main() {
    #[cfg(target_arch = "x86_64")]
    if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        for lanes in [4, 8] {
            for threads in [1, cores] {
                // The best of three: a peak is what the machine can do, not its average.
                let value = (0..3).map(|_| measure(lanes, threads)).fold(0.0, f64::max);
                println!(
                    "{{\"figure\":\"peak_gflops\",\"build\":\"native\",\"bits\":{},\"threads\":{threads},\"value\":{value:.1}}}",
                    lanes * 32
                );
            }
        }
        return;
    }
    eprintln!("peak: this measures x86-64 with AVX2 and FMA only");
}
