//! Checkpoints: the whole training state (both networks, both optimisers, the random
//! stream, the data order and the counters) in one safetensors file, so that a run saved
//! after N steps and resumed trains bit for bit as if it had never stopped.
//!
//! Layout, format version 1. Tensors, little-endian as safetensors requires:
//!
//! | name                         | dtype | shape        | holds                                  |
//! |------------------------------|-------|--------------|----------------------------------------|
//! | `g.<l>.weight`               | F32   | (in, out)    | G's layer `l` (`Mlp::param_tensors`)   |
//! | `g.<l>.bias`                 | F32   | (out)        |                                        |
//! | `d.<l>.weight`, `d.<l>.bias` | F32   | as for G     | D's layers                             |
//! | `g_avg.<l>.weight`, `.bias`  | F32   | as for G     | G's moving average (`config.g_average`);|
//! |                              |       |              | optional: without it the average starts|
//! |                              |       |              | as G (files from before it existed)    |
//! | `g_opt.m`                    | F32   | (G's params) | SGD's velocity, or Adam's first moment |
//! | `g_opt.v`                    | F32   | (G's params) | Adam's second moment; absent for SGD   |
//! | `d_opt.m`, `d_opt.v`         | F32   | (D's params) | the same for D                         |
//! | `rng`                        | U8    | (49)         | ChaCha8 state: seed, stream, position  |
//! | `sampler.order`              | U32   | (n)          | this epoch's data order (n = 0 before  |
//! |                              |       |              | the first batch)                       |
//! | `history` (optional)         | F64   | (n)          | the page's chart history (below)       |
//!
//! Metadata, every value a string: `format` = `ganplay-checkpoint`, `format_version` =
//! `1`, `config` = the [`GanConfig`] as JSON, and the decimal counters `steps`,
//! `d_updates`, `g_updates`, `images_seen`, `epoch`, `sampler_cursor`, `g_opt_step`,
//! `d_opt_step`.
//!
//! **Compact checkpoints** (metadata `compact` = `1`, written by [`save_compact`] and
//! `ganplay compact`) are what the page fetches as its pretrained models: the three
//! networks' tensors (`g`, `g_avg`, `d`) are F16 instead of F32 and the optimisers' moments
//! are left out, a quarter of the bytes. Loading one starts the optimisers afresh (zero
//! moments, step 0, as Adam does at the start of a run); everything else, the random
//! stream and the data order included, is as saved. docs/checkpoints.md measures what that
//! does to training on from it.
//!
//! `history` is what the page's loss charts show, so that they go on after a save and a
//! load: the numbers [`crate::run::History::to_saved`] gives (its doc has the layout). The
//! native trainer writes none, and files without it load as before (with no history).
//! This module carries it and checks its dtype and rank; `History::from_saved` checks its
//! contents before any of it is used.
//!
//! A checkpoint may come from anywhere (an upload on the page, a file from another
//! version), so `load` checks everything against the stored configuration before it
//! allocates a model, and refuses with an error that names the first thing wrong.

mod error;
pub mod safetensors;
#[cfg(test)]
mod tests;

pub use error::CheckpointError;

use self::safetensors::{check_floats, check_floats16, copy_f32s, serialize, File, Raw};
use crate::data::sampler::BatchSampler;
use crate::gan::{Counters, Gan, GanConfig};
use crate::nn::{Optimizer, OptimizerConfig};
use ::safetensors::Dtype;
use rand::rngs::ChaCha8Rng;
use std::collections::HashMap;

/// Version of the checkpoint layout written by `save`.
pub const FORMAT_VERSION: u32 = 1;

/// The `format` metadata that marks a safetensors file as a ganplay checkpoint.
const FORMAT_NAME: &str = "ganplay-checkpoint";

/// The metadata entry that marks a compact checkpoint, and its value.
const COMPACT: &str = "compact";
const COMPACT_YES: &str = "1";

/// The optional tensor holding the page's chart history.
const HISTORY: &str = "history";

/// Serialises the whole training state into safetensors bytes (layout in the module
/// doc). Equal states give equal bytes.
pub fn save(gan: &Gan) -> Vec<u8> {
    save_with_history(gan, None)
}

/// As [`save`], with the page's chart history if there is one (layout in the module
/// doc). Without one the bytes are exactly `save`'s.
pub fn save_with_history(gan: &Gan, history: Option<&[f64]>) -> Vec<u8> {
    write(gan, history, false)
}

/// A compact checkpoint (see the module doc): the networks in F16, no optimiser state.
/// Loading it gives the same networks to within F16's rounding, and optimisers that
/// start afresh.
pub fn save_compact(gan: &Gan) -> Vec<u8> {
    write(gan, None, true)
}

fn write(gan: &Gan, history: Option<&[f64]>, compact: bool) -> Vec<u8> {
    let mut tensors = Vec::new();
    let networks = [
        ("g", gan.generator()),
        ("g_avg", gan.averaged_generator()),
        ("d", gan.discriminator()),
    ];
    let (g_opt, d_opt) = gan.optimizers();
    for (prefix, mlp) in networks {
        for (name, shape, range) in mlp.param_tensors() {
            let values = &mlp.params[range];
            let raw = if compact {
                Raw::f16(shape, values)
            } else {
                Raw::f32(shape, values)
            };
            tensors.push((format!("{prefix}.{name}"), raw));
        }
    }
    for (prefix, opt) in [("g_opt", g_opt), ("d_opt", d_opt)] {
        if compact {
            break;
        }
        tensors.push((format!("{prefix}.m"), Raw::f32(vec![opt.m.len()], &opt.m)));
        if keeps_second_moment(&opt.config) {
            tensors.push((format!("{prefix}.v"), Raw::f32(vec![opt.v.len()], &opt.v)));
        }
    }
    let rng = gan.rng_state();
    tensors.push((
        "rng".into(),
        Raw {
            dtype: Dtype::U8,
            shape: vec![rng.len()],
            data: rng.to_vec(),
        },
    ));
    let order = &gan.sampler().order;
    let order_bytes = order.iter().flat_map(|i| i.to_le_bytes()).collect();
    tensors.push((
        "sampler.order".into(),
        Raw {
            dtype: Dtype::U32,
            shape: vec![order.len()],
            data: order_bytes,
        },
    ));
    if let Some(history) = history {
        tensors.push((
            HISTORY.into(),
            Raw {
                dtype: Dtype::F64,
                shape: vec![history.len()],
                data: history.iter().flat_map(|v| v.to_le_bytes()).collect(),
            },
        ));
    }

    let counters = gan.counters();
    let mut metadata = HashMap::from([
        ("format".to_string(), FORMAT_NAME.to_string()),
        ("format_version".to_string(), FORMAT_VERSION.to_string()),
        ("config".to_string(), gan.config().to_json()),
    ]);
    if compact {
        metadata.insert(COMPACT.to_string(), COMPACT_YES.to_string());
    }
    for (key, value) in [
        ("steps", counters.steps),
        ("d_updates", counters.d_updates),
        ("g_updates", counters.g_updates),
        ("images_seen", counters.images_seen),
        ("epoch", gan.sampler().epoch),
        ("sampler_cursor", gan.sampler().cursor as u64),
        ("g_opt_step", if compact { 0 } else { g_opt.step }),
        ("d_opt_step", if compact { 0 } else { d_opt.step }),
    ] {
        metadata.insert(key.to_string(), value.to_string());
    }

    serialize(tensors, metadata)
}

/// Rebuilds a GAN from `save`'s bytes, ready to train on exactly as before. Refuses,
/// without panicking, anything that is not a complete, consistent checkpoint. A chart
/// history in the file is checked (see [`load_with_history`]) and left out.
///
/// ```
/// use ganplay::checkpoint::{load, save};
/// use ganplay::data::Dataset;
/// use ganplay::gan::{Gan, GanConfig, IMAGE_DIM, IMAGE_SIDE};
///
/// let images = (0..16 * IMAGE_DIM).map(|i| (i % 5) as f32 / 2.0 - 1.0).collect();
/// let data = Dataset::from_parts(images, vec![1; 16], IMAGE_SIDE, IMAGE_SIDE).unwrap();
/// let mut gan = Gan::new(GanConfig::small()).unwrap();
/// gan.train_step(&data).unwrap();
///
/// let bytes = save(&gan);
/// let mut back = load(&bytes).unwrap();
/// assert_eq!(back.config(), gan.config());
/// assert_eq!(back.counters(), gan.counters());
/// assert_eq!(back.generator().params, gan.generator().params);
/// assert_eq!(save(&back), bytes); // equal states, equal bytes
///
/// // The reloaded GAN trains on exactly as the original does.
/// assert_eq!(back.train_step(&data).unwrap(), gan.train_step(&data).unwrap());
/// assert_eq!(back.discriminator().params, gan.discriminator().params);
///
/// // A cut file is refused, not half-read.
/// assert!(load(&bytes[..bytes.len() - 1]).is_err());
/// ```
pub fn load(bytes: &[u8]) -> Result<Gan, CheckpointError> {
    load_with_history(bytes).map(|(gan, _)| gan)
}

/// As [`load`], and the chart history if the file holds one: checked to be one list of
/// F64 numbers, its contents for the page to check.
pub fn load_with_history(bytes: &[u8]) -> Result<(Gan, Option<Vec<f64>>), CheckpointError> {
    let file = File::parse(bytes)?;

    match file.meta("format") {
        Some(FORMAT_NAME) => {}
        other => {
            return Err(CheckpointError::NotACheckpoint {
                format: other.map(str::to_string),
            })
        }
    }
    let version = file.required_meta("format_version")?;
    if version.parse::<u32>() != Ok(FORMAT_VERSION) {
        return Err(CheckpointError::UnsupportedVersion(version.to_string()));
    }
    let config = GanConfig::from_json(file.required_meta("config")?)
        .map_err(|e| CheckpointError::BadConfig(e.0))?;
    let compact = match file.meta(COMPACT) {
        None => false,
        Some(COMPACT_YES) => true,
        Some(other) => {
            return Err(CheckpointError::BadMetadata {
                key: COMPACT,
                value: other.to_string(),
            })
        }
    };

    let counters = Counters {
        steps: file.count("steps")?,
        d_updates: file.count("d_updates")?,
        g_updates: file.count("g_updates")?,
        images_seen: file.count("images_seen")?,
    };
    let epoch = file.count("epoch")?;
    let cursor = file.count("sampler_cursor")?;
    let g_opt_step = file.count("g_opt_step")?;
    let d_opt_step = file.count("d_opt_step")?;

    // Every tensor, its dtype and shape, before anything is allocated: the model's size
    // comes from the configuration, and the file must really hold that much data.
    let expected = expected_tensors(&config, compact);
    let has_average = file.names().iter().any(|n| n.starts_with("g_avg."));
    for spec in &expected {
        if spec.name.starts_with("g_avg.") && !has_average {
            continue;
        }
        let data = file.tensor(&spec.name, spec.dtype, &spec.shape)?;
        match spec.dtype {
            Dtype::F32 => check_floats(&spec.name, data, spec.nonnegative)?,
            Dtype::F16 => check_floats16(&spec.name, data)?,
            _ => {}
        }
    }
    let order = read_order(&file)?;
    let history = read_history(&file)?;
    if let Some(extra) = file
        .names()
        .into_iter()
        .filter(|n| !is_expected(n, &expected))
        .min()
    {
        return Err(CheckpointError::UnexpectedTensor(extra));
    }
    let sampler = BatchSampler {
        order,
        // Past usize (on wasm32) is past any order too, and refused just below.
        cursor: usize::try_from(cursor).unwrap_or(usize::MAX),
        epoch,
    };
    if sampler.cursor > sampler.order.len() {
        return Err(CheckpointError::BadState(format!(
            "the data-order cursor ({}) is past the end of the order ({} examples)",
            sampler.cursor,
            sampler.order.len()
        )));
    }
    // A permutation of its own length can index any data set of that length, so training
    // can never read past the data; on data of another length the sampler reshuffles.
    if !sampler.fits(sampler.order.len()) {
        return Err(CheckpointError::BadState(format!(
            "the data order is not a permutation of 0..{}",
            sampler.order.len()
        )));
    }

    let mut gan = Gan::new(config).map_err(|e| CheckpointError::BadConfig(e.0))?;
    let state = gan.restore();
    file.fill_params("g", state.g, compact)?;
    if has_average {
        file.fill_params("g_avg", state.g_avg, compact)?;
    } else {
        state.g_avg.params.copy_from_slice(&state.g.params);
    }
    file.fill_params("d", state.d, compact)?;
    if !compact {
        fill_optimizer(&file, "g_opt", state.g_opt, g_opt_step)?;
        fill_optimizer(&file, "d_opt", state.d_opt, d_opt_step)?;
    }
    let rng = file.tensor("rng", Dtype::U8, &[49])?;
    let rng: &[u8; 49] = rng
        .try_into()
        .map_err(|_| CheckpointError::BadState("rng state is not 49 bytes".into()))?;
    *state.rng = ChaCha8Rng::deserialize_state(rng);
    *state.sampler = sampler;
    *state.counters = counters;
    Ok((gan, history))
}

/// Whether an optimiser keeps a second moment (Adam) besides its first (SGD's velocity).
fn keeps_second_moment(config: &OptimizerConfig) -> bool {
    matches!(config, OptimizerConfig::Adam(_))
}

/// One tensor the configuration calls for, with the dtype and shape it must have.
struct Spec {
    name: String,
    dtype: Dtype,
    shape: Vec<usize>,
    /// Adam's second moments are squares: a negative one would make its update NaN.
    nonnegative: bool,
}

/// Every fixed-shape tensor of a checkpoint for `config` (all but `sampler.order`, whose
/// length is the data set's). Parameters follow the layout of `Mlp::param_tensors`
/// without building an `Mlp`; a test checks the two agree.
fn expected_tensors(config: &GanConfig, compact: bool) -> Vec<Spec> {
    let f32_spec = |name: String, shape: Vec<usize>| Spec {
        name,
        dtype: Dtype::F32,
        shape,
        nonnegative: false,
    };
    let param_spec = |name: String, shape: Vec<usize>| Spec {
        dtype: if compact { Dtype::F16 } else { Dtype::F32 },
        ..f32_spec(name, shape)
    };
    let mut specs = Vec::new();
    for (prefix, sizes, opt) in [
        ("g", config.g_sizes(), Some(&config.g_optimizer)),
        ("g_avg", config.g_sizes(), None),
        ("d", config.d_sizes(), Some(&config.d_optimizer)),
    ] {
        let mut count = 0;
        for (l, pair) in sizes.windows(2).enumerate() {
            let (fan_in, fan_out) = (pair[0], pair[1]);
            specs.push(param_spec(
                format!("{prefix}.{l}.weight"),
                vec![fan_in, fan_out],
            ));
            specs.push(param_spec(format!("{prefix}.{l}.bias"), vec![fan_out]));
            count += fan_in * fan_out + fan_out;
        }
        let Some(opt) = opt.filter(|_| !compact) else {
            continue;
        };
        specs.push(f32_spec(format!("{prefix}_opt.m"), vec![count]));
        if keeps_second_moment(opt) {
            let name = format!("{prefix}_opt.v");
            specs.push(Spec {
                nonnegative: true,
                ..f32_spec(name, vec![count])
            });
        }
    }
    specs.push(Spec {
        name: "rng".into(),
        dtype: Dtype::U8,
        shape: vec![49],
        nonnegative: false,
    });
    specs
}

fn is_expected(name: &str, expected: &[Spec]) -> bool {
    name == "sampler.order" || name == HISTORY || expected.iter().any(|s| s.name == name)
}

/// The sampler's data order: U32, one dimension of any length (the data set's size).
fn read_order(file: &File) -> Result<Vec<u32>, CheckpointError> {
    let name = "sampler.order";
    let (_, shape, _) = file.raw(name)?;
    // The data behind this length is in the file: `read_metadata` checked the sizes.
    let len = shape
        .iter()
        .try_fold(1usize, |n, &d| n.checked_mul(d))
        .unwrap_or(0);
    let data = file.tensor(name, Dtype::U32, &[len])?;
    Ok(data
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect())
}

/// The optional chart history: F64, one dimension of any length.
fn read_history(file: &File) -> Result<Option<Vec<f64>>, CheckpointError> {
    if !file.has(HISTORY) {
        return Ok(None);
    }
    let (dtype, shape, data) = file.raw(HISTORY)?;
    if dtype != Dtype::F64 {
        return Err(CheckpointError::BadHistory(format!(
            "its dtype is {dtype}, not F64"
        )));
    }
    if shape.len() != 1 {
        return Err(CheckpointError::BadHistory(format!(
            "its shape is {shape:?}, not one list of numbers"
        )));
    }
    Ok(Some(
        data.chunks_exact(8)
            .map(|c| f64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
            .collect(),
    ))
}

/// Restores an optimiser's moments and step count; its kind and hyperparameters came
/// with the configuration.
fn fill_optimizer(
    file: &File,
    prefix: &str,
    opt: &mut Optimizer,
    step: u64,
) -> Result<(), CheckpointError> {
    let len = opt.m.len();
    copy_f32s(
        &mut opt.m,
        file.tensor(&format!("{prefix}.m"), Dtype::F32, &[len])?,
    );
    if keeps_second_moment(&opt.config) {
        copy_f32s(
            &mut opt.v,
            file.tensor(&format!("{prefix}.v"), Dtype::F32, &[len])?,
        );
    }
    opt.step = step;
    Ok(())
}
