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
//! load: the numbers `Playground::export_history` gives (`src/wasm/recovery.rs`),
//! `[records, stride, d_loss, g_loss, d_real, d_fake, rows…]`, each row `[record, d_loss,
//! g_loss, d_real, d_fake]`, NaN where a step measured nothing. The native trainer writes
//! none, and files without it load as before (with no history). This module carries it
//! and checks its dtype and rank; the page checks its contents before using any of it.
//!
//! A checkpoint may come from anywhere (an upload on the page, a file from another
//! version), so `load` checks everything against the stored configuration before it
//! allocates a model, and refuses with an error that names the first thing wrong.

use crate::data::sampler::BatchSampler;
use crate::gan::{Counters, Gan, GanConfig};
use crate::nn::{Mlp, Optimizer, OptimizerConfig};
use rand::rngs::ChaCha8Rng;
use safetensors::tensor::Metadata;
use safetensors::{Dtype, SafeTensorError, SafeTensors, View};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fmt;

/// Version of the checkpoint layout written by `save`.
pub const FORMAT_VERSION: u32 = 1;

/// The `format` metadata that marks a safetensors file as a ganplay checkpoint.
const FORMAT_NAME: &str = "ganplay-checkpoint";

/// The metadata entry that marks a compact checkpoint, and its value.
const COMPACT: &str = "compact";
const COMPACT_YES: &str = "1";

/// The optional tensor holding the page's chart history.
const HISTORY: &str = "history";

/// Bytes of the length prefix in front of a safetensors header.
const PREFIX_LEN: usize = 8;

/// Largest header `load` reads. Ours are a few kilobytes (the configuration and about 30
/// tensor entries); the cap bounds the work a forged length can cause.
const MAX_HEADER_LEN: usize = 1 << 20;

/// Largest counter `load` accepts, 2^53. No run gets near it (that is 9·10^15 steps); the
/// headroom means the trainer's increments can never overflow, and every counter stays
/// exact as a JavaScript number.
const MAX_COUNT: u64 = 1 << 53;

/// Why a checkpoint could not be read. Each message names what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub enum CheckpointError {
    /// The bytes are not a safetensors file at all (empty, too short, a header no
    /// checkpoint has, or one that is not safetensors JSON): the detail says which.
    NotSafetensors(String),
    /// The file starts as a checkpoint does but ends too early: cut short in its header
    /// or its data.
    Truncated(String),
    /// A safetensors file, but its `format` metadata (if any, shown) does not mark it
    /// as a ganplay checkpoint.
    NotACheckpoint { format: Option<String> },
    /// A metadata entry every checkpoint has is missing.
    MissingMetadata(&'static str),
    /// A metadata entry holds something other than what it should (e.g. a counter that is
    /// not a whole number).
    BadMetadata { key: &'static str, value: String },
    /// The checkpoint was written in another layout version (the value as found).
    UnsupportedVersion(String),
    /// The stored configuration is not valid JSON, or a value is out of range.
    BadConfig(String),
    /// A tensor the configuration calls for is absent.
    MissingTensor(String),
    /// A tensor the configuration has no place for.
    UnexpectedTensor(String),
    /// A tensor stored with another element type than ganplay writes.
    WrongDtype {
        name: String,
        expected: String,
        actual: String,
    },
    /// A tensor whose shape does not fit the configuration.
    WrongShape {
        name: String,
        expected: Vec<usize>,
        actual: Vec<usize>,
    },
    /// A weight or optimiser moment that is NaN or infinite (first such element shown).
    NonFinite {
        name: String,
        index: usize,
        value: f32,
    },
    /// The training state is inconsistent (e.g. a data-order cursor past its end).
    BadState(String),
    /// The chart history is not what `Playground::export_history` writes.
    BadHistory(String),
}

impl fmt::Display for CheckpointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use CheckpointError::*;
        match self {
            NotSafetensors(why) => write!(f, "this file is not a ganplay checkpoint: {why}"),
            Truncated(why) => write!(
                f,
                "this checkpoint file is incomplete: {why}; it was probably truncated (a \
                 download or copy that did not finish)"
            ),
            NotACheckpoint { format: None } => write!(
                f,
                "this file is not a ganplay checkpoint: it is a safetensors file, but its \
                 metadata has no `format` entry"
            ),
            NotACheckpoint {
                format: Some(found),
            } => write!(
                f,
                "this file is not a ganplay checkpoint: it is a safetensors file, but its \
                 format is {found:?}, not {FORMAT_NAME:?}"
            ),
            MissingMetadata(key) => write!(
                f,
                "checkpoint metadata has no `{key}` entry; the file is incomplete or was not \
                 written by ganplay"
            ),
            BadMetadata { key, value } => write!(
                f,
                "checkpoint metadata `{key}` is {value:?}, which is not a whole number in \
                 0..={MAX_COUNT}"
            ),
            UnsupportedVersion(found) => write!(
                f,
                "checkpoint format version {found:?} is not supported: this ganplay reads \
                 version {FORMAT_VERSION} (was the file written by a newer ganplay?)"
            ),
            BadConfig(why) => write!(f, "checkpoint configuration is invalid: {why}"),
            MissingTensor(name) => write!(
                f,
                "checkpoint has no tensor {name}, which the configuration needs; the file is \
                 incomplete or was written for another model"
            ),
            UnexpectedTensor(name) => write!(
                f,
                "checkpoint has a tensor {name} that the configuration has no place for; the \
                 file was written for another model or edited"
            ),
            WrongDtype {
                name,
                expected,
                actual,
            } => write!(
                f,
                "checkpoint tensor {name} has dtype {actual} but ganplay stores it as {expected}"
            ),
            WrongShape {
                name,
                expected,
                actual,
            } => write!(
                f,
                "checkpoint tensor {name} has shape {actual:?} but the configuration needs \
                 {expected:?}"
            ),
            NonFinite { name, index, value } => write!(
                f,
                "checkpoint tensor {name} holds {value} at element {index}; the saved model had \
                 diverged, so resume from an earlier checkpoint"
            ),
            BadState(why) => write!(f, "checkpoint training state is inconsistent: {why}"),
            BadHistory(why) => write!(f, "checkpoint chart history is malformed: {why}"),
        }
    }
}

impl std::error::Error for CheckpointError {}

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
    for (prefix, mlp) in [("g", &gan.g), ("g_avg", &gan.g_avg), ("d", &gan.d)] {
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
    for (prefix, opt) in [("g_opt", &gan.g_opt), ("d_opt", &gan.d_opt)] {
        if compact {
            break;
        }
        tensors.push((format!("{prefix}.m"), Raw::f32(vec![opt.m.len()], &opt.m)));
        if keeps_second_moment(&opt.config) {
            tensors.push((format!("{prefix}.v"), Raw::f32(vec![opt.v.len()], &opt.v)));
        }
    }
    let rng = gan.rng.serialize_state();
    tensors.push((
        "rng".into(),
        Raw {
            dtype: Dtype::U8,
            shape: vec![rng.len()],
            data: rng.to_vec(),
        },
    ));
    let order = &gan.sampler.order;
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

    let counters = gan.counters;
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
        ("epoch", gan.sampler.epoch),
        ("sampler_cursor", gan.sampler.cursor as u64),
        ("g_opt_step", if compact { 0 } else { gan.g_opt.step }),
        ("d_opt_step", if compact { 0 } else { gan.d_opt.step }),
    ] {
        metadata.insert(key.to_string(), value.to_string());
    }

    // `serialize` fails only on a header over 100 MB or a size overflowing usize; ours is
    // a few kilobytes and every tensor is a copy of a buffer that exists.
    let bytes =
        safetensors::serialize(tensors, Some(metadata)).expect("a checkpoint always serialises");
    sort_header(bytes)
}

/// Rebuilds a GAN from `save`'s bytes, ready to train on exactly as before. Refuses,
/// without panicking, anything that is not a complete, consistent checkpoint. A chart
/// history in the file is checked (see [`load_with_history`]) and left out.
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
    let order = file.order()?;
    let history = file.history()?;
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
    file.fill_params("g", &mut gan.g, compact)?;
    if has_average {
        file.fill_params("g_avg", &mut gan.g_avg, compact)?;
    } else {
        gan.g_avg.params.copy_from_slice(&gan.g.params);
    }
    file.fill_params("d", &mut gan.d, compact)?;
    if !compact {
        file.fill_optimizer("g_opt", &mut gan.g_opt, g_opt_step)?;
        file.fill_optimizer("d_opt", &mut gan.d_opt, d_opt_step)?;
    }
    let rng = file.tensor("rng", Dtype::U8, &[49])?;
    let rng: &[u8; 49] = rng
        .try_into()
        .map_err(|_| CheckpointError::BadState("rng state is not 49 bytes".into()))?;
    gan.rng = ChaCha8Rng::deserialize_state(rng);
    gan.sampler = sampler;
    gan.counters = counters;
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

/// Refuses NaN and infinities (and, with `nonnegative`, values below zero) in F32 data.
pub(crate) fn check_floats(
    name: &str,
    data: &[u8],
    nonnegative: bool,
) -> Result<(), CheckpointError> {
    for (index, value) in f32s(data).enumerate() {
        if !value.is_finite() {
            return Err(CheckpointError::NonFinite {
                name: name.to_string(),
                index,
                value,
            });
        }
        if nonnegative && value < 0.0 {
            return Err(CheckpointError::BadState(format!(
                "tensor {name} holds {value} at element {index}, but Adam's second moments \
                 are squares and never negative"
            )));
        }
    }
    Ok(())
}

/// Refuses NaN and infinities in F16 data.
fn check_floats16(name: &str, data: &[u8]) -> Result<(), CheckpointError> {
    match f16s(data).enumerate().find(|(_, v)| !v.is_finite()) {
        Some((index, value)) => Err(CheckpointError::NonFinite {
            name: name.to_string(),
            index,
            value,
        }),
        None => Ok(()),
    }
}

/// Little-endian F16 data as f32 values.
fn f16s(data: &[u8]) -> impl Iterator<Item = f32> + '_ {
    data.chunks_exact(2)
        .map(|c| crate::f16::from_f16(u16::from_le_bytes([c[0], c[1]])))
}

/// Little-endian F32 data as values (the data may be unaligned, so no cast).
pub(crate) fn f32s(data: &[u8]) -> impl Iterator<Item = f32> + '_ {
    data.chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
}

/// A parsed safetensors file: its header, and the data section its offsets point into.
pub(crate) struct File<'a> {
    header: Metadata,
    data: &'a [u8],
}

impl<'a> File<'a> {
    pub(crate) fn parse(bytes: &'a [u8]) -> Result<File<'a>, CheckpointError> {
        check_framing(bytes)?;
        let (header_len, header) = SafeTensors::read_metadata(bytes).map_err(unreadable)?;
        // `read_metadata` has checked this; `get` keeps it a refusal, never a panic.
        let data = PREFIX_LEN
            .checked_add(header_len)
            .and_then(|start| bytes.get(start..))
            .ok_or_else(|| {
                CheckpointError::NotSafetensors("the header runs past the end of the file".into())
            })?;
        Ok(File { header, data })
    }

    pub(crate) fn meta(&self, key: &str) -> Option<&str> {
        self.header
            .metadata()
            .as_ref()?
            .get(key)
            .map(String::as_str)
    }

    pub(crate) fn required_meta(&self, key: &'static str) -> Result<&str, CheckpointError> {
        self.meta(key).ok_or(CheckpointError::MissingMetadata(key))
    }

    /// A counter from the metadata: a decimal number in 0..=MAX_COUNT.
    pub(crate) fn count(&self, key: &'static str) -> Result<u64, CheckpointError> {
        let value = self.required_meta(key)?;
        match value.parse::<u64>() {
            Ok(n) if n <= MAX_COUNT => Ok(n),
            _ => Err(CheckpointError::BadMetadata {
                key,
                value: value.to_string(),
            }),
        }
    }

    /// Every tensor name in the file.
    pub(crate) fn names(&self) -> Vec<String> {
        self.header.offset_keys()
    }

    /// The bytes of tensor `name`, which must have exactly this dtype and shape.
    pub(crate) fn tensor(
        &self,
        name: &str,
        dtype: Dtype,
        shape: &[usize],
    ) -> Result<&'a [u8], CheckpointError> {
        let (actual_dtype, actual_shape, data) = self.raw(name)?;
        if actual_dtype != dtype {
            return Err(CheckpointError::WrongDtype {
                name: name.to_string(),
                expected: dtype.to_string(),
                actual: actual_dtype.to_string(),
            });
        }
        if actual_shape != shape {
            return Err(CheckpointError::WrongShape {
                name: name.to_string(),
                expected: shape.to_vec(),
                actual: actual_shape.to_vec(),
            });
        }
        Ok(data)
    }

    /// Tensor `name` as stored: dtype, shape and bytes.
    fn raw(&self, name: &str) -> Result<(Dtype, &[usize], &'a [u8]), CheckpointError> {
        let info = self
            .header
            .info(name)
            .ok_or_else(|| CheckpointError::MissingTensor(name.to_string()))?;
        let (start, end) = info.data_offsets;
        // As in `parse`: checked already, and `get` keeps it a refusal.
        let data = self.data.get(start..end).ok_or_else(|| {
            CheckpointError::NotSafetensors(format!("tensor {name} lies outside the file"))
        })?;
        Ok((info.dtype, &info.shape, data))
    }

    /// The sampler's data order: U32, one dimension of any length (the data set's size).
    fn order(&self) -> Result<Vec<u32>, CheckpointError> {
        let name = "sampler.order";
        let (_, shape, _) = self.raw(name)?;
        // The data behind this length is in the file: `read_metadata` checked the sizes.
        let len = shape
            .iter()
            .try_fold(1usize, |n, &d| n.checked_mul(d))
            .unwrap_or(0);
        let data = self.tensor(name, Dtype::U32, &[len])?;
        Ok(data
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect())
    }

    /// The optional chart history: F64, one dimension of any length.
    fn history(&self) -> Result<Option<Vec<f64>>, CheckpointError> {
        if self.header.info(HISTORY).is_none() {
            return Ok(None);
        }
        let (dtype, shape, data) = self.raw(HISTORY)?;
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

    /// Copies `prefix.<l>.weight` and `.bias` into the network's flat parameters (stored
    /// as F16 when `half`, as F32 otherwise).
    pub(crate) fn fill_params(
        &self,
        prefix: &str,
        mlp: &mut Mlp,
        half: bool,
    ) -> Result<(), CheckpointError> {
        for (name, shape, range) in mlp.param_tensors() {
            let name = format!("{prefix}.{name}");
            let dst = &mut mlp.params[range];
            if half {
                let data = self.tensor(&name, Dtype::F16, &shape)?;
                dst.iter_mut().zip(f16s(data)).for_each(|(d, v)| *d = v);
            } else {
                copy_f32s(dst, self.tensor(&name, Dtype::F32, &shape)?);
            }
        }
        Ok(())
    }

    /// Restores an optimiser's moments and step count; its kind and hyperparameters came
    /// with the configuration.
    fn fill_optimizer(
        &self,
        prefix: &str,
        opt: &mut Optimizer,
        step: u64,
    ) -> Result<(), CheckpointError> {
        let len = opt.m.len();
        copy_f32s(
            &mut opt.m,
            self.tensor(&format!("{prefix}.m"), Dtype::F32, &[len])?,
        );
        if keeps_second_moment(&opt.config) {
            copy_f32s(
                &mut opt.v,
                self.tensor(&format!("{prefix}.v"), Dtype::F32, &[len])?,
            );
        }
        opt.step = step;
        Ok(())
    }
}

pub(crate) fn copy_f32s(dst: &mut [f32], data: &[u8]) {
    for (d, v) in dst.iter_mut().zip(f32s(data)) {
        *d = v;
    }
}

/// Refuses, before safetensors parses it, what cannot be a checkpoint's framing, and says
/// in words which: a file too short for the 8-byte header length, a header longer than
/// ours can be, a header or tensor data running past the end of the file. A header that
/// runs past the end but starts as safetensors JSON does (`{`), and tensor data past the
/// end, are a checkpoint cut short ([`CheckpointError::Truncated`]); the rest is not a
/// checkpoint at all. The data check is also a guard: safetensors 0.8's `read_metadata`
/// adds the header length to the end of the last tensor unchecked, so a forged header
/// whose offsets run up to `usize::MAX` overflows that sum, which panics wherever
/// overflow checks are on (debug builds, tests); safetensors PR #808 fixes it upstream.
/// Malformed headers are left for safetensors to report (see [`unreadable`]).
fn check_framing(bytes: &[u8]) -> Result<(), CheckpointError> {
    let Some(prefix) = bytes.first_chunk::<PREFIX_LEN>() else {
        return Err(CheckpointError::NotSafetensors(if bytes.is_empty() {
            "the file is empty".into()
        } else {
            format!(
                "the file is only {} bytes long, too short for any safetensors file",
                bytes.len()
            )
        }));
    };
    let header_len = u64::from_le_bytes(*prefix);
    if header_len > MAX_HEADER_LEN as u64 {
        return Err(CheckpointError::NotSafetensors(format!(
            "its header claims {header_len} bytes; a checkpoint's is under {MAX_HEADER_LEN}"
        )));
    }
    let header_end = PREFIX_LEN + header_len as usize;
    let Some(header) = bytes.get(PREFIX_LEN..header_end) else {
        let have = bytes.len() - PREFIX_LEN;
        return Err(if bytes.get(PREFIX_LEN) == Some(&b'{') {
            CheckpointError::Truncated(format!(
                "the file ends inside its header, after {have} of its {header_len} bytes"
            ))
        } else {
            CheckpointError::NotSafetensors(format!(
                "its header claims {header_len} bytes, but only {have} follow"
            ))
        });
    };
    let data_len = (bytes.len() - header_end) as u64;
    // Any JSON safetensors accepts is a JSON object, so this parse fails only where
    // safetensors' would too.
    let Ok(entries) = serde_json::from_slice::<HashMap<String, serde_json::Value>>(header) else {
        return Ok(());
    };
    for (name, info) in entries.iter().filter(|(name, _)| *name != "__metadata__") {
        let offsets = info
            .get("data_offsets")
            .and_then(serde_json::Value::as_array);
        if offsets
            .into_iter()
            .flatten()
            .filter_map(serde_json::Value::as_u64)
            .any(|o| o > data_len)
        {
            return Err(CheckpointError::Truncated(format!(
                "tensor {name} runs past the end of the file (its data section has \
                 {data_len} bytes)"
            )));
        }
    }
    Ok(())
}

/// safetensors' refusal of a file that passed [`check_framing`], in words: the header is
/// not JSON, or not a safetensors header, or the file holds more than its header
/// describes.
fn unreadable(e: SafeTensorError) -> CheckpointError {
    let why = match e {
        SafeTensorError::InvalidHeader(_) | SafeTensorError::InvalidHeaderDeserialization(_) => {
            format!("its header is not the JSON a safetensors file starts with ({e})")
        }
        // `check_framing` refused any tensor past the end, so the file is longer.
        SafeTensorError::MetadataIncompleteBuffer => {
            "the file has bytes after the last tensor its header describes".into()
        }
        _ => format!("its safetensors header is malformed ({e})"),
    };
    CheckpointError::NotSafetensors(why)
}

/// A tensor to write: dtype, shape and little-endian bytes.
pub(crate) struct Raw {
    dtype: Dtype,
    shape: Vec<usize>,
    data: Vec<u8>,
}

impl Raw {
    pub(crate) fn f32(shape: Vec<usize>, values: &[f32]) -> Raw {
        Raw {
            dtype: Dtype::F32,
            shape,
            data: values.iter().flat_map(|v| v.to_le_bytes()).collect(),
        }
    }

    /// `values` rounded to F16 (`crate::f16`).
    pub(crate) fn f16(shape: Vec<usize>, values: &[f32]) -> Raw {
        Raw {
            dtype: Dtype::F16,
            shape,
            data: values
                .iter()
                .flat_map(|&v| crate::f16::to_f16(v).to_le_bytes())
                .collect(),
        }
    }
}

impl View for Raw {
    fn dtype(&self) -> Dtype {
        self.dtype
    }
    fn shape(&self) -> &[usize] {
        &self.shape
    }
    fn data(&self) -> Cow<'_, [u8]> {
        Cow::Borrowed(&self.data)
    }
    fn data_len(&self) -> usize {
        self.data.len()
    }
}

/// A safetensors header with its keys in sorted order.
#[derive(Serialize, Deserialize)]
struct SortedHeader {
    #[serde(rename = "__metadata__")]
    metadata: BTreeMap<String, String>,
    #[serde(flatten)]
    tensors: BTreeMap<String, serde_json::Value>,
}

/// Rewrites the header of `serialize`'s output with sorted keys. `serialize` writes the
/// metadata in `HashMap` order, which changes from run to run; sorted, equal states
/// save to equal bytes. The tensor data and its offsets are untouched. Should the header
/// somehow not parse, the bytes are returned as they were: still a valid file.
pub(crate) fn sort_header(bytes: Vec<u8>) -> Vec<u8> {
    let Some(prefix) = bytes.first_chunk::<PREFIX_LEN>() else {
        return bytes;
    };
    let header_end = usize::try_from(u64::from_le_bytes(*prefix))
        .ok()
        .and_then(|n| n.checked_add(PREFIX_LEN));
    let Some((header, data)) =
        header_end.and_then(|end| Some((bytes.get(PREFIX_LEN..end)?, bytes.get(end..)?)))
    else {
        return bytes;
    };
    let Ok(sorted) = serde_json::from_slice::<SortedHeader>(header) else {
        return bytes;
    };
    let Ok(mut header) = serde_json::to_vec(&sorted) else {
        return bytes;
    };
    // safetensors pads the header with spaces to a multiple of 8, so the data is aligned.
    header.resize(header.len().next_multiple_of(PREFIX_LEN), b' ');
    let mut out = Vec::with_capacity(PREFIX_LEN + header.len() + data.len());
    out.extend((header.len() as u64).to_le_bytes());
    out.extend(header);
    out.extend(data);
    out
}

#[cfg(test)]
mod tests {
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
            for (prefix, mlp) in [("g", &gan.g), ("g_avg", &gan.g_avg), ("d", &gan.d)] {
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
            assert_eq!(moment("g_opt.m"), Some(vec![gan.g.params.len()]));
            assert_eq!(moment("g_opt.v"), Some(vec![gan.g.params.len()]));
            assert_eq!(moment("d_opt.m"), Some(vec![gan.d.params.len()]));
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
        assert_eq!(loaded.g_opt, gan.g_opt);
        assert_eq!(loaded.d_opt, gan.d_opt);
        assert!(loaded.d_opt.v.is_empty());
        assert_eq!(loaded.sampler, gan.sampler);
        assert_eq!(loaded.sampler.order.len(), 40);
        assert_eq!(loaded.rng.serialize_state(), gan.rng.serialize_state());
        assert_eq!(loaded.counters, gan.counters);
        assert_eq!(loaded.g_avg.params, gan.g_avg.params);
        assert_ne!(loaded.g_avg.params, loaded.g.params, "the average lags G");
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
        let bytes = save(&gan);
        let file = File::parse(&bytes).unwrap();
        let mut tensors = Vec::new();
        for name in file.names() {
            if name.starts_with("g_avg.") {
                continue;
            }
            let (dtype, shape, data) = file.raw(&name).unwrap();
            let raw = Raw {
                dtype,
                shape: shape.to_vec(),
                data: data.to_vec(),
            };
            tensors.push((name, raw));
        }
        let metadata = file.header.metadata().clone().unwrap();
        let old = safetensors::serialize(tensors, Some(metadata)).unwrap();
        let loaded = load(&old).unwrap();
        assert_eq!(loaded.g_avg.params, gan.g.params);
        assert_eq!(loaded.g.params, gan.g.params);
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
            (&loaded.g.params, &gan.g.params),
            (&loaded.g_avg.params, &gan.g_avg.params),
            (&loaded.d.params, &gan.d.params),
        ] {
            for (x, y) in a.iter().zip(b.iter()) {
                assert!(
                    (x - y).abs() <= y.abs() * 2f32.powi(-11) + 1e-7,
                    "{x} vs {y}"
                );
            }
        }
        assert_eq!(loaded.g_opt.step, 0);
        assert!(loaded.g_opt.m.iter().all(|&m| m == 0.0));
        assert!(loaded.d_opt.m.iter().all(|&m| m == 0.0));
        assert_eq!(loaded.counters, gan.counters);
        assert_eq!(loaded.sampler, gan.sampler);
        assert_eq!(loaded.rng.serialize_state(), gan.rng.serialize_state());
        loaded.train_step(&data).unwrap();
        // A compact file saved again is the same file.
        assert_eq!(save_compact(&load(&compact).unwrap()), compact);
        // A bad marker is refused, by name.
        let file = File::parse(&compact).unwrap();
        let mut metadata = file.header.metadata().clone().unwrap();
        metadata.insert(COMPACT.into(), "yes".into());
        let tensors: Vec<(String, Raw)> = file
            .names()
            .into_iter()
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
        let forged = safetensors::serialize(tensors, Some(metadata)).unwrap();
        assert_eq!(
            load(&forged).err(),
            Some(CheckpointError::BadMetadata {
                key: COMPACT,
                value: "yes".into()
            })
        );
    }
}
