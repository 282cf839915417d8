//! The `ganplay` command (native only): `train` a GAN on MNIST and write its checkpoint,
//! metrics, sample grid and samples; `sample` a checkpoint into a `.npy` file; `bench`
//! the training speed.
//!
//! This file holds the error type, the dispatch and the helpers every command shares; the
//! flags (clap) live in `args`, each command in its own file, and every file format it
//! writes in `output`. Every failure reaches `main`
//! as a one-line [`CliError`], printed as `error: …` with a non-zero exit code.

mod args;
mod bench;
mod dalone;
mod edits;
mod judge;
mod output;
mod sample;
mod train;
mod vae;
mod world;

use crate::checkpoint;
use crate::gan::Gan;
use clap::Parser;
use std::fmt;
use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

pub use args::{
    BenchArgs, Cli, Command, CompactArgs, DAloneArgs, EditsArgs, EvalArgs, JudgeArgs, LossKind,
    ModelKind, OptimizerKind, RecipeKind, SampleArgs, TrainArgs, MAX_THREADS,
};
pub use sample::{MAX_SAMPLES, SAMPLES_SEED_OFFSET};

/// A failure the user should read: one line, naming the file or flag concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliError(pub String);

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CliError {}

/// Shorthand for building a [`CliError`].
fn fail<T>(message: impl Into<String>) -> Result<T, CliError> {
    Err(CliError(message.into()))
}

/// Prints a line of the command's report on stdout. `println!` would panic if stdout
/// were closed early (`ganplay … | head -1`); the work is done by then, so that is no
/// failure of the command.
fn report(line: fmt::Arguments) {
    let _ = writeln!(io::stdout(), "{line}");
}

/// Prints a line on stderr (progress logs, the final error), never panicking.
fn note(line: fmt::Arguments) {
    let _ = writeln!(io::stderr(), "{line}");
}

/// Parses the command line, runs it, and turns any failure into `error: …` on stderr and
/// a non-zero exit code. (clap prints its own errors for malformed flags and exits with 2.)
pub fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            note(format_args!("error: {e}"));
            ExitCode::FAILURE
        }
    }
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<(), CliError> {
    let (command, threads) = (cli.command, usize::from(cli.threads));
    on_threads(threads, move || match command {
        Command::Train(args) if args.model != ModelKind::Gan => vae::run(&args),
        Command::Train(args) => train::run(&args),
        Command::Sample(args) => sample::run(&args),
        Command::Judge(args) => judge::run_judge(&args),
        Command::Eval(args) => judge::run_eval(&args),
        Command::Dalone(args) => dalone::run(&args),
        Command::Edits(args) => edits::run(&args),
        Command::Bench(args) => bench::run(&args, threads),
        Command::Compact(args) => compact(&args),
    })
}

/// Runs `ganplay compact`.
fn compact(args: &CompactArgs) -> Result<(), CliError> {
    let gan = load_checkpoint(&args.checkpoint)?;
    let bytes = checkpoint::save_compact(&gan);
    output::write_atomically(&args.out, &bytes)?;
    report(format_args!(
        "wrote {} ({} bytes; {} had {} bytes), step {}",
        args.out.display(),
        bytes.len(),
        args.checkpoint.display(),
        std::fs::metadata(&args.checkpoint).map_or(0, |m| m.len()),
        gan.counters().steps
    ));
    Ok(())
}

/// Runs `work` inside a rayon pool of `threads` threads, whose products then split
/// across them. One thread is a pool too: outside any pool the products would use
/// rayon's global pool, one thread per core.
#[cfg(feature = "threads")]
fn on_threads(
    threads: usize,
    work: impl FnOnce() -> Result<(), CliError> + Send,
) -> Result<(), CliError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("ganplay-{i}"))
        // The command itself runs on the pool's first thread: give it a main thread's stack.
        .stack_size(8 << 20)
        .build()
        .map_err(|e| CliError(format!("cannot start {threads} threads: {e}")))?;
    pool.install(work)
}

/// Without the `threads` feature there is one thread, so only `--threads 1`.
#[cfg(not(feature = "threads"))]
fn on_threads(
    threads: usize,
    work: impl FnOnce() -> Result<(), CliError> + Send,
) -> Result<(), CliError> {
    if threads > 1 {
        return fail(format!(
            "--threads {threads}: this ganplay was built without the `threads` feature; \
             build it with `cargo build --release --features threads`"
        ));
    }
    work()
}

/// Reads and rebuilds a checkpoint, naming the file in any error (the loader's message
/// says what is wrong with it, beginning with whether it is a checkpoint at all).
fn load_checkpoint(path: &Path) -> Result<Gan, CliError> {
    let bytes = read_named_file(path, "checkpoint", "")?;
    checkpoint::load(&bytes).map_err(|e| CliError(format!("{}: {e}", path.display())))
}

/// Reads a whole file the user named as a `what` ("checkpoint", "judge"), with a
/// message naming it when it is missing (plus `missing_hint`), a directory or unreadable.
fn read_named_file(path: &Path, what: &str, missing_hint: &str) -> Result<Vec<u8>, CliError> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => fail(format!(
            "{}: no such {what} file{missing_hint}",
            path.display()
        )),
        Err(_) if path.is_dir() => fail(format!(
            "{}: is a directory, not a {what} file",
            path.display()
        )),
        Err(e) => fail(format!("{}: cannot read: {e}", path.display())),
    }
}
