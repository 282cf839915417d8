//! A short fuzz run of both parsers that read files from outside — the checkpoint loader
//! and the IDX data loader — inside `cargo test` (a few seconds). It follows the same
//! recipes as the cargo-fuzz targets in fuzz/ (which need a nightly toolchain and run for
//! as long as you let them): random bytes, every truncation of a valid file, bit flips,
//! and headers that lie about lengths and dimensions. The property is always the same:
//! the parser returns (an error, or a value that is consistent), never panics, and never
//! allocates what a header merely claims. tests/checkpoint.rs and tests/idx.rs hold the
//! case-by-case tests with exact messages.
#![cfg(not(target_arch = "wasm32"))]

use ganplay::checkpoint::{load, save, CheckpointError};
use ganplay::data::idx::write_idx_u8;
use ganplay::data::Dataset;
use ganplay::gan::{Gan, GanConfig, IMAGE_DIM, IMAGE_SIDE};
use proptest::prelude::*;
use std::sync::OnceLock;

fn valid_checkpoint() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        let config = GanConfig {
            noise_dim: 4,
            g_hidden: vec![6],
            d_hidden: vec![5],
            batch_size: 4,
            ..GanConfig::default()
        };
        let images = (0..8 * IMAGE_DIM)
            .map(|i| (i % 7) as f32 / 3.5 - 1.0)
            .collect();
        let data = Dataset::from_parts(images, (0..8).collect(), IMAGE_SIDE, IMAGE_SIDE).unwrap();
        let mut gan = Gan::new(config).unwrap();
        for _ in 0..3 {
            gan.train_step(&data).unwrap();
        }
        save(&gan)
    })
}

/// A valid pair of IDX files: `n` 28×28 images and their labels.
fn valid_idx(n: usize) -> (Vec<u8>, Vec<u8>) {
    let pixels: Vec<u8> = (0..n * IMAGE_DIM).map(|i| (i * 31 % 256) as u8).collect();
    let labels: Vec<u8> = (0..n).map(|i| (i % 10) as u8).collect();
    (
        write_idx_u8(&[n, IMAGE_SIDE, IMAGE_SIDE], &pixels),
        write_idx_u8(&[n], &labels),
    )
}

/// Checks that a checkpoint that loads is whole: it saves back to a file that loads.
fn load_is_safe(bytes: &[u8]) -> Result<(), TestCaseError> {
    if let Ok(gan) = load(bytes) {
        prop_assert!(load(&save(&gan)).is_ok());
    }
    Ok(())
}

/// Checks that a data set that loads is consistent with itself.
fn from_idx_is_safe(images: &[u8], labels: &[u8]) -> Result<(), TestCaseError> {
    if let Ok(data) = Dataset::from_idx(images, labels) {
        prop_assert_eq!(data.images().len(), data.len() * data.image_dim());
        prop_assert!(data.images().iter().all(|v| (-1.0..=1.0).contains(v)));
        for i in 0..data.len() {
            prop_assert!(data.label(i) < 10);
        }
    }
    Ok(())
}

#[test]
fn every_truncation_of_a_checkpoint_is_refused() {
    let bytes = valid_checkpoint();
    // Every cut through the header and the first data, then a stride through the rest.
    let cuts = (0..bytes.len().min(4096)).chain((4096..bytes.len()).step_by(97));
    let mut tried = 0;
    for cut in cuts {
        match load(&bytes[..cut]) {
            Ok(_) => panic!("a checkpoint cut at {cut} bytes loaded"),
            // Past the 8-byte length and the header's first byte, a cut is recognised as
            // one; shorter, there is nothing to recognise.
            Err(e) if cut > 8 => assert!(
                matches!(e, CheckpointError::Truncated(_)),
                "cut at {cut}: {e}"
            ),
            Err(e) => assert!(
                matches!(e, CheckpointError::NotSafetensors(_)),
                "cut at {cut}: {e}"
            ),
        }
        tried += 1;
    }
    assert!(load(bytes).is_ok());
    println!(
        "{tried} truncations of a {}-byte checkpoint refused",
        bytes.len()
    );
}

#[test]
fn every_truncation_of_an_idx_pair_is_refused() {
    let (images, labels) = valid_idx(3);
    for cut in 0..images.len() {
        assert!(
            Dataset::from_idx(&images[..cut], &labels).is_err(),
            "images cut at {cut}"
        );
    }
    for cut in 0..labels.len() {
        assert!(
            Dataset::from_idx(&images, &labels[..cut]).is_err(),
            "labels cut at {cut}"
        );
    }
    assert!(Dataset::from_idx(&images, &labels).is_ok());
}

#[test]
fn lying_checkpoint_header_lengths_are_refused() {
    let bytes = valid_checkpoint();
    for claimed in [0, 1, 7, u64::MAX, u64::MAX / 2, 1 << 40, bytes.len() as u64] {
        let mut forged = bytes.to_vec();
        forged[..8].copy_from_slice(&claimed.to_le_bytes());
        assert!(load(&forged).is_err(), "header length {claimed} accepted");
    }
}

#[test]
fn lying_idx_dimensions_are_refused() {
    let (images, labels) = valid_idx(3);
    for dims in [
        [u32::MAX, 28, 28],
        [u32::MAX, u32::MAX, u32::MAX],
        [3, 28, u32::MAX],
        [1 << 20, 28, 28],
        [3, 27, 28],
        [3, 0, 28],
    ] {
        let mut forged = images.clone();
        for (i, d) in dims.iter().enumerate() {
            forged[4 + 4 * i..8 + 4 * i].copy_from_slice(&d.to_be_bytes());
        }
        assert!(
            Dataset::from_idx(&forged, &labels).is_err(),
            "dims {dims:?} accepted"
        );
    }
    let mut forged = labels.clone();
    forged[4..8].copy_from_slice(&u32::MAX.to_be_bytes());
    assert!(Dataset::from_idx(&images, &forged).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn checkpoint_random_bytes(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        load_is_safe(&bytes)?;
    }

    #[test]
    fn checkpoint_bit_flips(flips in prop::collection::vec((any::<prop::sample::Index>(), 1u8..), 1..8)) {
        let mut bytes = valid_checkpoint().to_vec();
        for (at, mask) in flips {
            let i = at.index(bytes.len());
            bytes[i] ^= mask;
        }
        load_is_safe(&bytes)?;
    }

    #[test]
    fn checkpoint_random_cut_and_tail(cut in any::<prop::sample::Index>(), tail in prop::collection::vec(any::<u8>(), 0..64)) {
        let bytes = valid_checkpoint();
        let mut forged = bytes[..cut.index(bytes.len())].to_vec();
        forged.extend(tail);
        load_is_safe(&forged)?;
    }

    #[test]
    fn idx_random_bytes(
        images in prop::collection::vec(any::<u8>(), 0..256),
        labels in prop::collection::vec(any::<u8>(), 0..64),
    ) {
        from_idx_is_safe(&images, &labels)?;
    }

    #[test]
    fn idx_bit_flips(
        n in 1usize..4,
        flips in prop::collection::vec((any::<bool>(), any::<prop::sample::Index>(), 1u8..), 1..6),
    ) {
        let (mut images, mut labels) = valid_idx(n);
        for (in_images, at, mask) in flips {
            let file = if in_images { &mut images } else { &mut labels };
            let i = at.index(file.len());
            file[i] ^= mask;
        }
        from_idx_is_safe(&images, &labels)?;
    }

    #[test]
    fn idx_lying_headers(
        dims in prop::collection::vec(any::<u32>(), 1..5),
        body in prop::collection::vec(any::<u8>(), 0..128),
    ) {
        let mut images = vec![0, 0, 0x08, dims.len() as u8];
        for d in &dims {
            images.extend_from_slice(&d.to_be_bytes());
        }
        images.extend_from_slice(&body);
        let (_, labels) = valid_idx(2);
        from_idx_is_safe(&images, &labels)?;
    }
}
