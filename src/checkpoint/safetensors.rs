//! A small safetensors toolkit shared by the checkpoint format and the judge's file:
//! framing checked before safetensors parses anything (every refusal in words, never a
//! panic), typed tensor reads, F32/F16 conversions, and writing with a sorted header so
//! that equal contents give equal bytes.

use super::CheckpointError;
use crate::nn::Mlp;
use safetensors::tensor::Metadata;
use safetensors::{Dtype, SafeTensorError, SafeTensors, View};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

/// Bytes of the length prefix in front of a safetensors header.
pub(crate) const PREFIX_LEN: usize = 8;

/// Largest header `load` reads. Ours are a few kilobytes (the configuration and about 30
/// tensor entries); the cap bounds the work a forged length can cause.
const MAX_HEADER_LEN: usize = 1 << 20;

/// Largest counter `load` accepts, 2^53. No run gets near it (that is 9·10^15 steps); the
/// headroom means the trainer's increments can never overflow, and every counter stays
/// exact as a JavaScript number.
pub(crate) const MAX_COUNT: u64 = 1 << 53;

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
pub(crate) fn check_floats16(name: &str, data: &[u8]) -> Result<(), CheckpointError> {
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
pub(crate) fn f16s(data: &[u8]) -> impl Iterator<Item = f32> + '_ {
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

    /// The whole metadata map, if the file has one (the tests rewrite files with it).
    #[cfg(test)]
    pub(crate) fn metadata(&self) -> Option<&HashMap<String, String>> {
        self.header.metadata().as_ref()
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

    /// Whether the file holds a tensor `name`.
    pub(crate) fn has(&self, name: &str) -> bool {
        self.header.info(name).is_some()
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

    /// Tensor `name` as stored: dtype, shape and bytes.
    pub(crate) fn raw(&self, name: &str) -> Result<(Dtype, &[usize], &'a [u8]), CheckpointError> {
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
    pub(crate) dtype: Dtype,
    pub(crate) shape: Vec<usize>,
    pub(crate) data: Vec<u8>,
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

/// `tensors` and `metadata` as safetensors bytes with a sorted header ([`sort_header`]):
/// equal contents give equal bytes.
pub(crate) fn serialize(tensors: Vec<(String, Raw)>, metadata: HashMap<String, String>) -> Vec<u8> {
    // `serialize` fails only on a header over 100 MB or a size overflowing usize; ours are
    // a few kilobytes and every tensor is a copy of a buffer that exists.
    let bytes = safetensors::serialize(tensors, Some(metadata)).expect("a file always serialises");
    sort_header(bytes)
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
fn sort_header(bytes: Vec<u8>) -> Vec<u8> {
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
