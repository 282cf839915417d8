//! Fuzz target: `checkpoint::load` on arbitrary bytes never panics, and a checkpoint it
//! accepts saves back to one it accepts again.
#![no_main]

use ganplay::checkpoint::{load, save};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    if let Ok(gan) = load(bytes) {
        assert!(load(&save(&gan)).is_ok());
    }
});
