//! Optimisers against exact reference numbers.
//!
//! The references come from this float64 Python, a line-for-line transcription of the
//! PyTorch update rules (torch.optim.SGD with momentum, torch.optim.Adam):
//!
//! ```python
//! import math
//! p0 = [0.5, -1.0, 2.0]
//! gs = [[0.1, -0.2, 0.3], [-0.05, 0.4, 0.0], [1.0, 1.0, -1.0]]
//! p = p0[:]; m = [0]*3; v = [0]*3; lr, b1, b2, eps = 0.1, 0.5, 0.999, 1e-8
//! for t, g in enumerate(gs, 1):
//!     for i in range(3):
//!         m[i] = b1*m[i] + (1-b1)*g[i]; v[i] = b2*v[i] + (1-b2)*g[i]**2
//!         p[i] -= lr * (m[i]/(1-b1**t)) / (math.sqrt(v[i]/(1-b2**t)) + eps)
//!     print("adam", t, p)
//! p = p0[:]; vel = [0]*3; lr, mom = 0.1, 0.9
//! for t, g in enumerate(gs, 1):
//!     for i in range(3):
//!         vel[i] = mom*vel[i] + g[i]; p[i] -= lr*vel[i]
//!     print("sgd", t, p)
//! ```
//! The optimiser runs in f32, so values agree to f32 precision (a few ulps).

use ganplay::nn::{AdamConfig, Optimizer, OptimizerConfig, SgdConfig};

const P0: [f32; 3] = [0.5, -1.0, 2.0];
const GRADS: [[f32; 3]; 3] = [[0.1, -0.2, 0.3], [-0.05, 0.4, 0.0], [1.0, 1.0, -1.0]];

fn run(config: OptimizerConfig) -> Vec<[f32; 3]> {
    let mut opt = Optimizer::new(config, 3);
    let mut p = P0;
    GRADS
        .iter()
        .map(|g| {
            opt.update(&mut p, g);
            p
        })
        .collect()
}

fn assert_close(actual: &[[f32; 3]], expected: &[[f64; 3]]) {
    for (t, (a, e)) in actual.iter().zip(expected).enumerate() {
        for i in 0..3 {
            let diff = (f64::from(a[i]) - e[i]).abs();
            assert!(
                diff < 1e-6,
                "step {} param {i}: got {}, expected {} (diff {diff:e})",
                t + 1,
                a[i],
                e[i]
            );
        }
    }
}

#[test]
fn adam_matches_reference() {
    let config = OptimizerConfig::Adam(AdamConfig {
        lr: 0.1,
        beta1: 0.5,
        beta2: 0.999,
        eps: 1e-8,
    });
    assert_close(
        &run(config),
        &[
            [0.40000000999999896, -0.9000000049999998, 1.9000000033333333],
            [0.40000000999999896, -0.9632360667613364, 1.8528477580433556],
            [0.3016866146318388, -1.067097911553755, 1.9405013496499544],
        ],
    );
}

#[test]
fn sgd_with_momentum_matches_reference() {
    let config = OptimizerConfig::Sgd(SgdConfig {
        lr: 0.1,
        momentum: 0.9,
    });
    assert_close(
        &run(config),
        &[
            [0.49, -0.98, 1.97],
            [0.486, -1.002, 1.943],
            [0.38239999999999996, -1.1218, 2.0187],
        ],
    );
}

#[test]
fn adam_counts_steps_and_keeps_moments_across_a_learning_rate_change() {
    let mut opt = Optimizer::new(OptimizerConfig::default(), 3);
    let mut p = P0;
    opt.update(&mut p, &GRADS[0]);
    let m = opt.m.clone();
    opt.set_config(OptimizerConfig::Adam(AdamConfig {
        lr: 1e-3,
        ..AdamConfig::default()
    }));
    assert_eq!((opt.step, &opt.m), (1, &m));
    opt.set_config(OptimizerConfig::Sgd(SgdConfig::default()));
    assert_eq!(opt.step, 0, "switching kind starts afresh");
    assert!(opt.v.is_empty());
}

#[test]
fn validation_names_the_bad_value() {
    let bad = OptimizerConfig::Adam(AdamConfig {
        lr: f32::NAN,
        ..AdamConfig::default()
    });
    assert!(bad.validate().unwrap_err().contains("learning rate"));
    let bad = OptimizerConfig::Sgd(SgdConfig {
        lr: 0.1,
        momentum: 1.0,
    });
    assert!(bad.validate().unwrap_err().contains("momentum"));
    assert!(OptimizerConfig::default().validate().is_ok());
}
