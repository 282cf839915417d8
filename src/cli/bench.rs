//! `ganplay bench`: training speed of the native build on the built-in digits, on the
//! threads `--threads` gives (the pool is `cli::on_threads`'). Prints one JSON line per
//! batch size, the format `bench/run.sh` collects next to the browser's figures. With
//! `--phases`, where a step's time goes (docs/threads.md).

use super::{fail, report, BenchArgs, CliError};
use crate::data::gz::builtin_mnist;
use crate::data::Dataset;
use crate::gan::{Gan, GanConfig, Phase};
use crate::nn::{pool, profile};
use std::time::Instant;

/// Runs the benchmark: for each batch size, warm-up steps, then timed steps.
pub fn run(args: &BenchArgs, threads: usize) -> Result<(), CliError> {
    let data = builtin_mnist().map_err(|e| CliError(e.to_string()))?;
    if args.batches.is_empty() {
        return fail("give at least one batch size");
    }
    for &batch in &args.batches {
        let config = GanConfig {
            batch_size: batch,
            ..GanConfig::default()
        };
        let mut gan = Gan::new(config).map_err(|e| CliError(e.to_string()))?;
        for _ in 0..args.warmup {
            gan.train_step(&data).map_err(|e| CliError(e.to_string()))?;
        }
        let start = Instant::now();
        pool::awake(|| {
            for _ in 0..args.steps {
                gan.train_step(&data).map_err(|e| CliError(e.to_string()))?;
            }
            Ok::<_, CliError>(())
        })?;
        let seconds = start.elapsed().as_secs_f64();
        report(format_args!(
            "{{\"figure\":\"steps_per_s\",\"build\":\"native\",\"threads\":{threads},\"batch\":{batch},\"steps\":{},\"seconds\":{seconds:.3},\"value\":{:.1}}}",
            args.steps,
            args.steps as f64 / seconds
        ));
        if args.phases {
            phases(&mut gan, &data, args.steps, threads, batch)?;
        }
    }
    Ok(())
}

/// Runs `steps` steps a phase at a time and prints each phase's mean milliseconds per
/// step, then the time in the products and in the updates, and the rest (element-wise
/// work, sampling, copies), each per step.
fn phases(
    gan: &mut Gan,
    data: &Dataset,
    steps: u32,
    threads: usize,
    batch: usize,
) -> Result<(), CliError> {
    let mut ms = [0.0f64; Phase::ALL.len()];
    profile::take();
    let start = Instant::now();
    for _ in 0..steps {
        loop {
            let phase = gan.phase().unwrap_or(Phase::Real);
            let t = Instant::now();
            let done = gan.advance(data).map_err(|e| CliError(e.to_string()))?;
            ms[Phase::ALL.iter().position(|&p| p == phase).unwrap_or(0)] +=
                t.elapsed().as_secs_f64() * 1e3;
            if done.is_some() {
                break;
            }
        }
    }
    let total = start.elapsed().as_secs_f64() * 1e3 / steps as f64;
    let [gemm, optimiser] = profile::take().map(|s| s * 1e3 / steps as f64);
    let line = |part: &str, value: f64| {
        report(format_args!(
            "{{\"figure\":\"step_ms\",\"build\":\"native\",\"threads\":{threads},\"batch\":{batch},\"part\":\"{part}\",\"value\":{value:.3}}}"
        ))
    };
    for (phase, ms) in Phase::ALL.iter().zip(ms) {
        line(&format!("phase:{}", phase.name()), ms / steps as f64);
    }
    line("gemm", gemm);
    line("optimiser", optimiser);
    line("rest", total - gemm - optimiser);
    line("step", total);
    Ok(())
}
