//! Native-only loading of IDX files from disk, gunzipping them when needed, and the
//! built-in 10,000-digit MNIST sample shipped in `www/data/`.
//!
//! The browser build never touches the file system: the page fetches the same files and
//! hands their bytes to [`Dataset::from_idx`].

use std::fmt;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use flate2::read::MultiGzDecoder;

use super::idx::IdxError;
use super::{DataError, Dataset};

/// Largest file, compressed or not, and largest decompressed output we will hold in
/// memory. The full 60,000-image MNIST training set is 47 MB, so this is generous while
/// still stopping a gzip bomb long before it exhausts memory.
pub const MAX_FILE_BYTES: u64 = 512 << 20;

/// File name of the built-in images, in `www/data/`.
pub const BUILTIN_IMAGES: &str = "mnist-10k-images-idx3-ubyte.gz";
/// File name of the built-in labels, in `www/data/`.
pub const BUILTIN_LABELS: &str = "mnist-10k-labels-idx1-ubyte.gz";

const GZIP_MAGIC: [u8; 2] = [0x1F, 0x8B];

/// Errors loading a data set from files. Every message names the file concerned.
#[derive(Debug, Clone, PartialEq)]
pub enum LoadError {
    /// No file at this path.
    NotFound(PathBuf),
    /// The path exists but is a directory or something else that is not a file.
    NotAFile(PathBuf),
    /// Reading failed for another reason (permissions, I/O error).
    Io {
        /// The file being read.
        path: PathBuf,
        /// The operating system's description of the failure.
        message: String,
    },
    /// The file starts like gzip but does not decompress.
    Gzip {
        /// The file being read.
        path: PathBuf,
        /// The decoder's description of the failure.
        message: String,
    },
    /// The file, or its decompressed contents, exceeds [`MAX_FILE_BYTES`].
    TooLarge {
        /// The file being read.
        path: PathBuf,
        /// True if the limit was hit while decompressing.
        decompressed: bool,
    },
    /// The file was read but is not a valid IDX file of unsigned bytes.
    Invalid {
        /// The file concerned.
        path: PathBuf,
        /// What is wrong with its contents.
        error: IdxError,
    },
    /// Both files are valid IDX but together do not form a data set (wrong shapes,
    /// counts that differ, labels outside 0..=9).
    Data(DataError),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::NotFound(path) => write!(f, "{}: no such file", path.display()),
            LoadError::NotAFile(path) => {
                write!(f, "{}: not a file (is it a directory?)", path.display())
            }
            LoadError::Io { path, message } => {
                write!(f, "{}: could not read: {message}", path.display())
            }
            LoadError::Gzip { path, message } => write!(
                f,
                "{}: looks gzip-compressed but could not be decompressed: {message}",
                path.display()
            ),
            LoadError::TooLarge { path, decompressed } => write!(
                f,
                "{}: {} exceeds the limit of {} MiB; is this really an MNIST-sized IDX file?",
                path.display(),
                if *decompressed {
                    "decompressed data"
                } else {
                    "file size"
                },
                MAX_FILE_BYTES >> 20
            ),
            LoadError::Invalid { path, error } => write!(f, "{}: {error}", path.display()),
            LoadError::Data(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for LoadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            LoadError::Invalid { error, .. } => Some(error),
            LoadError::Data(e) => Some(e),
            _ => None,
        }
    }
}

impl From<DataError> for LoadError {
    fn from(e: DataError) -> Self {
        LoadError::Data(e)
    }
}

/// Reads an IDX file and returns its raw bytes, decompressing it first if it starts with
/// the gzip magic `1f 8b` (so both `train-images-idx3-ubyte` and `.gz` files work).
pub fn read_idx_file(path: &Path) -> Result<Vec<u8>, LoadError> {
    read_capped(path, MAX_FILE_BYTES)
}

/// [`read_idx_file`] with the size limit as a parameter, so tests can hit it cheaply.
fn read_capped(path: &Path, max_bytes: u64) -> Result<Vec<u8>, LoadError> {
    let io_error = |e: io::Error| match e.kind() {
        io::ErrorKind::NotFound => LoadError::NotFound(path.to_path_buf()),
        _ => LoadError::Io {
            path: path.to_path_buf(),
            message: e.to_string(),
        },
    };
    let meta = fs::metadata(path).map_err(io_error)?;
    if !meta.is_file() {
        return Err(LoadError::NotAFile(path.to_path_buf()));
    }
    if meta.len() > max_bytes {
        return Err(LoadError::TooLarge {
            path: path.to_path_buf(),
            decompressed: false,
        });
    }
    let raw = fs::read(path).map_err(io_error)?;
    if !raw.starts_with(&GZIP_MAGIC) {
        return Ok(raw);
    }

    // Read one byte past the cap so "exactly at the cap" and "over it" can be told apart.
    // Multi-member decoding because concatenated gzip streams are valid .gz files.
    let mut out = Vec::new();
    MultiGzDecoder::new(raw.as_slice())
        .take(max_bytes + 1)
        .read_to_end(&mut out)
        .map_err(|e| LoadError::Gzip {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
    if out.len() as u64 > max_bytes {
        return Err(LoadError::TooLarge {
            path: path.to_path_buf(),
            decompressed: true,
        });
    }
    Ok(out)
}

/// Loads a data set from an images file and a labels file, each IDX, gzipped or not.
pub fn load_dataset(images: &Path, labels: &Path) -> Result<Dataset, LoadError> {
    let image_bytes = read_idx_file(images)?;
    let label_bytes = read_idx_file(labels)?;
    // Name the file in errors about its contents, as for I/O errors.
    Dataset::from_idx(&image_bytes, &label_bytes).map_err(|e| match e {
        DataError::Images(error) => LoadError::Invalid {
            path: images.to_path_buf(),
            error,
        },
        DataError::Labels(error) => LoadError::Invalid {
            path: labels.to_path_buf(),
            error,
        },
        e => LoadError::Data(e),
    })
}

/// The folder holding the built-in data files, `www/data/` in the crate's source tree.
pub fn builtin_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("www")
        .join("data")
}

/// Loads the built-in 10,000-digit MNIST sample (see `www/data/README.md`).
pub fn builtin_mnist() -> Result<Dataset, LoadError> {
    let dir = builtin_dir();
    load_dataset(&dir.join(BUILTIN_IMAGES), &dir.join(BUILTIN_LABELS))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::idx::write_idx_u8;
    use flate2::{write::GzEncoder, Compression};
    use std::io::Write;

    /// A path in the temp dir unique to this process and test.
    fn temp_path(name: &str) -> PathBuf {
        std::env::temp_dir().join(format!("ganplay-gz-{}-{name}", std::process::id()))
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut enc = GzEncoder::new(Vec::new(), Compression::default());
        enc.write_all(bytes).unwrap();
        enc.finish().unwrap()
    }

    #[test]
    fn reads_plain_and_gzipped_files() {
        let idx = write_idx_u8(&[3], &[1, 2, 3]);
        let plain = temp_path("plain");
        let gz = temp_path("gz");
        fs::write(&plain, &idx).unwrap();
        fs::write(&gz, gzip(&idx)).unwrap();
        assert_eq!(read_idx_file(&plain).unwrap(), idx);
        assert_eq!(read_idx_file(&gz).unwrap(), idx);
        fs::remove_file(plain).unwrap();
        fs::remove_file(gz).unwrap();
    }

    #[test]
    fn missing_file_and_directory() {
        let missing = temp_path("does-not-exist");
        let err = read_idx_file(&missing).unwrap_err();
        assert_eq!(err, LoadError::NotFound(missing.clone()));
        assert!(err.to_string().contains("does-not-exist"), "{err}");
        let dir = std::env::temp_dir();
        assert_eq!(read_idx_file(&dir), Err(LoadError::NotAFile(dir.clone())));
    }

    #[test]
    fn corrupt_gzip_is_reported() {
        let path = temp_path("corrupt");
        let mut bytes = gzip(&[0u8; 1000]);
        let n = bytes.len();
        bytes[n - 8] ^= 0xFF; // break the CRC
        fs::write(&path, &bytes).unwrap();
        let err = read_idx_file(&path).unwrap_err();
        assert!(matches!(err, LoadError::Gzip { .. }), "{err}");
        fs::remove_file(path).unwrap();
    }

    #[test]
    fn size_caps_stop_big_files_and_gzip_bombs() {
        let path = temp_path("bomb");
        fs::write(&path, gzip(&[0u8; 10_000])).unwrap();
        let err = read_capped(&path, 9_999).unwrap_err();
        assert_eq!(
            err,
            LoadError::TooLarge {
                path: path.clone(),
                decompressed: true
            }
        );
        assert!(
            err.to_string().contains("decompressed data exceeds"),
            "{err}"
        );
        assert_eq!(read_capped(&path, 10_000).unwrap().len(), 10_000);
        assert!(matches!(
            read_capped(&path, 10),
            Err(LoadError::TooLarge {
                decompressed: false,
                ..
            })
        ));
        fs::remove_file(path).unwrap();
    }

    #[test]
    fn load_dataset_names_the_bad_file() {
        let images = temp_path("ld-images");
        let labels = temp_path("ld-labels");
        fs::write(&images, write_idx_u8(&[1, 28, 28], &[0; 784])).unwrap();
        fs::write(&labels, write_idx_u8(&[2], &[0])).unwrap();
        let err = load_dataset(&images, &labels).unwrap_err();
        assert!(matches!(
            &err,
            LoadError::Invalid { path, error: IdxError::LengthMismatch { .. } } if *path == labels
        ));
        assert!(err.to_string().contains("ld-labels"), "{err}");
        fs::write(&labels, write_idx_u8(&[1], &[3])).unwrap();
        assert_eq!(load_dataset(&images, &labels).unwrap().labels(), &[3]);
        fs::remove_file(images).unwrap();
        fs::remove_file(labels).unwrap();
    }
}
