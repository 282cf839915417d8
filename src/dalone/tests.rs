//! D alone on synthetic digits: its ascent finds images it scores higher than noise, its
//! training separates real digits from its negatives, the run is its seed's, and bad
//! settings or data are refused with the reason, the run unchanged.

use super::*;

/// 64 images 28×28: digit d is a bright bar in column 2d+4 on black.
fn bars() -> Dataset {
    let n = 64;
    let labels: Vec<u8> = (0..n).map(|i| (i % 10) as u8).collect();
    let mut pixels = vec![-1.0f32; n * IMAGE_DIM];
    for (i, &l) in labels.iter().enumerate() {
        for row in 0..28 {
            pixels[i * IMAGE_DIM + row * 28 + 2 * usize::from(l) + 4] = 1.0;
        }
    }
    Dataset::from_parts(pixels, labels, 28, 28).unwrap()
}

fn small() -> DAloneConfig {
    DAloneConfig {
        d_hidden: vec![32],
        negatives: 32,
        d_steps: 30,
        batch_size: 16,
        lr: 2e-3,
        ascent_steps: 20,
        ..DAloneConfig::default()
    }
}

#[test]
fn a_round_trains_d_and_its_ascent_beats_noise() {
    let data = bars();
    let mut run = DAlone::new(small()).unwrap();
    for round in 1..=3 {
        let stats = run.round(&data).unwrap();
        assert_eq!(stats.round, round);
        // D learned to tell the bars from its negatives...
        assert!(
            stats.d_real > stats.d_old_negatives + 0.3,
            "round {round}: {stats:?}"
        );
        // ...and its best images, found by ascent, score well above the noise they began as.
        assert!(
            stats.d_new_negatives > stats.d_noise + 0.1,
            "round {round}: {stats:?}"
        );
        assert!(stats.d_loss.is_finite());
        assert!(run.negatives().iter().all(|p| (-1.0..=1.0).contains(p)));
    }
    assert_eq!(run.rounds(), 3);
}

#[test]
fn the_run_is_its_seeds() {
    let data = bars();
    let negatives = |seed| {
        let mut run = DAlone::new(DAloneConfig { seed, ..small() }).unwrap();
        run.round(&data).unwrap();
        run.negatives().to_owned()
    };
    assert_eq!(negatives(1), negatives(1));
    assert_ne!(negatives(1), negatives(2));
}

#[test]
fn bad_settings_and_data_are_refused() {
    for (config, says) in [
        (
            DAloneConfig {
                negatives: 0,
                ..small()
            },
            "negatives",
        ),
        (
            DAloneConfig {
                lr: f32::NAN,
                ..small()
            },
            "learning rate",
        ),
        (
            DAloneConfig {
                ascent_rate: 0.0,
                ..small()
            },
            "ascent rate",
        ),
        (
            DAloneConfig {
                d_hidden: vec![],
                ..small()
            },
            "hidden",
        ),
    ] {
        let err = DAlone::new(config).err().expect("refused");
        assert!(err.contains(says), "{err}");
    }
    let mut run = DAlone::new(small()).unwrap();
    let before = run.negatives().to_owned();
    let points = Dataset::from_parts(vec![0.0; 2 * 40], vec![0; 40], 1, 2).unwrap();
    let err = run.round(&points).unwrap_err();
    assert!(err.contains("28×28"), "{err}");
    let few = Dataset::from_parts(vec![0.0; 4 * IMAGE_DIM], vec![0; 4], 28, 28).unwrap();
    let err = run.round(&few).unwrap_err();
    assert!(err.contains("larger than the data set"), "{err}");
    assert_eq!(run.rounds(), 0);
    assert_eq!(run.negatives(), before.view());
}
