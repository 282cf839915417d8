//! The `threads` feature against one thread, bit for bit: the matrix product over awkward
//! shapes, layouts and betas with each kernel, training steps of the default networks,
//! and `ganplay train --threads 2`'s checkpoint. Each runs the same work in a rayon pool
//! of 1 thread (the single-thread path) and of 2 threads (products split across them).
//! `make test-native` runs this file with the feature; without it only the command's
//! refusal of `--threads 2` and its bad values are checked.
#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;
use std::process::{Command, Output};

/// Runs the binary with `args`.
fn ganplay(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ganplay"))
        .args(args)
        .output()
        .expect("the ganplay binary runs")
}

/// A fresh, empty folder path in the temp folder, unique to this process and `name`.
fn temp_dir(name: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("ganplay-threads-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&path);
    path
}

/// Asserts a run failed cleanly: non-zero exit, `expected` on stderr, no panic.
fn assert_fails_with(out: &Output, expected: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "should have failed; stderr:\n{err}");
    assert!(!err.contains("panicked"), "panicked:\n{err}");
    assert!(err.contains(expected), "expected {expected:?} in:\n{err}");
}

#[test]
fn bad_thread_counts_are_refused() {
    for (value, expected) in [
        ("0", "0 is not in 1..=256"),
        ("257", "257 is not in 1..=256"),
        ("x", "invalid digit"),
        ("-2", "-2 is not in 1..=256"),
        ("", "invalid value '' for '--threads <N>'"),
    ] {
        let out = ganplay(&["bench", "--steps", "1", &format!("--threads={value}")]);
        assert_fails_with(&out, expected);
        assert_eq!(
            out.status.code(),
            Some(2),
            "clap's usage error for {value:?}"
        );
    }
}

#[cfg(not(feature = "threads"))]
#[test]
fn more_than_one_thread_needs_the_feature() {
    let dir = temp_dir("no-feature");
    let out = ganplay(&[
        "train",
        "--steps",
        "1",
        "--out",
        dir.to_str().unwrap(),
        "--threads",
        "2",
    ]);
    assert_fails_with(
        &out,
        "--threads 2: this ganplay was built without the `threads` feature",
    );
    assert!(!dir.exists(), "refused before touching the output folder");
}

#[cfg(feature = "threads")]
mod with_threads {
    use super::*;
    use ganplay::checkpoint;
    use ganplay::data::gz::builtin_mnist;
    use ganplay::gan::{Gan, GanConfig};
    use ganplay::nn::gemm::{gemm, gemm_with, mat_mul, packed_gemm, Kernel};
    use ndarray::{Array2, ShapeBuilder};
    use rayon::{ThreadPool, ThreadPoolBuilder};

    fn pool(threads: usize) -> ThreadPool {
        let pool = ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        assert_eq!(pool.install(rayon::current_num_threads), threads);
        pool
    }

    /// Deterministic values in [-1, 1) (a 64-bit LCG), so a failure reproduces.
    fn filled(rows: usize, cols: usize, seed: u64, column_major: bool) -> Array2<f32> {
        let mut state = seed.wrapping_mul(0x9e3779b97f4a7c15) | 1;
        Array2::from_shape_simple_fn((rows, cols).set_f(column_major), || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
        })
    }

    /// Index and both values of the first element whose bits differ.
    fn first_difference(x: &Array2<f32>, y: &Array2<f32>) -> Option<((usize, usize), f32, f32)> {
        x.indexed_iter()
            .zip(y.iter())
            .find(|((_, a), b)| a.to_bits() != b.to_bits())
            .map(|((at, &a), &b)| (at, a, b))
    }

    /// Shapes (m, k, n) big enough to split (m·k·n ≥ 2^18), split by columns (n ≥ m) or
    /// by rows, into blocks of which the last is thin or ragged (n = 36: 32 + 4 columns;
    /// m = 529: 272 + 257 rows), with depths across matrixmultiply's (256) and
    /// packed_gemm's (512) depth blocks, and the layers' own shapes at batch 64.
    const SHAPES: &[(usize, usize, usize)] = &[
        (64, 784, 512),
        (784, 64, 512),
        (64, 512, 784),
        (64, 100, 256),
        (36, 300, 36),
        (529, 257, 17),
        (17, 1030, 130),
        (130, 1030, 17),
        (5, 700, 1000),
        (1000, 70, 5),
    ];

    /// Every product on 2 threads equals the same product on 1, bit for bit, for
    /// `kernel` in every layout of a, b and c and for beta 0 (c ignored), 1 and 0.7.
    fn check_kernel(what: &str, kernel: Kernel) {
        let (one, two) = (pool(1), pool(2));
        for &(m, k, n) in SHAPES {
            for layout in 0..8 {
                let a = filled(m, k, 1, layout & 1 != 0);
                let b = filled(k, n, 2, layout & 2 != 0);
                let c0 = filled(m, n, 3, layout & 4 != 0);
                for beta in [0.0, 1.0, 0.7] {
                    let run = |pool: &ThreadPool| {
                        let mut c = c0.clone();
                        pool.install(|| gemm_with(kernel, a.view(), b.view(), beta, c.view_mut()));
                        c
                    };
                    let (c1, c2) = (run(&one), run(&two));
                    if let Some((at, x, y)) = first_difference(&c1, &c2) {
                        panic!(
                            "{what} {m}×{k}·{k}×{n} layout {layout} beta {beta}: c{at:?} is \
                             {x:e} on 1 thread, {y:e} on 2"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn matrixmultiply_on_two_threads_is_bit_identical() {
        check_kernel("mat_mul", mat_mul);
    }

    #[test]
    fn packed_gemm_on_two_threads_is_bit_identical() {
        check_kernel("packed_gemm", packed_gemm);
    }

    /// The split covers every element of c exactly once: a product checked against the
    /// plain sum (whose own bits `gemm` need not match) on shapes that split.
    #[test]
    fn a_split_product_is_the_product() {
        let two = pool(2);
        for &(m, k, n) in SHAPES {
            let (a, b) = (filled(m, k, 4, false), filled(k, n, 5, true));
            let mut c = Array2::from_elem((m, n), f32::NAN);
            two.install(|| gemm(a.view(), b.view(), 0.0, c.view_mut()));
            let want = a.dot(&b);
            for ((at, &got), &want) in c.indexed_iter().zip(&want) {
                assert!(
                    (got - want).abs() <= 1e-4 * (k as f32).sqrt(),
                    "{m}×{k}·{k}×{n}: c{at:?} = {got}, want {want}"
                );
            }
        }
    }

    /// `steps` training steps of `config` on the built-in digits, in `pool`; returns the
    /// checkpoint (every weight, every optimiser moment, the counters) and G's and D's
    /// weights.
    fn train(pool: &ThreadPool, config: &GanConfig, steps: usize) -> (Vec<u8>, Vec<f32>, Vec<f32>) {
        let data = builtin_mnist().expect("the built-in digits");
        pool.install(|| {
            let mut gan = Gan::new(config.clone()).unwrap();
            for step in 0..steps {
                // Every other step with the pool's other threads polling (as the page and
                // `ganplay train` run), the rest with them asleep between products.
                if step % 2 == 0 {
                    ganplay::nn::pool::awake(|| gan.train_step(&data)).unwrap();
                } else {
                    gan.train_step(&data).unwrap();
                }
            }
            (
                checkpoint::save(&gan),
                gan.generator().params.clone(),
                gan.discriminator().params.clone(),
            )
        })
    }

    fn assert_same_bits(what: &str, one: &[f32], two: &[f32]) {
        assert_eq!(one.len(), two.len(), "{what}: sizes");
        if let Some((i, (x, y))) = one
            .iter()
            .zip(two)
            .enumerate()
            .find(|(_, (x, y))| x.to_bits() != y.to_bits())
        {
            let differ = one
                .iter()
                .zip(two)
                .filter(|(x, y)| x.to_bits() != y.to_bits())
                .count();
            panic!(
                "{what}: {differ} of {} weights differ; the first, [{i}], is {x:e} on 1 thread \
                 and {y:e} on 2",
                one.len()
            );
        }
    }

    /// A panic inside `awake` on a pool of two comes out of it (the pollers stop), and
    /// the pool is still usable after it. (Without that it would hang here.)
    #[test]
    fn a_panic_inside_awake_propagates() {
        let two = pool(2);
        let caught = two.install(|| {
            std::panic::catch_unwind(|| {
                ganplay::nn::pool::awake(|| {
                    if two_threads() {
                        panic!("a deliberate panic inside awake");
                    }
                })
            })
        });
        assert!(caught.is_err(), "the panic was lost");
        assert_eq!(two.install(|| ganplay::nn::pool::awake(|| 1 + 1)), 2);
    }

    fn two_threads() -> bool {
        rayon::current_num_threads() == 2
    }

    /// The default networks (batch 64), unconditional and conditional (with its
    /// wrong-label term), and the textbook recipe (no instance noise, two D updates a
    /// step): five steps on 2 threads end with the same weights, bit for bit, as on 1.
    /// On 2 threads D's real batch runs beside G making the fakes; on 1 after it.
    #[test]
    fn training_on_two_threads_is_bit_identical() {
        let (one, two) = (pool(1), pool(2));
        let configs = [
            ("unconditional", GanConfig::default()),
            (
                "conditional",
                GanConfig {
                    conditional: true,
                    ..GanConfig::default()
                },
            ),
            (
                "textbook, d_steps 2",
                GanConfig {
                    d_steps: 2,
                    ..GanConfig::plain()
                },
            ),
        ];
        for (what, config) in configs {
            let (ckpt1, g1, d1) = train(&one, &config, 5);
            let (ckpt2, g2, d2) = train(&two, &config, 5);
            assert_same_bits(&format!("{what} G"), &g1, &g2);
            assert_same_bits(&format!("{what} D"), &d1, &d2);
            assert!(ckpt1 == ckpt2, "{what}: the checkpoints differ");
            // Training moved the weights: the comparison is not of two fresh models.
            let fresh = Gan::new(config).unwrap();
            assert_ne!(fresh.generator().params, g1);
        }
    }

    #[test]
    fn train_with_two_threads_writes_the_same_checkpoint() {
        let mut checkpoints = Vec::new();
        for threads in ["1", "2"] {
            let dir = temp_dir(&format!("train-{threads}"));
            let out = ganplay(&[
                "train",
                "--steps",
                "4",
                "--eval-every",
                "0",
                "--eval-n",
                "10",
                "--out",
                dir.to_str().unwrap(),
                "--threads",
                threads,
            ]);
            assert!(
                out.status.success(),
                "--threads {threads}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            checkpoints.push(std::fs::read(dir.join("checkpoint.safetensors")).unwrap());
            std::fs::remove_dir_all(&dir).unwrap();
        }
        assert!(
            checkpoints[0] == checkpoints[1],
            "--threads 2 wrote another checkpoint than --threads 1"
        );
    }
}
