//! The playground the wasm module's native tests share: small networks on `n` images
//! 28×28 where digit d is a bar in column 2d+4, bright on black, top to bottom.

use super::Playground;
use crate::data::idx::write_idx_u8;
use crate::gan::GanConfig;

/// The settings of `GanConfig::small()`, networks that train in milliseconds, as JSON.
pub(super) fn small() -> String {
    GanConfig::small().to_json()
}

/// 70 bar digits, for the lessons' runs: a batch of 64 fits.
pub(super) fn lesson_playground() -> Playground {
    bar_playground(70)
}

/// A playground of `n` bar digits (labels 0–9 in turn) with [`small`]'s networks.
pub(super) fn bar_playground(n: usize) -> Playground {
    let labels: Vec<u8> = (0..n).map(|i| (i % 10) as u8).collect();
    let mut pixels = vec![0u8; n * 784];
    for (i, &l) in labels.iter().enumerate() {
        for row in 0..28 {
            pixels[i * 784 + row * 28 + 2 * usize::from(l) + 4] = 255;
        }
    }
    let images = write_idx_u8(&[n, 28, 28], &pixels);
    let labels = write_idx_u8(&[n], &labels);
    Playground::new(&images, &labels, &small()).expect("valid data and settings")
}
