//! `ganplay bench`: training speed of the native build on the built-in digits, on the
//! threads `--threads` gives (the pool is `cli::on_threads`'). Prints one JSON line per
//! batch size, the format `bench/run.sh` collects next to the browser's figures.

use super::{fail, report, BenchArgs, CliError};
use crate::data::gz::builtin_mnist;
use crate::gan::{Gan, GanConfig};
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
        for _ in 0..args.steps {
            gan.train_step(&data).map_err(|e| CliError(e.to_string()))?;
        }
        let seconds = start.elapsed().as_secs_f64();
        report(format_args!(
            "{{\"figure\":\"steps_per_s\",\"build\":\"native\",\"threads\":{threads},\"batch\":{batch},\"steps\":{},\"seconds\":{seconds:.3},\"value\":{:.1}}}",
            args.steps,
            args.steps as f64 / seconds
        ));
    }
    Ok(())
}
