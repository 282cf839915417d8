//! `ganplay dalone`: "Can D generate?", the lecture's iterated algorithm (src/dalone/) on
//! the built-in digits. Each round trains D against its negatives, then makes new ones by
//! gradient ascent on D from noise. Writes into the output folder:
//!
//! - `negatives-NN.png`: round NN's new negatives, the first 64 as 8 × 8 tiles;
//! - `metrics.csv`: one row a round: D's loss and scores (on real digits, on the old
//!   negatives, on noise before the ascent, on the new negatives), then what the digit
//!   judge says of the new negatives (Fréchet distance to real digits, the smallest
//!   digit share, the share of its most common digit, specks per image) and the seconds;
//! - `negatives.npy`: the last round's negatives, f32 [N, 784], pixels in [-1, 1].
//!
//! Prints a line a round. docs/lessons.md has a run.

use super::judge::{builtin_judge_path, load_judge};
use super::{output, report, CliError, DAloneArgs};
use crate::dalone::{DAlone, DAloneConfig, RoundStats};
use crate::data::gz::builtin_mnist;
use crate::gan::IMAGE_DIM;
use crate::judge::judge_images;
use crate::judge::metrics::Quality;
use crate::render::{grid_gray, grid_size};
use std::io::Write;
use std::time::Instant;

/// Side of the negatives' grid in each round's picture.
const GRID: usize = 8;
/// Grey of the gaps between tiles (as `grid.png`'s).
const GAP: u8 = 128;
const METRICS_HEADER: &str = "round,d_loss,d_real,d_old_negatives,d_noise,d_new_negatives,judge_fd,judge_min_share,judge_top_share,speckle,seconds";

pub fn run(args: &DAloneArgs) -> Result<(), CliError> {
    let config = DAloneConfig {
        seed: args.seed,
        negatives: args.negatives,
        d_steps: args.d_steps,
        ascent_steps: args.ascent_steps,
        ascent_rate: args.ascent_rate,
        ..DAloneConfig::default()
    };
    let mut run = DAlone::new(config).map_err(|e| CliError(format!("D alone: {e}")))?;
    let data = builtin_mnist().map_err(|e| CliError(e.to_string()))?;
    let mut judge = load_judge(&args.judge.clone().unwrap_or_else(builtin_judge_path))?;
    std::fs::create_dir_all(&args.out)
        .map_err(|e| CliError(format!("{}: cannot create: {e}", args.out.display())))?;
    let metrics_path = args.out.join("metrics.csv");
    let mut csv = std::fs::File::create(&metrics_path)
        .map_err(|e| CliError(format!("{}: {e}", metrics_path.display())))?;
    let write_err = |e: std::io::Error| CliError(format!("{}: {e}", metrics_path.display()));
    writeln!(csv, "{METRICS_HEADER}").map_err(write_err)?;
    let start = Instant::now();
    for _ in 0..args.rounds {
        let stats = run.round(&data).map_err(CliError)?;
        let quality = judge_images(&mut judge, run.negatives());
        let seconds = start.elapsed().as_secs_f64();
        writeln!(csv, "{}", row(&stats, &quality, seconds)).map_err(write_err)?;
        write_grid(
            &run,
            &args.out.join(format!("negatives-{:02}.png", stats.round)),
        )?;
        report(format_args!(
            "round {}: D(real) {:.3}, D(old negatives) {:.3}, D(noise) {:.3} -> D(new negatives) {:.3}; judge: FD {:.1}, top digit {:.0}%, specks {:.1} ({seconds:.1} s)",
            stats.round,
            stats.d_real,
            stats.d_old_negatives,
            stats.d_noise,
            stats.d_new_negatives,
            quality.fd,
            100.0 * top_share(&quality),
            quality.speckle.unwrap_or(f64::NAN),
        ));
    }
    output::write_npy(&args.out.join("negatives.npy"), &run.negatives().to_owned())
}

fn top_share(q: &Quality) -> f64 {
    q.shares().into_iter().fold(0.0, f64::max)
}

fn row(s: &RoundStats, q: &Quality, seconds: f64) -> String {
    format!(
        "{},{},{},{},{},{},{:.3},{:.4},{:.4},{:.3},{seconds:.2}",
        s.round,
        s.d_loss,
        s.d_real,
        s.d_old_negatives,
        s.d_noise,
        s.d_new_negatives,
        q.fd,
        q.min_class_share(),
        top_share(q),
        q.speckle.unwrap_or(f64::NAN),
    )
}

/// The first `GRID`² negatives (fewer: the grid's rest left black) as a PNG.
fn write_grid(run: &DAlone, path: &std::path::Path) -> Result<(), CliError> {
    let negatives = run.negatives();
    let mut images = vec![-1.0f32; GRID * GRID * IMAGE_DIM];
    for (tile, image) in images.chunks_exact_mut(IMAGE_DIM).zip(negatives.rows()) {
        tile.iter_mut().zip(image).for_each(|(t, &p)| *t = p);
    }
    let (width, height) = grid_size(GRID, GRID);
    let mut pixels = vec![0; width * height];
    grid_gray(&images, GRID, GRID, GAP, &mut pixels);
    output::write_gray_png(path, &pixels, width, height)
}
