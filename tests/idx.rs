//! Integration tests for IDX parsing and the data set: the shipped MNIST sample, every way
//! a file can be refused, and property tests that hostile bytes never panic the parser.
#![cfg(not(target_arch = "wasm32"))]

use std::time::{Duration, Instant};

use ganplay::data::gz::{builtin_mnist, read_idx_file};
use ganplay::data::idx::{parse_idx, write_idx_u8, IdxError, MAX_DIMS};
use ganplay::data::{DataError, Dataset};
use proptest::prelude::*;

/// Valid 28×28 image and label files holding `n` blank images labelled `i % 10`.
fn valid_files(n: usize) -> (Vec<u8>, Vec<u8>) {
    let labels: Vec<u8> = (0..n).map(|i| (i % 10) as u8).collect();
    (
        write_idx_u8(&[n, 28, 28], &vec![0; n * 784]),
        write_idx_u8(&[n], &labels),
    )
}

#[test]
fn round_trip_write_then_parse() {
    let data: Vec<u8> = (0..=255).cycle().take(4 * 28 * 28).collect();
    let arr = parse_idx(&write_idx_u8(&[4, 28, 28], &data)).unwrap();
    assert_eq!(arr.dims, vec![4, 28, 28]);
    assert_eq!(arr.data, data);
}

#[test]
fn shipped_mnist_sample_is_balanced_and_scaled() {
    let ds = builtin_mnist().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ds.len(), 10_000);
    assert_eq!((ds.rows(), ds.cols(), ds.image_dim()), (28, 28, 784));
    assert_eq!(
        ds.class_counts(),
        [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]
    );
    assert!(ds.images().iter().all(|x| (-1.0..=1.0).contains(x)));
    // Both ends of the range occur: background is -1, full ink is +1.
    assert!(ds.images().contains(&-1.0) && ds.images().contains(&1.0));
    // Interleaved round-robin by class, so prefixes are balanced.
    assert_eq!(&ds.labels()[..12], &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    assert_eq!(ds.split_at(1000).0.class_counts(), [100; 10]);
    // A digit has some ink but is mostly background.
    let ink = ds.image(0).iter().filter(|&&x| x > 0.0).count();
    assert!((50..400).contains(&ink), "{ink} inked pixels in image 0");
}

#[test]
fn shipped_files_are_gzipped_idx() {
    let dir = ganplay::data::gz::builtin_dir();
    let raw = std::fs::read(dir.join(ganplay::data::gz::BUILTIN_LABELS)).unwrap();
    assert_eq!(&raw[..2], &[0x1F, 0x8B]);
    let labels =
        parse_idx(&read_idx_file(&dir.join(ganplay::data::gz::BUILTIN_LABELS)).unwrap()).unwrap();
    assert_eq!(labels.dims, vec![10_000]);
}

#[test]
fn refuses_empty_input() {
    assert!(matches!(
        parse_idx(&[]),
        Err(IdxError::TooShort { actual: 0, .. })
    ));
}

#[test]
fn refuses_truncated_header() {
    let (images, _) = valid_files(1);
    assert_eq!(
        parse_idx(&images[..9]),
        Err(IdxError::TooShort {
            needed: 16,
            actual: 9
        })
    );
}

#[test]
fn refuses_truncated_data() {
    let (images, _) = valid_files(2);
    assert_eq!(
        parse_idx(&images[..images.len() - 1]),
        Err(IdxError::LengthMismatch {
            expected: 2 * 784,
            actual: 2 * 784 - 1
        })
    );
}

#[test]
fn refuses_wrong_magic() {
    let (mut images, _) = valid_files(1);
    images[1] = 3;
    assert_eq!(
        parse_idx(&images),
        Err(IdxError::BadMagic { found: [0, 3] })
    );
}

#[test]
fn refuses_element_type_other_than_u8() {
    let (mut images, _) = valid_files(1);
    for code in [0x09, 0x0B, 0x0C, 0x0D, 0x0E, 0x00, 0xFF] {
        images[2] = code;
        assert_eq!(
            parse_idx(&images),
            Err(IdxError::UnsupportedElementType(code))
        );
    }
}

#[test]
fn refuses_zero_dimension() {
    assert_eq!(
        parse_idx(&write_idx_u8(&[0, 28, 28], &[])),
        Err(IdxError::ZeroDimension { axis: 0 })
    );
}

#[test]
fn refuses_five_dimensions() {
    assert_eq!(
        parse_idx(&write_idx_u8(&[1; 5], &[0])),
        Err(IdxError::BadDimensionCount(5))
    );
}

#[test]
fn refuses_lying_header_quickly_without_allocating() {
    // A 16-byte file claiming 2^31 × 2^31 × 2^31 elements. Were the parser to allocate
    // before checking, this would abort the test process rather than fail it.
    let lying = write_idx_u8(&[1 << 31, 1 << 31, 1 << 31], &[]);
    assert_eq!(lying.len(), 16);
    let start = Instant::now();
    for _ in 0..1000 {
        assert!(matches!(parse_idx(&lying), Err(IdxError::TooLarge { .. })));
    }
    // One element past the cap, without overflow, is refused the same way.
    let just_over = write_idx_u8(&[1 << 31, 2], &[]);
    assert!(matches!(
        parse_idx(&just_over),
        Err(IdxError::TooLarge { .. })
    ));
    // Within the cap but 47 MB more than present: a length mismatch, again no allocation.
    let promise = write_idx_u8(&[60_000, 28, 28], &[]);
    assert!(matches!(
        parse_idx(&promise),
        Err(IdxError::LengthMismatch { actual: 0, .. })
    ));
    assert!(start.elapsed() < Duration::from_secs(1));
}

#[test]
fn refuses_trailing_bytes() {
    let (mut images, _) = valid_files(1);
    images.push(0);
    assert_eq!(
        parse_idx(&images),
        Err(IdxError::LengthMismatch {
            expected: 784,
            actual: 785
        })
    );
}

#[test]
fn refuses_label_above_nine() {
    let (images, _) = valid_files(3);
    assert_eq!(
        Dataset::from_idx(&images, &write_idx_u8(&[3], &[9, 0, 200])),
        Err(DataError::LabelOutOfRange {
            index: 2,
            label: 200
        })
    );
}

#[test]
fn refuses_count_mismatch() {
    let (images, _) = valid_files(3);
    let (_, labels) = valid_files(4);
    assert_eq!(
        Dataset::from_idx(&images, &labels),
        Err(DataError::CountMismatch {
            images: 3,
            labels: 4
        })
    );
}

#[test]
fn refuses_wrong_image_size() {
    let err = Dataset::from_idx(
        &write_idx_u8(&[2, 16, 16], &[0; 512]),
        &write_idx_u8(&[2], &[0, 1]),
    )
    .unwrap_err();
    assert_eq!(err, DataError::ImageSize { rows: 16, cols: 16 });
    assert!(err.to_string().contains("built for 28×28"), "{err}");
}

#[test]
fn errors_read_as_one_line() {
    let errors: Vec<Box<dyn std::error::Error>> = vec![
        Box::new(parse_idx(&[]).unwrap_err()),
        Box::new(parse_idx(&[0, 0, 0x0D, 1]).unwrap_err()),
        Box::new(Dataset::from_idx(&[], &[]).unwrap_err()),
    ];
    for e in errors {
        let s = e.to_string();
        assert!(!s.is_empty() && !s.contains('\n'), "{s:?}");
    }
}

/// Small arbitrary dimensions (1 to MAX_DIMS of them, each 1..=6) and matching data.
fn dims_and_data() -> impl Strategy<Value = (Vec<usize>, Vec<u8>)> {
    prop::collection::vec(1usize..=6, 1..=MAX_DIMS).prop_flat_map(|dims| {
        let n: usize = dims.iter().product();
        (Just(dims), prop::collection::vec(any::<u8>(), n))
    })
}

/// A mutation applied to a valid file.
#[derive(Debug, Clone)]
enum Mutation {
    /// Overwrite byte `at % len` with `value` (nothing, if the file is empty).
    Set { at: usize, value: u8 },
    /// Keep only the first `at % (len + 1)` bytes.
    Truncate { at: usize },
    /// Append these bytes.
    Append(Vec<u8>),
    /// Insert a byte at `at % (len + 1)`.
    Insert { at: usize, value: u8 },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (any::<usize>(), any::<u8>()).prop_map(|(at, value)| Mutation::Set { at, value }),
        1 => any::<usize>().prop_map(|at| Mutation::Truncate { at }),
        1 => prop::collection::vec(any::<u8>(), 1..8).prop_map(Mutation::Append),
        1 => (any::<usize>(), any::<u8>()).prop_map(|(at, value)| Mutation::Insert { at, value }),
    ]
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    match *m {
        Mutation::Set { at, value } => {
            let n = bytes.len();
            if n > 0 {
                bytes[at % n] = value;
            }
        }
        Mutation::Truncate { at } => bytes.truncate(at % (bytes.len() + 1)),
        Mutation::Append(ref extra) => bytes.extend_from_slice(extra),
        Mutation::Insert { at, value } => bytes.insert(at % (bytes.len() + 1), value),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn parse_never_panics_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        let _ = parse_idx(&bytes);
    }

    // Arbitrary bytes almost always fail on the magic; this starts past it so the
    // dimension and length checks see random input too.
    #[test]
    fn parse_never_panics_on_plausible_headers(
        ndims in 0u8..=6,
        rest in prop::collection::vec(any::<u8>(), 0..64),
    ) {
        let mut bytes = vec![0, 0, 0x08, ndims];
        bytes.extend_from_slice(&rest);
        if let Ok(arr) = parse_idx(&bytes) {
            prop_assert_eq!(arr.data.len(), arr.dims.iter().product::<usize>());
        }
    }

    #[test]
    fn mutated_files_parse_consistently_or_error(
        (dims, data) in dims_and_data(),
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        let mut bytes = write_idx_u8(&dims, &data);
        for m in &mutations {
            apply(&mut bytes, m);
        }
        if let Ok(arr) = parse_idx(&bytes) {
            prop_assert!((1..=MAX_DIMS).contains(&arr.dims.len()));
            prop_assert_eq!(arr.data.len(), arr.dims.iter().product::<usize>());
            prop_assert_eq!(4 + 4 * arr.dims.len() + arr.data.len(), bytes.len());
            prop_assert_eq!(&arr.data[..], &bytes[bytes.len() - arr.data.len()..]);
        }
    }

    #[test]
    fn write_then_parse_round_trips((dims, data) in dims_and_data()) {
        let arr = parse_idx(&write_idx_u8(&dims, &data)).unwrap();
        prop_assert_eq!(arr.dims, dims);
        prop_assert_eq!(arr.data, data);
    }
}
