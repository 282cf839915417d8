//! Reading and writing IDX files, the simple big-endian array format MNIST ships in.
//!
//! Layout: two zero bytes, an element-type byte, a dimension count `d`, then `d`
//! big-endian `u32` sizes, then the elements row-major. Only unsigned bytes (type 0x08)
//! are supported, which is what every MNIST-style image and label file uses.
//!
//! The parser treats its input as untrusted (it may be a file a user dropped onto the
//! page): every size is checked against the bytes actually present *before* anything is
//! allocated, so a lying header cannot trigger a huge allocation or a panic.

use std::fmt;

/// The element-type byte for unsigned bytes, the only type this module reads.
pub const ELEMENT_TYPE_U8: u8 = 0x08;

/// Most dimensions a file may have; MNIST uses 1 (labels) and 3 (images).
pub const MAX_DIMS: usize = 4;

/// Most elements a file may hold (2 GiB of bytes). Real data sets are far smaller; the cap
/// keeps a corrupt header from describing something no browser tab could hold.
pub const MAX_ELEMENTS: usize = 1 << 31;

/// Errors reading an IDX file; `Display` gives a clear one-line message a user can act on.
#[derive(Debug, Clone, PartialEq)]
pub enum IdxError {
    /// The input ends before the header does (this includes empty input).
    TooShort {
        /// Bytes the header needs, as far as could be told from what was there.
        needed: usize,
        /// Bytes actually present.
        actual: usize,
    },
    /// The first two bytes are not zero, so this is not an IDX file.
    BadMagic {
        /// The first two bytes found.
        found: [u8; 2],
    },
    /// The element-type byte names a type other than unsigned byte.
    UnsupportedElementType(u8),
    /// The dimension count is 0 or more than [`MAX_DIMS`].
    BadDimensionCount(u8),
    /// One of the dimensions is zero, so the file holds no data.
    ZeroDimension {
        /// Which dimension (0-based) is zero.
        axis: usize,
    },
    /// The dimensions multiply to more than [`MAX_ELEMENTS`] (or overflow).
    TooLarge {
        /// The dimensions the header claims.
        dims: Vec<usize>,
    },
    /// The data after the header is shorter (truncated) or longer (trailing bytes) than
    /// the dimensions say.
    LengthMismatch {
        /// Data bytes the header promises.
        expected: usize,
        /// Data bytes actually present after the header.
        actual: usize,
    },
}

/// The conventional name of an IDX element-type byte, for error messages.
fn element_type_name(code: u8) -> &'static str {
    match code {
        0x08 => "unsigned byte",
        0x09 => "signed byte",
        0x0B => "16-bit integer",
        0x0C => "32-bit integer",
        0x0D => "float",
        0x0E => "double",
        _ => "not a valid IDX type",
    }
}

impl fmt::Display for IdxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdxError::TooShort { needed: _, actual: 0 } => {
                write!(f, "the file is empty; expected an IDX header")
            }
            IdxError::TooShort { needed, actual } => write!(
                f,
                "the file is too short for an IDX header: {actual} bytes, need at least {needed}"
            ),
            IdxError::BadMagic { found: [0x1F, 0x8B] } => write!(
                f,
                "not an IDX file: it starts with 0x1F 0x8B, which means it is gzip-compressed; \
                 decompress it first"
            ),
            IdxError::BadMagic { found } => write!(
                f,
                "not an IDX file: it starts with 0x{:02X} 0x{:02X}, but IDX files start with two zero bytes",
                found[0], found[1]
            ),
            IdxError::UnsupportedElementType(code) => write!(
                f,
                "unsupported element type 0x{code:02X} ({}); only unsigned-byte IDX files are supported",
                element_type_name(*code)
            ),
            IdxError::BadDimensionCount(n) => write!(
                f,
                "the IDX header says the array has {n} dimensions; only 1 to {MAX_DIMS} are supported"
            ),
            IdxError::ZeroDimension { axis } => write!(
                f,
                "dimension {axis} of the IDX array is zero, so the file holds no data"
            ),
            IdxError::TooLarge { dims } => write!(
                f,
                "the IDX header claims dimensions {dims:?}, more than the limit of {MAX_ELEMENTS} elements; \
                 the file is probably corrupt"
            ),
            IdxError::LengthMismatch { expected, actual } if actual < expected => write!(
                f,
                "the IDX file is truncated: the header promises {expected} data bytes but only {actual} are present"
            ),
            IdxError::LengthMismatch { expected, actual } => write!(
                f,
                "the IDX file has {} unexpected trailing bytes: the header promises {expected} data bytes but {actual} are present",
                actual - expected
            ),
        }
    }
}

impl std::error::Error for IdxError {}

/// A parsed IDX array of unsigned bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdxArray {
    /// Size of each dimension, outermost first, e.g. `[n, rows, cols]` for images.
    pub dims: Vec<usize>,
    /// The elements, row-major; `data.len()` is the product of `dims`.
    pub data: Vec<u8>,
}

/// Parses an uncompressed IDX file of unsigned bytes.
///
/// Never panics and never allocates more than the input's size, whatever the bytes.
pub fn parse_idx(bytes: &[u8]) -> Result<IdxArray, IdxError> {
    if bytes.len() < 4 {
        return Err(IdxError::TooShort {
            needed: 4,
            actual: bytes.len(),
        });
    }
    if bytes[0] != 0 || bytes[1] != 0 {
        return Err(IdxError::BadMagic {
            found: [bytes[0], bytes[1]],
        });
    }
    if bytes[2] != ELEMENT_TYPE_U8 {
        return Err(IdxError::UnsupportedElementType(bytes[2]));
    }
    let ndims = bytes[3];
    if ndims == 0 || usize::from(ndims) > MAX_DIMS {
        return Err(IdxError::BadDimensionCount(ndims));
    }
    let header_len = 4 + 4 * usize::from(ndims);
    if bytes.len() < header_len {
        return Err(IdxError::TooShort {
            needed: header_len,
            actual: bytes.len(),
        });
    }

    // At most MAX_DIMS entries, so this allocation is bounded by the check above.
    let dims: Vec<usize> = bytes[4..header_len]
        .chunks_exact(4)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize)
        .collect();
    if let Some(axis) = dims.iter().position(|&d| d == 0) {
        return Err(IdxError::ZeroDimension { axis });
    }
    let expected = dims
        .iter()
        .try_fold(1usize, |acc, &d| acc.checked_mul(d))
        .filter(|&n| n <= MAX_ELEMENTS);
    let Some(expected) = expected else {
        return Err(IdxError::TooLarge { dims });
    };

    // Compare the promised length with what is really there before copying: the copy
    // below is then never larger than the input.
    let actual = bytes.len() - header_len;
    if actual != expected {
        return Err(IdxError::LengthMismatch { expected, actual });
    }
    Ok(IdxArray {
        dims,
        data: bytes[header_len..].to_vec(),
    })
}

/// Writes an IDX file of unsigned bytes: header for `dims`, then `data` as given.
///
/// Never panics. It writes what it is told, so tests can build malformed files too: it
/// does not check that `data.len()` matches `dims` or that the dimension count is
/// supported. Values the format cannot hold saturate (more than 255 dimensions is
/// written as 255, a dimension above `u32::MAX` as `u32::MAX`); [`parse_idx`] rejects
/// the result.
pub fn write_idx_u8(dims: &[usize], data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(4 + 4 * dims.len() + data.len());
    out.extend_from_slice(&[0, 0, ELEMENT_TYPE_U8]);
    out.push(u8::try_from(dims.len()).unwrap_or(u8::MAX));
    for &d in dims {
        out.extend_from_slice(&u32::try_from(d).unwrap_or(u32::MAX).to_be_bytes());
    }
    out.extend_from_slice(data);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_images_and_labels() {
        let data: Vec<u8> = (0..2 * 3 * 4).map(|i| i as u8).collect();
        let bytes = write_idx_u8(&[2, 3, 4], &data);
        assert_eq!(&bytes[..4], &[0, 0, 0x08, 3]);
        assert_eq!(bytes.len(), 16 + data.len());
        let arr = parse_idx(&bytes).unwrap();
        assert_eq!(arr.dims, vec![2, 3, 4]);
        assert_eq!(arr.data, data);

        let labels = write_idx_u8(&[5], &[0, 1, 2, 3, 9]);
        assert_eq!(
            parse_idx(&labels).unwrap(),
            IdxArray {
                dims: vec![5],
                data: vec![0, 1, 2, 3, 9]
            }
        );
    }

    #[test]
    fn header_is_big_endian() {
        let bytes = write_idx_u8(&[0x0102_0304], &[]);
        assert_eq!(&bytes[4..8], &[1, 2, 3, 4]);
    }

    #[test]
    fn empty_and_truncated_header() {
        assert_eq!(
            parse_idx(&[]),
            Err(IdxError::TooShort {
                needed: 4,
                actual: 0
            })
        );
        assert_eq!(
            parse_idx(&[0, 0, 8]),
            Err(IdxError::TooShort {
                needed: 4,
                actual: 3
            })
        );
        // Three dims need a 16-byte header; 10 bytes are present.
        assert_eq!(
            parse_idx(&[0, 0, 8, 3, 0, 0, 0, 1, 0, 0]),
            Err(IdxError::TooShort {
                needed: 16,
                actual: 10
            })
        );
    }

    #[test]
    fn bad_magic_and_gzip_hint() {
        let err = parse_idx(&[0x1F, 0x8B, 8, 0]).unwrap_err();
        assert_eq!(
            err,
            IdxError::BadMagic {
                found: [0x1F, 0x8B]
            }
        );
        assert!(err.to_string().contains("gzip"), "{err}");
        assert_eq!(
            parse_idx(&[0, 1, 8, 1, 0, 0, 0, 1, 7]),
            Err(IdxError::BadMagic { found: [0, 1] })
        );
    }

    #[test]
    fn float_files_are_refused_by_name() {
        let err = parse_idx(&[0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0]).unwrap_err();
        assert_eq!(err, IdxError::UnsupportedElementType(0x0D));
        assert_eq!(
            err.to_string(),
            "unsupported element type 0x0D (float); only unsigned-byte IDX files are supported"
        );
    }

    #[test]
    fn dimension_checks() {
        assert_eq!(
            parse_idx(&[0, 0, 8, 0]),
            Err(IdxError::BadDimensionCount(0))
        );
        let five = write_idx_u8(&[1, 1, 1, 1, 1], &[7]);
        assert_eq!(parse_idx(&five), Err(IdxError::BadDimensionCount(5)));
        let zero = write_idx_u8(&[3, 0, 2], &[]);
        assert_eq!(parse_idx(&zero), Err(IdxError::ZeroDimension { axis: 1 }));
    }

    #[test]
    fn lying_header_is_refused_without_allocating() {
        // 16 bytes claiming (2^32-1)^3 elements: the product overflows usize.
        let huge = write_idx_u8(&[u32::MAX as usize; 3], &[]);
        assert_eq!(huge.len(), 16);
        assert!(matches!(parse_idx(&huge), Err(IdxError::TooLarge { .. })));
        // Within the cap but far more than is present.
        let big = write_idx_u8(&[60_000, 28, 28], &[]);
        assert_eq!(
            parse_idx(&big),
            Err(IdxError::LengthMismatch {
                expected: 60_000 * 784,
                actual: 0
            })
        );
    }

    #[test]
    fn truncated_and_trailing_data() {
        let short = write_idx_u8(&[4], &[1, 2, 3]);
        let err = parse_idx(&short).unwrap_err();
        assert_eq!(
            err,
            IdxError::LengthMismatch {
                expected: 4,
                actual: 3
            }
        );
        assert!(err.to_string().contains("truncated"), "{err}");
        let long = write_idx_u8(&[2], &[1, 2, 3]);
        let err = parse_idx(&long).unwrap_err();
        assert_eq!(
            err,
            IdxError::LengthMismatch {
                expected: 2,
                actual: 3
            }
        );
        assert!(err.to_string().contains("1 unexpected trailing"), "{err}");
    }

    #[test]
    fn write_never_panics_on_unrepresentable_input() {
        let many = vec![1usize; 300];
        let bytes = write_idx_u8(&many, &[0]);
        assert_eq!(bytes[3], 255);
        assert_eq!(parse_idx(&bytes), Err(IdxError::BadDimensionCount(255)));
    }
}
