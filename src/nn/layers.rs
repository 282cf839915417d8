//! The layers, each as a forward/backward pair: dense (affine) and the activations.
//!
//! Shapes: a batch of `B` rows flows through; a dense layer maps `(B, in)` to `(B, out)`
//! as `y = x @ w + b` with `w` of shape `(in, out)` and `b` of shape `(out)`.
//!
//! Backward *adds* into parameter gradients (`dw`, `db`): clearing them is the caller's
//! `zero_grad`. Gradients of activations (`dinp`) are scratch and are overwritten.
//! Activations are applied in place and backpropagated from their *output*, which is all
//! that LeakyReLU, ReLU, tanh and sigmoid need, so forward keeps one buffer per layer.
//!
//! ```
//! use ganplay::nn::layers::{activation_backward, activation_forward, Activation};
//! use ganplay::nn::layers::{dense_backward, dense_forward};
//! use ndarray::{array, Array1, Array2};
//!
//! // (B, in) = (2, 2) through w (2, 3) and b (3).
//! let x = array![[1.0f32, 2.0], [-1.0, 0.5]];
//! let w = array![[1.0f32, 0.0, -1.0], [0.5, 2.0, 1.0]];
//! let b = array![0.25f32, 0.0, -0.5];
//! let mut y = Array2::zeros((2, 3));
//! dense_forward(y.view_mut(), x.view(), w.view(), b.view());
//! assert_eq!(y, array![[2.25, 4.0, 0.5], [-0.5, 1.0, 1.0]]);
//!
//! // ReLU in place; its backward reads the output and zeroes the gradient where it is 0.
//! activation_forward(Activation::Relu, y.view_mut());
//! assert_eq!(y.row(1), array![0.0, 1.0, 1.0]);
//! let mut dy = Array2::ones((2, 3));
//! activation_backward(Activation::Relu, dy.view_mut(), y.view());
//! assert_eq!(dy, array![[1.0, 1.0, 1.0], [0.0, 1.0, 1.0]]);
//!
//! // dw = x^T @ dy and db = sum of dy's rows, added to what is there; dx = dy @ w^T.
//! let mut dw = Array2::zeros((2, 3));
//! let mut db = Array1::zeros(3);
//! let mut dx = Array2::zeros((2, 2));
//! let params = Some((dw.view_mut(), db.view_mut()));
//! dense_backward(Some(dx.view_mut()), params, dy.view(), x.view(), w.view());
//! assert_eq!(dw, array![[1.0, 0.0, 0.0], [2.0, 2.5, 2.5]]);
//! assert_eq!(db, array![1.0, 2.0, 2.0]);
//! assert_eq!(dx, array![[0.0, 3.5], [-1.0, 3.0]]);
//! dense_backward(None, Some((dw.view_mut(), db.view_mut())), dy.view(), x.view(), w.view());
//! assert_eq!(db, array![2.0, 4.0, 4.0]);
//! ```

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
