//! The `ganplay` command-line trainer: `ganplay train …` and `ganplay sample …` (see
//! `ganplay --help`). All of it lives in the library's `cli` module.

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    ganplay::cli::main()
}

/// The command needs a file system and a terminal, so the wasm build has an empty twin
/// (wasm-pack builds every binary target for wasm32 when it runs the tests).
#[cfg(target_arch = "wasm32")]
fn main() {}
