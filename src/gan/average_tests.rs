//! The moving average of G's weights (`GanConfig::g_average`): its update rule and
//! warm-up, that samples come from it (or from G on request), that training never reads
//! it, and that snapshots keep it.

use super::tests::{tiny_config, tiny_data};
use super::*;
use crate::nn::GeneratorLoss;

fn gan(decay: f32) -> Gan {
    Gan::new(GanConfig {
        g_average: decay,
        ..tiny_config(false, GeneratorLoss::NonSaturating)
    })
    .unwrap()
}

#[test]
fn each_g_update_moves_the_average_a_warmed_up_share_of_the_way() {
    let data = tiny_data();
    let mut gan = gan(0.999);
    assert_eq!(gan.g_avg.params, gan.g.params, "the average starts as G");
    let mut before = gan.g_avg.params.clone();
    for t in 1..=30u64 {
        gan.train_step(&data).unwrap();
        // After t updates β = min(0.999, (1 + t) / (10 + t)): 2/11 after the first.
        let beta = 0.999f32.min((1.0 + t as f32) / (10.0 + t as f32));
        for ((&a, &prev), &g) in gan.g_avg.params.iter().zip(&before).zip(&gan.g.params) {
            let want = prev + (1.0 - beta) * (g - prev);
            assert!(
                (a - want).abs() <= 1e-6 * (1.0 + want.abs()),
                "{a} vs {want}"
            );
        }
        before.clone_from(&gan.g_avg.params);
    }
    assert_ne!(gan.g_avg.params, gan.g.params);
    // A hand G step folds in too.
    gan.g_step().unwrap();
    assert_ne!(gan.g_avg.params, before);
}

#[test]
fn training_never_reads_the_average() {
    let data = tiny_data();
    let (mut on, mut off) = (gan(0.999), gan(0.0));
    for _ in 0..20 {
        on.train_step(&data).unwrap();
        off.train_step(&data).unwrap();
    }
    assert_eq!(on.g.params, off.g.params);
    assert_eq!(on.d.params, off.d.params);
    assert_eq!(off.g_avg.params, off.g.params, "decay 0: the average is G");
}

#[test]
fn samples_come_from_the_average_unless_asked_for_g() {
    let data = tiny_data();
    let mut gan = gan(0.999);
    for _ in 0..20 {
        gan.train_step(&data).unwrap();
    }
    let z = fixed_noise(5, 3, gan.config().noise_dim);
    let images = |gan: &mut Gan| {
        let mut out = Array2::zeros((3, IMAGE_DIM));
        gan.generate(z.view(), &[0; 3], out.view_mut());
        out
    };
    assert!(gan.samples_from_average());
    let averaged = images(&mut gan);
    gan.set_samples_from_average(false);
    let raw = images(&mut gan);
    assert_ne!(averaged, raw);
    assert_eq!(raw, gan.g.clone().infer(z.view()).to_owned());
    assert_eq!(averaged, gan.g_avg.clone().infer(z.view()).to_owned());
    // The choice is a way of looking: training goes on the same either way.
    let mut twin = gan.clone();
    twin.set_samples_from_average(true);
    gan.train_step(&data).unwrap();
    twin.train_step(&data).unwrap();
    assert_eq!(gan.g.params, twin.g.params);
}

#[test]
fn a_snapshot_keeps_the_average() {
    let data = tiny_data();
    let mut gan = gan(0.999);
    for _ in 0..5 {
        gan.train_step(&data).unwrap();
    }
    let snapshot = gan.snapshot().unwrap();
    let kept = gan.g_avg.params.clone();
    for _ in 0..5 {
        gan.train_step(&data).unwrap();
    }
    assert_ne!(gan.g_avg.params, kept);
    gan.restore_snapshot(&snapshot).unwrap();
    assert_eq!(gan.g_avg.params, kept);
}
