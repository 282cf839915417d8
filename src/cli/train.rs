//! `ganplay train`: builds a GAN from the flags (or resumes one from a checkpoint), trains
//! it for N steps with a progress bar, and writes into the output folder:
//!
//! - `checkpoint.safetensors`: the whole training state, for `--resume` and `sample`;
//! - `metrics.csv`: one row per step of this run, numbered by the global step count;
//! - `grid.png`: G's images for the fixed grid noise, 10 × 10 tiles of 28 × 28 pixels;
//! - `samples.npy`: f32 [2000, 784] in [-1, 1], for evaluation outside ganplay.
//!
//! In a 1-D or 2-D world (`--world`, `--points`; `world.rs`) the data comes from the
//! seed, `view.png` (D's verdict with the real and G's points) replaces `grid.png`,
//! `samples.npy` is f32 [2000, 2] (or [2000, 1]), and the report ends with the world's
//! metrics instead of the judge's.
//!
//! If training diverges (a loss turns NaN or infinite), the step stops before the update
//! that would have used it; the files are still written from the model as it stands, and
//! the command then fails with the reason.

use super::judge::{builtin_judge_path, describe as describe_quality, load_judge};
use super::{
    fail, load_checkpoint, note, output, report, sample, world, CliError, LossKind, OptimizerKind,
    RecipeKind, TrainArgs,
};
use crate::checkpoint;
use crate::data::gz::{builtin_mnist, load_dataset};
use crate::data::Dataset;
use crate::gan::{Gan, GanConfig, StepStats, TrainError, GRID_SAMPLES, IMAGE_DIM, NUM_CLASSES};
use crate::judge::metrics::Quality;
use crate::judge::{evaluate, Judge};
use crate::nn::{AdamConfig, GeneratorLoss, OptimizerConfig, SgdConfig};
use crate::render::{grid_gray, grid_size};
use indicatif::{ProgressBar, ProgressState, ProgressStyle};
use ndarray::Array2;
use std::fmt;
use std::fs;
use std::path::Path;
use std::time::Instant;

/// The checkpoint's file name in the output folder.
pub const CHECKPOINT_FILE: &str = "checkpoint.safetensors";
/// The metrics' file name in the output folder.
pub const METRICS_FILE: &str = "metrics.csv";
/// The sample grid's file name in the output folder.
pub const GRID_FILE: &str = "grid.png";
/// The samples' file name in the output folder.
pub const SAMPLES_FILE: &str = "samples.npy";

/// Samples in `samples.npy`: conditional runs draw `SAMPLES / 10` of each digit, in
/// label order 0…9; the noise is `sample::generate_samples`'s for the model's seed, so
/// `ganplay sample --n 2000` on an unconditional checkpoint writes the same array.
pub const SAMPLES: usize = 2000;

/// Grey of the 2-pixel gaps between the grid's tiles: mid-grey, so that the black
/// background of neighbouring digits does not merge into one field.
pub const GRID_GAP_VALUE: u8 = 128;

/// Runs `ganplay train`.
pub fn run(args: &TrainArgs) -> Result<(), CliError> {
    // Everything that can be refused is checked before the output folder is touched.
    let mut gan = build_gan(args)?;
    let in_world = gan.config().world.is_points();
    let data = if in_world {
        world::world_data(&gan)
    } else {
        load_data(args)?
    };
    if data.len() < gan.config().batch_size {
        return fail(format!(
            "the batch size ({}) is larger than the data set ({} images)",
            gan.config().batch_size,
            data.len()
        ));
    }
    let mut judge = match &args.judge {
        _ if in_world => None,
        Some(path) => Some(load_judge(path)?),
        None => match load_judge(&builtin_judge_path()) {
            Ok(judge) => Some(judge),
            Err(e) => {
                note(format_args!("note: no judge, so no quality columns: {e}"));
                None
            }
        },
    };
    let dir = &args.out;
    if let Err(e) = fs::create_dir_all(dir) {
        return fail(format!(
            "cannot create the output folder {}: {e}",
            dir.display()
        ));
    }

    let mut metrics = output::MetricsCsv::create(&dir.join(METRICS_FILE))?;
    let first_step = gan.counters().steps + 1;
    let schedule = Schedule {
        steps: args.steps,
        log_every: args.log_every,
        eval_every: args.eval_every,
        eval_n: usize::try_from(args.eval_n).unwrap_or(usize::MAX),
    };
    let run = train_steps(&mut gan, &data, &schedule, judge.as_mut(), &mut metrics)?;
    metrics.finish()?;
    // A diverged model's weights may be NaN: such a checkpoint could not be loaded back.
    let diverged = matches!(run.error, Some(TrainError::Diverged { .. }));
    if !diverged && in_world {
        output::write_atomically(&dir.join(CHECKPOINT_FILE), &checkpoint::save(&gan))?;
        world::write_world_outputs(&mut gan, &data, dir, SAMPLES_FILE, SAMPLES)?;
    } else if !diverged {
        write_outputs(&mut gan, dir)?;
    }

    let seconds = run.seconds.max(1e-9);
    if run.steps > 0 {
        report(format_args!(
            "trained {} steps (global steps {first_step}–{}) in {:.1} s, {:.1} steps/s",
            run.steps,
            gan.counters().steps,
            seconds,
            run.steps as f64 / seconds
        ));
    }
    if let Some(stats) = &run.last {
        report(format_args!("last step: {}", describe(stats)));
    }
    if !diverged {
        if let Some(quality) = &run.quality {
            report(format_args!("judge ({} samples):", quality.n));
            for line in describe_quality(quality) {
                report(format_args!("  {line}"));
            }
        }
        if in_world {
            let metrics = crate::worlds::metrics::evaluate(&mut gan, &data);
            report(format_args!("{} world:", gan.config().world.name()));
            for line in world::describe(&metrics) {
                report(format_args!("  {line}"));
            }
        }
        let picture = if in_world {
            world::VIEW_FILE
        } else {
            GRID_FILE
        };
        report(format_args!(
            "wrote {CHECKPOINT_FILE}, {METRICS_FILE}, {picture} and {SAMPLES_FILE} to {}",
            dir.display()
        ));
    }
    match run.error {
        None => Ok(()),
        Some(e @ TrainError::Diverged { .. }) => fail(format!(
            "training diverged: {e}. No checkpoint was written (the model has diverged); \
             the metrics up to the last good step are in {}",
            dir.display()
        )),
        Some(e) => fail(format!(
            "training stopped during global step {}: {e}; the files in {} hold the model \
             as training left it",
            gan.counters().steps + 1,
            dir.display()
        )),
    }
}

/// A fresh GAN from the flags, or the checkpoint's with any hyperparameter flags applied.
fn build_gan(args: &TrainArgs) -> Result<Gan, CliError> {
    let Some(path) = &args.resume else {
        let world = world::world_from_args(args)?;
        let recipe = match args.recipe {
            RecipeKind::Tuned => world.default_config(),
            RecipeKind::Plain => world.plain_config(),
        };
        let config = apply_flags(&recipe, args);
        return Gan::new(config).map_err(|e| CliError(e.to_string()));
    };
    let mut gan = load_checkpoint(path)?;
    let config = apply_flags(gan.config(), args);
    // Skipped when no flag changed anything, so a plain resume continues from exactly
    // the saved state.
    if config != *gan.config() {
        gan.set_hyperparameters(config)
            .map_err(|e| CliError(e.to_string()))?;
    }
    Ok(gan)
}

/// `base` with every flag that was given put in. clap keeps the architecture flags and
/// `--seed` away from `--resume`, so for a resumed run this only touches hyperparameters.
fn apply_flags(base: &GanConfig, args: &TrainArgs) -> GanConfig {
    let mut config = base.clone();
    if let Some(seed) = args.seed {
        config.seed = seed;
    }
    if args.conditional {
        config.conditional = true;
    }
    if let Some(noise_dim) = args.noise_dim {
        config.noise_dim = noise_dim;
    }
    if let Some(widths) = &args.g_hidden {
        config.g_hidden = widths.clone();
    }
    if let Some(widths) = &args.d_hidden {
        config.d_hidden = widths.clone();
    }
    if let Some(batch) = args.batch {
        config.batch_size = batch;
    }
    if let Some(d_steps) = args.d_steps {
        config.d_steps = d_steps;
    }
    if let Some(loss) = args.loss {
        config.generator_loss = match loss {
            LossKind::NonSaturating => GeneratorLoss::NonSaturating,
            LossKind::Minimax => GeneratorLoss::Minimax,
        };
    }
    if let Some(smoothing) = args.label_smoothing {
        config.label_smoothing = smoothing;
    }
    if let Some(std) = args.d_input_noise {
        config.d_input_noise = std;
    }
    if let Some(weight) = args.d_mismatch {
        config.d_mismatch = weight;
    }
    if let Some(decay) = args.g_average {
        config.g_average = decay;
    }
    config.g_optimizer = with_optimizer_flags(config.g_optimizer, args.optimizer, args.g_lr);
    config.d_optimizer = with_optimizer_flags(config.d_optimizer, args.optimizer, args.d_lr);
    config
}

/// `current`, switched to `kind` (with that optimiser's defaults) if it is another kind,
/// then given the learning rate `lr` if set.
fn with_optimizer_flags(
    current: OptimizerConfig,
    kind: Option<OptimizerKind>,
    lr: Option<f32>,
) -> OptimizerConfig {
    let mut config = match (kind, current) {
        (Some(OptimizerKind::Adam), OptimizerConfig::Sgd(_)) => {
            OptimizerConfig::Adam(AdamConfig::default())
        }
        (Some(OptimizerKind::Sgd), OptimizerConfig::Adam(_)) => {
            OptimizerConfig::Sgd(SgdConfig::default())
        }
        _ => current,
    };
    if let Some(lr) = lr {
        match &mut config {
            OptimizerConfig::Sgd(c) => c.lr = lr,
            OptimizerConfig::Adam(c) => c.lr = lr,
        }
    }
    config
}

/// The files given by `--images` and `--labels`, or the built-in MNIST sample.
fn load_data(args: &TrainArgs) -> Result<Dataset, CliError> {
    match (&args.images, &args.labels) {
        (Some(images), Some(labels)) => load_dataset(images, labels).map_err(|e| CliError(e.to_string())),
        (None, None) => builtin_mnist().map_err(|e| {
            CliError(format!(
                "cannot load the built-in MNIST sample: {e} (--images and --labels train on other files)"
            ))
        }),
        // clap already insists on both; kept so this function is right on its own.
        _ => fail("--images and --labels must be given together"),
    }
}

/// What a training run did.
struct Run {
    /// Steps completed.
    steps: u64,
    /// The last completed step's measurements.
    last: Option<StepStats>,
    /// Wall-clock time spent training.
    seconds: f64,
    /// Why training stopped early, if it did.
    error: Option<TrainError>,
    /// The judge's last verdict.
    quality: Option<Quality>,
}

/// How long to train, and when to log and judge.
struct Schedule {
    steps: u64,
    log_every: u64,
    eval_every: u64,
    eval_n: usize,
}

/// Up to `steps` training steps, a metrics row after each. A training error ends the
/// run (it is returned in [`Run::error`]); only a failure to write metrics is an `Err`.
fn train_steps(
    gan: &mut Gan,
    data: &Dataset,
    schedule: &Schedule,
    mut judge: Option<&mut Judge>,
    metrics: &mut output::MetricsCsv,
) -> Result<Run, CliError> {
    let (steps, log_every) = (schedule.steps, schedule.log_every);
    let bar = progress_bar(steps);
    let start = Instant::now();
    let mut judging = std::time::Duration::ZERO;
    let mut run = Run {
        steps: 0,
        last: None,
        seconds: 0.0,
        error: None,
        quality: None,
    };
    for _ in 0..steps {
        // On a pool of 2 or more, the other threads poll for the products' halves.
        let stats = match crate::nn::pool::awake(|| gan.train_step(data)) {
            Ok(stats) => stats,
            Err(e) => {
                run.error = Some(e);
                break;
            }
        };
        run.steps += 1;
        run.last = Some(stats);
        let step = gan.counters().steps;
        let due = run.steps == steps
            || (schedule.eval_every > 0 && step.is_multiple_of(schedule.eval_every));
        let training = (start.elapsed() - judging).as_secs_f64();
        let quality = match judge.as_deref_mut() {
            Some(judge) if due => {
                let began = Instant::now();
                let quality = evaluate(gan, judge, schedule.eval_n);
                judging += began.elapsed();
                Some(quality)
            }
            _ => None,
        };
        metrics.write_row(step, &stats, quality.as_ref(), training)?;
        if quality.is_some() {
            run.quality = quality;
        }
        bar.inc(1);
        bar.set_message(short_losses(&stats));
        if log_every > 0 && run.steps.is_multiple_of(log_every) {
            let rate = run.steps as f64 / start.elapsed().as_secs_f64().max(1e-9);
            // `suspend` clears the bar while the line prints (and just prints when hidden).
            bar.suspend(|| {
                note(format_args!(
                    "step {step}: {}, {rate:.1} steps/s",
                    describe(&stats)
                ))
            });
        }
    }
    run.seconds = start.elapsed().as_secs_f64();
    if run.error.is_some() {
        bar.abandon();
    } else {
        bar.finish_and_clear();
    }
    Ok(run)
}

/// A progress bar on stderr showing steps/s and the current losses. indicatif draws
/// nothing when stderr is not a terminal, so logs and tests see only the log lines.
fn progress_bar(steps: u64) -> ProgressBar {
    let bar = ProgressBar::new(steps);
    let template = "{elapsed_precise} [{wide_bar}] {pos}/{len} {rate} eta {eta} {msg}";
    let style = match ProgressStyle::with_template(template) {
        // indicatif's own `{per_sec}` prints four decimals; one is plenty.
        Ok(style) => style.with_key("rate", |state: &ProgressState, w: &mut dyn fmt::Write| {
            let _ = write!(w, "{:.1} steps/s", state.per_sec());
        }),
        Err(_) => ProgressStyle::default_bar(),
    };
    bar.set_style(style.progress_chars("=> "));
    bar
}

fn short_losses(stats: &StepStats) -> String {
    match stats.d_loss {
        Some(d_loss) => format!("D {d_loss:.3} G {:.3}", stats.g_loss),
        None => format!("G {:.3}", stats.g_loss),
    }
}

/// A step's measurements in words, for the log and the final report.
fn describe(stats: &StepStats) -> String {
    let mut text = String::new();
    if let Some(d_loss) = stats.d_loss {
        text += &format!("d_loss {d_loss:.4}, ");
    }
    text += &format!("g_loss {:.4}", stats.g_loss);
    if let Some(d_real) = stats.d_real {
        text += &format!(", D(x) {d_real:.3}");
    }
    text + &format!(", D(G(z)) {:.3}", stats.d_fake)
}

/// The checkpoint, the grid and the samples. The checkpoint goes first, before
/// generating anything touches G's buffers.
fn write_outputs(gan: &mut Gan, dir: &Path) -> Result<(), CliError> {
    output::write_atomically(&dir.join(CHECKPOINT_FILE), &checkpoint::save(gan))?;

    let mut grid = Array2::zeros((GRID_SAMPLES, IMAGE_DIM)); // (100, 784)
    gan.generate_grid(grid.view_mut());
    let (width, height) = grid_size(10, 10);
    let mut pixels = vec![0; width * height];
    let images = grid.as_slice().expect("a new array is contiguous");
    grid_gray(images, 10, 10, GRID_GAP_VALUE, &mut pixels);
    output::write_gray_png(&dir.join(GRID_FILE), &pixels, width, height)?;

    let per_digit = SAMPLES / NUM_CLASSES;
    let labels: Vec<u8> = (0..SAMPLES).map(|i| (i / per_digit) as u8).collect();
    let seed = gan.config().seed;
    let samples = sample::generate_samples(gan, seed, &labels); // (2000, 784)
    output::write_npy(&dir.join(SAMPLES_FILE), &samples)
}
