//! `ganplay edits`: the lecture's two edits of a digit at the same pixel distance (one
//! along the stroke, one of stray pixels; src/vae/edits.rs), scored by a checkpoint's D
//! on the built-in digits. Prints a table, then the same as one JSON line: the page's
//! card "Same pixel loss, different digits" for any model.

use super::{fail, load_checkpoint, report, CliError, EditsArgs};
use crate::data::gz::builtin_mnist;
use crate::gan::IMAGE_DIM;
use crate::vae::edits::score_edits;
use ndarray::ArrayView2;

/// Images D scores at once: bounds its activation buffers.
const CHUNK: usize = 1000;

/// Runs `ganplay edits`.
pub fn run(args: &EditsArgs) -> Result<(), CliError> {
    let mut gan = load_checkpoint(&args.checkpoint)?;
    if gan.config().world.is_points() {
        return fail(format!(
            "{}: a model of a world of points; the edits are of digits",
            args.checkpoint.display()
        ));
    }
    let data = builtin_mnist().map_err(|e| CliError(e.to_string()))?;
    let score = |images: &[f32], labels: &[u8]| {
        let mut p = vec![0.0; labels.len()];
        for (i, out) in p.chunks_mut(CHUNK).enumerate() {
            let rows = i * CHUNK..i * CHUNK + out.len();
            let x = &images[rows.start * IMAGE_DIM..rows.end * IMAGE_DIM];
            let x = ArrayView2::from_shape((out.len(), IMAGE_DIM), x).expect("whole images");
            gan.discriminate(x, &labels[rows], out);
        }
        p
    };
    // The flags' ranges are checked by clap; out of usize's range reads as too many.
    let as_count = |v: u64| usize::try_from(v).unwrap_or(usize::MAX);
    let s = score_edits(&data, as_count(args.pixels), as_count(args.n), score).map_err(CliError)?;
    report(format_args!(
        "{} digits, {} pixels switched on in each edit (squared distance {} from the digit)",
        s.n,
        s.count,
        4 * s.count
    ));
    report(format_args!(
        "image         D's mean score  specks per image"
    ));
    for (name, d, specks) in [
        ("original", s.original, s.specks[0]),
        ("stroke edit", s.stroke, s.specks[1]),
        ("stray edit", s.stray, s.specks[2]),
    ] {
        report(format_args!("{name:<13} {d:>14.3}  {specks:>16.2}"));
    }
    report(format_args!(
        "the stray edit scored below the stroke edit for {:.1}% of the digits",
        100.0 * s.lower_stray
    ));
    report(format_args!(
        "{}",
        serde_json::json!({
            "checkpoint": args.checkpoint.display().to_string(),
            "pixels": s.count,
            "n": s.n,
            "d_original": s.original,
            "d_stroke": s.stroke,
            "d_stray": s.stray,
            "lower_stray": s.lower_stray,
            "specks": s.specks,
        })
    ));
    Ok(())
}
