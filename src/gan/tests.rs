//! Finite-difference checks of the gradients the training loop itself computes: D's in
//! steps 1–2 and G's through the frozen D in step 3, with `nn::gradcheck` (the checker
//! tests/gradients.rs uses too).

use super::*;
use crate::data::Dataset;
use crate::nn::loss::{bce_with_logits, generator_loss};
use crate::nn::GeneratorLoss;
use ndarray::s;

// Smaller than in tests/gradients.rs: a first-layer weight moves a pre-activation by up to
// `h`, and with hundreds of inputs a LeakyReLU kink is otherwise within reach.
const H: f32 = 1e-3;

/// `GanConfig::small()` smaller still (noise 6, hidden 8, batches of 4), with the given
/// conditioning and G's loss: the networks of this file's checks and of the divergence
/// and average tests.
pub(super) fn tiny_config(conditional: bool, generator_loss: GeneratorLoss) -> GanConfig {
    GanConfig {
        noise_dim: 6,
        g_hidden: vec![8],
        d_hidden: vec![8],
        batch_size: 4,
        conditional,
        generator_loss,
        ..GanConfig::small()
    }
}

pub(super) fn tiny_data() -> Dataset {
    let images = (0..8 * IMAGE_DIM)
        .map(|i| ((i * 37 % 101) as f32 / 50.0) - 1.0)
        .collect();
    Dataset::from_parts(images, (0..8).collect(), IMAGE_SIDE, IMAGE_SIDE).unwrap()
}

/// Checks `analytic` against central differences of `loss` over a spread of 300 indices
/// (every index of a network with at most 300 parameters), with step [`H`].
pub(super) fn check(
    name: &str,
    params: &mut [f32],
    analytic: &[f32],
    loss: impl FnMut(&[f32]) -> f64,
) {
    crate::nn::gradcheck::check_spread(name, params, analytic, H, 300, loss);
}

/// D's loss on `input` (a batch of 4) against `target`, in f64.
pub(super) fn d_loss(d: &mut Mlp, input: &Array2<f32>, target: f32) -> f64 {
    let logits = d.forward(input.view()).to_owned();
    let loss = bce_with_logits(&mut [0.0; 4], logits.as_slice().unwrap(), target);
    f64::from(loss)
}

/// G's loss of kind `kind` through D, for D's fake input `input` (a batch of 4), in f64.
pub(super) fn g_loss(kind: GeneratorLoss, d: &mut Mlp, input: &Array2<f32>) -> f64 {
    let logits = d.forward(input.view()).to_owned();
    let loss = generator_loss(kind, &mut [0.0; 4], logits.as_slice().unwrap());
    f64::from(loss)
}

#[test]
fn step_3_gradient_of_g_through_frozen_d() {
    for conditional in [false, true] {
        for kind in [GeneratorLoss::NonSaturating, GeneratorLoss::Minimax] {
            let mut gan = Gan::new(tiny_config(conditional, kind)).unwrap();
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
                g_loss(kind, &mut probe.d, &probe.d_fake_in)
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
        let mut gan = Gan::new(tiny_config(conditional, Default::default())).unwrap();
        let stats = gan.d_gradients(&data).unwrap();
        let analytic = gan.d.grads.clone();
        let mut params = gan.d.params.clone();
        let mut probe = gan.clone();
        let smoothing = gan.config.label_smoothing;
        // Conditional: the wrong-label term too, at the default recipe's weight.
        let mismatch = if conditional {
            gan.config.d_mismatch
        } else {
            0.0
        };
        assert!(!conditional || mismatch > 0.0);
        let loss = |p: &[f32]| {
            probe.d.params.copy_from_slice(p);
            let real = d_loss(&mut probe.d, &probe.d_real_in, 1.0 - smoothing);
            let wrong = if conditional {
                d_loss(&mut probe.d, &probe.d_wrong_in, 0.0)
            } else {
                0.0
            };
            let fake = d_loss(&mut probe.d, &probe.d_fake_in, 0.0);
            real + f64::from(mismatch) * wrong + fake
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

#[test]
fn wrong_labels_pair_each_real_image_with_another_digit() {
    let data = tiny_data();
    let mut gan = Gan::new(tiny_config(true, Default::default())).unwrap();
    gan.d_gradients(&data).unwrap();
    for ((real, wrong), &i) in gan
        .d_real_in
        .rows()
        .into_iter()
        .zip(gan.d_wrong_in.rows())
        .zip(&gan.batch_idx)
    {
        assert_eq!(real.slice(s![..IMAGE_DIM]), wrong.slice(s![..IMAGE_DIM]));
        let hot: Vec<usize> = (0..NUM_CLASSES)
            .filter(|&c| wrong[IMAGE_DIM + c] == 1.0)
            .collect();
        assert_eq!(hot.len(), 1, "one-hot");
        assert_eq!(wrong.slice(s![IMAGE_DIM..]).sum(), 1.0);
        assert_ne!(
            hot[0],
            usize::from(data.label(i)),
            "the label is a wrong one"
        );
    }
}

#[test]
fn wrong_labels_are_off_in_the_plain_recipe_and_when_unconditional() {
    let data = tiny_data();
    for config in [
        GanConfig {
            d_mismatch: 0.0,
            ..tiny_config(true, Default::default())
        },
        tiny_config(false, Default::default()),
    ] {
        let mut off = Gan::new(config.clone()).unwrap();
        let mut weighted = Gan::new(GanConfig {
            d_mismatch: 2.0,
            ..config.clone()
        })
        .unwrap();
        if !config.conditional {
            // Unconditional: the weight changes nothing at all.
            for _ in 0..3 {
                assert_eq!(off.train_step(&data), weighted.train_step(&data));
            }
            assert_eq!(off.d.params, weighted.d.params);
        } else {
            let a = off.d_gradients(&data).unwrap();
            let b = weighted.d_gradients(&data).unwrap();
            assert_ne!(a.d_loss, b.d_loss, "weight 2 adds a term");
            assert_eq!(
                a.d_real, b.d_real,
                "D(x) is the right-label score either way"
            );
        }
    }
    assert_eq!(GanConfig::plain().d_mismatch, 0.0);
}

/// What the term is for: trained with it, D tells a digit with its own label from the same
/// digit with another; trained without it, hardly at all.
#[test]
fn wrong_labels_teach_d_to_read_the_label() {
    let data = tiny_data();
    let gap = |d_mismatch: f32| {
        let mut gan = Gan::new(GanConfig {
            d_mismatch,
            d_hidden: vec![32],
            d_optimizer: crate::nn::OptimizerConfig::Adam(crate::nn::AdamConfig {
                lr: 5e-3,
                ..Default::default()
            }),
            ..tiny_config(true, Default::default())
        })
        .unwrap();
        for _ in 0..1000 {
            gan.d_step(&data).unwrap();
        }
        let n = data.len();
        let images = Array2::from_shape_vec((n, IMAGE_DIM), data.images().to_vec()).unwrap();
        let right: Vec<u8> = (0..n).map(|i| data.label(i)).collect();
        let wrong: Vec<u8> = right.iter().map(|l| (l + 5) % 10).collect();
        let (mut p_right, mut p_wrong) = (vec![0.0; n], vec![0.0; n]);
        gan.discriminate(images.view(), &right, &mut p_right);
        gan.discriminate(images.view(), &wrong, &mut p_wrong);
        let mean = |v: &[f32]| v.iter().sum::<f32>() / v.len() as f32;
        mean(&p_right) - mean(&p_wrong)
    };
    let (with, without) = (gap(1.0), gap(0.0));
    println!("D(x, right) - D(x, wrong): {with} with the term, {without} without");
    assert!(with > 0.15, "with the term: {with}");
    assert!(without.abs() < 0.05, "without: {without}");
}
