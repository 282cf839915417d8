//! The layers, each as a forward/backward pair: dense (affine) and the activations.
//!
//! Shapes: a batch of `B` rows flows through; a dense layer maps `(B, in)` to `(B, out)`
//! as `y = x @ w + b` with `w` of shape `(in, out)` and `b` of shape `(out)`.
//!
//! Backward *adds* into parameter gradients (`dw`, `db`): clearing them is the caller's
//! `zero_grad`. Gradients of activations (`dinp`) are scratch and are overwritten.
//! Activations are applied in place and backpropagated from their *output*, which is all
//! that LeakyReLU, ReLU, tanh and sigmoid need, so forward keeps one buffer per layer.

use super::gemm::gemm;
use ndarray::{ArrayView1, ArrayView2, ArrayViewMut1, ArrayViewMut2};
use serde::{Deserialize, Serialize};

/// `out = inp @ w + b`.
///
/// out: (B, out), inp: (B, in), w: (in, out), b: (out)
pub fn dense_forward(
    mut out: ArrayViewMut2<f32>,
    inp: ArrayView2<f32>,
    w: ArrayView2<f32>,
    b: ArrayView1<f32>,
) {
    // Start from the bias, then let the matmul accumulate on top (beta = 1): one pass.
    for mut row in out.rows_mut() {
        row.assign(&b);
    }
    gemm(inp, w, 1.0, out);
}

/// Gradients of `dense_forward`: `dw += inp^T @ dout`, `db += sum_rows(dout)`,
/// `dinp = dout @ w^T`. Each output is optional so that callers skip work they do not
/// need (the input gradient of a network's first layer, or parameter gradients of a
/// network that is frozen for this step). Transposes are strided views, never copies.
///
/// dinp: (B, in), dw: (in, out), db: (out), dout: (B, out), inp: (B, in), w: (in, out)
pub fn dense_backward(
    dinp: Option<ArrayViewMut2<f32>>,
    dw_db: Option<(ArrayViewMut2<f32>, ArrayViewMut1<f32>)>,
    dout: ArrayView2<f32>,
    inp: ArrayView2<f32>,
    w: ArrayView2<f32>,
) {
    if let Some((dw, mut db)) = dw_db {
        gemm(inp.t(), dout, 1.0, dw);
        for row in dout.rows() {
            db += &row;
        }
    }
    if let Some(dinp) = dinp {
        gemm(dout, w.t(), 0.0, dinp);
    }
}

/// A pointwise nonlinearity.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Activation {
    /// `x` (used for logits).
    Identity,
    /// `max(x, 0)`.
    Relu,
    /// `x` for `x > 0`, `slope * x` otherwise; `slope` in `[0, 1)`.
    LeakyRelu { slope: f32 },
    /// `tanh(x)`, in `(-1, 1)`: G's output, matching pixels scaled to `[-1, 1]`.
    Tanh,
    /// `1 / (1 + e^-x)`.
    Sigmoid,
}

/// Applies the activation in place: `x` holds the pre-activation on entry and the
/// activation on exit.
///
/// x: (B, n)
pub fn activation_forward(act: Activation, mut x: ArrayViewMut2<f32>) {
    match act {
        Activation::Identity => {}
        Activation::Relu => x.mapv_inplace(|v| v.max(0.0)),
        Activation::LeakyRelu { slope } => x.mapv_inplace(|v| if v > 0.0 { v } else { slope * v }),
        Activation::Tanh => x.mapv_inplace(f32::tanh),
        Activation::Sigmoid => x.mapv_inplace(sigmoid),
    }
}

/// Turns `d`, the gradient with respect to the activation's output `y`, into the gradient
/// with respect to its input, in place. For the leaky slope in `[0, 1)`, `y > 0` exactly
/// when the input was positive, so the output alone decides the branch.
///
/// d: (B, n), y: (B, n)
pub fn activation_backward(act: Activation, mut d: ArrayViewMut2<f32>, y: ArrayView2<f32>) {
    match act {
        Activation::Identity => {}
        Activation::Relu => d.zip_mut_with(&y, |d, &y| {
            if y <= 0.0 {
                *d = 0.0
            }
        }),
        Activation::LeakyRelu { slope } => d.zip_mut_with(&y, |d, &y| {
            if y <= 0.0 {
                *d *= slope
            }
        }),
        Activation::Tanh => d.zip_mut_with(&y, |d, &y| *d *= 1.0 - y * y),
        Activation::Sigmoid => d.zip_mut_with(&y, |d, &y| *d *= y * (1.0 - y)),
    }
}

/// The logistic function, written so that neither branch can overflow.
pub fn sigmoid(x: f32) -> f32 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}
