//! Stable codes for what crosses to the page in words: every error's message starts with
//! `[code key=value …] ` before the core's English text, so that the page can say it in
//! its own language (www/core-errors.js translates by code, the parameters filled in) and
//! fall back to the English where it has no translation. Parameters are numbers or single
//! words. The CLI prints the core's text, which has no code.

use crate::checkpoint::CheckpointError;
use crate::data::idx::IdxError;
use crate::data::DataError;
use crate::gan::{ConfigError, Phase, SnapshotError, TrainError};
use std::fmt::Display;
use wasm_bindgen::JsError;

/// A `JsError` whose message is `[code] message`.
pub(crate) fn coded(code: &str, message: impl Display) -> JsError {
    JsError::new(&with_code(code, message))
}

/// `message` with its code in front: `[code] message`.
pub(crate) fn with_code(code: &str, message: impl Display) -> String {
    format!("[{code}] {message}")
}

/// A checkpoint error as a coded `JsError`.
pub(crate) fn checkpoint_error(e: &CheckpointError) -> JsError {
    coded(&checkpoint_code(e), e)
}

/// A data error as a coded `JsError`.
pub(crate) fn data_error(e: &DataError) -> JsError {
    coded(&data_code(e), e)
}

/// A settings error as a coded `JsError`.
pub(crate) fn config_error(e: &ConfigError) -> JsError {
    coded("config.invalid", e)
}

/// A training error as a coded `JsError`.
pub(crate) fn train_error(e: &TrainError) -> JsError {
    coded(&train_code(e), e)
}

/// A bad argument from the page (a bug of the page's, not the user's doing).
pub(crate) fn input_error(message: impl Display) -> JsError {
    coded("input", message)
}

pub(crate) fn checkpoint_code(e: &CheckpointError) -> String {
    use CheckpointError::*;
    match e {
        NotSafetensors(_) => "checkpoint.not_safetensors".into(),
        Truncated(_) => "checkpoint.truncated".into(),
        NotACheckpoint { .. } => "checkpoint.not_checkpoint".into(),
        MissingMetadata(key) => format!("checkpoint.missing_metadata key={key}"),
        BadMetadata { key, .. } => format!("checkpoint.bad_metadata key={key}"),
        UnsupportedVersion(_) => "checkpoint.version".into(),
        BadConfig(_) => "checkpoint.bad_config".into(),
        MissingTensor(name) => format!("checkpoint.missing_tensor name={}", word(name)),
        UnexpectedTensor(name) => format!("checkpoint.unexpected_tensor name={}", word(name)),
        WrongDtype { name, .. } => format!("checkpoint.wrong_dtype name={}", word(name)),
        WrongShape { name, .. } => format!("checkpoint.wrong_shape name={}", word(name)),
        NonFinite { name, .. } => format!("checkpoint.non_finite name={}", word(name)),
        BadState(_) => "checkpoint.bad_state".into(),
        BadHistory(_) => "checkpoint.bad_history".into(),
    }
}

pub(crate) fn data_code(e: &DataError) -> String {
    match e {
        DataError::Images(idx) => format!("data.images idx={}", idx_code(idx)),
        DataError::Labels(idx) => format!("data.labels idx={}", idx_code(idx)),
        DataError::ImagesRank { dims } => format!("data.images_rank dims={}", dims.len()),
        DataError::LabelsRank { dims } => format!("data.labels_rank dims={}", dims.len()),
        DataError::CountMismatch { images, labels } => {
            format!("data.count images={images} labels={labels}")
        }
        DataError::LabelOutOfRange { index, label } => {
            format!("data.label index={index} label={label}")
        }
        DataError::ImageSize { rows, cols } => format!("data.image_size rows={rows} cols={cols}"),
        DataError::PixelCount { .. } | DataError::PixelOutOfRange { .. } => "data.pixels".into(),
    }
}

fn idx_code(e: &IdxError) -> &'static str {
    match e {
        IdxError::TooShort { .. } => "too_short",
        IdxError::BadMagic {
            found: [0x1F, 0x8B],
        } => "gzipped",
        IdxError::BadMagic { .. } => "bad_magic",
        IdxError::UnsupportedElementType(_) => "element_type",
        IdxError::BadDimensionCount(_) => "dims",
        IdxError::ZeroDimension { .. } => "zero_dim",
        IdxError::TooLarge { .. } => "too_large",
        IdxError::LengthMismatch { expected, actual } if actual < expected => "truncated",
        IdxError::LengthMismatch { .. } => "trailing",
    }
}

pub(crate) fn train_code(e: &TrainError) -> String {
    match e {
        TrainError::Data(_) => "train.data".into(),
        TrainError::Diverged { step, phase, what } => {
            let (who, part, value) = diverged_parts(what);
            format!(
                "train.diverged step={step} phase={} who={who} part={part} value={value}",
                phase_code(*phase)
            )
        }
        TrainError::StepInProgress => "train.in_progress".into(),
    }
}

pub(crate) fn snapshot_code(e: &SnapshotError) -> &'static str {
    match e {
        SnapshotError::StepInProgress => "restore.in_progress",
        SnapshotError::Diverged => "restore.diverged",
        SnapshotError::OtherNetworks => "restore.other_networks",
    }
}

fn phase_code(phase: Phase) -> &'static str {
    match phase {
        Phase::Real => "real",
        Phase::Sample => "sample",
        Phase::Fake => "fake",
        Phase::ThroughD => "through_d",
        Phase::Generator => "generator",
    }
}

/// Who diverged, in what, and the value, from the core's "D's loss became NaN" or "G's
/// weights became inf (parameter 12) after its update": ("D", "loss", "NaN"); "?" where
/// the words are not of that form.
fn diverged_parts(what: &str) -> (&str, &str, &str) {
    let who = match what.get(..4) {
        Some("D's ") => "D",
        Some("G's ") => "G",
        _ => "?",
    };
    let part = if what.contains("'s loss ") {
        "loss"
    } else if what.contains("'s weights ") {
        "weights"
    } else {
        "?"
    };
    let value = what
        .split_once(" became ")
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .unwrap_or("?");
    (who, part, value)
}

/// A name as one word (parameters are separated by spaces).
fn word(name: &str) -> String {
    name.replace(char::is_whitespace, "_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn divergence_words_become_parameters() {
        assert_eq!(diverged_parts("D's loss became NaN"), ("D", "loss", "NaN"));
        assert_eq!(
            diverged_parts("G's weights became -inf (parameter 3) after its update"),
            ("G", "weights", "-inf")
        );
        assert_eq!(diverged_parts("something else"), ("?", "?", "?"));
    }

    #[test]
    fn codes_lead_the_english() {
        let e = CheckpointError::NotSafetensors("too short".into());
        assert_eq!(
            with_code(&checkpoint_code(&e), &e),
            format!("[checkpoint.not_safetensors] {e}")
        );
        let e = DataError::CountMismatch {
            images: 3,
            labels: 2,
        };
        assert_eq!(data_code(&e), "data.count images=3 labels=2");
        let e = TrainError::Diverged {
            step: 7,
            phase: Phase::Fake,
            what: "D's loss became inf".into(),
        };
        assert_eq!(
            train_code(&e),
            "train.diverged step=7 phase=fake who=D part=loss value=inf"
        );
    }
}
