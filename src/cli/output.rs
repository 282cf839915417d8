//! The files the commands write: grey PNGs, `.npy` arrays, the metrics CSV, and the
//! checkpoint's bytes. Every error names the file.

use super::{fail, CliError};
use crate::gan::StepStats;
use crate::judge::metrics::Quality;
use image::codecs::png::PngEncoder;
use image::{ExtendedColorType, ImageEncoder};
use ndarray::Array2;
use ndarray_npy::WriteNpyExt;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Header of `metrics.csv`; an empty field means the step did not measure that value.
/// The judge's columns (`fd`, `min_class_share`, `agreement`, `speckle`: isolated bright
/// pixels per sample) are filled only on the steps that were evaluated; `agreement` only
/// for a conditional model. `seconds` is the wall-clock time since training started,
/// judging excluded, so quality can be read against training time.
pub const METRICS_HEADER: &str =
    "step,d_loss,g_loss,d_real,d_fake,fd,min_class_share,agreement,speckle,seconds";

fn write_error(path: &Path, e: impl std::fmt::Display) -> CliError {
    CliError(format!("cannot write {}: {e}", path.display()))
}

fn create(path: &Path) -> Result<BufWriter<File>, CliError> {
    File::create(path)
        .map(BufWriter::new)
        .map_err(|e| write_error(path, e))
}

/// Flushes a buffered file: a write error surfacing only on flush is still an error.
fn finish(path: &Path, mut out: BufWriter<File>) -> Result<(), CliError> {
    out.flush().map_err(|e| write_error(path, e))
}

/// Writes an 8-bit grey PNG of `width × height` pixels, row-major.
pub fn write_gray_png(
    path: &Path,
    pixels: &[u8],
    width: usize,
    height: usize,
) -> Result<(), CliError> {
    write_png(path, pixels, width, height, ExtendedColorType::L8)
}

/// Writes an 8-bit RGB PNG of `width × height` pixels, row-major, 3 bytes each.
pub fn write_rgb_png(
    path: &Path,
    pixels: &[u8],
    width: usize,
    height: usize,
) -> Result<(), CliError> {
    write_png(path, pixels, width, height, ExtendedColorType::Rgb8)
}

fn write_png(
    path: &Path,
    pixels: &[u8],
    width: usize,
    height: usize,
    color: ExtendedColorType,
) -> Result<(), CliError> {
    let (Ok(w), Ok(h)) = (u32::try_from(width), u32::try_from(height)) else {
        return fail(format!(
            "cannot write {}: {width}×{height} is too large for a PNG",
            path.display()
        ));
    };
    let mut out = create(path)?;
    PngEncoder::new(&mut out)
        .write_image(pixels, w, h, color)
        .map_err(|e| write_error(path, e))?;
    finish(path, out)
}

/// Writes a 2-D f32 array as a little-endian `.npy` file, readable by `numpy.load`.
pub fn write_npy(path: &Path, array: &Array2<f32>) -> Result<(), CliError> {
    let mut out = create(path)?;
    array
        .write_npy(&mut out)
        .map_err(|e| write_error(path, e))?;
    finish(path, out)
}

/// Writes `bytes` to a temporary file beside `path`, then renames it into place, so a
/// crash never leaves half a checkpoint, and resuming from `DIR/checkpoint.safetensors`
/// into the same `DIR` replaces the file only once the new one is complete.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let written = fs::write(&tmp, bytes).and_then(|()| fs::rename(&tmp, path));
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(write_error(path, e));
    }
    Ok(())
}

/// `metrics.csv`, one row per training step, written as training goes so that the rows
/// so far survive a crash.
pub struct MetricsCsv {
    path: PathBuf,
    out: BufWriter<File>,
}

impl MetricsCsv {
    /// Creates (or truncates) the file and writes the header.
    pub fn create(path: &Path) -> Result<MetricsCsv, CliError> {
        let mut out = create(path)?;
        writeln!(out, "{METRICS_HEADER}").map_err(|e| write_error(path, e))?;
        Ok(MetricsCsv {
            path: path.to_path_buf(),
            out,
        })
    }

    /// Appends the row for global step `step`, with the judge's verdict if it evaluated
    /// this step.
    pub fn write_row(
        &mut self,
        step: u64,
        stats: &StepStats,
        quality: Option<&Quality>,
        seconds: f64,
    ) -> Result<(), CliError> {
        self.write_row_io(step, stats, quality, seconds)
            .map_err(|e| write_error(&self.path, e))
    }

    fn write_row_io(
        &mut self,
        step: u64,
        stats: &StepStats,
        quality: Option<&Quality>,
        seconds: f64,
    ) -> io::Result<()> {
        // `{}` on f32 prints the shortest text that reads back as the same number.
        let optional = |v: Option<f32>| v.map(|v| v.to_string()).unwrap_or_default();
        let judged = match quality {
            Some(q) => format!(
                "{:.4},{:.4},{},{}",
                q.fd,
                q.min_class_share(),
                q.agreement.map(|a| format!("{a:.4}")).unwrap_or_default(),
                q.speckle.map(|a| format!("{a:.4}")).unwrap_or_default()
            ),
            None => ",,,".to_string(),
        };
        writeln!(
            self.out,
            "{step},{},{},{},{},{judged},{seconds:.3}",
            optional(stats.d_loss),
            stats.g_loss,
            optional(stats.d_real),
            stats.d_fake
        )
    }

    /// Flushes the file.
    pub fn finish(self) -> Result<(), CliError> {
        finish(&self.path, self.out)
    }
}
