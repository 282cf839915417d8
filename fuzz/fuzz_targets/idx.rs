//! Fuzz target: the IDX reader and the data set built from an image and a label file never
//! panic on arbitrary bytes, and what they accept is consistent. The input is split into
//! the two files at a point its first byte picks.
#![no_main]

use ganplay::data::idx::parse_idx;
use ganplay::data::Dataset;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    if let Ok(arr) = parse_idx(bytes) {
        assert_eq!(arr.data.len(), arr.dims.iter().product::<usize>());
    }
    let Some((&split, rest)) = bytes.split_first() else {
        return;
    };
    let (images, labels) = rest.split_at(usize::from(split).min(rest.len()));
    if let Ok(data) = Dataset::from_idx(images, labels) {
        assert_eq!(data.images().len(), data.len() * data.image_dim());
    }
});
