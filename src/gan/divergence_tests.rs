//! Divergence is caught at the step and phase that produced it: a poisoned weight, or a
//! learning rate far too high, stops training with `TrainError::Diverged` right there,
//! and the GAN refuses to train on until it is replaced.

use super::divergence::thousands;
use super::tests::{tiny_config, tiny_data};
use super::*;
use crate::nn::{OptimizerConfig, SgdConfig};

fn diverged_at(err: TrainError) -> (u64, Phase, String) {
    match err {
        TrainError::Diverged { step, phase, what } => (step, phase, what),
        other => panic!("expected Diverged, got {other:?}"),
    }
}

/// The step in the message is written as the page writes numbers ("step 10,207", not
/// "step 10207").
#[test]
fn the_message_writes_the_step_with_thousands_separators() {
    let err = |step| TrainError::Diverged {
        step,
        phase: Phase::Generator,
        what: "G's loss became NaN".into(),
    };
    assert!(err(10_207)
        .to_string()
        .starts_with("G's loss became NaN at step 10,207 (phase: "));
    assert!(err(212).to_string().contains(" at step 212 "));
    let counts = [0, 999, 1_000, 999_999, 1_000_000, u64::MAX].map(thousands);
    assert_eq!(
        counts,
        [
            "0",
            "999",
            "1,000",
            "999,999",
            "1,000,000",
            "18,446,744,073,709,551,615"
        ]
    );
}

#[test]
fn a_poisoned_d_weight_stops_the_next_phase_and_training_stays_stopped() {
    let data = tiny_data();
    let mut gan = Gan::new(tiny_config(false, Default::default())).unwrap();
    for _ in 0..3 {
        gan.train_step(&data).unwrap();
    }
    gan.d.params[0] = f32::NAN;
    let err = gan.advance(&data).unwrap_err();
    let (step, phase, what) = diverged_at(err.clone());
    assert_eq!((step, phase), (4, Phase::Real));
    assert!(what.contains("D's loss"), "{what}");
    let message = err.to_string();
    assert!(
        message.contains("at step 4 (phase: D on real digits)")
            && message.contains("learning rate"),
        "{message}"
    );
    // Sticky: nothing trains on, and nothing was counted.
    assert_eq!(gan.train_step(&data), Err(err.clone()));
    assert_eq!(gan.d_step(&data), Err(err.clone()));
    assert_eq!(gan.g_step(), Err(err.clone()));
    assert_eq!(gan.divergence(), Some(&err));
    assert_eq!(gan.counters().steps, 3);
    assert_eq!(gan.phase(), None);
}

#[test]
fn a_poisoned_g_weight_is_caught_in_d_on_fakes() {
    let data = tiny_data();
    let mut gan = Gan::new(tiny_config(false, Default::default())).unwrap();
    gan.train_step(&data).unwrap();
    gan.g.params[0] = f32::NAN;
    let (step, phase, what) = diverged_at(gan.train_step(&data).unwrap_err());
    assert_eq!((step, phase), (2, Phase::Fake));
    assert_eq!(what, "D's loss became NaN");
    // D's update on that loss was not applied.
    assert!(first_non_finite(&gan.d.params).is_none());
}

#[test]
fn a_huge_learning_rate_is_caught_at_the_step_that_produced_it() {
    let data = tiny_data();
    let sgd = OptimizerConfig::Sgd(SgdConfig {
        lr: 10.0,
        momentum: 0.9,
    });
    let mut gan = Gan::new(GanConfig {
        g_optimizer: sgd,
        d_optimizer: sgd,
        ..tiny_config(false, Default::default())
    })
    .unwrap();
    for _ in 0..10_000 {
        let before = gan.counters().steps;
        match gan.advance(&data) {
            Ok(_) => {
                // Every phase that returned Ok left finite weights.
                assert!(gan
                    .g
                    .params
                    .iter()
                    .chain(&gan.d.params)
                    .all(|v| v.is_finite()));
            }
            Err(err) => {
                let (step, _, _) = diverged_at(err);
                assert_eq!(step, before + 1);
                return;
            }
        }
    }
    panic!("lr 10 with momentum should have diverged within 10,000 phases");
}

#[test]
fn first_non_finite_finds_the_first_bad_value() {
    let mut v = vec![0.5f32; 5000];
    assert_eq!(first_non_finite(&v), None);
    v[4097] = f32::INFINITY;
    v[4500] = f32::NAN;
    assert_eq!(first_non_finite(&v), Some((4097, f32::INFINITY)));
}

/// The cost of the weight check on the default networks' parameters, printed
/// (docs/robustness.md, "Divergence"):
/// `cargo test --release --lib finite_scan_cost -- --ignored --nocapture`.
#[test]
#[ignore = "a measurement, not a test"]
fn finite_scan_cost() {
    let gan = Gan::new(GanConfig::default()).unwrap();
    let params: Vec<f32> = gan.g.params.iter().chain(&gan.d.params).copied().collect();
    let runs = 200;
    let start = std::time::Instant::now();
    for _ in 0..runs {
        assert!(first_non_finite(std::hint::black_box(&params)).is_none());
    }
    let ms = start.elapsed().as_secs_f64() * 1e3 / f64::from(runs);
    println!(
        "finite scan of {} parameters (G and D): {ms:.3} ms",
        params.len()
    );
}
