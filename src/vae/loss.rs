//! The VAE's loss terms, each with its gradient beside it, and the reparameterisation.
//!
//! Per image, with `x`, `y` (the decoder's output) in [-1, 1] and `D` pixels:
//!
//! - reconstruction `Σ_p (y_p - x_p)²`, summed over pixels: the negative log-likelihood of
//!   a Gaussian decoder of variance ½ (up to a constant); d/dy = `2 (y - x)`.
//! - KL(N(μ, σ²) ‖ N(0, 1)) `= ½ Σ_j (μ_j² + e^{lv_j} - 1 - lv_j)` with `lv = ln σ²`;
//!   d/dμ = `μ`, d/dlv = `½ (e^{lv} - 1)`.
//! - reparameterisation `z = μ + e^{lv/2} · ε`, ε ~ N(0, 1) drawn outside;
//!   d/dμ += `dz`, d/dlv += `dz · ε · ½ e^{lv/2}`.
//!
//! Each loss is the mean over the batch of its per-image sum, summed in f64; each gradient
//! is the mean's (so it carries the `1/B`).

use ndarray::{ArrayView2, ArrayViewMut2};

/// Mean over the batch of the per-image summed squared error, and its gradient `dy`.
///
/// dy: (B, D), y: (B, D), x: (B, D)
pub fn squared_error_forward_backward(
    mut dy: ArrayViewMut2<f32>,
    y: ArrayView2<f32>,
    x: ArrayView2<f32>,
) -> f64 {
    let scale = 2.0 / y.nrows() as f32;
    let mut total = 0.0f64;
    ndarray::Zip::from(&mut dy)
        .and(&y)
        .and(&x)
        .for_each(|d, &y, &x| {
            let e = y - x;
            total += f64::from(e * e);
            *d = scale * e;
        });
    total / y.nrows() as f64
}

/// Mean over the batch of KL(N(μ, e^{lv}) ‖ N(0, I)), and its gradients, *added* into
/// `dmu` and `dlv` (the reparameterisation's share goes there too).
///
/// dmu, dlv, mu, lv: (B, Z)
pub fn kl_forward_backward(
    mut dmu: ArrayViewMut2<f32>,
    mut dlv: ArrayViewMut2<f32>,
    mu: ArrayView2<f32>,
    lv: ArrayView2<f32>,
    weight: f32,
) -> f64 {
    let b = mu.nrows() as f32;
    let mut total = 0.0f64;
    ndarray::Zip::from(&mut dmu)
        .and(&mut dlv)
        .and(&mu)
        .and(&lv)
        .for_each(|dm, dl, &m, &l| {
            let var = l.exp();
            total += 0.5 * f64::from(m * m + var - 1.0 - l);
            *dm += weight * m / b;
            *dl += weight * 0.5 * (var - 1.0) / b;
        });
    total / f64::from(b)
}

/// `z = μ + e^{lv/2} · ε`.
///
/// z, mu, lv, eps: (B, Z)
pub fn reparameterise_forward(
    mut z: ArrayViewMut2<f32>,
    mu: ArrayView2<f32>,
    lv: ArrayView2<f32>,
    eps: ArrayView2<f32>,
) {
    ndarray::Zip::from(&mut z)
        .and(&mu)
        .and(&lv)
        .and(&eps)
        .for_each(|z, &m, &l, &e| *z = m + (0.5 * l).exp() * e);
}

/// Gradients of `reparameterise_forward`, written (not added) into `dmu` and `dlv`.
///
/// dmu, dlv, dz, lv, eps: (B, Z)
pub fn reparameterise_backward(
    mut dmu: ArrayViewMut2<f32>,
    mut dlv: ArrayViewMut2<f32>,
    dz: ArrayView2<f32>,
    lv: ArrayView2<f32>,
    eps: ArrayView2<f32>,
) {
    ndarray::Zip::from(&mut dmu)
        .and(&mut dlv)
        .and(&dz)
        .and(&lv)
        .and(&eps)
        .for_each(|dm, dl, &d, &l, &e| {
            *dm = d;
            *dl = d * e * 0.5 * (0.5 * l).exp();
        });
}
