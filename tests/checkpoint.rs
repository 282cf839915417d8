//! Checkpoints: a saved and reloaded run trains on bit for bit as if it had never stopped,
//! and every damaged, forged or foreign file is refused with the right error, never a
//! panic. Hand-built files come from the safetensors crate itself, edited one part at a time.
#![cfg(not(target_arch = "wasm32"))]

use ganplay::checkpoint::{
    load, load_with_history, save, save_with_history, CheckpointError, FORMAT_VERSION,
};
use ganplay::data::Dataset;
use ganplay::gan::{Gan, GanConfig, GRID_SAMPLES, IMAGE_DIM, IMAGE_SIDE};
use ganplay::nn::{GeneratorLoss, OptimizerConfig, SgdConfig};
use ndarray::Array2;
use proptest::prelude::*;
use safetensors::tensor::TensorView;
use safetensors::{Dtype, SafeTensors};
use std::collections::{BTreeMap, HashMap};

/// No hidden layers: a checkpoint of about 57 KB, cheap enough to load thousands of times.
fn tiny_config() -> GanConfig {
    GanConfig {
        noise_dim: 4,
        g_hidden: vec![],
        d_hidden: vec![],
        batch_size: 8,
        ..GanConfig::default()
    }
}

fn sgd() -> OptimizerConfig {
    OptimizerConfig::Sgd(SgdConfig {
        lr: 0.05,
        momentum: 0.9,
    })
}

/// `n` smooth synthetic images in [-1, 1], labelled `i % 10`. With batch 16 and n = 40
/// an epoch is two batches, so the runs below cross many epoch boundaries.
fn data(n: usize) -> Dataset {
    let labels: Vec<u8> = (0..n).map(|i| (i % 10) as u8).collect();
    let images = (0..n * IMAGE_DIM)
        .map(|k| ((k as f32) * 0.37).sin() * 0.9)
        .collect();
    Dataset::from_parts(images, labels, IMAGE_SIDE, IMAGE_SIDE).unwrap()
}

fn trained(config: GanConfig, steps: usize, data: &Dataset) -> Gan {
    let mut gan = Gan::new(config).unwrap();
    for _ in 0..steps {
        gan.train_step(data).unwrap();
    }
    gan
}

fn grid(gan: &mut Gan) -> Array2<f32> {
    let mut out = Array2::zeros((GRID_SAMPLES, IMAGE_DIM));
    gan.generate_grid(out.view_mut());
    out
}

/// A checkpoint of the tiny model after a few steps.
fn tiny_checkpoint() -> Vec<u8> {
    save(&trained(tiny_config(), 3, &data(40)))
}

type Tensors = BTreeMap<String, (Dtype, Vec<usize>, Vec<u8>)>;
type Meta = HashMap<String, String>;

/// Takes a valid checkpoint apart, lets `edit` change its tensors and metadata, and
/// writes it back with the safetensors crate.
fn edited(bytes: &[u8], edit: impl FnOnce(&mut Tensors, &mut Meta)) -> Vec<u8> {
    let (_, header) = SafeTensors::read_metadata(bytes).unwrap();
    let mut meta = header.metadata().clone().unwrap();
    let file = SafeTensors::deserialize(bytes).unwrap();
    let mut tensors: Tensors = file
        .tensors()
        .into_iter()
        .map(|(name, t)| (name, (t.dtype(), t.shape().to_vec(), t.data().to_vec())))
        .collect();
    edit(&mut tensors, &mut meta);
    let views = tensors.iter().map(|(name, (dtype, shape, data))| {
        (
            name.clone(),
            TensorView::new(*dtype, shape.clone(), data).unwrap(),
        )
    });
    safetensors::serialize(views, Some(meta)).unwrap()
}

fn f32_bytes(values: &[f32]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

/// Sets element `index` of an F32 tensor.
fn set_f32(tensors: &mut Tensors, name: &str, index: usize, value: f32) {
    tensors.get_mut(name).unwrap().2[4 * index..4 * index + 4]
        .copy_from_slice(&value.to_le_bytes());
}

fn load_err(bytes: &[u8]) -> CheckpointError {
    match load(bytes) {
        Ok(_) => panic!("a bad checkpoint loaded"),
        Err(e) => e,
    }
}

fn wrong_shape(name: &str, expected: &[usize], actual: &[usize]) -> CheckpointError {
    CheckpointError::WrongShape {
        name: name.into(),
        expected: expected.to_vec(),
        actual: actual.to_vec(),
    }
}

fn wrong_dtype(name: &str, expected: &str, actual: &str) -> CheckpointError {
    CheckpointError::WrongDtype {
        name: name.into(),
        expected: expected.into(),
        actual: actual.into(),
    }
}

fn non_finite(name: &str, index: usize, value: f32) -> CheckpointError {
    CheckpointError::NonFinite {
        name: name.into(),
        index,
        value,
    }
}

fn is_not_safetensors(e: &CheckpointError) -> bool {
    matches!(e, CheckpointError::NotSafetensors(_))
}

fn is_truncated(e: &CheckpointError) -> bool {
    matches!(e, CheckpointError::Truncated(_))
}

#[test]
fn round_trip_restores_the_state_and_the_samples() {
    let data = data(40);
    for config in [
        GanConfig::small(),
        GanConfig {
            conditional: true,
            g_optimizer: sgd(),
            ..GanConfig::small()
        },
    ] {
        let mut original = trained(config, 5, &data);
        let bytes = save(&original);
        let mut loaded = load(&bytes).unwrap();

        assert_eq!(loaded.config(), original.config());
        assert_eq!(loaded.counters(), original.counters());
        assert_eq!(loaded.epoch(), original.epoch());
        assert_eq!(loaded.generator().params, original.generator().params);
        assert_eq!(
            loaded.discriminator().params,
            original.discriminator().params
        );
        assert_eq!(grid(&mut loaded), grid(&mut original));
        // Saving is deterministic, so equal bytes mean every saved part (optimiser
        // moments, random stream, data order) came back exactly.
        assert_eq!(save(&original), bytes, "saving twice gives the same bytes");
        assert_eq!(
            save(&loaded),
            bytes,
            "a loaded checkpoint saves to the same bytes"
        );
    }
}

/// The page's chart history rides along: back bit for bit (NaN included), optional, and
/// a file without one is byte for byte what `save` writes.
#[test]
fn the_chart_history_round_trips_and_is_optional() {
    let gan = trained(tiny_config(), 3, &data(40));
    // [records, stride, last step's 4 values, then rows of 5]; NaN where not measured.
    let history = [
        3.0,
        1.0,
        0.7,
        1.3,
        0.6,
        0.4, //
        1.0,
        1.4,
        0.69,
        0.5,
        0.5, //
        2.0,
        f64::NAN,
        1.2,
        f64::NAN,
        0.45, //
        3.0,
        0.7,
        1.3,
        0.6,
        0.4,
    ];
    let bytes = save_with_history(&gan, Some(&history));
    let (loaded, back) = load_with_history(&bytes).unwrap();
    let back = back.expect("the history was saved");
    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(&back), bits(&history));
    assert_eq!(save(&loaded), save(&gan), "the training state is unchanged");
    assert!(
        load(&bytes).is_ok(),
        "a reader that wants no history skips it"
    );

    let without = save_with_history(&gan, None);
    assert_eq!(without, save(&gan));
    assert_eq!(load_with_history(&without).unwrap().1, None);
    assert_eq!(
        load_with_history(&save_with_history(&gan, Some(&[])))
            .unwrap()
            .1,
        Some(vec![])
    );
}

/// The pretrained models were saved before checkpoints held a history: they still load,
/// with none.
#[test]
fn an_older_checkpoint_without_a_history_loads() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/www/models/uncond.safetensors");
    let bytes = std::fs::read(path).unwrap();
    let (gan, history) = load_with_history(&bytes).unwrap();
    assert_eq!(history, None);
    assert_eq!(gan.counters().steps, 5_000);
}

#[test]
fn refuses_a_history_of_another_dtype_or_shape() {
    let bytes = save_with_history(&trained(tiny_config(), 1, &data(40)), Some(&[1.0; 6]));
    let as_f32 = edited(&bytes, |tensors, _| {
        tensors.insert(
            "history".into(),
            (Dtype::F32, vec![6], f32_bytes(&[1.0; 6])),
        );
    });
    let as_table = edited(&bytes, |tensors, _| {
        tensors.get_mut("history").unwrap().1 = vec![2, 3];
    });
    for (file, expected) in [
        (
            as_f32,
            "checkpoint chart history is malformed: its dtype is F32, not F64",
        ),
        (
            as_table,
            "checkpoint chart history is malformed: its shape is [2, 3], not one list of numbers",
        ),
    ] {
        assert_eq!(load_err(&file).to_string(), expected);
        assert!(load_with_history(&file).is_err());
    }
}

#[test]
fn resume_equals_uninterrupted_training() {
    let data = data(40);
    let configs = [
        ("unconditional, Adam", GanConfig::small()),
        (
            "unconditional, SGD",
            GanConfig {
                g_optimizer: sgd(),
                d_optimizer: sgd(),
                ..GanConfig::small()
            },
        ),
        (
            "conditional, Adam, k = 2",
            GanConfig {
                conditional: true,
                d_steps: 2,
                label_smoothing: 0.1,
                ..GanConfig::small()
            },
        ),
        (
            "conditional, SGD, minimax",
            GanConfig {
                conditional: true,
                generator_loss: GeneratorLoss::Minimax,
                g_optimizer: sgd(),
                d_optimizer: sgd(),
                ..GanConfig::small()
            },
        ),
    ];
    for (what, config) in configs {
        let mut a = trained(config.clone(), 30, &data);
        let b = trained(config, 12, &data);
        let mut c = load(&save(&b)).unwrap();
        drop(b);
        for _ in 0..18 {
            c.train_step(&data).unwrap();
        }
        assert!(
            a.generator().params == c.generator().params,
            "{what}: G differs after resuming"
        );
        assert!(
            a.discriminator().params == c.discriminator().params,
            "{what}: D differs after resuming"
        );
        assert_eq!(a.counters(), c.counters(), "{what}");
        assert_eq!(a.epoch(), c.epoch(), "{what}");
        assert_eq!(
            a.train_step(&data).unwrap(),
            c.train_step(&data).unwrap(),
            "{what}: next step differs"
        );
    }
}

#[test]
fn resume_from_an_untrained_model() {
    // Before the first batch the data order is empty: a zero-length tensor.
    let data = data(40);
    let fresh = Gan::new(GanConfig::small()).unwrap();
    let bytes = save(&fresh);
    let file = SafeTensors::deserialize(&bytes).unwrap();
    assert_eq!(file.tensor("sampler.order").unwrap().shape(), &[0]);

    let mut a = trained(GanConfig::small(), 10, &data);
    let mut c = load(&bytes).unwrap();
    for _ in 0..10 {
        c.train_step(&data).unwrap();
    }
    assert!(a.generator().params == c.generator().params);
    assert_eq!(a.train_step(&data).unwrap(), c.train_step(&data).unwrap());
}

#[test]
fn resume_after_changing_hyperparameters() {
    // A new learning rate, then a switch from Adam to SGD (fresh moments, step 0), both
    // before the save: the checkpoint must carry the configuration in force.
    let data = data(40);
    let run = |gan: &mut Gan, steps: usize| {
        for _ in 0..steps {
            gan.train_step(&data).unwrap();
        }
    };
    let change = |gan: &mut Gan| {
        let faster = OptimizerConfig::Adam(ganplay::nn::AdamConfig {
            lr: 1e-3,
            ..Default::default()
        });
        gan.set_hyperparameters(GanConfig {
            g_optimizer: faster,
            d_optimizer: sgd(),
            ..gan.config().clone()
        })
        .unwrap();
    };
    let mut a = trained(GanConfig::small(), 6, &data);
    change(&mut a);
    run(&mut a, 6);

    let mut b = trained(GanConfig::small(), 6, &data);
    change(&mut b);
    run(&mut b, 2);
    let mut c = load(&save(&b)).unwrap();
    assert_eq!(c.config(), b.config());
    run(&mut c, 4);
    assert!(a.generator().params == c.generator().params);
    assert!(a.discriminator().params == c.discriminator().params);
}

#[test]
fn the_layout_is_as_documented() {
    let gan = trained(
        GanConfig {
            d_optimizer: sgd(),
            ..GanConfig::small()
        },
        2,
        &data(40),
    );
    let bytes = save(&gan);
    let (_, header) = SafeTensors::read_metadata(&bytes).unwrap();
    let meta = header.metadata().clone().unwrap();
    assert_eq!(meta["format"], "ganplay-checkpoint");
    assert_eq!(meta["format_version"], FORMAT_VERSION.to_string());
    assert_eq!(
        GanConfig::from_json(&meta["config"]).unwrap(),
        *gan.config()
    );
    for (key, value) in [
        ("steps", "2"),
        ("d_updates", "2"),
        ("g_updates", "2"),
        ("images_seen", "32"),
    ] {
        assert_eq!(meta[key], value, "{key}");
    }
    for key in ["epoch", "sampler_cursor", "g_opt_step", "d_opt_step"] {
        assert!(meta[key].parse::<u64>().is_ok(), "{key}");
    }

    let file = SafeTensors::deserialize(&bytes).unwrap();
    let mut names = file.names();
    names.sort();
    let expected = [
        "d.0.bias",
        "d.0.weight",
        "d.1.bias",
        "d.1.weight",
        "d_opt.m",
        "g.0.bias",
        "g.0.weight",
        "g.1.bias",
        "g.1.weight",
        "g_avg.0.bias",
        "g_avg.0.weight",
        "g_avg.1.bias",
        "g_avg.1.weight",
        "g_opt.m",
        "g_opt.v",
        "rng",
        "sampler.order",
    ];
    assert_eq!(names, expected, "SGD (D here) keeps no second moment");
    let shape = |name: &str| file.tensor(name).unwrap().shape().to_vec();
    assert_eq!(shape("g.0.weight"), [8, 32]);
    assert_eq!(shape("g.1.weight"), [32, IMAGE_DIM]);
    assert_eq!(shape("d.1.bias"), [1]);
    assert_eq!(shape("g_opt.v"), [gan.generator().params.len()]);
    assert_eq!(shape("rng"), [49]);
    assert_eq!(shape("sampler.order"), [40]);
    assert_eq!(file.tensor("rng").unwrap().dtype(), Dtype::U8);
    assert_eq!(file.tensor("sampler.order").unwrap().dtype(), Dtype::U32);
    let weight = file.tensor("g.1.weight").unwrap();
    assert_eq!(
        weight.data(),
        f32_bytes(&gan.generator().params[8 * 32 + 32..][..32 * IMAGE_DIM])
    );
}

#[test]
fn refuses_empty_and_random_bytes() {
    assert!(is_not_safetensors(&load_err(&[])));
    assert!(is_not_safetensors(&load_err(&[0; 7])));
    assert!(
        is_not_safetensors(&load_err(&[0; 8])),
        "a zero-length header is not JSON"
    );
    // A fixed xorshift stream, with and without a plausible header length in front.
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    let random: Vec<u8> = (0..4096)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    assert!(is_not_safetensors(&load_err(&random)));
    let mut plausible = random.clone();
    plausible[..8].copy_from_slice(&100u64.to_le_bytes());
    assert!(is_not_safetensors(&load_err(&plausible)));
}

#[test]
fn refuses_every_truncation() {
    let bytes = tiny_checkpoint();
    for len in 0..bytes.len() {
        let e = load_err(&bytes[..len]);
        // Up to the 8-byte header length and nothing after it there is nothing to
        // recognise; from the header's first byte on, a cut checkpoint is called one.
        if len > 8 {
            assert!(is_truncated(&e), "prefix of {len} bytes: {e}");
        } else {
            assert!(is_not_safetensors(&e), "prefix of {len} bytes: {e}");
        }
    }
    let mut longer = bytes.clone();
    longer.push(0);
    let e = load_err(&longer);
    assert!(is_not_safetensors(&e), "trailing bytes: {e}");
    assert!(e.to_string().contains("bytes after the last tensor"), "{e}");
}

#[test]
fn refuses_a_lying_header_length() {
    let bytes = tiny_checkpoint();
    let header_len = u64::from_le_bytes(bytes[..8].try_into().unwrap());
    for lie in [
        u64::MAX,
        1 << 40,
        bytes.len() as u64,
        header_len + 8,
        header_len - 8,
        1,
    ] {
        let mut forged = bytes.clone();
        forged[..8].copy_from_slice(&lie.to_le_bytes());
        let e = load_err(&forged);
        assert!(
            is_not_safetensors(&e) || is_truncated(&e),
            "header length {lie}: {e}"
        );
    }
}

/// A header of 16 one-byte-dtype tensors whose offsets run to `usize::MAX - 15`, with no
/// data at all. safetensors 0.8 adds the header length to that end unchecked; `load` must
/// refuse it before that overflow can panic (it would in debug builds).
#[test]
fn refuses_forged_offsets_that_would_overflow() {
    let big = 1u64 << 60;
    let mut entries = vec![r#""__metadata__":{"format":"ganplay-checkpoint"}"#.to_string()];
    let mut start = 0u64;
    for i in 0..16 {
        let size = if i == 15 { big - 16 } else { big };
        entries.push(format!(
            r#""t{i:02}":{{"dtype":"U8","shape":[{size}],"data_offsets":[{start},{}]}}"#,
            start + size
        ));
        start += size;
    }
    let header = format!("{{{}}}", entries.join(","));
    let mut forged = (header.len() as u64).to_le_bytes().to_vec();
    forged.extend(header.as_bytes());
    let e = load_err(&forged);
    assert!(is_truncated(&e), "{e}");
    assert!(e.to_string().contains("past the end of the file"), "{e}");
}

/// A file that is not a checkpoint at all is refused with that first, in words, and the
/// detail second (issue: a text file renamed `.safetensors` was refused with only "its
/// header claims 7526676540175443304 bytes").
#[test]
fn refusals_of_files_that_are_not_checkpoints_say_so_first() {
    let text = b"hello there, these are my notes\n";
    assert_eq!(
        load_err(text).to_string(),
        "this file is not a ganplay checkpoint: its header claims 7526676540175443304 \
         bytes; a checkpoint's is under 1048576"
    );
    assert_eq!(
        load_err(&[]).to_string(),
        "this file is not a ganplay checkpoint: the file is empty"
    );
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0";
    let mut not_json = 6u64.to_le_bytes().to_vec();
    not_json.extend(b"hello!");
    let mut not_a_header = 8u64.to_le_bytes().to_vec();
    not_a_header.extend(b"[1,2,3] ");
    let mut header_longer_than_file = 200u64.to_le_bytes().to_vec();
    header_longer_than_file.extend(b"plain words, not JSON");
    let bytes = tiny_checkpoint();
    let mut trailing = bytes.clone();
    trailing.extend(b"more");
    let no_format = edited(&bytes, |_, meta| {
        meta.remove("format");
    });
    for (what, file, detail) in [
        ("a short file", &b"hello"[..], "only 5 bytes long"),
        ("a PNG", &png[..], "its header claims"),
        ("a header that is not JSON", &not_json[..], "not the JSON"),
        (
            "JSON that is not a header",
            &not_a_header[..],
            "not the JSON",
        ),
        (
            "a header past the end",
            &header_longer_than_file[..],
            "only 21 follow",
        ),
        (
            "bytes after the data",
            &trailing[..],
            "bytes after the last tensor",
        ),
        ("no format entry", &no_format[..], "no `format` entry"),
    ] {
        let message = load_err(file).to_string();
        assert!(
            message.starts_with("this file is not a ganplay checkpoint: "),
            "{what}: {message}"
        );
        assert!(message.contains(detail), "{what}: {message}");
    }
    // A checkpoint cut short is one, and says so.
    let message = load_err(&bytes[..bytes.len() / 2]).to_string();
    assert!(
        message.starts_with("this checkpoint file is incomplete: ")
            && message.contains("truncated"),
        "{message}"
    );
    let message = load_err(&bytes[..20]).to_string();
    assert!(message.contains("ends inside its header"), "{message}");
}

#[test]
fn refuses_files_that_are_not_checkpoints() {
    let bytes = tiny_checkpoint();
    let no_format = edited(&bytes, |_, meta| {
        meta.remove("format");
    });
    assert_eq!(
        load_err(&no_format),
        CheckpointError::NotACheckpoint { format: None }
    );
    let other = edited(&bytes, |_, meta| {
        meta.insert("format".into(), "pt".into());
    });
    assert_eq!(
        load_err(&other),
        CheckpointError::NotACheckpoint {
            format: Some("pt".into())
        }
    );
    // A safetensors file with tensors but no metadata at all, as other programs write.
    let plain = safetensors::serialize(
        [("w", TensorView::new(Dtype::F32, vec![1], &[0; 4]).unwrap())],
        None,
    )
    .unwrap();
    assert_eq!(
        load_err(&plain),
        CheckpointError::NotACheckpoint { format: None }
    );
}

#[test]
fn refuses_other_format_versions() {
    let bytes = tiny_checkpoint();
    for version in ["2", "0", "1.0", "", "one"] {
        let forged = edited(&bytes, |_, meta| {
            meta.insert("format_version".into(), version.into());
        });
        assert_eq!(
            load_err(&forged),
            CheckpointError::UnsupportedVersion(version.into())
        );
    }
    let missing = edited(&bytes, |_, meta| {
        meta.remove("format_version");
    });
    assert_eq!(
        load_err(&missing),
        CheckpointError::MissingMetadata("format_version")
    );
    assert!(load_err(&edited(&bytes, |_, meta| {
        meta.insert("format_version".into(), "2".into());
    }))
    .to_string()
    .contains("reads version 1"));
}

#[test]
fn refuses_bad_configurations() {
    let bytes = tiny_checkpoint();
    let with_config = |json: &str| {
        edited(&bytes, |_, meta| {
            meta.insert("config".into(), json.into());
        })
    };
    assert!(matches!(
        load_err(&with_config("not json")),
        CheckpointError::BadConfig(_)
    ));
    assert!(matches!(
        load_err(&with_config(r#"{"noise_dims": 4}"#)),
        CheckpointError::BadConfig(_)
    ));
    let zero_batch = GanConfig {
        batch_size: 0,
        ..tiny_config()
    }
    .to_json();
    match load_err(&with_config(&zero_batch)) {
        CheckpointError::BadConfig(why) => assert!(why.contains("batch size"), "{why}"),
        e => panic!("{e}"),
    }
    let missing = edited(&bytes, |_, meta| {
        meta.remove("config");
    });
    assert_eq!(
        load_err(&missing),
        CheckpointError::MissingMetadata("config")
    );
}

#[test]
fn refuses_missing_and_unexpected_tensors() {
    let bytes = tiny_checkpoint();
    for name in [
        "d.0.bias",
        "g.0.weight",
        "g_opt.m",
        "d_opt.v",
        "rng",
        "sampler.order",
    ] {
        let forged = edited(&bytes, |t, _| {
            t.remove(name);
        });
        assert_eq!(
            load_err(&forged),
            CheckpointError::MissingTensor(name.into()),
            "{name}"
        );
    }
    let extra = edited(&bytes, |t, _| {
        let w = t["g.0.weight"].clone();
        t.insert("g.1.weight".into(), w);
    });
    assert_eq!(
        load_err(&extra),
        CheckpointError::UnexpectedTensor("g.1.weight".into())
    );

    // SGD keeps no second moment: a `v` is refused rather than silently ignored.
    let sgd_bytes = save(&trained(
        GanConfig {
            g_optimizer: sgd(),
            ..tiny_config()
        },
        2,
        &data(40),
    ));
    assert!(load(&sgd_bytes).is_ok());
    let with_v = edited(&sgd_bytes, |t, _| {
        let m = t["g_opt.m"].clone();
        t.insert("g_opt.v".into(), m);
    });
    assert_eq!(
        load_err(&with_v),
        CheckpointError::UnexpectedTensor("g_opt.v".into())
    );
}

#[test]
fn refuses_wrong_shapes() {
    let bytes = tiny_checkpoint();
    // The configuration asks for a wider G input than the weights have.
    let wider = edited(&bytes, |_, meta| {
        meta.insert(
            "config".into(),
            GanConfig {
                noise_dim: 5,
                ..tiny_config()
            }
            .to_json(),
        );
    });
    let e = load_err(&wider);
    assert_eq!(e, wrong_shape("g.0.weight", &[5, 784], &[4, 784]));
    assert_eq!(
        e.to_string(),
        "checkpoint tensor g.0.weight has shape [4, 784] but the configuration needs [5, 784]"
    );

    // Same element count, transposed.
    let transposed = edited(&bytes, |t, _| {
        t.get_mut("g.0.weight").unwrap().1 = vec![784, 4]
    });
    assert_eq!(
        load_err(&transposed),
        wrong_shape("g.0.weight", &[4, 784], &[784, 4])
    );

    let short_moment = edited(&bytes, |t, _| {
        let m = t.get_mut("d_opt.m").unwrap();
        m.1 = vec![m.1[0] - 1];
        m.2.truncate(m.2.len() - 4);
    });
    assert_eq!(
        load_err(&short_moment),
        wrong_shape("d_opt.m", &[785], &[784])
    );

    let short_rng = edited(&bytes, |t, _| {
        let rng = t.get_mut("rng").unwrap();
        rng.1 = vec![48];
        rng.2.pop();
    });
    assert_eq!(load_err(&short_rng), wrong_shape("rng", &[49], &[48]));

    let order_2d = edited(&bytes, |t, _| {
        t.get_mut("sampler.order").unwrap().1 = vec![2, 20]
    });
    assert_eq!(
        load_err(&order_2d),
        wrong_shape("sampler.order", &[40], &[2, 20])
    );
}

#[test]
fn refuses_wrong_dtypes() {
    let bytes = tiny_checkpoint();
    let f64_bias = edited(&bytes, |t, _| {
        let b = t.get_mut("g.0.bias").unwrap();
        b.0 = Dtype::F64;
        b.2 = b.2.repeat(2);
    });
    assert_eq!(load_err(&f64_bias), wrong_dtype("g.0.bias", "F32", "F64"));
    let i8_rng = edited(&bytes, |t, _| t.get_mut("rng").unwrap().0 = Dtype::I8);
    assert_eq!(load_err(&i8_rng), wrong_dtype("rng", "U8", "I8"));
    let i32_order = edited(&bytes, |t, _| {
        t.get_mut("sampler.order").unwrap().0 = Dtype::I32
    });
    assert_eq!(
        load_err(&i32_order),
        wrong_dtype("sampler.order", "U32", "I32")
    );
}

#[test]
fn refuses_non_finite_values() {
    let bytes = tiny_checkpoint();
    let nan = edited(&bytes, |t, _| set_f32(t, "d.0.weight", 5, f32::NAN));
    let e = load_err(&nan);
    // NaN != NaN, so this one is checked through its message.
    assert_eq!(
        e.to_string(),
        "checkpoint tensor d.0.weight holds NaN at element 5; the saved model had diverged, \
         so resume from an earlier checkpoint"
    );
    let inf = edited(&bytes, |t, _| set_f32(t, "g_opt.m", 0, f32::INFINITY));
    assert_eq!(load_err(&inf), non_finite("g_opt.m", 0, f32::INFINITY));
    let neg_inf = edited(&bytes, |t, _| set_f32(t, "g_opt.v", 7, f32::NEG_INFINITY));
    assert_eq!(
        load_err(&neg_inf),
        non_finite("g_opt.v", 7, f32::NEG_INFINITY)
    );
    // Adam's second moment is a running mean of squares; a negative one would make the
    // next update NaN.
    let negative = edited(&bytes, |t, _| set_f32(t, "d_opt.v", 3, -1e-3));
    assert!(
        matches!(load_err(&negative), CheckpointError::BadState(why) if why.contains("d_opt.v"))
    );
}

#[test]
fn refuses_bad_counters_and_sampler_state() {
    let bytes = tiny_checkpoint();
    for key in [
        "steps",
        "d_updates",
        "g_updates",
        "images_seen",
        "epoch",
        "sampler_cursor",
        "g_opt_step",
        "d_opt_step",
    ] {
        for value in [
            "-1",
            "",
            "12abc",
            "1e3",
            "9007199254740993",
            "18446744073709551616",
        ] {
            let forged = edited(&bytes, |_, meta| {
                meta.insert(key.into(), value.into());
            });
            assert_eq!(
                load_err(&forged),
                CheckpointError::BadMetadata {
                    key,
                    value: value.into()
                }
            );
        }
        let missing = edited(&bytes, |_, meta| {
            meta.remove(key);
        });
        assert_eq!(load_err(&missing), CheckpointError::MissingMetadata(key));
    }
    let past_end = edited(&bytes, |_, meta| {
        meta.insert("sampler_cursor".into(), "41".into());
    });
    assert!(
        matches!(load_err(&past_end), CheckpointError::BadState(why) if why.contains("cursor"))
    );
    let at_end = edited(&bytes, |_, meta| {
        meta.insert("sampler_cursor".into(), "40".into());
    });
    assert!(
        load(&at_end).is_ok(),
        "a cursor at the end starts the next epoch"
    );

    let repeated = edited(&bytes, |t, _| {
        let order = &mut t.get_mut("sampler.order").unwrap().2;
        let first = order[..4].to_vec();
        order[4..8].copy_from_slice(&first);
    });
    assert!(
        matches!(load_err(&repeated), CheckpointError::BadState(why) if why.contains("permutation"))
    );
    let out_of_range = edited(&bytes, |t, _| {
        t.get_mut("sampler.order").unwrap().2[..4].copy_from_slice(&40u32.to_le_bytes());
    });
    assert!(matches!(
        load_err(&out_of_range),
        CheckpointError::BadState(_)
    ));
}

#[test]
fn error_messages_are_single_lines() {
    let errors = [
        CheckpointError::NotSafetensors("header too large".into()),
        CheckpointError::Truncated("the file ends inside its header".into()),
        CheckpointError::NotACheckpoint { format: None },
        CheckpointError::NotACheckpoint {
            format: Some("pt".into()),
        },
        CheckpointError::MissingMetadata("steps"),
        CheckpointError::BadMetadata {
            key: "steps",
            value: "x".into(),
        },
        CheckpointError::UnsupportedVersion("2".into()),
        CheckpointError::BadConfig("batch size must be in 1..=1024, got 0".into()),
        CheckpointError::MissingTensor("g.0.weight".into()),
        CheckpointError::UnexpectedTensor("g.9.weight".into()),
        CheckpointError::WrongDtype {
            name: "rng".into(),
            expected: "U8".into(),
            actual: "F32".into(),
        },
        CheckpointError::WrongShape {
            name: "rng".into(),
            expected: vec![49],
            actual: vec![48],
        },
        CheckpointError::NonFinite {
            name: "g.0.bias".into(),
            index: 3,
            value: f32::NAN,
        },
        CheckpointError::BadState("the data order is not a permutation of 0..40".into()),
        CheckpointError::BadHistory("its dtype is F32, not F64".into()),
    ];
    for e in errors {
        let message = e.to_string();
        assert!(
            !message.contains('\n') && message.starts_with(|c: char| c.is_lowercase()),
            "{message}"
        );
    }
}

/// Offset just past the header of a checkpoint: where its tensor data starts.
fn data_start(bytes: &[u8]) -> usize {
    8 + u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize
}

/// Up to `max_len` arbitrary bytes.
fn bytes(max_len: usize) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 0..max_len)
}

/// 1 to `max` (position, bit mask) pairs for `flipped`.
fn flips(max: usize) -> impl Strategy<Value = Vec<(usize, u8)>> {
    prop::collection::vec((any::<usize>(), any::<u8>()), 1..=max)
}

/// Flips bits of `bytes` at positions picked (modulo `span`) from `flips`.
fn flipped(bytes: &[u8], span: usize, flips: &[(usize, u8)]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    for &(at, mask) in flips {
        out[at % span] ^= mask.max(1);
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    #[test]
    fn load_never_panics_on_arbitrary_bytes(bytes in bytes(2048)) {
        prop_assert!(load(&bytes).is_err());
    }

    /// Arbitrary bytes behind a header length that fits them, so parsing gets further.
    #[test]
    fn load_never_panics_on_arbitrary_headers(
        header in bytes(512),
        tail in bytes(64),
    ) {
        let mut bytes = (header.len() as u64).to_le_bytes().to_vec();
        bytes.extend(header);
        bytes.extend(tail);
        prop_assert!(load(&bytes).is_err());
    }

    #[test]
    fn load_never_panics_on_flipped_bytes(flips in flips(8)) {
        let bytes = tiny_checkpoint_cached();
        let forged = flipped(bytes, bytes.len(), &flips);
        // Flips in the data may leave a valid checkpoint; one that loads must save again.
        if let Ok(gan) = load(&forged) {
            prop_assert!(load(&save(&gan)).is_ok());
        }
    }

    #[test]
    fn load_never_panics_on_flipped_header_bytes(flips in flips(4)) {
        let bytes = tiny_checkpoint_cached();
        let forged = flipped(bytes, data_start(bytes), &flips);
        if let Ok(gan) = load(&forged) {
            prop_assert!(load(&save(&gan)).is_ok());
        }
    }
}

fn tiny_checkpoint_cached() -> &'static [u8] {
    static BYTES: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    BYTES.get_or_init(tiny_checkpoint)
}
