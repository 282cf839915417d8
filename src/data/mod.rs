//! Training data: labelled images parsed from IDX files, with pixels scaled to [-1, 1].
//!
//! The scaling `x / 127.5 - 1` maps byte 0 to -1 and 255 to 1, the range of the
//! generator's `tanh` output, so real and generated images look alike to the
//! discriminator. Everything here is platform-neutral; reading files from disk (and
//! gunzipping them) lives in `gz`, which only exists natively; what can be wrong with
//! the files, in `error`.

mod error;
pub mod idx;
pub mod sampler;

#[cfg(not(target_arch = "wasm32"))]
pub mod gz;

use std::fmt;

pub use error::DataError;
use idx::parse_idx;

/// Image height the networks are built for (MNIST).
pub const MNIST_ROWS: usize = 28;
/// Image width the networks are built for (MNIST).
pub const MNIST_COLS: usize = 28;
/// Number of classes; labels are `0..NUM_CLASSES`.
pub const NUM_CLASSES: usize = 10;

/// Labelled images, pixels scaled to [-1, 1] (`x / 127.5 - 1`) to match G's `tanh` output.
#[derive(Clone, PartialEq)]
pub struct Dataset {
    images: Vec<f32>, // (n, rows * cols), row-major
    labels: Vec<u8>,  // (n,), each in 0..=9
    rows: usize,
    cols: usize,
}

impl Dataset {
    /// Builds a data set from uncompressed IDX bytes: images `[n, rows, cols]` and labels
    /// `[n]`. The images must be 28×28, the size the networks are built for.
    ///
    /// ```
    /// use ganplay::data::idx::write_idx_u8;
    /// use ganplay::data::Dataset;
    ///
    /// // Two 28×28 images, all black and all white, labelled 3 and 7.
    /// let pixels: Vec<u8> = [0u8; 784].into_iter().chain([255u8; 784]).collect();
    /// let images = write_idx_u8(&[2, 28, 28], &pixels);
    /// let data = Dataset::from_idx(&images, &write_idx_u8(&[2], &[3, 7])).unwrap();
    /// assert_eq!((data.len(), data.labels()), (2, &[3u8, 7][..]));
    /// assert!(data.image(0).iter().all(|&p| p == -1.0));
    /// assert!(data.image(1).iter().all(|&p| p == 1.0));
    /// // A label that is not a digit is refused.
    /// assert!(Dataset::from_idx(&images, &write_idx_u8(&[2], &[3, 10])).is_err());
    /// ```
    pub fn from_idx(images: &[u8], labels: &[u8]) -> Result<Dataset, DataError> {
        let images = parse_idx(images).map_err(DataError::Images)?;
        let labels = parse_idx(labels).map_err(DataError::Labels)?;
        let &[n, rows, cols] = images.dims.as_slice() else {
            return Err(DataError::ImagesRank { dims: images.dims });
        };
        let &[n_labels] = labels.dims.as_slice() else {
            return Err(DataError::LabelsRank { dims: labels.dims });
        };
        if n != n_labels {
            return Err(DataError::CountMismatch {
                images: n,
                labels: n_labels,
            });
        }
        if (rows, cols) != (MNIST_ROWS, MNIST_COLS) {
            return Err(DataError::ImageSize { rows, cols });
        }
        check_labels(&labels.data)?;
        let pixels = images
            .data
            .iter()
            .map(|&x| x as f32 / 127.5 - 1.0)
            .collect();
        Ok(Dataset {
            images: pixels,
            labels: labels.data,
            rows,
            cols,
        })
    }

    /// Builds a data set from pixels already in [-1, 1], laid out `(n, rows * cols)`
    /// row-major, one label per image. Any nonzero image size is accepted, for small
    /// synthetic test data; only 28×28 images fit the networks.
    pub fn from_parts(
        images: Vec<f32>,
        labels: Vec<u8>,
        rows: usize,
        cols: usize,
    ) -> Result<Dataset, DataError> {
        if rows == 0 || cols == 0 {
            return Err(DataError::ImageSize { rows, cols });
        }
        let expected = labels
            .len()
            .checked_mul(rows)
            .and_then(|x| x.checked_mul(cols));
        if expected != Some(images.len()) {
            return Err(DataError::PixelCount {
                expected: expected.unwrap_or(usize::MAX),
                actual: images.len(),
            });
        }
        check_labels(&labels)?;
        // `contains` is false for NaN, so NaN is caught here too.
        if let Some(index) = images.iter().position(|x| !(-1.0..=1.0).contains(x)) {
            return Err(DataError::PixelOutOfRange {
                index,
                value: images[index],
            });
        }
        Ok(Dataset {
            images,
            labels,
            rows,
            cols,
        })
    }

    /// Whether a batch of `batch_size` fits in the data set: the reason if not, in the
    /// words every trainer uses.
    pub fn check_batch(&self, batch_size: usize) -> Result<(), String> {
        if self.len() < batch_size {
            return Err(format!(
                "the batch size ({batch_size}) is larger than the data set ({} images)",
                self.len()
            ));
        }
        Ok(())
    }

    /// Number of images.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// True if there are no images (e.g. the held-out half of `split_at(len)`).
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Image height in pixels.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Image width in pixels.
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// Pixels per image, `rows * cols`.
    pub fn image_dim(&self) -> usize {
        self.rows * self.cols
    }

    /// Image `i`, `rows * cols` pixels in [-1, 1], row-major. Panics if `i >= len()`.
    pub fn image(&self, i: usize) -> &[f32] {
        let d = self.image_dim();
        &self.images[i * d..(i + 1) * d]
    }

    /// Label of image `i`, 0..=9. Panics if `i >= len()`.
    pub fn label(&self, i: usize) -> u8 {
        self.labels[i]
    }

    /// All pixels, `(n, rows * cols)` row-major.
    pub fn images(&self) -> &[f32] {
        &self.images
    }

    /// All labels, `(n,)`.
    pub fn labels(&self) -> &[u8] {
        &self.labels
    }

    /// Copies the images and labels at `indices` into the batch buffers (no allocation).
    ///
    /// `images_out` is `(indices.len(), image_dim())` and `labels_out` is
    /// `(indices.len(),)`. Panics if a buffer has the wrong length or an index is out of
    /// range: both are bugs in the caller, not bad data.
    pub fn gather(&self, indices: &[usize], images_out: &mut [f32], labels_out: &mut [u8]) {
        let d = self.image_dim();
        assert_eq!(
            images_out.len(),
            indices.len() * d,
            "gather: images_out must hold indices.len() * image_dim() pixels"
        );
        assert_eq!(
            labels_out.len(),
            indices.len(),
            "gather: labels_out must hold one label per index"
        );
        for ((&i, out), label) in indices
            .iter()
            .zip(images_out.chunks_exact_mut(d))
            .zip(labels_out.iter_mut())
        {
            out.copy_from_slice(self.image(i));
            *label = self.labels[i];
        }
    }

    /// Splits into the first `n` images and the rest, keeping order, e.g. for a held-out
    /// evaluation set. `n` larger than `len()` is treated as `len()` (the rest is empty).
    ///
    /// The built-in files are interleaved by class, so both halves stay balanced.
    pub fn split_at(&self, n: usize) -> (Dataset, Dataset) {
        let n = n.min(self.len());
        let d = self.image_dim();
        let part = |images: &[f32], labels: &[u8]| Dataset {
            images: images.to_vec(),
            labels: labels.to_vec(),
            rows: self.rows,
            cols: self.cols,
        };
        let (images_a, images_b) = self.images.split_at(n * d);
        let (labels_a, labels_b) = self.labels.split_at(n);
        (part(images_a, labels_a), part(images_b, labels_b))
    }

    /// Number of images of each digit.
    pub fn class_counts(&self) -> [usize; NUM_CLASSES] {
        let mut counts = [0; NUM_CLASSES];
        for &l in &self.labels {
            counts[usize::from(l)] += 1;
        }
        counts
    }
}

// A derived Debug would print every pixel; a summary is what anyone debugging wants.
impl fmt::Debug for Dataset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Dataset")
            .field("len", &self.len())
            .field("rows", &self.rows)
            .field("cols", &self.cols)
            .field("class_counts", &self.class_counts())
            .finish()
    }
}

fn check_labels(labels: &[u8]) -> Result<(), DataError> {
    match labels.iter().position(|&l| usize::from(l) >= NUM_CLASSES) {
        Some(index) => Err(DataError::LabelOutOfRange {
            index,
            label: labels[index],
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::idx::{write_idx_u8, IdxError};
    use super::*;

    /// `n` 28×28 images where image `i` is filled with byte `i`, labelled `i % 10`.
    fn tiny_files(n: usize) -> (Vec<u8>, Vec<u8>) {
        let pixels: Vec<u8> = (0..n).flat_map(|i| [i as u8; 784]).collect();
        let labels: Vec<u8> = (0..n).map(|i| (i % 10) as u8).collect();
        (
            write_idx_u8(&[n, 28, 28], &pixels),
            write_idx_u8(&[n], &labels),
        )
    }

    #[test]
    fn from_idx_scales_pixels_to_tanh_range() {
        let pixels: Vec<u8> = [0u8, 255, 51].iter().flat_map(|&b| [b; 784]).collect();
        let images = write_idx_u8(&[3, 28, 28], &pixels);
        let labels = write_idx_u8(&[3], &[7, 0, 9]);
        let ds = Dataset::from_idx(&images, &labels).unwrap();
        assert_eq!(
            (ds.len(), ds.rows(), ds.cols(), ds.image_dim()),
            (3, 28, 28, 784)
        );
        assert!(ds.image(0).iter().all(|&x| x == -1.0));
        assert!(ds.image(1).iter().all(|&x| x == 1.0));
        assert!(ds
            .image(2)
            .iter()
            .all(|&x| (x - (51.0 / 127.5 - 1.0)).abs() < 1e-7));
        assert_eq!(ds.labels(), &[7, 0, 9]);
        assert_eq!(ds.label(2), 9);
        assert_eq!(ds.images().len(), 3 * 784);
    }

    #[test]
    fn from_idx_refusals() {
        let (images, labels) = tiny_files(3);
        assert!(matches!(
            Dataset::from_idx(&images[..20], &labels),
            Err(DataError::Images(IdxError::LengthMismatch { .. }))
        ));
        assert!(matches!(
            Dataset::from_idx(&images, &[]),
            Err(DataError::Labels(IdxError::TooShort { .. }))
        ));
        let err = Dataset::from_idx(&labels, &images).unwrap_err();
        assert_eq!(err, DataError::ImagesRank { dims: vec![3] });
        assert!(err.to_string().contains("swapped"), "{err}");
        assert_eq!(
            Dataset::from_idx(&images, &write_idx_u8(&[2], &[0, 1])),
            Err(DataError::CountMismatch {
                images: 3,
                labels: 2
            })
        );
        assert_eq!(
            Dataset::from_idx(&images, &write_idx_u8(&[3, 1], &[0, 1, 2])),
            Err(DataError::LabelsRank { dims: vec![3, 1] })
        );
        assert_eq!(
            Dataset::from_idx(&images, &write_idx_u8(&[3], &[0, 10, 2])),
            Err(DataError::LabelOutOfRange {
                index: 1,
                label: 10
            })
        );
        let err = Dataset::from_idx(
            &write_idx_u8(&[1, 32, 32], &[0; 1024]),
            &write_idx_u8(&[1], &[0]),
        )
        .unwrap_err();
        assert_eq!(err, DataError::ImageSize { rows: 32, cols: 32 });
        assert!(err.to_string().contains("28×28"), "{err}");
    }

    #[test]
    fn from_parts_checks_its_invariants() {
        let ok = Dataset::from_parts(vec![0.0; 8], vec![1, 2], 2, 2).unwrap();
        assert_eq!((ok.len(), ok.image_dim()), (2, 4));
        assert_eq!(
            Dataset::from_parts(vec![0.0; 7], vec![1, 2], 2, 2),
            Err(DataError::PixelCount {
                expected: 8,
                actual: 7
            })
        );
        assert_eq!(
            Dataset::from_parts(vec![], vec![], 0, 2),
            Err(DataError::ImageSize { rows: 0, cols: 2 })
        );
        assert_eq!(
            Dataset::from_parts(vec![0.0; 4], vec![11], 2, 2),
            Err(DataError::LabelOutOfRange {
                index: 0,
                label: 11
            })
        );
        assert!(matches!(
            Dataset::from_parts(vec![0.0, 1.5, 0.0, 0.0], vec![1], 2, 2),
            Err(DataError::PixelOutOfRange { index: 1, .. })
        ));
        assert!(matches!(
            Dataset::from_parts(vec![0.0, 0.0, f32::NAN, 0.0], vec![1], 2, 2),
            Err(DataError::PixelOutOfRange { index: 2, .. })
        ));
        let empty = Dataset::from_parts(vec![], vec![], 28, 28).unwrap();
        assert!(empty.is_empty());
    }

    #[test]
    fn gather_copies_the_requested_rows() {
        let images: Vec<f32> = (0..5 * 4).map(|i| i as f32 / 20.0).collect();
        let ds = Dataset::from_parts(images, vec![0, 1, 2, 3, 4], 2, 2).unwrap();
        let mut batch = [0.0f32; 3 * 4];
        let mut labels = [0u8; 3];
        ds.gather(&[4, 0, 4], &mut batch, &mut labels);
        assert_eq!(labels, [4, 0, 4]);
        assert_eq!(&batch[0..4], ds.image(4));
        assert_eq!(&batch[4..8], ds.image(0));
        assert_eq!(&batch[8..12], ds.image(4));
    }

    #[test]
    #[should_panic(expected = "images_out")]
    fn gather_panics_on_wrong_buffer_size() {
        let ds = Dataset::from_parts(vec![0.0; 4], vec![0], 2, 2).unwrap();
        ds.gather(&[0], &mut [0.0; 3], &mut [0]);
    }

    #[test]
    fn split_at_keeps_order_and_clamps() {
        let (images, labels) = tiny_files(25);
        let ds = Dataset::from_idx(&images, &labels).unwrap();
        let (train, held) = ds.split_at(20);
        assert_eq!((train.len(), held.len()), (20, 5));
        assert_eq!(train.image(19), ds.image(19));
        assert_eq!(held.image(0), ds.image(20));
        assert_eq!(held.labels(), &[0, 1, 2, 3, 4]);
        assert_eq!(train.class_counts(), [2; 10]);
        assert_eq!(ds.class_counts(), [3, 3, 3, 3, 3, 2, 2, 2, 2, 2]);
        let (all, none) = ds.split_at(1000);
        assert_eq!(all, ds);
        assert!(none.is_empty());
        assert_eq!((none.rows(), none.cols()), (28, 28));
    }

    #[test]
    fn debug_is_a_summary() {
        let (images, labels) = tiny_files(2);
        let ds = Dataset::from_idx(&images, &labels).unwrap();
        let s = format!("{ds:?}");
        assert!(s.starts_with("Dataset { len: 2, rows: 28, cols: 28"), "{s}");
    }
}
