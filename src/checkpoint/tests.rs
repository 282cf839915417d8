//! The checkpoint format's own tests: the layout against the networks, round trips,
//! old files without the average, compact files.

use super::safetensors::{File, Raw};
use super::*;
use crate::data::Dataset;
use crate::gan::{IMAGE_DIM, IMAGE_SIDE};
use crate::nn::SgdConfig;

fn config(conditional: bool) -> GanConfig {
    GanConfig {
        noise_dim: 8,
        g_hidden: vec![32, 16],
        d_hidden: vec![32],
        batch_size: 16,
        conditional,
        d_optimizer: OptimizerConfig::Sgd(SgdConfig::default()),
        ..GanConfig::default()
    }
}

#[test]
fn expected_layout_matches_mlp_param_tensors() {
    for conditional in [false, true] {
        let config = config(conditional);
        let gan = Gan::new(config.clone()).unwrap();
        let mut from_mlps: Vec<(String, Vec<usize>)> = Vec::new();
        for (prefix, mlp) in [
            ("g", gan.generator()),
            ("g_avg", gan.averaged_generator()),
            ("d", gan.discriminator()),
        ] {
            for (name, shape, range) in mlp.param_tensors() {
                assert_eq!(shape.iter().product::<usize>(), range.len());
                from_mlps.push((format!("{prefix}.{name}"), shape));
            }
        }
        let from_config: Vec<(String, Vec<usize>)> = expected_tensors(&config, false)
            .into_iter()
            .filter(|s| s.name.contains(".weight") || s.name.contains(".bias"))
            .map(|s| (s.name, s.shape))
            .collect();
        let (mut a, mut b) = (from_mlps, from_config);
        a.sort();
        b.sort();
        assert_eq!(a, b);
        let moment = |name: &str| {
            expected_tensors(&config, false)
                .into_iter()
                .find(|s| s.name == name)
                .map(|s| s.shape)
        };
        assert_eq!(moment("g_opt.m"), Some(vec![gan.generator().params.len()]));
        assert_eq!(moment("g_opt.v"), Some(vec![gan.generator().params.len()]));
        assert_eq!(
            moment("d_opt.m"),
            Some(vec![gan.discriminator().params.len()])
        );
        assert_eq!(moment("d_opt.v"), None, "SGD keeps no second moment");
    }
}

#[test]
fn round_trip_restores_optimisers_random_stream_and_data_order() {
    let labels: Vec<u8> = (0..40).map(|i| (i % 10) as u8).collect();
    let images = (0..40 * IMAGE_DIM)
        .map(|k| ((k as f32) * 0.37).sin() * 0.9)
        .collect();
    let data = Dataset::from_parts(images, labels, IMAGE_SIDE, IMAGE_SIDE).unwrap();
    let mut gan = Gan::new(config(true)).unwrap();
    for _ in 0..5 {
        gan.train_step(&data).unwrap();
    }
    let loaded = load(&save(&gan)).unwrap();
    assert_eq!(loaded.optimizers().0, gan.optimizers().0);
    assert_eq!(loaded.optimizers().1, gan.optimizers().1);
    assert!(loaded.optimizers().1.v.is_empty());
    assert_eq!(loaded.sampler(), gan.sampler());
    assert_eq!(loaded.sampler().order.len(), 40);
    assert_eq!(loaded.rng_state(), gan.rng_state());
    assert_eq!(loaded.counters(), gan.counters());
    assert_eq!(
        loaded.averaged_generator().params,
        gan.averaged_generator().params
    );
    assert_ne!(
        loaded.averaged_generator().params,
        loaded.generator().params,
        "the average lags G"
    );
}

/// The file `bytes` written again with only the tensors `keep` accepts, and its
/// metadata as `edit` leaves it.
fn rewritten(
    bytes: &[u8],
    keep: impl Fn(&str) -> bool,
    edit: impl FnOnce(&mut HashMap<String, String>),
) -> Vec<u8> {
    let file = File::parse(bytes).unwrap();
    let tensors: Vec<(String, Raw)> = file
        .names()
        .into_iter()
        .filter(|name| keep(name))
        .map(|name| {
            let (dtype, shape, data) = file.raw(&name).unwrap();
            let raw = Raw {
                dtype,
                shape: shape.to_vec(),
                data: data.to_vec(),
            };
            (name, raw)
        })
        .collect();
    let mut metadata = file.metadata().unwrap().clone();
    edit(&mut metadata);
    ::safetensors::serialize(tensors, Some(metadata)).unwrap()
}

fn small_data() -> Dataset {
    let labels: Vec<u8> = (0..40).map(|i| (i % 10) as u8).collect();
    let images = (0..40 * IMAGE_DIM)
        .map(|k| ((k as f32) * 0.21).cos() * 0.9)
        .collect();
    Dataset::from_parts(images, labels, IMAGE_SIDE, IMAGE_SIDE).unwrap()
}

#[test]
fn a_file_without_the_average_starts_it_as_g() {
    let data = small_data();
    let mut gan = Gan::new(config(false)).unwrap();
    for _ in 0..3 {
        gan.train_step(&data).unwrap();
    }
    // A checkpoint as written before the average existed: no g_avg tensors.
    let old = rewritten(&save(&gan), |name| !name.starts_with("g_avg."), |_| {});
    let loaded = load(&old).unwrap();
    assert_eq!(loaded.averaged_generator().params, gan.generator().params);
    assert_eq!(loaded.generator().params, gan.generator().params);
}

#[test]
fn compact_checkpoints_round_weights_to_f16_and_restart_the_optimisers() {
    let data = small_data();
    let mut gan = Gan::new(config(true)).unwrap();
    for _ in 0..4 {
        gan.train_step(&data).unwrap();
    }
    let full = save(&gan);
    let compact = save_compact(&gan);
    assert!(
        compact.len() * 3 < full.len(),
        "{} vs {} bytes",
        compact.len(),
        full.len()
    );
    let mut loaded = load(&compact).unwrap();
    for (a, b) in [
        (&loaded.generator().params, &gan.generator().params),
        (
            &loaded.averaged_generator().params,
            &gan.averaged_generator().params,
        ),
        (&loaded.discriminator().params, &gan.discriminator().params),
    ] {
        for (x, y) in a.iter().zip(b.iter()) {
            assert!(
                (x - y).abs() <= y.abs() * 2f32.powi(-11) + 1e-7,
                "{x} vs {y}"
            );
        }
    }
    assert_eq!(loaded.optimizers().0.step, 0);
    assert!(loaded.optimizers().0.m.iter().all(|&m| m == 0.0));
    assert!(loaded.optimizers().1.m.iter().all(|&m| m == 0.0));
    assert_eq!(loaded.counters(), gan.counters());
    assert_eq!(loaded.sampler(), gan.sampler());
    assert_eq!(loaded.rng_state(), gan.rng_state());
    loaded.train_step(&data).unwrap();
    // A compact file saved again is the same file.
    assert_eq!(save_compact(&load(&compact).unwrap()), compact);
    // A bad marker is refused, by name.
    let forged = rewritten(
        &compact,
        |_| true,
        |metadata| {
            metadata.insert(COMPACT.into(), "yes".into());
        },
    );
    assert_eq!(
        load(&forged).err(),
        Some(CheckpointError::BadMetadata {
            key: COMPACT,
            value: "yes".into()
        })
    );
}
