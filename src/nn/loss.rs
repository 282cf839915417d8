//! Losses on logits: binary cross-entropy for D, and the two textbook generator losses.
//!
//! With `p = sigmoid(l)`, everything is written through `softplus(x) = ln(1 + e^x)`,
//! computed as `max(x, 0) + ln(1 + e^-|x|)`, so no logit (even ±1e4) gives NaN or inf:
//!
//! - BCE(l, t)              = softplus(l) - t·l,  d/dl = p - t
//! - minimax, `log(1 - D)`  = -softplus(l),       d/dl = -p        (G minimises it)
//! - non-saturating, `-log D` = softplus(-l),     d/dl = p - 1
//!
//! Each loss is the mean over the batch; each gradient is written (not added) per row.

use super::layers::sigmoid;
use serde::{Deserialize, Serialize};

/// `ln(1 + e^x)` without overflow or loss of precision at either end.
pub fn softplus(x: f32) -> f32 {
    x.max(0.0) + (-x.abs()).exp().ln_1p()
}

/// Mean binary cross-entropy of `logits` against one `target` for the whole batch, and
/// its gradient with respect to each logit.
///
/// dlogits: (B), logits: (B)
pub fn bce_with_logits(dlogits: &mut [f32], logits: &[f32], target: f32) -> f32 {
    let n = logits.len() as f32;
    let mut total = 0.0f64;
    for (d, &l) in dlogits.iter_mut().zip(logits) {
        total += f64::from(softplus(l) - target * l);
        *d = (sigmoid(l) - target) / n;
    }
    (total / f64::from(n)) as f32
}

/// The generator's objective, seen through D's logits on G's samples.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GeneratorLoss {
    /// Minimise `log(1 - D(G(z)))`, the game's value function as written. When D wins
    /// early (D(G(z)) ≈ 0) its gradient `-D(G(z))` vanishes, and G stalls.
    Minimax,
    /// Minimise `-log D(G(z))`: same fixed point, but a strong gradient `D(G(z)) - 1`
    /// exactly when G is losing. Goodfellow et al. (2014) recommend it in practice.
    #[default]
    NonSaturating,
}

/// Mean generator loss over the batch and its gradient with respect to each logit.
///
/// dlogits: (B), logits: (B)
pub fn generator_loss(kind: GeneratorLoss, dlogits: &mut [f32], logits: &[f32]) -> f32 {
    match kind {
        GeneratorLoss::NonSaturating => bce_with_logits(dlogits, logits, 1.0),
        GeneratorLoss::Minimax => {
            let n = logits.len() as f32;
            let mut total = 0.0f64;
            for (d, &l) in dlogits.iter_mut().zip(logits) {
                total -= f64::from(softplus(l));
                *d = -sigmoid(l) / n;
            }
            (total / f64::from(n)) as f32
        }
    }
}

/// Mean softmax cross-entropy of `logits` (B, C) against integer `labels` (B), and its
/// gradient with respect to each logit. Stable for any finite logits: each row is shifted
/// by its maximum before exponentiating, so `e^x` never overflows, and the loss is
/// `logsumexp(l) - l[y]` computed from the shifted row.
///
/// With `p = softmax(l)`: loss = `-ln p[y]`, d/dl = `(p - onehot(y)) / B`.
///
/// dlogits: (B, C), logits: (B, C), labels: (B) each < C
pub fn softmax_cross_entropy(dlogits: &mut [f32], logits: &[f32], labels: &[u8]) -> f32 {
    let b = labels.len();
    assert!(b > 0, "softmax cross-entropy needs at least one row");
    assert_eq!(logits.len() % b, 0, "logits must be (B, C)");
    assert_eq!(dlogits.len(), logits.len(), "dlogits must match logits");
    let c = logits.len() / b;
    let mut total = 0.0f64;
    for ((d, l), &y) in dlogits
        .chunks_exact_mut(c)
        .zip(logits.chunks_exact(c))
        .zip(labels)
    {
        let y = usize::from(y);
        assert!(y < c, "label {y} out of range for {c} classes");
        let max = l.iter().fold(f32::NEG_INFINITY, |m, &v| m.max(v));
        let mut sum = 0.0f32;
        for (d, &v) in d.iter_mut().zip(l) {
            *d = (v - max).exp();
            sum += *d;
        }
        total += f64::from(sum.ln() - (l[y] - max));
        for d in d.iter_mut() {
            *d /= sum * b as f32;
        }
        d[y] -= 1.0 / b as f32;
    }
    (total / b as f64) as f32
}
