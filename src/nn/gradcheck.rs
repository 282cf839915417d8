//! Finite-difference gradient checks: an analytic gradient against central differences.
//!
//! For each checked entry `i` of `x`, `numeric = (loss(x + h·eᵢ) - loss(x - h·eᵢ)) / 2h`,
//! with the loss summed in f64. The engine runs in f32, so an analytic and a numeric
//! derivative agree to about 1e-3; an entry passes when
//! `|analytic - numeric| <= ABS_TOL + REL_TOL · |numeric|`. The worst entry's difference
//! (`maxdiff`) is printed (`cargo test -- --nocapture` shows it) and returned.
//!
//! `h` is the caller's: large enough that f32 rounding in the loss stays far below the
//! tolerance, small enough that no ReLU-like kink lies within `h` of an input.
//!
//! ```
//! use ganplay::nn::gradcheck;
//! use ganplay::nn::layers::{dense_backward, dense_forward};
//! use ndarray::{array, Array1, Array2};
//!
//! // A dense layer (1, 2) -> (1, 2), loss sum(out): dloss/dout is all ones.
//! let x = array![[0.5f32, -1.0]];
//! let mut w = array![[0.1f32, 0.2], [0.3, -0.4]];
//! let b = array![0.0f32, 0.1];
//! let mut dw = Array2::zeros((2, 2));
//! let mut db = Array1::zeros(2);
//! let dout = Array2::ones((1, 2));
//! dense_backward(None, Some((dw.view_mut(), db.view_mut())), dout.view(), x.view(), w.view());
//!
//! let loss = |w: &[f32]| {
//!     let w = Array2::from_shape_vec((2, 2), w.to_vec()).unwrap();
//!     let mut out = Array2::zeros((1, 2));
//!     dense_forward(out.view_mut(), x.view(), w.view(), b.view());
//!     out.iter().map(|&v| f64::from(v)).sum()
//! };
//! let dw = dw.as_slice().unwrap();
//! let maxdiff = gradcheck::check("dense dw", w.as_slice_mut().unwrap(), dw, 1e-2, loss);
//! assert!(maxdiff < 1e-3);
//!
//! // A wrong gradient fails the check.
//! let wrong = [dw[0] + 0.5, dw[1], dw[2], dw[3]];
//! let failed = std::panic::catch_unwind(move || {
//!     gradcheck::check("wrong dw", w.as_slice_mut().unwrap(), &wrong, 1e-2, loss);
//! });
//! assert!(failed.is_err());
//! ```

/// The absolute part of the tolerance.
pub const ABS_TOL: f64 = 2e-3;
/// The relative part of the tolerance, a fraction of `|numeric|`.
pub const REL_TOL: f64 = 2e-2;

/// Checks every entry of `analytic` against central differences of `loss` with step `h`
/// with respect to the same entry of `x` (which `loss` reads through its argument; `x`
/// is restored). Panics, naming `name` and the entry, at the first one out of tolerance;
/// returns the largest difference.
pub fn check(
    name: &str,
    x: &mut [f32],
    analytic: &[f32],
    h: f32,
    loss: impl FnMut(&[f32]) -> f64,
) -> f64 {
    check_spread(name, x, analytic, h, usize::MAX, loss)
}

/// [`check`] over a spread of at most about `entries` entries, evenly strided (every
/// entry when there are no more than that): for networks too large to check whole.
pub fn check_spread(
    name: &str,
    x: &mut [f32],
    analytic: &[f32],
    h: f32,
    entries: usize,
    mut loss: impl FnMut(&[f32]) -> f64,
) -> f64 {
    assert_eq!(
        x.len(),
        analytic.len(),
        "{name}: one gradient entry per input"
    );
    let stride = (x.len() / entries.max(1)).max(1);
    let mut maxdiff = 0.0f64;
    let mut checked = 0;
    for i in (0..x.len()).step_by(stride) {
        let orig = x[i];
        x[i] = orig + h;
        let up = loss(x);
        x[i] = orig - h;
        let down = loss(x);
        x[i] = orig;
        let numeric = (up - down) / (2.0 * f64::from(h));
        let diff = (f64::from(analytic[i]) - numeric).abs();
        maxdiff = maxdiff.max(diff);
        checked += 1;
        assert!(
            diff <= ABS_TOL + REL_TOL * numeric.abs(),
            "{name}[{i}]: analytic {} vs numeric {numeric}",
            analytic[i]
        );
    }
    println!("{name}: maxdiff {maxdiff:e} over {checked} entries");
    maxdiff
}
