//! What the judge's outputs say about a set of G's samples:
//!
//! - the class histogram: how many samples the judge calls each digit (argmax);
//! - the Fréchet distance between the judge's hidden features of the samples and of real
//!   digits, each summarised by a Gaussian (mean μ, covariance Σ):
//!   `FD = |μ1 - μ2|² + tr(Σ1 + Σ2 - 2 (Σ1^½ Σ2 Σ1^½)^½)` — FID's idea with a digit
//!   classifier in place of Inception; 0 for identical statistics, lower is better;
//! - in conditional mode, label agreement: how often the judge names the digit asked for;
//! - speckle: isolated bright pixels per sample, the salt noise a person sees at once on
//!   a GAN's digits and that real MNIST digits almost never have (see [`speckles`]).

use super::eigen::{matmul, psd_sqrt, symmetric_eigen};
use crate::data::NUM_CLASSES;
use ndarray::ArrayView2;

/// A digit whose share of the samples is below this has "vanished" (mode collapse).
/// Each digit is about 10% of real MNIST.
pub const VANISHED_SHARE: f64 = 0.02;

/// A pixel brighter than this (mid-grey, in [-1, 1]) can be a speck…
pub const SPECK_BRIGHT: f32 = 0.0;
/// …when every one of its 8 neighbours is darker than this (near the black background).
pub const SPECK_DARK_AROUND: f32 = -0.5;

/// Isolated bright pixels in one square image (`side` × `side`, values in [-1, 1]): a
/// pixel above [`SPECK_BRIGHT`] whose 8 neighbours (those inside the image, at an edge)
/// are all below [`SPECK_DARK_AROUND`]. Real MNIST digits have about 0.002 per image; a
/// GAN's salt noise shows up here long before the Fréchet distance notices it.
pub fn speckles(image: &[f32], side: usize) -> u32 {
    assert_eq!(image.len(), side * side, "a square image");
    let mut count = 0;
    for y in 0..side {
        for x in 0..side {
            if image[y * side + x] <= SPECK_BRIGHT {
                continue;
            }
            let rows = y.saturating_sub(1)..(y + 2).min(side);
            let isolated = rows.into_iter().all(|ny| {
                (x.saturating_sub(1)..(x + 2).min(side))
                    .all(|nx| (nx, ny) == (x, y) || image[ny * side + nx] < SPECK_DARK_AROUND)
            });
            count += u32::from(isolated);
        }
    }
    count
}

/// Mean isolated bright pixels per image over `images` (N·side² values, row-major).
pub fn speckle_rate(images: &[f32], side: usize) -> f64 {
    let n = images.len() / (side * side);
    if n == 0 {
        return 0.0;
    }
    let total: u64 = images
        .chunks_exact(side * side)
        .map(|image| u64::from(speckles(image, side)))
        .sum();
    total as f64 / n as f64
}

/// Mean (d) and covariance (d, d), row-major, of a set of feature vectors.
#[derive(Clone, Debug, PartialEq)]
pub struct FeatureStats {
    pub mean: Vec<f64>,
    pub cov: Vec<f64>,
}

impl FeatureStats {
    /// Width of the feature vectors.
    pub fn dim(&self) -> usize {
        self.mean.len()
    }

    /// The statistics as a judge file stores them (f32), read back as f64.
    pub fn rounded_to_f32(self) -> FeatureStats {
        let round = |v: Vec<f64>| v.into_iter().map(|x| f64::from(x as f32)).collect();
        FeatureStats {
            mean: round(self.mean),
            cov: round(self.cov),
        }
    }
}

/// `FD = |μ1 - μ2|² + tr(Σ1) + tr(Σ2) - 2 tr((Σ1^½ Σ2 Σ1^½)^½)`, never below 0.
///
/// `(Σ1^½ Σ2 Σ1^½)` is symmetric positive semi-definite and has the eigenvalues of
/// `Σ1 Σ2`, so the trace of its square root is the sum of the square roots of its
/// eigenvalues: two symmetric eigendecompositions, no general matrix square root.
pub fn frechet_distance(a: &FeatureStats, b: &FeatureStats) -> f64 {
    let n = a.dim();
    assert_eq!(b.dim(), n, "feature widths differ");
    let mean_term: f64 = a
        .mean
        .iter()
        .zip(&b.mean)
        .map(|(x, y)| (x - y).powi(2))
        .sum();
    let trace = |m: &[f64]| (0..n).map(|i| m[i * n + i]).sum::<f64>();
    let root_a = psd_sqrt(&a.cov, n);
    let middle = matmul(&matmul(&root_a, &b.cov, n), &root_a, n);
    let (values, _) = symmetric_eigen(&middle, n);
    let cross: f64 = values.iter().map(|&l| l.max(0.0).sqrt()).sum();
    (mean_term + trace(&a.cov) + trace(&b.cov) - 2.0 * cross).max(0.0)
}

/// Index of the largest value (the first, on ties).
pub fn argmax(row: &[f32]) -> usize {
    let mut best = 0;
    for (i, &v) in row.iter().enumerate() {
        if v > row[best] {
            best = i;
        }
    }
    best
}

/// What the judge says about a set of samples.
#[derive(Clone, Debug, PartialEq)]
pub struct Quality {
    /// Samples judged.
    pub n: u64,
    /// Samples the judge called each digit.
    pub counts: [u64; NUM_CLASSES],
    /// Fréchet distance of the samples' features to the real digits' (lower is better).
    pub fd: f64,
    /// Conditional mode: the share of samples the judge calls the digit that was asked
    /// for; `None` for an unconditional model.
    pub agreement: Option<f64>,
    /// Isolated bright pixels per sample ([`speckles`]); `None` when the images were not
    /// looked at (only the judge's outputs were added).
    pub speckle: Option<f64>,
}

impl Quality {
    /// Each digit's share of the samples.
    pub fn shares(&self) -> [f64; NUM_CLASSES] {
        let n = self.n.max(1) as f64;
        self.counts.map(|c| c as f64 / n)
    }

    /// The smallest digit share: 0.1 for a perfectly even spread, 0 when a digit is gone.
    pub fn min_class_share(&self) -> f64 {
        self.shares().into_iter().fold(f64::INFINITY, f64::min)
    }

    /// The digits whose share is below `threshold` (e.g. [`VANISHED_SHARE`]).
    pub fn vanished(&self, threshold: f64) -> Vec<u8> {
        (0..NUM_CLASSES as u8)
            .filter(|&d| self.shares()[usize::from(d)] < threshold)
            .collect()
    }

    /// One line of JSON: `{"n":…,"counts":[…],"min_class_share":…,"fd":…,"agreement":…,
    /// "speckle":…,"vanished":[…]}` (`agreement` is `null` for an unconditional model,
    /// `speckle` when no image was looked at).
    pub fn to_json(&self) -> String {
        serde_json::json!({
            "n": self.n,
            "counts": self.counts,
            "min_class_share": self.min_class_share(),
            "fd": self.fd,
            "agreement": self.agreement,
            "speckle": self.speckle,
            "vanished": self.vanished(VANISHED_SHARE),
        })
        .to_string()
    }
}

/// Running sums over batches of judged samples, turned into a [`Quality`] at the end, so
/// that an evaluation can be spread over several calls (the page does one chunk a frame).
#[derive(Clone, Debug)]
pub struct QualityAccumulator {
    n: u64,
    counts: [u64; NUM_CLASSES],
    asked: u64,
    agreed: u64,
    /// Images looked at for specks, and the specks found.
    speck_images: u64,
    specks: u64,
    sum: Vec<f64>,   // (d)
    outer: Vec<f64>, // (d, d) sum of x xᵀ
}

impl QualityAccumulator {
    /// Empty sums for features of width `dim`.
    pub fn new(dim: usize) -> QualityAccumulator {
        QualityAccumulator {
            n: 0,
            counts: [0; NUM_CLASSES],
            asked: 0,
            agreed: 0,
            speck_images: 0,
            specks: 0,
            sum: vec![0.0; dim],
            outer: vec![0.0; dim * dim],
        }
    }

    /// Samples added so far.
    pub fn len(&self) -> u64 {
        self.n
    }

    /// True before any sample was added.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// Adds a batch: the judge's logits (B, 10) and features (B, d), and, in conditional
    /// mode, the digits that were asked for (B).
    pub fn add(
        &mut self,
        logits: ArrayView2<f32>,
        features: ArrayView2<f32>,
        asked: Option<&[u8]>,
    ) {
        let d = self.sum.len();
        assert_eq!(features.ncols(), d, "feature width");
        assert_eq!(
            logits.nrows(),
            features.nrows(),
            "one logit row per feature row"
        );
        for (i, row) in logits.rows().into_iter().enumerate() {
            let row = row.to_vec();
            let class = argmax(&row);
            self.counts[class] += 1;
            if let Some(asked) = asked {
                self.asked += 1;
                if usize::from(asked[i]) == class {
                    self.agreed += 1;
                }
            }
        }
        for x in features.rows() {
            for (i, &xi) in x.iter().enumerate() {
                let xi = f64::from(xi);
                self.sum[i] += xi;
                if xi == 0.0 {
                    continue; // ReLU features are often exactly 0
                }
                let row = &mut self.outer[i * d..(i + 1) * d];
                for (o, &xj) in row.iter_mut().zip(x.iter()) {
                    *o += xi * f64::from(xj);
                }
            }
        }
        self.n += logits.nrows() as u64;
    }

    /// Counts the isolated bright pixels of a batch of images (B·side² values); call it
    /// with the images whose judge outputs [`QualityAccumulator::add`] takes.
    pub fn add_speckles(&mut self, images: &[f32], side: usize) {
        for image in images.chunks_exact(side * side) {
            self.specks += u64::from(speckles(image, side));
            self.speck_images += 1;
        }
    }

    /// Mean and (unbiased) covariance of the features added.
    pub fn stats(&self) -> FeatureStats {
        let d = self.sum.len();
        let n = self.n.max(1) as f64;
        let mean: Vec<f64> = self.sum.iter().map(|s| s / n).collect();
        let denom = (n - 1.0).max(1.0);
        let cov = (0..d * d)
            .map(|k| {
                let (i, j) = (k / d, k % d);
                (self.outer[k] - n * mean[i] * mean[j]) / denom
            })
            .collect();
        FeatureStats { mean, cov }
    }

    /// The share of samples judged to be the digit asked for; `None` if none was asked.
    pub fn agreement(&self) -> Option<f64> {
        (self.asked > 0).then(|| self.agreed as f64 / self.asked as f64)
    }

    /// The quality of the samples added, against the real digits' feature statistics.
    pub fn finish(&self, real: &FeatureStats) -> Quality {
        Quality {
            n: self.n,
            counts: self.counts,
            fd: frechet_distance(&self.stats(), real),
            agreement: self.agreement(),
            speckle: (self.speck_images > 0).then(|| self.specks as f64 / self.speck_images as f64),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    fn diag(values: &[f64]) -> Vec<f64> {
        let n = values.len();
        let mut m = vec![0.0; n * n];
        for (i, v) in values.iter().enumerate() {
            m[i * n + i] = *v;
        }
        m
    }

    #[test]
    fn identical_statistics_are_at_distance_zero() {
        let s = FeatureStats {
            mean: vec![0.3, -1.0, 2.0],
            cov: vec![2.0, 0.5, 0.1, 0.5, 1.0, 0.2, 0.1, 0.2, 0.7],
        };
        assert!(frechet_distance(&s, &s) < 1e-10);
    }

    #[test]
    fn one_dimensional_gaussians() {
        // FD of N(m1, s1²) and N(m2, s2²) is (m1 - m2)² + (s1 - s2)².
        let a = FeatureStats {
            mean: vec![1.0],
            cov: vec![4.0],
        };
        let b = FeatureStats {
            mean: vec![-2.0],
            cov: vec![9.0],
        };
        assert!((frechet_distance(&a, &b) - (9.0 + 1.0)).abs() < 1e-10);
    }

    #[test]
    fn gaussians_in_a_rotated_basis() {
        // Diagonal covariances: FD = |Δμ|² + Σ (√a_i - √b_i)². An orthogonal change of
        // basis Q applied to both leaves FD alone, and makes both covariances full.
        let (va, vb) = ([4.0, 1.0, 0.25], [1.0, 1.0, 2.25]);
        let want = 1.0 + 4.0 + (2.0 - 1.0f64).powi(2) + 0.0 + (0.5 - 1.5f64).powi(2);
        let (c, s) = (0.6, 0.8);
        let q = [c, -s, 0.0, s, c, 0.0, 0.0, 0.0, 1.0]; // a rotation about the third axis
        let qt = [c, s, 0.0, -s, c, 0.0, 0.0, 0.0, 1.0];
        let rotate_cov = |m: &[f64]| matmul(&matmul(&q, m, 3), &qt, 3);
        let rotate_mean = |m: [f64; 3]| -> Vec<f64> {
            (0..3)
                .map(|i| (0..3).map(|k| q[i * 3 + k] * m[k]).sum())
                .collect()
        };
        let a = FeatureStats {
            mean: rotate_mean([1.0, 0.0, 0.0]),
            cov: rotate_cov(&diag(&va)),
        };
        let b = FeatureStats {
            mean: rotate_mean([0.0, 2.0, 0.0]),
            cov: rotate_cov(&diag(&vb)),
        };
        assert!(a.cov[1].abs() > 0.1, "the rotation mixes the axes");
        let fd = frechet_distance(&a, &b);
        assert!((fd - want).abs() < 1e-9, "{fd} vs {want}");
        // And it is symmetric.
        assert!((frechet_distance(&b, &a) - want).abs() < 1e-9);
    }

    #[test]
    fn accumulator_histogram_agreement_and_statistics() {
        // Four samples: logits pick classes 2, 2, 7, 0; asked for 2, 3, 7, 0.
        let mut logits = Array2::zeros((4, NUM_CLASSES));
        for (row, class) in [2, 2, 7, 0].into_iter().enumerate() {
            logits[[row, class]] = 5.0;
        }
        let features =
            Array2::from_shape_vec((4, 2), vec![1.0, 0.0, 3.0, 0.0, 1.0, 2.0, 3.0, 2.0]).unwrap();
        let mut acc = QualityAccumulator::new(2);
        acc.add(logits.view(), features.view(), Some(&[2, 3, 7, 0]));
        let stats = acc.stats();
        assert_eq!(stats.mean, vec![2.0, 1.0]);
        // Columns are independent here: var = 4/3 each (unbiased), covariance 0.
        let want = [4.0 / 3.0, 0.0, 0.0, 4.0 / 3.0];
        for (got, want) in stats.cov.iter().zip(want) {
            assert!((got - want).abs() < 1e-12, "{got} vs {want}");
        }
        let q = acc.finish(&stats);
        assert_eq!(q.counts, [1, 0, 2, 0, 0, 0, 0, 1, 0, 0]);
        assert_eq!(q.agreement, Some(0.75));
        assert!(q.fd < 1e-10);
        assert_eq!(q.min_class_share(), 0.0);
        assert_eq!(q.vanished(VANISHED_SHARE), vec![1, 3, 4, 5, 6, 8, 9]);
        let json: serde_json::Value = serde_json::from_str(&q.to_json()).unwrap();
        assert_eq!(json["agreement"], 0.75);
        assert_eq!(json["counts"][2], 2);
    }

    #[test]
    fn speckles_are_bright_pixels_with_a_dark_neighbourhood() {
        let side = 5;
        let mut image = vec![-1.0f32; side * side];
        image[6] = 0.5; // (1, 1): alone
        image[side * side - 1] = 0.1; // the corner (4, 4): alone, 3 neighbours
        image[2 * side + 3] = 1.0; // (3, 2) and (4, 2): a pair, neither isolated
        image[2 * side + 4] = 1.0;
        assert_eq!(speckles(&image, side), 2);
        image[12] = -0.6; // (2, 2): grey, still dark enough around (1, 1)
        assert_eq!(speckles(&image, side), 2);
        image[12] = -0.4; // now too bright: (1, 1) is no longer isolated
        assert_eq!(speckles(&image, side), 1);
        image[side * side - 1] = 0.0; // exactly mid-grey is not bright
        assert_eq!(speckles(&image, side), 0);
        let mut two = image.clone();
        two.extend(vec![-1.0; side * side]);
        two[side * side + 6] = 0.9;
        assert_eq!(speckle_rate(&two, side), 0.5);
        let mut acc = QualityAccumulator::new(1);
        acc.add_speckles(&two, side);
        let ones = Array2::from_elem((2, NUM_CLASSES), 1.0f32);
        acc.add(ones.view(), Array2::zeros((2, 1)).view(), None);
        assert_eq!(acc.finish(&acc.stats()).speckle, Some(0.5));
    }

    #[test]
    fn unconditional_has_no_agreement() {
        let logits = Array2::from_elem((3, NUM_CLASSES), 1.0f32);
        let features = Array2::from_elem((3, 4), 0.5f32);
        let mut acc = QualityAccumulator::new(4);
        acc.add(logits.view(), features.view(), None);
        let q = acc.finish(&acc.stats());
        assert_eq!(q.agreement, None);
        assert_eq!(q.counts[0], 3, "ties go to the first class");
    }
}
