//! The 1-D and 2-D worlds on the command line: `train --world NAME` or `--points FILE.csv`
//! trains on a world of points instead of the digits and writes `samples.npy` as f32
//! [N, 2] (or [N, 1]) and `view.png`, D's verdict with the real and G's points, instead
//! of the digit grid; `eval` prints the world's metrics.

use super::{fail, output, report, CliError, TrainArgs};
use crate::data::Dataset;
use crate::gan::Gan;
use crate::worlds::metrics::{evaluate, WorldMetrics, METRIC_SAMPLES};
use crate::worlds::view::{render_rgb, WorldView};
use crate::worlds::{parse_points_csv, World};
use std::path::Path;

/// The view's file name in the output folder (in place of `grid.png`).
pub const VIEW_FILE: &str = "view.png";
/// Side of `view.png`, in pixels.
pub const VIEW_SIDE: usize = 512;
/// Resolution of D's map in `view.png`, cells per axis.
const VIEW_RES: usize = 128;

/// The world the flags ask for: `--world NAME`, `--points FILE.csv`, or the digits.
pub fn world_from_args(args: &TrainArgs) -> Result<World, CliError> {
    if let Some(path) = &args.points {
        let text = std::fs::read_to_string(path)
            .map_err(|e| CliError(format!("{}: cannot read: {e}", path.display())))?;
        let points =
            parse_points_csv(&text).map_err(|e| CliError(format!("{}: {e}", path.display())))?;
        return Ok(World::Drawn(points));
    }
    let Some(name) = &args.world else {
        return Ok(World::Digits);
    };
    match World::from_name(name) {
        Some(world) => Ok(world),
        None => {
            let names: Vec<&str> = std::iter::once("digits")
                .chain(World::BUILT_IN.iter().map(World::name))
                .collect();
            fail(format!(
                "--world {name}: no such world; the worlds are {}",
                names.join(", ")
            ))
        }
    }
}

/// A world's data set, from the model's seed.
pub fn world_data(gan: &Gan) -> Dataset {
    let config = gan.config();
    config
        .world
        .generate(config.seed)
        .expect("only worlds of points come here")
}

/// `view.png` and `samples.npy` (f32 [N, dim], G's points for the same noise as
/// `ganplay sample --n N` takes).
pub fn write_world_outputs(
    gan: &mut Gan,
    data: &Dataset,
    dir: &Path,
    samples_file: &str,
    n: usize,
) -> Result<(), CliError> {
    let mut view = WorldView::new(gan, METRIC_SAMPLES.min(1000), VIEW_RES, 2);
    view.update(gan);
    let pixels = render_rgb(&view, data.images(), gan.config().data_dim(), VIEW_SIDE);
    output::write_rgb_png(&dir.join(VIEW_FILE), &pixels, VIEW_SIDE, VIEW_SIDE)?;

    let seed = gan.config().seed;
    let samples = super::sample::generate_samples(gan, seed, &vec![0; n]);
    output::write_npy(&dir.join(samples_file), &samples)
}

/// The metrics in words, a line each.
pub fn describe(m: &WorldMetrics) -> Vec<String> {
    let mut lines = vec![format!("JS divergence (binned): {:.3} bits", m.js)];
    if let (Some((covered, of)), Some(hq)) = (m.modes, m.high_quality) {
        lines.push(format!("modes covered: {covered} of {of}"));
        lines.push(format!(
            "high-quality samples (within 3σ of a mode): {:.1}%",
            100.0 * hq
        ));
    }
    lines
}

/// The metrics as one JSON line.
pub fn to_json(m: &WorldMetrics) -> String {
    let opt = |v: Option<String>| v.unwrap_or_else(|| "null".into());
    format!(
        "{{\"js\":{:.6},\"modes_covered\":{},\"modes\":{},\"high_quality\":{}}}",
        m.js,
        opt(m.modes.map(|(c, _)| c.to_string())),
        opt(m.modes.map(|(_, k)| k.to_string())),
        opt(m.high_quality.map(|h| format!("{h:.6}")))
    )
}

/// `ganplay eval` on a world's checkpoint: its metrics on `METRIC_SAMPLES` of G's points.
pub fn run_eval(gan: &mut Gan, checkpoint: &Path) -> Result<(), CliError> {
    let data = world_data(gan);
    let m = evaluate(gan, &data);
    report(format_args!(
        "{} ({} world) after {} steps, {METRIC_SAMPLES} samples:",
        checkpoint.display(),
        gan.config().world.name(),
        gan.counters().steps
    ));
    for line in describe(&m) {
        report(format_args!("  {line}"));
    }
    report(format_args!("{}", to_json(&m)));
    Ok(())
}
