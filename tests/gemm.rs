//! The matrix product against a plain triple loop in f64: every edge of the packing
//! (partial tiles, several depth, row and column blocks), transposed and strided views of
//! each operand, and each kind of `beta`. Natively this checks `packed_gemm` with its
//! portable micro-kernel and `gemm` (matrixmultiply); in the browser
//! (`wasm-pack test`) the same checks run `gemm` through the simd128 micro-kernel.

use ganplay::nn::gemm::{gemm, packed_gemm};
use ndarray::{Array2, ArrayView2, ArrayViewMut2, ShapeBuilder};

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// Deterministic values in [-1, 1) (a 64-bit LCG), so a failure reproduces.
fn filled(rows: usize, cols: usize, seed: u64, column_major: bool) -> Array2<f32> {
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let shape = (rows, cols).set_f(column_major);
    Array2::from_shape_simple_fn(shape, || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
    })
}

/// Checks `c = a @ b + beta * c0` entry by entry: the error allowed grows with the sum
/// of |a_ip * b_pj|, as f32 rounding does.
fn check(
    what: &str,
    product: fn(ArrayView2<f32>, ArrayView2<f32>, f32, ArrayViewMut2<f32>),
    (m, k, n): (usize, usize, usize),
    layout: usize,
    beta: f32,
) {
    // layout bits: 1 = a column-major, 2 = b column-major, 4 = c column-major.
    let a = filled(m, k, 1, layout & 1 != 0);
    let b = filled(k, n, 2, layout & 2 != 0);
    let c0 = filled(m, n, 3, layout & 4 != 0);
    let mut c = c0.clone();
    if beta == 0.0 {
        // beta = 0 must ignore c entirely, NaN included.
        c.fill(f32::NAN);
    }
    product(a.view(), b.view(), beta, c.view_mut());
    for i in 0..m {
        for j in 0..n {
            let (mut want, mut scale) = (0.0f64, 0.0f64);
            for p in 0..k {
                let t = f64::from(a[[i, p]]) * f64::from(b[[p, j]]);
                want += t;
                scale += t.abs();
            }
            if beta != 0.0 {
                want += f64::from(beta) * f64::from(c0[[i, j]]);
                scale += f64::from(c0[[i, j]]).abs();
            }
            let got = f64::from(c[[i, j]]);
            assert!(
                (got - want).abs() <= 1e-5 * scale + 1e-6,
                "{what} {m}×{k}·{k}×{n} layout {layout} beta {beta}: c[{i},{j}] = {got}, want {want}"
            );
        }
    }
}

/// Shapes around the kernel's tile (4×8), depth block (512), row block (64) and column
/// block (1024), and the layers' own shapes at batch 64.
const SHAPES: &[(usize, usize, usize)] = &[
    (1, 1, 1),
    (4, 1, 8),
    (5, 3, 9),
    (3, 7, 2),
    (8, 16, 16),
    (64, 100, 256),
    (64, 784, 512),
    (784, 64, 512),
    (64, 512, 784),
    (67, 513, 17),
    (130, 1030, 9),
    (9, 20, 1030),
];

fn check_all(what: &str, product: fn(ArrayView2<f32>, ArrayView2<f32>, f32, ArrayViewMut2<f32>)) {
    for &shape in SHAPES {
        for layout in 0..8 {
            // The big shapes with the plain layout only: the layouts are covered by the rest.
            if shape.0 * shape.1 * shape.2 > 1_000_000 && layout != 0 && layout != 3 {
                continue;
            }
            for beta in [0.0, 1.0, 0.5] {
                check(what, product, shape, layout, beta);
            }
        }
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn gemm_matches_the_triple_loop() {
    check_all("gemm", gemm);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn packed_gemm_matches_the_triple_loop() {
    check_all("packed_gemm", packed_gemm);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn transposed_views_are_read_in_place() {
    // a^T @ b with a stored (k, m): the backward pass's `inp.t() @ dout`.
    let a = filled(33, 10, 4, false);
    let b = filled(33, 12, 5, false);
    let mut c = Array2::<f32>::zeros((10, 12));
    packed_gemm(a.t(), b.view(), 0.0, c.view_mut());
    let want = a.t().dot(&b);
    for (got, want) in c.iter().zip(&want) {
        assert!((got - want).abs() <= 1e-5, "{got} vs {want}");
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn an_empty_depth_scales_c_by_beta() {
    let a = Array2::<f32>::zeros((5, 0));
    let b = Array2::<f32>::zeros((0, 9));
    let mut c = Array2::<f32>::from_elem((5, 9), 2.0);
    packed_gemm(a.view(), b.view(), 0.5, c.view_mut());
    assert!(c.iter().all(|&v| v == 1.0));
    c.fill(f32::NAN);
    packed_gemm(a.view(), b.view(), 0.0, c.view_mut());
    assert!(c.iter().all(|&v| v == 0.0));
}
