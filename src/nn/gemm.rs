//! The matrix product behind every dense layer: `c = a @ b + beta * c`, for views of any
//! strides (the backward pass passes transposes as strided views, never copies).
//!
//! Natively this is ndarray's `general_mat_mul`, whose matrixmultiply kernels use AVX2
//! and FMA. In the browser (wasm32 with simd128) it is [`packed_gemm`]: matrixmultiply's
//! wasm kernel keeps an 8×8 tile, 16 accumulators, which is more than the 16 vector
//! registers V8 has on x86-64 once the operands are counted, so it spills in its inner
//! loop. [`packed_gemm`] packs `a` and `b` into panels as BLIS does and runs a 4×8 tile:
//! 8 accumulators, 2 vectors of `b`, 1 broadcast of `a`. With the `relaxed-simd`
//! target feature the multiply-adds are `f32x4.relaxed_madd`, a fused multiply-add where
//! the machine has one. `packed_gemm` is compiled on every target (with a portable
//! micro-kernel off wasm) so that its packing and edge handling are tested natively too.
//!
//! With the `threads` feature, a product big enough to pay is cut into blocks of `c`'s
//! rows or columns, one per thread of the current rayon pool (see `gemm_in_blocks`).
//! Each element of `c` is still summed by one thread, over the whole depth, in the same
//! order and the same depth blocks as on one thread, so the result is bit-identical to
//! the single-thread build's whatever the number of threads.

#[cfg(feature = "threads")]
use ndarray::Axis;
use ndarray::{s, ArrayView2, ArrayViewMut2};
use std::cell::RefCell;

/// Rows of `a` per micro-kernel tile.
const MR: usize = 4;
/// Columns of `b` per micro-kernel tile (two f32x4 vectors).
const NR: usize = 8;
/// Depth of one packed block: a `KC × NR` panel of `b` is 8 KiB, and stays in L1.
const KC: usize = 512;
/// Rows of `a` packed at once (a multiple of `MR`): a `MC × KC` block is 72 KiB.
const MC: usize = 64;
/// Columns of `b` packed at once (a multiple of `NR`): a `KC × NC` block is 1 MiB at most.
const NC: usize = 1024;

/// Products with fewer multiply-adds than this stay on one thread: handing a block to
/// another thread costs microseconds, as much as such a product takes (docs/threads.md,
/// "What runs in parallel", has the timings). Every layer of the default networks is
/// above this but D's one-wide output layer.
#[cfg(feature = "threads")]
const MIN_SPLIT_WORK: usize = 1 << 18;
/// Blocks of `c` start at multiples of this many rows or columns: a multiple of every
/// micro-kernel's tile side (4 and 8 here, 8 and 16 in matrixmultiply), so the tiles
/// fall where they fall on one thread.
#[cfg(feature = "threads")]
const SPLIT_ALIGN: usize = 16;

/// `c = a @ b + beta * c`. With `beta == 0`, `c`'s old contents are ignored (NaN
/// included). Shapes: a (m, k), b (k, n), c (m, n); panics if they disagree.
pub fn gemm(a: ArrayView2<f32>, b: ArrayView2<f32>, beta: f32, c: ArrayViewMut2<f32>) {
    // Chosen from the whole product's shape, so that every block of a split product
    // runs the kernel the whole would have run on one thread.
    super::profile::timed(super::profile::Part::Gemm, || {
        gemm_with(kernel_for(a.nrows(), b.ncols()), a, b, beta, c)
    });
}

/// A single-thread product with [`gemm`]'s contract: [`packed_gemm`] or [`mat_mul`].
pub type Kernel = fn(ArrayView2<f32>, ArrayView2<f32>, f32, ArrayViewMut2<f32>);

/// [`gemm`] with `kernel` as the single-thread product, of the whole or of each block
/// (the tests check both kernels' splits natively).
pub fn gemm_with(
    kernel: Kernel,
    a: ArrayView2<f32>,
    b: ArrayView2<f32>,
    beta: f32,
    c: ArrayViewMut2<f32>,
) {
    #[cfg(feature = "threads")]
    {
        let blocks = split_blocks(c.dim(), a.ncols(), rayon::current_num_threads());
        if blocks > 1 {
            gemm_in_blocks(kernel, a, b, beta, c, blocks);
            return;
        }
    }
    kernel(a, b, beta, c);
}

/// The single-thread product for `c` (m, n): [`packed_gemm`] in the browser, except
/// below one tile, where the packing does not pay (D's 1-wide logit layer); natively
/// ndarray's `general_mat_mul` (matrixmultiply).
fn kernel_for(m: usize, n: usize) -> Kernel {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    if m >= MR && n >= NR {
        return packed_gemm;
    }
    let _ = (m, n);
    mat_mul
}

/// ndarray's `general_mat_mul` (matrixmultiply), with [`gemm`]'s contract.
pub fn mat_mul(a: ArrayView2<f32>, b: ArrayView2<f32>, beta: f32, mut c: ArrayViewMut2<f32>) {
    ndarray::linalg::general_mat_mul(1.0, &a, &b, beta, &mut c);
}

/// `(m, k, n)` of a product with [`gemm`]'s shapes; panics if they disagree.
fn dims(a: &ArrayView2<f32>, b: &ArrayView2<f32>, c: &ArrayViewMut2<f32>) -> (usize, usize, usize) {
    let (m, k) = a.dim();
    let n = b.ncols();
    assert_eq!(
        b.nrows(),
        k,
        "gemm: a is {m}×{k} but b has {} rows",
        b.nrows()
    );
    assert_eq!(c.dim(), (m, n), "gemm: c must be {m}×{n}");
    (m, k, n)
}

/// How many blocks to cut `c` (m, n) into for a product of depth `k` on `threads`
/// threads: 1 (no split) below [`MIN_SPLIT_WORK`], else one per thread, as long as
/// each block gets at least [`SPLIT_ALIGN`] rows or columns.
#[cfg(feature = "threads")]
fn split_blocks((m, n): (usize, usize), k: usize, threads: usize) -> usize {
    if threads < 2 || m.saturating_mul(n).saturating_mul(k) < MIN_SPLIT_WORK {
        return 1;
    }
    threads.min(m.max(n).div_ceil(SPLIT_ALIGN))
}

/// [`gemm`] with `c` cut into `blocks` blocks along its longer side (columns, with the
/// matching columns of `b`, or rows, with the matching rows of `a`), computed on the
/// current rayon pool. Every block is a whole product of its own: the same kernel runs
/// over the same depth, in the same order, for every element, so the split decides
/// which thread computes an element, never how. That holds for both kernels: in
/// [`packed_gemm`] and in matrixmultiply each element's sum is its own lane of a tile,
/// accumulated over the depth in depth blocks that do not depend on m or n, and an
/// edge tile does the same arithmetic as a whole one.
#[cfg(feature = "threads")]
fn gemm_in_blocks(
    kernel: Kernel,
    a: ArrayView2<f32>,
    b: ArrayView2<f32>,
    beta: f32,
    c: ArrayViewMut2<f32>,
    blocks: usize,
) {
    let (m, _, n) = dims(&a, &b, &c);
    let axis = if n >= m { Axis(1) } else { Axis(0) };
    split_in_two(kernel, a, b, beta, c, axis, blocks);
}

/// Cuts `c` along `axis` into `blocks` nearly equal blocks by halving it recursively
/// with `rayon::join` (which allocates nothing), and computes each block on one thread.
#[cfg(feature = "threads")]
fn split_in_two(
    kernel: Kernel,
    a: ArrayView2<f32>,
    b: ArrayView2<f32>,
    beta: f32,
    c: ArrayViewMut2<f32>,
    axis: Axis,
    blocks: usize,
) {
    let len = c.len_of(axis);
    let left = blocks / 2;
    // Where the first `left` blocks end, rounded up to the alignment.
    let at = (len * left / blocks.max(1))
        .next_multiple_of(SPLIT_ALIGN)
        .min(len);
    if blocks < 2 || at == 0 || at == len {
        kernel(a, b, beta, c);
        return;
    }
    let (c0, c1) = c.split_at(axis, at);
    let ((a0, b0), (a1, b1)) = if axis == Axis(1) {
        let (b0, b1) = b.split_at(Axis(1), at);
        ((a, b0), (a, b1))
    } else {
        let (a0, a1) = a.split_at(Axis(0), at);
        ((a0, b), (a1, b))
    };
    rayon::join(
        || split_in_two(kernel, a0, b0, beta, c0, axis, left),
        || split_in_two(kernel, a1, b1, beta, c1, axis, blocks - left),
    );
}

thread_local! {
    /// The packing buffers, grown on first use and then reused: no allocation per call.
    static PACKS: RefCell<(Vec<f32>, Vec<f32>)> = const { RefCell::new((Vec::new(), Vec::new())) };
}

/// `c = a @ b + beta * c` by packed panels and a 4×8 micro-kernel (see the module docs).
/// Same contract as [`gemm`].
pub fn packed_gemm(a: ArrayView2<f32>, b: ArrayView2<f32>, beta: f32, mut c: ArrayViewMut2<f32>) {
    let (m, k, n) = dims(&a, &b, &c);
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        if beta == 0.0 {
            c.fill(0.0);
        } else {
            c *= beta;
        }
        return;
    }
    let (rs, cs) = (c.strides()[0], c.strides()[1]);
    let c_base = c.as_mut_ptr();
    PACKS.with(|packs| {
        let (a_pack, b_pack) = &mut *packs.borrow_mut();
        // The largest blocks at once, on each thread's first product: which thread computes
        // which block changes from call to call on a pool, and a buffer grown later, on
        // a thread's first large block, would grow the wasm memory after warm-up.
        for (pack, most) in [(&mut *a_pack, MC * KC), (&mut *b_pack, KC * NC)] {
            if pack.capacity() < most {
                pack.reserve_exact(most - pack.len());
            }
        }
        for jc in (0..n).step_by(NC) {
            let nc = NC.min(n - jc);
            for pc in (0..k).step_by(KC) {
                let kc = KC.min(k - pc);
                // Only the first block of the sum sees the caller's beta.
                let beta = if pc == 0 { beta } else { 1.0 };
                pack::<NR>(
                    b.slice(s![pc..pc + kc, jc..jc + nc]).reversed_axes(),
                    b_pack,
                );
                for ic in (0..m).step_by(MC) {
                    let mc = MC.min(m - ic);
                    pack::<MR>(a.slice(s![ic..ic + mc, pc..pc + kc]), a_pack);
                    for (jr, b_panel) in (0..nc).step_by(NR).zip(b_pack.chunks_exact(NR * kc)) {
                        for (ir, a_panel) in (0..mc).step_by(MR).zip(a_pack.chunks_exact(MR * kc)) {
                            let mut tile = [0.0f32; MR * NR];
                            micro_kernel(kc, a_panel, b_panel, &mut tile);
                            let (r0, c0) = (ic + ir, jc + jr);
                            let (rows, cols) = (MR.min(mc - ir), NR.min(nc - jr));
                            // SAFETY: (r0, c0) is inside c (r0 < m, c0 < n), and the
                            // rows × cols tile from there ends inside it too.
                            let at = unsafe { c_base.offset(r0 as isize * rs + c0 as isize * cs) };
                            unsafe { write_tile(&tile, beta, at, (rows, cols), (rs, cs)) };
                        }
                    }
                }
            }
        }
    });
}

/// Packs `x` (rows, depth) into panels of `W` rows, depth-major inside a panel: panel
/// `i` holds, for each depth `p`, `x[i * W + r, p]` for `r` in `0..W`, zero past the last
/// row. `out` is resized to fit exactly.
fn pack<const W: usize>(x: ArrayView2<f32>, out: &mut Vec<f32>) {
    let (rows, depth) = x.dim();
    // Every element is written below (zeros past the last row), so the buffer is only
    // resized, never cleared.
    out.resize(rows.div_ceil(W) * W * depth, 0.0);
    let (row_stride, depth_stride) = (x.strides()[0], x.strides()[1]);
    for (panel, dst) in out.chunks_exact_mut(W * depth).enumerate() {
        let r0 = panel * W;
        let live = W.min(rows - r0);
        let x = x.slice(s![r0..r0 + live, ..]);
        let base = x.as_ptr();
        if live < W {
            dst.fill(0.0);
            for r in 0..live {
                for (p, d) in dst[r..].iter_mut().step_by(W).enumerate() {
                    *d = x[[r, p]];
                }
            }
        } else if row_stride == 1 {
            // Along a row of `b` (the panel's width) is contiguous: W floats per depth
            // step, a fixed-size copy.
            for (p, dst) in dst.chunks_exact_mut(W).enumerate() {
                // SAFETY: p < depth, and the W rows from r0 are inside x with row stride
                // 1, so x[r0..r0 + W, p] are W consecutive floats.
                let src = unsafe { &*(base.offset(p as isize * depth_stride) as *const [f32; W]) };
                dst.copy_from_slice(src);
            }
        } else {
            // A transpose: W rows read side by side, one float of each per depth step.
            // SAFETY: each r < W = live is a row of x.
            let rows: [*const f32; W] =
                std::array::from_fn(|r| unsafe { base.offset(r as isize * row_stride) });
            for (p, dst) in dst.chunks_exact_mut(W).enumerate() {
                for (d, row) in dst.iter_mut().zip(&rows) {
                    // SAFETY: p < depth stays inside each row.
                    *d = unsafe { *row.offset(p as isize * depth_stride) };
                }
            }
        }
    }
}

/// Stores a finished tile: `c = tile + beta * c` over its live `rows × cols` part (less
/// than `MR × NR` at the edges), `c` given by the address of its first element and its
/// strides. `beta == 0` overwrites.
///
/// # Safety
/// Every `base + r * rs + j * cs` for `r < rows`, `j < cols` must be a valid, exclusive
/// element of the output.
unsafe fn write_tile(
    tile: &[f32; MR * NR],
    beta: f32,
    base: *mut f32,
    (rows, cols): (usize, usize),
    (rs, cs): (isize, isize),
) {
    for r in 0..rows {
        for (j, &t) in tile[r * NR..r * NR + cols].iter().enumerate() {
            // SAFETY: (r, j) is inside c's shape, so the offset stays inside its memory.
            let c = unsafe { &mut *base.offset(r as isize * rs + j as isize * cs) };
            *c = if beta == 0.0 { t } else { t + beta * *c };
        }
    }
}

/// `tile = a_panel^T @ b_panel` over depth `kc`: a_panel is `kc × MR` and b_panel
/// `kc × NR`, both depth-major (see [`pack`]); tile is `MR × NR`, row-major.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
fn micro_kernel(kc: usize, a_panel: &[f32], b_panel: &[f32], tile: &mut [f32; MR * NR]) {
    use core::arch::wasm32::*;

    #[cfg(target_feature = "relaxed-simd")]
    #[inline(always)]
    fn madd(a: v128, b: v128, c: v128) -> v128 {
        f32x4_relaxed_madd(a, b, c)
    }
    #[cfg(not(target_feature = "relaxed-simd"))]
    #[inline(always)]
    fn madd(a: v128, b: v128, c: v128) -> v128 {
        f32x4_add(f32x4_mul(a, b), c)
    }

    assert!(a_panel.len() >= kc * MR && b_panel.len() >= kc * NR);
    let zero = f32x4_splat(0.0);
    let mut acc = [[zero; 2]; MR];
    let (mut ap, mut bp) = (a_panel.as_ptr(), b_panel.as_ptr());
    for _ in 0..kc {
        // SAFETY: the assert above keeps `ap..ap + MR` and `bp..bp + NR` inside the
        // panels for all `kc` iterations; wasm loads need no alignment.
        unsafe {
            let b0 = v128_load(bp as *const v128);
            let b1 = v128_load(bp.add(4) as *const v128);
            for (r, acc) in acc.iter_mut().enumerate() {
                let a = v128_load32_splat(ap.add(r) as *const u32);
                acc[0] = madd(a, b0, acc[0]);
                acc[1] = madd(a, b1, acc[1]);
            }
            ap = ap.add(MR);
            bp = bp.add(NR);
        }
    }
    for (r, acc) in acc.iter().enumerate() {
        // SAFETY: tile has MR * NR floats; row r's two vectors are floats r*NR..r*NR+8.
        unsafe {
            v128_store(tile.as_mut_ptr().add(r * NR) as *mut v128, acc[0]);
            v128_store(tile.as_mut_ptr().add(r * NR + 4) as *mut v128, acc[1]);
        }
    }
}

/// The portable micro-kernel: the same contract as the wasm one, for native tests.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
fn micro_kernel(kc: usize, a_panel: &[f32], b_panel: &[f32], tile: &mut [f32; MR * NR]) {
    for (a, b) in a_panel
        .chunks_exact(MR)
        .zip(b_panel.chunks_exact(NR))
        .take(kc)
    {
        for (r, &a) in a.iter().enumerate() {
            for (t, &b) in tile[r * NR..r * NR + NR].iter_mut().zip(b) {
                *t += a * b;
            }
        }
    }
}
