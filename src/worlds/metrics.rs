//! How close G's points are to a world's data, as numbers:
//!
//! - the Jensen–Shannon divergence between the real and the fake histograms, binned on
//!   the visible range [-1, 1] (1-D: `BINS_1D` bins; 2-D: `BINS_2D`² cells), in bits, so
//!   0 is identical and 1 is disjoint: JS(P, Q) = ½ KL(P ‖ M) + ½ KL(Q ‖ M), M = ½(P + Q);
//! - for the Gaussian mixtures, the mode metrics of the GAN literature (Metz et al. 2017,
//!   Srivastava et al. 2017): a sample is **high quality** when it lies within 3σ of some
//!   mode's centre, and a mode is **covered** when at least `COVER_SHARE` of an even
//!   share of the samples (N / modes) are high-quality samples of that mode.

use super::{Modes, World};

/// Bins of a 1-D histogram over [-1, 1].
pub const BINS_1D: usize = 50;
/// Cells per axis of a 2-D histogram over [-1, 1]².
pub const BINS_2D: usize = 20;
/// A mode is covered when it holds this share of an even split of the samples.
pub const COVER_SHARE: f64 = 0.2;
/// Fake samples the metrics are measured on (the usual 2,500 of the ring's papers).
pub const METRIC_SAMPLES: usize = 2500;

/// A world's metrics for one set of fake points.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WorldMetrics {
    /// JS divergence between the binned real and fake points, in bits (0–1).
    pub js: f64,
    /// Modes covered, and of how many; `None` when the world has no Gaussian modes.
    pub modes: Option<(usize, usize)>,
    /// Share of fake points within 3σ of a mode (0–1); `None` without modes.
    pub high_quality: Option<f64>,
}

/// The normalised histogram of `points` ((n, dim) row-major, dim 1 or 2): `bins` bins
/// (dim 1) or `bins`² cells, row-major with x fastest (dim 2), over [-1, 1]. Points
/// outside the range count in the nearest edge bin.
pub fn histogram(points: &[f32], dim: usize, bins: usize) -> Vec<f64> {
    let cells = if dim == 1 { bins } else { bins * bins };
    let mut h = vec![0.0; cells];
    let bin = |v: f32| (((v + 1.0) * 0.5 * bins as f32).floor().max(0.0) as usize).min(bins - 1);
    let n = points.len() / dim;
    for p in points.chunks_exact(dim) {
        let i = if dim == 1 {
            bin(p[0])
        } else {
            bin(p[1]) * bins + bin(p[0])
        };
        h[i] += 1.0;
    }
    if n > 0 {
        h.iter_mut().for_each(|c| *c /= n as f64);
    }
    h
}

/// The Jensen–Shannon divergence between two distributions over the same bins, in bits.
pub fn js_divergence(p: &[f64], q: &[f64]) -> f64 {
    let kl_to_mid = |a: f64, m: f64| if a > 0.0 { a * (a / m).log2() } else { 0.0 };
    p.iter()
        .zip(q)
        .map(|(&a, &b)| {
            let m = 0.5 * (a + b);
            0.5 * kl_to_mid(a, m) + 0.5 * kl_to_mid(b, m)
        })
        .sum::<f64>()
        .max(0.0)
}

/// Modes covered and the high-quality share of `points` ((n, dim) row-major) against
/// `modes` (see the module doc).
pub fn mode_stats(points: &[f32], dim: usize, modes: &Modes) -> (usize, f64) {
    let k = modes.centres.len();
    let radius2 = (3.0 * modes.sigma).powi(2);
    let mut counts = vec![0usize; k];
    let mut good = 0;
    let n = points.len() / dim;
    for p in points.chunks_exact(dim) {
        let (x, y) = (p[0], if dim == 2 { p[1] } else { 0.0 });
        let nearest = modes
            .centres
            .iter()
            .map(|c| (c[0] - x).powi(2) + (c[1] - y).powi(2))
            .enumerate()
            .min_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((i, _)) = nearest.filter(|&(_, d2)| d2 <= radius2) {
            counts[i] += 1;
            good += 1;
        }
    }
    let needed = COVER_SHARE * n as f64 / k as f64;
    let covered = counts
        .iter()
        .filter(|&&c| c > 0 && c as f64 >= needed)
        .count();
    let share = if n == 0 { 0.0 } else { good as f64 / n as f64 };
    (covered, share)
}

/// Every metric of `world` for fake points against real ones (both (n, dim) row-major).
pub fn measure(world: &World, real: &[f32], fake: &[f32]) -> WorldMetrics {
    let dim = world.dim();
    let bins = if dim == 1 { BINS_1D } else { BINS_2D };
    let js = js_divergence(&histogram(real, dim, bins), &histogram(fake, dim, bins));
    let stats = world
        .modes()
        .map(|m| (m.centres.len(), mode_stats(fake, dim, &m)));
    WorldMetrics {
        js,
        modes: stats.map(|(k, (covered, _))| (covered, k)),
        high_quality: stats.map(|(_, (_, share))| share),
    }
}

/// The metrics of `gan`'s world for `METRIC_SAMPLES` of G's points (from the seed's
/// fixed noise, so the same weights always give the same numbers) against `real`.
pub fn evaluate(gan: &mut crate::gan::Gan, real: &crate::data::Dataset) -> WorldMetrics {
    let config = gan.config();
    let (world, dim) = (config.world.clone(), config.data_dim());
    let z = crate::gan::fixed_noise(config.seed, METRIC_SAMPLES, config.noise_dim);
    let mut fake = ndarray::Array2::zeros((METRIC_SAMPLES, dim));
    gan.generate(z.view(), &[], fake.view_mut());
    measure(
        &world,
        real.images(),
        fake.as_slice().expect("standard layout"),
    )
}
