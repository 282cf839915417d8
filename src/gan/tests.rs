//! Finite-difference checks of the gradients the training loop itself computes: D's in
//! steps 1–2 and G's through the frozen D in step 3. Same method and tolerance as
//! tests/gradients.rs.

use super::*;
use crate::nn::loss::{bce_with_logits, generator_loss};

// Smaller than in tests/gradients.rs: a first-layer weight moves a pre-activation by up to
// `h`, and with hundreds of inputs a LeakyReLU kink is otherwise within reach.
const H: f32 = 1e-3;

pub(super) fn small_config(
    conditional: bool,
    generator_loss: crate::nn::GeneratorLoss,
) -> GanConfig {
    GanConfig {
        noise_dim: 6,
        g_hidden: vec![8],
        d_hidden: vec![8],
        batch_size: 4,
        conditional,
        generator_loss,
        label_smoothing: 0.1,
        ..GanConfig::default()
    }
}

pub(super) fn tiny_data() -> Dataset {
    let images = (0..8 * IMAGE_DIM)
        .map(|i| ((i * 37 % 101) as f32 / 50.0) - 1.0)
        .collect();
    Dataset::from_parts(images, (0..8).collect(), IMAGE_SIDE, IMAGE_SIDE).unwrap()
}

/// Checks `analytic` against central differences of `loss` over a spread of indices.
fn check(name: &str, params: &mut [f32], analytic: &[f32], mut loss: impl FnMut(&[f32]) -> f64) {
    let stride = (params.len() / 300).max(1);
    let mut maxdiff = 0.0f64;
    for i in (0..params.len()).step_by(stride) {
        let orig = params[i];
        params[i] = orig + H;
        let up = loss(params);
        params[i] = orig - H;
        let down = loss(params);
        params[i] = orig;
        let numeric = (up - down) / (2.0 * f64::from(H));
        let diff = (f64::from(analytic[i]) - numeric).abs();
        maxdiff = maxdiff.max(diff);
        assert!(
            diff <= 2e-3 + 2e-2 * numeric.abs(),
            "{name}[{i}]: analytic {} vs numeric {numeric}",
            analytic[i]
        );
    }
    println!("{name}: maxdiff {maxdiff:e}");
}

#[test]
fn step_3_gradient_of_g_through_frozen_d() {
    for conditional in [false, true] {
        for kind in [
            crate::nn::GeneratorLoss::NonSaturating,
            crate::nn::GeneratorLoss::Minimax,
        ] {
            let mut gan = Gan::new(small_config(conditional, kind)).unwrap();
            gan.sample_fake_batch();
            // D sees G's images plus instance noise, a constant for this check.
            let noise = &gan.d_fake_in.slice(s![.., ..IMAGE_DIM]) - &gan.g.output_view();
            let (loss0, _) = gan.g_gradients().unwrap();
            let analytic = gan.g.grads.clone();
            let d_before = gan.d.params.clone();
            let mut params = gan.g.params.clone();
            let mut probe = gan.clone();
            let loss = |p: &[f32]| {
                probe.g.params.copy_from_slice(p);
                let images = &probe.g.forward(probe.g_in.view()) + &noise;
                probe
                    .d_fake_in
                    .slice_mut(s![.., ..IMAGE_DIM])
                    .assign(&images);
                let logits = probe.d.forward(probe.d_fake_in.view()).to_owned();
                f64::from(generator_loss(
                    kind,
                    &mut [0.0; 4],
                    logits.as_slice().unwrap(),
                ))
            };
            let mut loss = loss;
            assert!((loss(&params) - f64::from(loss0)).abs() < 1e-5);
            check(
                &format!("G through D ({kind:?}, conditional {conditional})"),
                &mut params,
                &analytic,
                loss,
            );
            assert_eq!(gan.d.params, d_before, "step 3 leaves D's weights alone");
        }
    }
}

#[test]
fn steps_1_and_2_gradient_of_d() {
    for conditional in [false, true] {
        let data = tiny_data();
        let mut gan = Gan::new(small_config(conditional, Default::default())).unwrap();
        let stats = gan.d_gradients(&data).unwrap();
        let analytic = gan.d.grads.clone();
        let mut params = gan.d.params.clone();
        let mut probe = gan.clone();
        let smoothing = gan.config.label_smoothing;
        let loss = |p: &[f32]| {
            probe.d.params.copy_from_slice(p);
            let real = probe.d.forward(probe.d_real_in.view()).to_owned();
            let real = bce_with_logits(&mut [0.0; 4], real.as_slice().unwrap(), 1.0 - smoothing);
            let fake = probe.d.forward(probe.d_fake_in.view()).to_owned();
            let fake = bce_with_logits(&mut [0.0; 4], fake.as_slice().unwrap(), 0.0);
            f64::from(real) + f64::from(fake)
        };
        let mut loss = loss;
        assert!((loss(&params) - f64::from(stats.d_loss.unwrap())).abs() < 1e-5);
        check(
            &format!("D (conditional {conditional})"),
            &mut params,
            &analytic,
            loss,
        );
    }
}
