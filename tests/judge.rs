//! The judge: it learns digits from the crate's own layers (accuracy on a held-out split
//! after a short run), its file round-trips and refuses garbage, and it judges real
//! digits as real (small Fréchet distance, every class present) and a collapsed "G" as
//! collapsed.
#![cfg(not(target_arch = "wasm32"))]

use ganplay::data::gz::builtin_mnist;
use ganplay::gan::{Gan, GanConfig};
use ganplay::judge::metrics::{frechet_distance, QualityAccumulator, VANISHED_SHARE};
use ganplay::judge::{evaluate, Judge, JudgeConfig};

/// A small judge, quick to train: one hidden layer of 64 then 32 features, 3 epochs.
fn small_judge() -> Judge {
    let data = builtin_mnist().expect("the built-in digits load");
    let config = JudgeConfig {
        hidden: vec![64, 32],
        epochs: 3,
        ..JudgeConfig::default()
    };
    let mut epochs = Vec::new();
    let judge = Judge::train(&data, &config, |e, loss| epochs.push((e, loss))).unwrap();
    assert_eq!(epochs.len(), 3);
    assert!(epochs[2].1 < epochs[0].1, "the loss falls: {epochs:?}");
    judge
}

#[test]
fn a_short_run_learns_digits_and_judges_real_ones_as_real() {
    let mut judge = small_judge();
    let info = judge.info.clone();
    println!("held-out accuracy {:.4}", info.accuracy);
    assert!(info.accuracy > 0.85, "accuracy {}", info.accuracy);
    assert_eq!(info.train_count + info.held_out_count, 10_000);
    assert!((990..=1010).contains(&info.held_out_count));

    // The held-out digits: all ten classes, about 10% each, and close to the real stats.
    let data = builtin_mnist().unwrap();
    let (_, held_out) = ganplay::judge::split(&data, 10);
    let mut acc = QualityAccumulator::new(judge.feature_dim());
    judge.judge_into(&mut acc, held_out.images(), Some(held_out.labels()));
    let real = acc.finish(&judge.real);
    assert!(
        real.vanished(VANISHED_SHARE).is_empty(),
        "{:?}",
        real.counts
    );
    assert!(real.min_class_share() > 0.05);

    // An untrained G draws noise-like blobs: far from the digits.
    let mut gan = Gan::new(GanConfig::default()).unwrap();
    let fake = evaluate(&mut gan, &mut judge, 500);
    assert_eq!(fake.n, 500);
    assert_eq!(fake.agreement, None);
    println!("FD real {:.3}, untrained G {:.3}", real.fd, fake.fd);
    assert!(
        real.fd * 10.0 < fake.fd,
        "real {} vs untrained G {}",
        real.fd,
        fake.fd
    );

    // File round trip: the same verdicts.
    let mut loaded = Judge::from_bytes(&judge.to_bytes()).unwrap();
    assert_eq!(loaded.real, judge.real.clone().rounded_to_f32());
    assert_eq!(loaded.sizes(), judge.sizes());
    let again = evaluate(&mut gan, &mut loaded, 500);
    assert_eq!(again.counts, fake.counts);
    assert!((again.fd - fake.fd).abs() < 1e-3 * fake.fd.max(1.0));
    assert!((loaded.info.accuracy - info.accuracy).abs() < 1e-4);
    assert!(frechet_distance(&loaded.real, &judge.real) < 1e-6);
}

#[test]
fn conditional_models_report_label_agreement() {
    let mut judge = small_judge();
    let mut gan = Gan::new(GanConfig {
        conditional: true,
        ..GanConfig::default()
    })
    .unwrap();
    let q = evaluate(&mut gan, &mut judge, 100);
    let a = q.agreement.expect("conditional");
    assert!((0.0..=1.0).contains(&a));
}

#[test]
fn bad_judge_files_are_refused_with_a_reason() {
    for (bytes, expected) in [
        (&b""[..], "not a judge file"),
        (&b"garbage that is not safetensors"[..], "not a judge file"),
    ] {
        let err = Judge::from_bytes(bytes).unwrap_err();
        assert!(err.0.contains(expected), "{err}");
    }
    // A GAN checkpoint is a safetensors file, but not a judge.
    let gan = Gan::new(GanConfig {
        g_hidden: vec![8],
        d_hidden: vec![8],
        noise_dim: 4,
        ..GanConfig::default()
    })
    .unwrap();
    let err = Judge::from_bytes(&ganplay::checkpoint::save(&gan)).unwrap_err();
    assert!(err.0.contains("ganplay-judge"), "{err}");
    // A truncated judge.
    let judge = small_judge();
    let bytes = judge.to_bytes();
    let err = Judge::from_bytes(&bytes[..bytes.len() / 2]).unwrap_err();
    assert!(err.0.starts_with("this judge file is incomplete"), "{err}");
}
