//! Finite-difference checks of the training loop's own gradients in the 1-D and 2-D
//! worlds (data width 1 and 2), with the checker `tests.rs` uses for the digits: D's in
//! steps 1–2 and G's through the frozen D in step 3, with the instance noise and smoothing
//! of the worlds' default recipe.

use super::tests::{check, d_loss, g_loss};
use super::*;
use crate::data::Dataset;
use crate::nn::GeneratorLoss;
use ndarray::s;

fn small(world: World) -> (GanConfig, Dataset) {
    let config = GanConfig {
        g_hidden: vec![8],
        d_hidden: vec![8],
        batch_size: 4,
        label_smoothing: 0.1,
        d_input_noise: 0.02,
        ..world.default_config()
    };
    let data = world.generate(3).unwrap();
    (config, data)
}

#[test]
fn gradients_at_data_width_1_and_2() {
    for world in [World::Mixture2, World::Ring8] {
        let dim = world.dim();
        let (config, data) = small(world);
        // D, steps 1–2.
        let mut gan = Gan::new(config.clone()).unwrap();
        let stats = gan.d_gradients(&data).unwrap();
        let analytic = gan.d.grads.clone();
        let mut params = gan.d.params.clone();
        let mut probe = gan.clone();
        let smoothing = config.label_smoothing;
        let mut loss = |p: &[f32]| {
            probe.d.params.copy_from_slice(p);
            d_loss(&mut probe.d, &probe.d_real_in, 1.0 - smoothing)
                + d_loss(&mut probe.d, &probe.d_fake_in, 0.0)
        };
        assert!((loss(&params) - f64::from(stats.d_loss.unwrap())).abs() < 1e-5);
        check(&format!("D at width {dim}"), &mut params, &analytic, loss);

        // G through the frozen D, step 3.
        let mut gan = Gan::new(config).unwrap();
        gan.sample_fake_batch();
        let noise = &gan.d_fake_in.slice(s![.., ..dim]) - &gan.g.output_view();
        let (loss0, _) = gan.g_gradients().unwrap();
        let analytic = gan.g.grads.clone();
        let mut params = gan.g.params.clone();
        let mut probe = gan.clone();
        let mut loss = |p: &[f32]| {
            probe.g.params.copy_from_slice(p);
            let points = &probe.g.forward(probe.g_in.view()) + &noise;
            probe.d_fake_in.slice_mut(s![.., ..dim]).assign(&points);
            g_loss(GeneratorLoss::NonSaturating, &mut probe.d, &probe.d_fake_in)
        };
        assert!((loss(&params) - f64::from(loss0)).abs() < 1e-5);
        check(&format!("G at width {dim}"), &mut params, &analytic, loss);
    }
}
