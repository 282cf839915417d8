//! `ganplay judge` trains the digit classifier that scores G, and `ganplay eval` prints
//! its verdict on a checkpoint. `train` uses the same judge for its metrics columns.

use super::{
    load_checkpoint, note, output, read_named_file, report, CliError, EvalArgs, JudgeArgs,
};
use crate::data::gz::{builtin_dir, builtin_mnist};
use crate::gan::IMAGE_SIDE;
use crate::judge::metrics::{speckle_rate, Quality, VANISHED_SHARE};
use crate::judge::{evaluate, Judge, JudgeConfig};
use std::path::{Path, PathBuf};

/// The judge's file name beside the built-in digits.
pub const JUDGE_FILE: &str = "judge.safetensors";

/// The shipped judge, `www/data/judge.safetensors`.
pub fn builtin_judge_path() -> PathBuf {
    builtin_dir().join(JUDGE_FILE)
}

/// Runs `ganplay judge`.
pub fn run_judge(args: &JudgeArgs) -> Result<(), CliError> {
    let data = builtin_mnist()
        .map_err(|e| CliError(format!("cannot load the built-in MNIST sample: {e}")))?;
    let config = JudgeConfig {
        seed: args.seed,
        epochs: args.epochs as usize,
        ..JudgeConfig::default()
    };
    let judge = Judge::train(&data, &config, |epoch, loss| {
        note(format_args!(
            "epoch {epoch}/{}: training loss {loss:.4}",
            config.epochs
        ))
    })
    .map_err(|e| CliError(e.to_string()))?;
    output::write_atomically(&args.out, &judge.to_bytes())?;
    let info = &judge.info;
    report(format_args!(
        "held-out accuracy {:.2}% ({} training digits, {} held out, seed {}, {} epochs); \
         wrote {}",
        100.0 * info.accuracy,
        info.train_count,
        info.held_out_count,
        info.seed,
        info.epochs,
        args.out.display()
    ));
    Ok(())
}

/// Reads a judge file, naming it in any error.
pub fn load_judge(path: &Path) -> Result<Judge, CliError> {
    let hint = format!(" (`ganplay judge --out {}` makes one)", path.display());
    let bytes = read_named_file(path, "judge", &hint)?;
    Judge::from_bytes(&bytes).map_err(|e| CliError(format!("{}: {e}", path.display())))
}

/// Runs `ganplay eval`.
pub fn run_eval(args: &EvalArgs) -> Result<(), CliError> {
    let mut gan = load_checkpoint(&args.checkpoint)?;
    gan.set_samples_from_average(!args.raw_g);
    if gan.config().world.is_points() {
        return super::world::run_eval(&mut gan, &args.checkpoint);
    }
    let judge_path = args.judge.clone().unwrap_or_else(builtin_judge_path);
    let mut judge = load_judge(&judge_path)?;
    let n = usize::try_from(args.n).unwrap_or(usize::MAX);
    let quality = evaluate(&mut gan, &mut judge, n);
    report(format_args!(
        "{} after {} steps, {} samples:",
        args.checkpoint.display(),
        gan.counters().steps,
        quality.n
    ));
    for line in describe(&quality) {
        report(format_args!("  {line}"));
    }
    if let Ok(data) = builtin_mnist() {
        report(format_args!(
            "  real digits (the built-in {}): {:.4} isolated bright pixels per image",
            data.len(),
            speckle_rate(data.images(), IMAGE_SIDE)
        ));
    }
    report(format_args!("{}", quality.to_json()));
    Ok(())
}

/// The verdict in words, a line each: histogram, coverage, FD, agreement.
pub fn describe(q: &Quality) -> Vec<String> {
    let shares = q.shares();
    let histogram: Vec<String> = shares
        .iter()
        .enumerate()
        .map(|(d, s)| format!("{d}: {:.1}%", 100.0 * s))
        .collect();
    let mut lines = vec![
        format!("class histogram: {}", histogram.join("  ")),
        format!("smallest class share: {:.1}%", 100.0 * q.min_class_share()),
    ];
    let vanished = q.vanished(VANISHED_SHARE);
    if !vanished.is_empty() {
        let list: Vec<String> = vanished.iter().map(u8::to_string).collect();
        lines.push(format!(
            "mode collapse: digits {} have vanished (under {:.0}% of samples)",
            list.join(", "),
            100.0 * VANISHED_SHARE
        ));
    }
    lines.push(format!("Fréchet distance (judge features): {:.3}", q.fd));
    if let Some(a) = q.agreement {
        lines.push(format!("label agreement: {:.1}%", 100.0 * a));
    }
    if let Some(s) = q.speckle {
        lines.push(format!("isolated bright pixels per sample: {s:.3}"));
    }
    lines
}
