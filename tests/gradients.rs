//! Finite-difference gradient checks for every layer, the losses and a whole network.
//!
//! `ganplay::nn::gradcheck` (central differences, each loss summed in f64, its tolerance
//! `|analytic - numeric| <= 2e-3 + 2e-2 · |numeric|`, the worst entry printed) with
//! `h = 1e-2`, on small random problems, every entry checked.

use ganplay::nn::layers::{
    activation_backward, activation_forward, dense_backward, dense_forward, Activation,
};
use ganplay::nn::loss::{
    bce_with_logits, generator_loss, softmax_cross_entropy, softplus, GeneratorLoss,
};
use ganplay::nn::{gradcheck, Mlp};
use ndarray::{Array1, Array2};
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};

const H: f32 = 1e-2;

fn random(rng: &mut ChaCha8Rng, shape: (usize, usize)) -> Array2<f32> {
    Array2::from_shape_simple_fn(shape, || rng.random_range(-1.0..1.0))
}

/// Checks every entry of `analytic` with `ganplay::nn::gradcheck` at step [`H`].
fn check(name: &str, x: &mut [f32], analytic: &[f32], loss: impl FnMut(&[f32]) -> f64) {
    gradcheck::check(name, x, analytic, H, loss);
}

/// `sum(out * weights)`: a loss whose gradient with respect to `out` is `weights`.
fn weighted_sum(out: &Array2<f32>, weights: &Array2<f32>) -> f64 {
    out.iter()
        .zip(weights)
        .map(|(&o, &w)| f64::from(o) * f64::from(w))
        .sum()
}

#[test]
fn dense_layer() {
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let (b, n_in, n_out) = (3, 5, 4);
    let mut x = random(&mut rng, (b, n_in));
    let mut w = random(&mut rng, (n_in, n_out));
    let mut bias = Array1::from_shape_simple_fn(n_out, || rng.random_range(-1.0..1.0));
    let dout = random(&mut rng, (b, n_out));

    let mut dx = Array2::zeros((b, n_in));
    let mut dw = Array2::zeros((n_in, n_out));
    let mut db = Array1::zeros(n_out);
    dense_backward(
        Some(dx.view_mut()),
        Some((dw.view_mut(), db.view_mut())),
        dout.view(),
        x.view(),
        w.view(),
    );

    let forward = |x: &Array2<f32>, w: &Array2<f32>, bias: &Array1<f32>| {
        let mut out = Array2::zeros((b, n_out));
        dense_forward(out.view_mut(), x.view(), w.view(), bias.view());
        weighted_sum(&out, &dout)
    };
    let (w0, b0, x0) = (w.clone(), bias.clone(), x.clone());
    let matrix =
        |shape: (usize, usize), v: &[f32]| Array2::from_shape_vec(shape, v.to_vec()).unwrap();
    let (xs, dxs) = (x.as_slice_mut().unwrap(), dx.as_slice().unwrap());
    check("dense dx", xs, dxs, |v| {
        forward(&matrix((b, n_in), v), &w0, &b0)
    });
    let (ws, dws) = (w.as_slice_mut().unwrap(), dw.as_slice().unwrap());
    check("dense dw", ws, dws, |v| {
        forward(&x0, &matrix((n_in, n_out), v), &b0)
    });
    let (bs, dbs) = (bias.as_slice_mut().unwrap(), db.as_slice().unwrap());
    check("dense db", bs, dbs, |v| {
        forward(&x0, &w0, &Array1::from(v.to_vec()))
    });
}

#[test]
fn dense_backward_accumulates_parameter_gradients() {
    let mut rng = ChaCha8Rng::seed_from_u64(2);
    let x = random(&mut rng, (2, 3));
    let w = random(&mut rng, (3, 2));
    let dout = random(&mut rng, (2, 2));
    let mut dw = Array2::zeros((3, 2));
    let mut db = Array1::zeros(2);
    let mut after = Vec::new();
    for _ in 0..2 {
        let params = Some((dw.view_mut(), db.view_mut()));
        dense_backward(None, params, dout.view(), x.view(), w.view());
        after.push((dw.clone(), db.clone()));
    }
    assert_eq!(after[1].0, &after[0].0 * 2.0);
    assert_eq!(after[1].1, &after[0].1 * 2.0);
}

#[test]
fn every_activation() {
    for act in [
        Activation::Identity,
        Activation::Relu,
        Activation::LeakyRelu { slope: 0.2 },
        Activation::Tanh,
        Activation::Sigmoid,
    ] {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        // Keep inputs away from ReLU's kink, where the derivative is not defined.
        let mut x = Array2::from_shape_simple_fn((4, 6), || {
            let v: f32 = rng.random_range(0.05..2.0);
            if rng.random_bool(0.5) {
                v
            } else {
                -v
            }
        });
        let dout = random(&mut rng, (4, 6));
        let mut y = x.clone();
        activation_forward(act, y.view_mut());
        let mut d = dout.clone();
        activation_backward(act, d.view_mut(), y.view());
        check(
            &format!("{act:?}"),
            x.as_slice_mut().unwrap(),
            d.as_slice().unwrap(),
            |v| {
                let mut y = Array2::from_shape_vec((4, 6), v.to_vec()).unwrap();
                activation_forward(act, y.view_mut());
                weighted_sum(&y, &dout)
            },
        );
    }
}

#[test]
fn losses() {
    let mut logits: Vec<f32> = vec![-3.0, -0.5, 0.0, 0.7, 2.5];
    let mut d = vec![0.0; logits.len()];
    for target in [0.0, 0.9, 1.0] {
        bce_with_logits(&mut d, &logits, target);
        let grad = d.clone();
        check(&format!("bce target {target}"), &mut logits, &grad, |l| {
            f64::from(bce_with_logits(&mut vec![0.0; l.len()], l, target))
        });
    }
    for kind in [GeneratorLoss::Minimax, GeneratorLoss::NonSaturating] {
        generator_loss(kind, &mut d, &logits);
        let grad = d.clone();
        check(&format!("{kind:?}"), &mut logits, &grad, |l| {
            f64::from(generator_loss(kind, &mut vec![0.0; l.len()], l))
        });
    }
}

#[test]
fn softmax_cross_entropy_gradient() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let mut logits: Vec<f32> = random(&mut rng, (4, 5)).iter().map(|v| 3.0 * v).collect();
    let labels = [0u8, 4, 2, 2];
    let mut d = vec![0.0; logits.len()];
    softmax_cross_entropy(&mut d, &logits, &labels);
    let grad = d.clone();
    check("softmax cross-entropy", &mut logits, &grad, |l| {
        f64::from(softmax_cross_entropy(&mut vec![0.0; l.len()], l, &labels))
    });
}

#[test]
fn softmax_cross_entropy_known_values_and_extremes() {
    let mut d = [0.0f32; 3];
    // Equal logits: loss ln 3, gradient 1/3 everywhere but the label's 1/3 - 1.
    let loss = softmax_cross_entropy(&mut d, &[0.5, 0.5, 0.5], &[1]);
    assert!((loss - 3f32.ln()).abs() < 1e-6, "{loss}");
    assert!((d[0] - 1.0 / 3.0).abs() < 1e-6 && (d[1] + 2.0 / 3.0).abs() < 1e-6);
    // Huge logits neither overflow nor lose the answer.
    let loss = softmax_cross_entropy(&mut d, &[1e4, -1e4, 0.0], &[0]);
    assert_eq!(loss, 0.0);
    let loss = softmax_cross_entropy(&mut d, &[1e4, -1e4, 0.0], &[1]);
    assert_eq!(loss, 2e4);
    assert!(d.iter().all(|v| v.is_finite()));
}

#[test]
fn losses_stay_finite_for_extreme_logits() {
    let logits = [-1e4f32, -88.0, 0.0, 88.0, 1e4];
    let mut d = [0.0; 5];
    for target in [0.0, 1.0] {
        let loss = bce_with_logits(&mut d, &logits, target);
        assert!(
            loss.is_finite() && d.iter().all(|v| v.is_finite()),
            "bce target {target}"
        );
    }
    // BCE of a confident right answer is 0, of a confident wrong one the logit itself.
    assert_eq!(bce_with_logits(&mut d[..1], &[1e4], 1.0), 0.0);
    assert_eq!(bce_with_logits(&mut d[..1], &[-1e4], 1.0), 1e4);
    assert_eq!(softplus(-1e4), 0.0);
    for kind in [GeneratorLoss::Minimax, GeneratorLoss::NonSaturating] {
        let loss = generator_loss(kind, &mut d, &logits);
        assert!(
            loss.is_finite() && d.iter().all(|v| v.is_finite()),
            "{kind:?}"
        );
    }
    // The minimax loss saturates where D rejects the fakes: its gradient all but vanishes,
    // while the non-saturating one stays strong. This is why the latter is the default.
    generator_loss(GeneratorLoss::Minimax, &mut d[..1], &[-10.0]);
    assert!(d[0].abs() < 1e-4);
    generator_loss(GeneratorLoss::NonSaturating, &mut d[..1], &[-10.0]);
    assert!(d[0] < -0.99);
}

/// The whole D: parameters and input gradient, through LeakyReLU hidden layers and a
/// logit output, under the BCE loss.
#[test]
fn whole_discriminator() {
    let mut rng = ChaCha8Rng::seed_from_u64(4);
    let hidden = Activation::LeakyRelu { slope: 0.2 };
    let mut d = Mlp::new(&[7, 6, 5, 1], hidden, Activation::Identity, &mut rng);
    let mut x = random(&mut rng, (4, 7));
    let target = 0.9;
    let loss = |d: &mut Mlp, x: &Array2<f32>| {
        let logits = d.forward(x.view()).to_owned();
        f64::from(bce_with_logits(
            &mut [0.0; 4],
            logits.as_slice().unwrap(),
            target,
        ))
    };

    let logits = d.forward(x.view()).to_owned();
    let mut dlogits = Array2::zeros((4, 1));
    bce_with_logits(
        dlogits.as_slice_mut().unwrap(),
        logits.as_slice().unwrap(),
        target,
    );
    let mut dx = Array2::zeros((4, 7));
    d.zero_grad();
    d.backward(x.view(), dlogits.view(), true, Some(dx.view_mut()));

    let grads = d.grads.clone();
    let mut params = d.params.clone();
    let mut probe = d.clone();
    check("D params", &mut params, &grads, |p| {
        probe.params.copy_from_slice(p);
        loss(&mut probe, &x)
    });
    let x0 = x.clone();
    check(
        "D dx",
        x.as_slice_mut().unwrap(),
        dx.as_slice().unwrap(),
        |v| {
            loss(
                &mut d,
                &Array2::from_shape_vec(x0.dim(), v.to_vec()).unwrap(),
            )
        },
    );
}

/// A frozen network still passes the input gradient but leaves its own gradients alone.
#[test]
fn frozen_backward_leaves_parameter_gradients() {
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let mut net = Mlp::new(&[3, 4, 2], Activation::Tanh, Activation::Identity, &mut rng);
    let x = random(&mut rng, (2, 3));
    net.forward(x.view());
    net.zero_grad();
    let mut dx = Array2::zeros((2, 3));
    net.backward(
        x.view(),
        Array2::ones((2, 2)).view(),
        false,
        Some(dx.view_mut()),
    );
    assert!(net.grads.iter().all(|&g| g == 0.0));
    assert!(dx.iter().any(|&g| g != 0.0));
}
