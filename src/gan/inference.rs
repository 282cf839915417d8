//! Inference: G's samples for given noise, D's score of given images, gradient ascent on
//! pixels, and the fixed-noise grid.

use super::{write_one_hot, Gan, NUM_CLASSES};
use crate::nn::layers::sigmoid;
use ndarray::{s, Array2, ArrayView2, ArrayViewMut2};
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use rand_distr::StandardNormal;

/// Samples in the fixed-noise grid: 10 × 10.
pub const GRID_SAMPLES: usize = 100;

impl Gan {
    /// Writes the images of the averaged G (or of G itself: [`Gan::set_samples_from_average`])
    /// for noise `z` (N, noise_dim) and, when conditional, `labels` (N, each 0–9; ignored
    /// otherwise) into `out` (N, 784), pixels in [-1, 1].
    ///
    /// ```
    /// use ganplay::gan::{fixed_noise, Gan, GanConfig, IMAGE_DIM};
    /// use ndarray::Array2;
    ///
    /// let mut gan = Gan::new(GanConfig::small()).unwrap();
    /// let z = fixed_noise(7, 3, gan.config().noise_dim); // (3, 8)
    /// let mut images = Array2::zeros((3, IMAGE_DIM));
    /// gan.generate(z.view(), &[], images.view_mut());
    /// assert!(images.iter().all(|p| (-1.0..=1.0).contains(p))); // G's tanh
    /// assert_ne!(images.row(0), images.row(1)); // other noise, another image
    ///
    /// // The same noise, the same images.
    /// let mut again = Array2::zeros((3, IMAGE_DIM));
    /// gan.generate(z.view(), &[], again.view_mut());
    /// assert_eq!(images, again);
    /// ```
    pub fn generate(&mut self, z: ArrayView2<f32>, labels: &[u8], mut out: ArrayViewMut2<f32>) {
        let n = z.nrows();
        let noise_dim = self.config.noise_dim;
        assert_eq!(z.ncols(), noise_dim, "noise width");
        let conditional = self.config.conditional;
        let mut input = self.inference_input(n, self.config.g_input_dim());
        input.slice_mut(s![.., ..noise_dim]).assign(&z);
        if conditional {
            for (mut row, &label) in input.rows_mut().into_iter().zip(labels) {
                write_one_hot(
                    row.as_slice_mut()
                        .expect("contiguous row")
                        .split_at_mut(noise_dim)
                        .1,
                    label,
                );
            }
        }
        let input = self.infer_in.slice(s![..n, ..self.config.g_input_dim()]);
        let g = if self.sample_average {
            &mut self.g_avg
        } else {
            &mut self.g
        };
        out.assign(&g.infer(input));
    }

    /// D's probability that each image in `images` (N, 784) is real, given `labels` when
    /// conditional (ignored otherwise), written into `out` (N).
    pub fn discriminate(&mut self, images: ArrayView2<f32>, labels: &[u8], out: &mut [f32]) {
        let n = images.nrows();
        self.fill_d_input(images, labels);
        let input = self.infer_in.slice(s![..n, ..self.config.d_input_dim()]);
        for (o, &l) in out.iter_mut().zip(self.d.infer(input)) {
            *o = sigmoid(l);
        }
    }

    /// One step of gradient ascent on an image's pixels to raise D's logit: what "D alone
    /// generates". The step moves the largest pixel by `step_size`; pixels stay in [-1, 1].
    /// Returns D(x) before the step.
    pub fn ascend_d(&mut self, image: &mut [f32], label: u8, step_size: f32) -> f32 {
        let dim = self.config.data_dim();
        let x = ArrayView2::from_shape((1, dim), &*image).expect("one image");
        self.fill_d_input(x, &[label]);
        let width = self.config.d_input_dim();
        let input = self.infer_in.slice(s![..1, ..width]);
        let p = sigmoid(self.d.forward(input)[[0, 0]]);
        let mut dx = Array2::zeros((1, width));
        self.d.backward(
            input,
            Array2::ones((1, 1)).view(),
            false,
            Some(dx.view_mut()),
        );
        let dx = dx.slice(s![0, ..dim]);
        let scale = dx.iter().fold(0.0f32, |m, v| m.max(v.abs()));
        if scale > 0.0 {
            for (px, g) in image.iter_mut().zip(dx) {
                *px = (*px + step_size * g / scale).clamp(-1.0, 1.0);
            }
        }
        p
    }

    fn fill_d_input(&mut self, images: ArrayView2<f32>, labels: &[u8]) {
        let n = images.nrows();
        let dim = self.config.data_dim();
        assert_eq!(images.ncols(), dim, "image width");
        let conditional = self.config.conditional;
        let mut input = self.inference_input(n, self.config.d_input_dim());
        input.slice_mut(s![.., ..dim]).assign(&images);
        if conditional {
            for (mut row, &label) in input.rows_mut().into_iter().zip(labels) {
                write_one_hot(
                    row.as_slice_mut()
                        .expect("contiguous row")
                        .split_at_mut(dim)
                        .1,
                    label,
                );
            }
        }
    }

    /// The first `n` rows and `width` columns of the inference buffer, grown if needed.
    fn inference_input(&mut self, n: usize, width: usize) -> ArrayViewMut2<'_, f32> {
        let cols = self.config.noise_dim.max(self.config.data_dim()) + NUM_CLASSES;
        if self.infer_in.nrows() < n || self.infer_in.ncols() != cols {
            self.infer_in = Array2::zeros((n.max(GRID_SAMPLES), cols));
        }
        self.infer_in.slice_mut(s![..n, ..width])
    }

    /// The grid's fixed noise, (100, noise_dim).
    pub fn grid_noise(&self) -> ArrayView2<'_, f32> {
        self.grid_z.view()
    }

    /// The grid's labels: row r shows digit r in conditional mode (each column keeps its z
    /// across rows, so a column is one "style"); all zero (unused) otherwise.
    pub fn grid_labels(&self) -> [u8; GRID_SAMPLES] {
        std::array::from_fn(|i| {
            if self.config.conditional {
                (i / 10) as u8
            } else {
                0
            }
        })
    }

    /// G's images for the fixed grid noise into `out` (100, 784).
    pub fn generate_grid(&mut self, out: ArrayViewMut2<f32>) {
        let z = if self.config.conditional {
            // Ten styles (the first ten z), each shown as every digit.
            let mut z = Array2::zeros((GRID_SAMPLES, self.config.noise_dim));
            for (i, mut row) in z.rows_mut().into_iter().enumerate() {
                row.assign(&self.grid_z.row(i % 10));
            }
            z
        } else {
            self.grid_z.clone()
        };
        let labels = self.grid_labels();
        self.generate(z.view(), &labels, out);
    }
}

/// Noise for fixed samples, drawn from its own stream of the seed so that it does not
/// depend on how far training has gone: (n, noise_dim).
pub fn fixed_noise(seed: u64, n: usize, noise_dim: usize) -> Array2<f32> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(1);
    Array2::from_shape_simple_fn((n, noise_dim), || rng.sample(StandardNormal))
}
