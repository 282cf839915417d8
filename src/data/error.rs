//! What can be wrong with the files a data set is built from, each case with a message
//! that says what was expected.

use super::idx::IdxError;
use super::{MNIST_COLS, MNIST_ROWS};
use std::fmt;

/// Errors building a data set from image and label files.
#[derive(Debug, Clone, PartialEq)]
pub enum DataError {
    /// The images file is not a valid IDX file.
    Images(IdxError),
    /// The labels file is not a valid IDX file.
    Labels(IdxError),
    /// The images file does not have 3 dimensions `[n, rows, cols]`.
    ImagesRank {
        /// The dimensions found.
        dims: Vec<usize>,
    },
    /// The labels file does not have 1 dimension `[n]`.
    LabelsRank {
        /// The dimensions found.
        dims: Vec<usize>,
    },
    /// The two files disagree on the number of examples.
    CountMismatch {
        /// Number of images.
        images: usize,
        /// Number of labels.
        labels: usize,
    },
    /// A label is not a digit 0..=9.
    LabelOutOfRange {
        /// Index of the first bad label.
        index: usize,
        /// Its value.
        label: u8,
    },
    /// The images are not 28×28, which the networks need (from IDX files), or have a
    /// zero side (from parts).
    ImageSize {
        /// Image height found.
        rows: usize,
        /// Image width found.
        cols: usize,
    },
    /// The pixel buffer's length is not `labels.len() * rows * cols`.
    PixelCount {
        /// Length implied by the labels and image size.
        expected: usize,
        /// Length given.
        actual: usize,
    },
    /// A pixel lies outside [-1, 1] (or is NaN).
    PixelOutOfRange {
        /// Index into the flat pixel buffer of the first bad pixel.
        index: usize,
        /// Its value.
        value: f32,
    },
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DataError::Images(e) => write!(f, "images file: {e}"),
            DataError::Labels(e) => write!(f, "labels file: {e}"),
            DataError::ImagesRank { dims } if dims.len() == 1 => write!(
                f,
                "the images file has dimensions {dims:?}, which looks like a labels file; \
                 expected [n, rows, cols] (are the two files swapped?)"
            ),
            DataError::ImagesRank { dims } => write!(
                f,
                "the images file has dimensions {dims:?}; expected 3 dimensions [n, rows, cols]"
            ),
            DataError::LabelsRank { dims } if dims.len() == 3 => write!(
                f,
                "the labels file has dimensions {dims:?}, which looks like an images file; \
                 expected [n] (are the two files swapped?)"
            ),
            DataError::LabelsRank { dims } => write!(
                f,
                "the labels file has dimensions {dims:?}; expected 1 dimension [n]"
            ),
            DataError::CountMismatch { images, labels } => write!(
                f,
                "the files hold {images} images but {labels} labels; they must match one to one"
            ),
            DataError::LabelOutOfRange { index, label } => write!(
                f,
                "label {index} is {label}, but labels must be digits 0 to 9"
            ),
            DataError::ImageSize { rows, cols } if *rows == 0 || *cols == 0 => {
                write!(f, "images of {rows}×{cols} pixels hold no data")
            }
            DataError::ImageSize { rows, cols } => write!(
                f,
                "the images are {rows}×{cols} pixels, but the networks are built for \
                 {MNIST_ROWS}×{MNIST_COLS} (784-pixel) MNIST-style images"
            ),
            DataError::PixelCount { expected, actual } => write!(
                f,
                "expected {expected} pixels (labels × rows × cols) but got {actual}"
            ),
            DataError::PixelOutOfRange { index, value } => {
                write!(f, "pixel {index} is {value}, outside the range [-1, 1]")
            }
        }
    }
}

impl std::error::Error for DataError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            DataError::Images(e) | DataError::Labels(e) => Some(e),
            _ => None,
        }
    }
}
