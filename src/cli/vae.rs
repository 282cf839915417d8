//! `ganplay train --model vae` and `--model autoencoder`: trains `crate::vae::Vae` and
//! writes what the GAN's `train` writes, as far as it applies:
//!
//! - `checkpoint.safetensors`: both networks (`Vae::to_safetensors`; not a GAN
//!   checkpoint, so `sample`, `eval` and `--resume` refuse it);
//! - `metrics.csv`: `step,loss,recon,kl,fd,min_class_share,agreement,speckle,seconds`,
//!   the judge's columns on the judged steps as for the GAN (`agreement` stays empty);
//! - `grid.png`: the decoder's images for the GAN's grid noise of the seed, 10 × 10;
//! - `samples.npy`: f32 [2000, 784] in [-1, 1], the decoder on the noise the GAN's
//!   samples use for the same seed (`sample::generate_samples`).

use super::judge::{builtin_judge_path, describe as describe_quality, load_judge};
use super::train::{
    CHECKPOINT_FILE, GRID_FILE, GRID_GAP_VALUE, METRICS_FILE, SAMPLES, SAMPLES_FILE,
};
use super::{fail, note, output, report, CliError, ModelKind, RecipeKind, TrainArgs};
use crate::data::gz::{builtin_mnist, load_dataset};
use crate::data::Dataset;
use crate::gan::GRID_SAMPLES;
use crate::judge::judge_images;
use crate::judge::metrics::Quality;
use crate::judge::EVAL_SEED_OFFSET;
use crate::nn::OptimizerConfig;
use crate::render::{grid_gray, grid_size};
use crate::vae::{Vae, VaeConfig, VaeKind, VaeStats};
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::Instant;

/// Header of the VAE's `metrics.csv`.
pub const VAE_METRICS_HEADER: &str =
    "step,loss,recon,kl,fd,min_class_share,agreement,speckle,seconds";

/// Runs `ganplay train --model vae|autoencoder`.
pub fn run(args: &TrainArgs) -> Result<(), CliError> {
    let mut vae = Vae::new(config_from_args(args)?)
        .map_err(|e| CliError(format!("invalid configuration: {e}")))?;
    let data = load_data(args)?;
    if data.len() < vae.config().batch_size {
        return fail(format!(
            "the batch size ({}) is larger than the data set ({} images)",
            vae.config().batch_size,
            data.len()
        ));
    }
    let mut judge = match &args.judge {
        Some(path) => Some(load_judge(path)?),
        None => load_judge(&builtin_judge_path())
            .map_err(|e| note(format_args!("note: no judge, so no quality columns: {e}")))
            .ok(),
    };
    let dir = &args.out;
    if let Err(e) = fs::create_dir_all(dir) {
        return fail(format!(
            "cannot create the output folder {}: {e}",
            dir.display()
        ));
    }
    let metrics_path = dir.join(METRICS_FILE);
    let write_error =
        |e: std::io::Error| CliError(format!("cannot write {}: {e}", metrics_path.display()));
    let mut metrics = BufWriter::new(File::create(&metrics_path).map_err(write_error)?);
    writeln!(metrics, "{VAE_METRICS_HEADER}").map_err(write_error)?;

    let seed = vae.config().seed;
    let eval_n = usize::try_from(args.eval_n).unwrap_or(usize::MAX);
    let start = Instant::now();
    let mut judging = std::time::Duration::ZERO;
    let (mut last, mut quality, mut error): (Option<VaeStats>, Option<Quality>, _) =
        (None, None, None);
    for done in 1..=args.steps {
        let stats = match vae.train_step(&data) {
            Ok(stats) => stats,
            Err(e) => {
                error = Some(e);
                break;
            }
        };
        last = Some(stats);
        let step = vae.steps();
        let due = done == args.steps || (args.eval_every > 0 && step % args.eval_every == 0);
        let training = (start.elapsed() - judging).as_secs_f64();
        let judged = match judge.as_mut() {
            Some(judge) if due => {
                let began = Instant::now();
                let images = vae.generate(seed.wrapping_add(EVAL_SEED_OFFSET), eval_n);
                let q = judge_images(judge, images.view());
                judging += began.elapsed();
                Some(q)
            }
            _ => None,
        };
        let columns = match &judged {
            Some(q) => format!(
                "{:.4},{:.4},,{}",
                q.fd,
                q.min_class_share(),
                q.speckle.map(|s| format!("{s:.4}")).unwrap_or_default()
            ),
            None => ",,,".to_string(),
        };
        writeln!(
            metrics,
            "{step},{},{},{},{columns},{training:.3}",
            stats.loss as f32, stats.recon as f32, stats.kl as f32
        )
        .map_err(write_error)?;
        if judged.is_some() {
            quality = judged;
        }
        if args.log_every > 0 && done % args.log_every == 0 {
            note(format_args!("step {step}: {}", describe(&stats)));
        }
    }
    metrics.flush().map_err(write_error)?;
    drop(metrics);
    let seconds = start.elapsed().as_secs_f64().max(1e-9);
    if let Some(e) = error {
        return fail(format!(
            "training stopped after {} steps: {e}; no files but {} were written",
            vae.steps(),
            metrics_path.display()
        ));
    }
    write_outputs(&mut vae, dir)?;
    report(format_args!(
        "trained {} steps of the {} in {seconds:.1} s, {:.1} steps/s",
        vae.steps(),
        name(vae.config().kind),
        vae.steps() as f64 / seconds
    ));
    if let Some(stats) = &last {
        report(format_args!("last step: {}", describe(stats)));
    }
    if let Some(q) = &quality {
        report(format_args!(
            "judge ({} samples from random codes z ~ N(0, I)):",
            q.n
        ));
        for line in describe_quality(q) {
            report(format_args!("  {line}"));
        }
    }
    report(format_args!(
        "wrote {CHECKPOINT_FILE}, {METRICS_FILE}, {GRID_FILE} and {SAMPLES_FILE} to {}",
        dir.display()
    ));
    Ok(())
}

fn name(kind: VaeKind) -> &'static str {
    match kind {
        VaeKind::Vae => "variational auto-encoder",
        VaeKind::Autoencoder => "auto-encoder",
    }
}

fn describe(stats: &VaeStats) -> String {
    format!(
        "loss {:.3} (reconstruction {:.3}, KL {:.3})",
        stats.loss, stats.recon, stats.kl
    )
}

/// The configuration from the flags; GAN-only flags are refused by name.
fn config_from_args(args: &TrainArgs) -> Result<VaeConfig, CliError> {
    let model = match args.model {
        ModelKind::Vae => "vae",
        _ => "autoencoder",
    };
    let gan_only = [
        ("--world", args.world.is_some()),
        ("--points", args.points.is_some()),
        ("--conditional", args.conditional),
        ("--resume", args.resume.is_some()),
        ("--recipe plain", args.recipe == RecipeKind::Plain),
        ("--d-lr", args.d_lr.is_some()),
        ("--optimizer", args.optimizer.is_some()),
        ("--d-steps", args.d_steps.is_some()),
        ("--loss", args.loss.is_some()),
        ("--label-smoothing", args.label_smoothing.is_some()),
        ("--d-input-noise", args.d_input_noise.is_some()),
        ("--d-mismatch", args.d_mismatch.is_some()),
        ("--g-average", args.g_average.is_some()),
    ];
    if let Some((flag, _)) = gan_only.iter().find(|(_, given)| *given) {
        return fail(format!(
            "{flag} is a GAN setting and does not apply to --model {model} \
             (which takes --seed, --batch, --noise-dim, --g-hidden, --d-hidden, --g-lr)"
        ));
    }
    let mut config = VaeConfig {
        kind: if args.model == ModelKind::Vae {
            VaeKind::Vae
        } else {
            VaeKind::Autoencoder
        },
        ..VaeConfig::default()
    };
    if let Some(seed) = args.seed {
        config.seed = seed;
    }
    if let Some(batch) = args.batch {
        config.batch_size = batch;
    }
    if let Some(z) = args.noise_dim {
        config.z_dim = z;
    }
    if let Some(widths) = &args.g_hidden {
        config.decoder_hidden = widths.clone();
    }
    if let Some(widths) = &args.d_hidden {
        config.encoder_hidden = widths.clone();
    }
    if let (Some(lr), OptimizerConfig::Adam(adam)) = (args.g_lr, &mut config.optimizer) {
        adam.lr = lr;
    }
    Ok(config)
}

/// The files given by `--images` and `--labels`, or the built-in MNIST sample.
fn load_data(args: &TrainArgs) -> Result<Dataset, CliError> {
    match (&args.images, &args.labels) {
        (Some(images), Some(labels)) => {
            load_dataset(images, labels).map_err(|e| CliError(e.to_string()))
        }
        (None, None) => builtin_mnist()
            .map_err(|e| CliError(format!("cannot load the built-in MNIST sample: {e}"))),
        _ => fail("--images and --labels must be given together"),
    }
}

/// The checkpoint, the grid (the GAN's grid noise) and the samples (the GAN's sample noise).
fn write_outputs(vae: &mut Vae, dir: &Path) -> Result<(), CliError> {
    output::write_atomically(&dir.join(CHECKPOINT_FILE), &vae.to_safetensors())?;
    let seed = vae.config().seed;
    let grid = vae.generate(seed, GRID_SAMPLES); // (100, 784)
    let (width, height) = grid_size(10, 10);
    let mut pixels = vec![0; width * height];
    let images = grid.as_slice().expect("a new array is contiguous");
    grid_gray(images, 10, 10, GRID_GAP_VALUE, &mut pixels);
    output::write_gray_png(&dir.join(GRID_FILE), &pixels, width, height)?;
    let samples = vae.generate(seed.wrapping_add(super::SAMPLES_SEED_OFFSET), SAMPLES); // (2000, 784)
    output::write_npy(&dir.join(SAMPLES_FILE), &samples)
}
