//! G and D used without training them: G's grid of digits and its noise, G's images for
//! given noise, D's scores, gradient ascent on pixels, and the training digits the page
//! compares them with. Every input is checked here; bad input is an error, never a panic.

use super::codes::input_error;
use super::{on_pool, Playground};
use crate::gan::{GRID_SAMPLES, IMAGE_DIM, NUM_CLASSES};
use crate::render::{grid_gray, grid_size};
use ndarray::{Array2, ArrayView2};
use wasm_bindgen::prelude::*;

// Rust-only helpers.
impl Playground {
    /// Refuses calls that only make sense for digits while a world of points is in force.
    fn digits_only(&self) -> Result<(), JsError> {
        if self.gan.config().world.is_points() {
            return Err(input_error(
                "this works on digits, and a 1-D or 2-D world is in force",
            ));
        }
        Ok(())
    }

    fn image_view(image: &[f32]) -> Result<ArrayView2<'_, f32>, JsError> {
        if image.len() != IMAGE_DIM {
            return Err(input_error(format!(
                "an image has {IMAGE_DIM} pixels, got {}",
                image.len()
            )));
        }
        if let Some(v) = image.iter().find(|v| !v.is_finite()) {
            return Err(input_error(format!(
                "image pixels must be finite numbers, got {v}"
            )));
        }
        Ok(ArrayView2::from_shape((1, IMAGE_DIM), image).expect("length checked"))
    }

    fn check_label(&self, label: i32) -> Result<u8, JsError> {
        if !self.gan.config().conditional {
            return Ok(0);
        }
        u8::try_from(label)
            .ok()
            .filter(|&l| usize::from(l) < NUM_CLASSES)
            .ok_or_else(|| {
                input_error(format!(
                    "the model is conditional: pick a digit 0–9, got {label}"
                ))
            })
    }
}

#[wasm_bindgen]
impl Playground {
    /// Regenerates the 10×10 grid from the fixed noise and renders it to RGBA; returns a
    /// pointer to `grid_width() × grid_height() × 4` bytes.
    pub fn render_grid(&mut self) -> *const u8 {
        if self.gan.config().world.is_points() {
            // No digits to draw: the world's own view (worlds.rs) shows G instead.
            return self.grid_rgba.as_ptr();
        }
        on_pool(|| self.gan.generate_grid(self.grid.view_mut()));
        let pixels = self.grid.as_slice().expect("standard layout");
        grid_gray(pixels, 10, 10, 64, &mut self.grid_gray);
        for (rgba, &g) in self.grid_rgba.chunks_exact_mut(4).zip(&self.grid_gray) {
            rgba[..3].fill(g);
        }
        self.grid_rgba.as_ptr()
    }

    pub fn grid_width(&self) -> usize {
        grid_size(10, 10).0
    }

    pub fn grid_height(&self) -> usize {
        grid_size(10, 10).1
    }

    /// Pointer to the grid's images as floats in [-1, 1]: (100, 784), as of the last
    /// `render_grid`.
    pub fn grid_images_ptr(&self) -> *const f32 {
        self.grid.as_ptr()
    }

    /// The fixed noise vector behind grid cell `index` (0–99).
    pub fn grid_z(&self, index: usize) -> Result<Vec<f32>, JsError> {
        let z = self.gan.grid_noise();
        let row = if self.gan.config().conditional {
            index % 10
        } else {
            index
        };
        if index >= GRID_SAMPLES {
            return Err(input_error(format!("grid cells are 0–99, got {index}")));
        }
        Ok(z.row(row).to_vec())
    }

    /// The digit label behind grid cell `index` (its row in conditional mode; 0 otherwise).
    pub fn grid_label(&self, index: usize) -> u8 {
        self.gan.grid_labels().get(index).copied().unwrap_or(0)
    }

    /// G's images for noise vectors `z` (n × noise size, concatenated) with `labels` (n
    /// digits, used when conditional): n × 784 floats in [-1, 1].
    pub fn generate(&mut self, z: &[f32], labels: &[u8]) -> Result<Vec<f32>, JsError> {
        self.digits_only()?;
        let noise_dim = self.gan.config().noise_dim;
        if z.is_empty() || !z.len().is_multiple_of(noise_dim) {
            return Err(input_error(format!(
                "noise must be a whole number of {noise_dim}-long vectors"
            )));
        }
        let n = z.len() / noise_dim;
        if n > 1000 {
            return Err(input_error("at most 1000 images at a time"));
        }
        if self.gan.config().conditional
            && (labels.len() != n || labels.iter().any(|&l| usize::from(l) >= NUM_CLASSES))
        {
            return Err(input_error(
                "a conditional model needs one digit 0–9 per noise vector",
            ));
        }
        if z.iter().any(|v| !v.is_finite()) {
            return Err(input_error("noise values must be finite numbers"));
        }
        let z = ArrayView2::from_shape((n, noise_dim), z).expect("length checked");
        let mut out = Array2::zeros((n, IMAGE_DIM));
        on_pool(|| self.gan.generate(z, labels, out.view_mut()));
        Ok(out.into_raw_vec_and_offset().0)
    }

    /// D's probability that `image` (784 floats in [-1, 1]) is a real digit, claiming
    /// digit `label` in conditional mode (ignored otherwise).
    pub fn score(&mut self, image: &[f32], label: i32) -> Result<f32, JsError> {
        self.digits_only()?;
        let label = self.check_label(label)?;
        let x = Self::image_view(image)?;
        let mut p = [0.0];
        on_pool(|| self.gan.discriminate(x, &[label], &mut p));
        Ok(p[0])
    }

    /// D's probability for `image` under each claimed digit 0–9 (conditional models), or
    /// one probability (unconditional).
    pub fn score_labels(&mut self, image: &[f32]) -> Result<Vec<f32>, JsError> {
        self.digits_only()?;
        let x = Self::image_view(image)?;
        if !self.gan.config().conditional {
            let mut p = [0.0];
            on_pool(|| self.gan.discriminate(x, &[0], &mut p));
            return Ok(p.to_vec());
        }
        let batch = x
            .broadcast((NUM_CLASSES, IMAGE_DIM))
            .expect("one row broadcasts")
            .to_owned();
        let labels: Vec<u8> = (0..NUM_CLASSES as u8).collect();
        let mut p = vec![0.0; NUM_CLASSES];
        on_pool(|| self.gan.discriminate(batch.view(), &labels, &mut p));
        Ok(p)
    }

    /// D's probabilities for `images` (n × 784 floats in [-1, 1], concatenated), each
    /// claiming the digit in `labels` (one per image, used when conditional): n floats.
    /// The page's histogram of D's verdicts on real digits and on fakes reads these.
    pub fn score_batch(&mut self, images: &[f32], labels: &[u8]) -> Result<Vec<f32>, JsError> {
        self.digits_only()?;
        if images.is_empty() || !images.len().is_multiple_of(IMAGE_DIM) {
            return Err(input_error(format!(
                "images must be a whole number of {IMAGE_DIM}-pixel images"
            )));
        }
        let n = images.len() / IMAGE_DIM;
        if n > 1000 {
            return Err(input_error("at most 1000 images at a time"));
        }
        if labels.len() != n || labels.iter().any(|&l| usize::from(l) >= NUM_CLASSES) {
            return Err(input_error("one digit 0–9 per image is needed"));
        }
        if let Some(v) = images.iter().find(|v| !v.is_finite()) {
            return Err(input_error(format!(
                "image pixels must be finite numbers, got {v}"
            )));
        }
        let x = ArrayView2::from_shape((n, IMAGE_DIM), images).expect("length checked");
        let mut p = vec![0.0; n];
        on_pool(|| self.gan.discriminate(x, labels, &mut p));
        Ok(p)
    }

    /// One step of gradient ascent on `image`'s pixels to raise D's score, in place;
    /// returns D(x) before the step. Shows what "generating with D alone" produces.
    pub fn ascend(
        &mut self,
        image: &mut [f32],
        label: i32,
        step_size: f32,
    ) -> Result<f32, JsError> {
        self.digits_only()?;
        let label = self.check_label(label)?;
        Self::image_view(image)?;
        if !(step_size.is_finite() && step_size > 0.0 && step_size <= 1.0) {
            return Err(input_error(format!(
                "step size must be in (0, 1], got {step_size}"
            )));
        }
        Ok(on_pool(|| self.gan.ascend_d(image, label, step_size)))
    }

    /// Index of the training image nearest to `image` (Euclidean pixel distance).
    pub fn nearest_training_image(&self, image: &[f32]) -> Result<usize, JsError> {
        self.digits_only()?;
        Self::image_view(image)?;
        let distance = |i: usize| -> f32 {
            self.data
                .image(i)
                .iter()
                .zip(image)
                .map(|(a, b)| (a - b) * (a - b))
                .sum()
        };
        (0..self.data.len())
            .map(|i| (i, distance(i)))
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(i, _)| i)
            .ok_or_else(|| input_error("there is no training data"))
    }

    /// Training image `index` as 784 floats in [-1, 1].
    pub fn training_image(&self, index: usize) -> Result<Vec<f32>, JsError> {
        if index >= self.data.len() {
            return Err(input_error(format!(
                "training images are 0–{}, got {index}",
                self.data.len() - 1
            )));
        }
        Ok(self.data.image(index).to_vec())
    }

    /// The digit label of training image `index`.
    pub fn training_label(&self, index: usize) -> u8 {
        if index < self.data.len() {
            self.data.label(index)
        } else {
            0
        }
    }
}
