//! Why a checkpoint could not be read: one variant a fault, each message naming it.

use super::safetensors::MAX_COUNT;
use super::{FORMAT_NAME, FORMAT_VERSION};
use std::fmt;

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
    /// The chart history is not what `run::History::to_saved` writes.
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
