//! The three steps of the game as gradients and updates: D on real digits (1), D on G's
//! fakes (2), G through the frozen D (3), and G's moving average.

use super::{
    as_flat, mean_sigmoid, write_one_hot, Gan, GanConfig, Phase, StepStats, TrainError, IMAGE_DIM,
    NUM_CLASSES,
};
use crate::data::Dataset;
use crate::nn::loss::{bce_with_logits, generator_loss};
use crate::nn::Mlp;
use ndarray::{s, Array2};
use rand::rngs::ChaCha8Rng;
use rand::RngExt;
use rand_distr::StandardNormal;

impl Gan {
    /// D's optimiser step on the gradients of steps 1 and 2, then a check that D's
    /// weights are still finite.
    pub(super) fn apply_d_update(&mut self) -> Result<(), TrainError> {
        self.d_opt.update(&mut self.d.params, &self.d.grads);
        self.counters.d_updates += 1;
        self.counters.images_seen += self.config.batch_size as u64;
        self.check_weights(Phase::Fake)
    }

    /// Steps 1 and 2 up to D's gradients (in `d.grads`), without the update.
    pub(crate) fn d_gradients(&mut self, data: &Dataset) -> Result<StepStats, TrainError> {
        self.d.zero_grad();
        let (loss_real, d_real) = self.d_real_gradients(data);
        self.sample_fake_batch();
        self.d_fake_gradients(loss_real, d_real)
    }

    /// Step 1: D on a real batch, target 1 - smoothing, and when conditional with
    /// `d_mismatch` > 0 the same images with wrong labels, target 0, weighted by it; adds
    /// to D's gradients. Returns the loss (both terms) and the mean D(x).
    pub(super) fn d_real_gradients(&mut self, data: &Dataset) -> (f32, f32) {
        self.draw_real_batch(data);
        self.d_on_real_batch()
    }

    /// Steps 1 and the first half of 2 together: D on the real batch beside G making the
    /// fakes, on two threads of the pool (the two touch nothing in common). Every random
    /// number of both is drawn first, in the order [`Gan::d_real_gradients`] then
    /// [`Gan::sample_fake_batch`] draw them, so the result is theirs, bit for bit.
    pub(super) fn d_real_gradients_beside_fakes(&mut self, data: &Dataset) -> (f32, f32) {
        self.draw_real_batch(data);
        let Gan {
            config,
            d,
            g,
            rng,
            d_real_in,
            d_wrong_in,
            d_fake_in,
            g_in,
            dlogits,
            ..
        } = self;
        // The fakes' branch is the only one that draws from here on, so it draws its
        // numbers itself, after the real batch's, as one after the other would.
        let (real, ()) = crate::nn::pool::both(
            || d_on_real(config, d, d_real_in, d_wrong_in, dlogits),
            || {
                draw_fake_noise(config, rng, g_in, d_fake_in);
                g_makes_fakes(config, g, g_in, d_fake_in);
            },
        );
        real
    }

    /// Step 1's random part: the real batch (and its wrong-label copy) in `d_real_in`
    /// (`d_wrong_in`), with D's instance noise.
    fn draw_real_batch(&mut self, data: &Dataset) {
        self.sampler
            .next_batch(data.len(), &mut self.batch_idx, &mut self.rng);
        let dim = self.config.data_dim();
        for (mut row, &i) in self.d_real_in.rows_mut().into_iter().zip(&self.batch_idx) {
            let row = row
                .as_slice_mut()
                .expect("rows of a standard array are contiguous");
            row[..dim].copy_from_slice(data.image(i));
            write_one_hot(&mut row[dim..], data.label(i));
        }
        add_instance_noise(
            &mut self.d_real_in,
            dim,
            self.config.d_input_noise,
            &mut self.rng,
        );
        if self.config.conditional && self.config.d_mismatch != 0.0 {
            self.fill_wrong_labels(data);
        }
    }

    /// Copies the real batch (pixels with their instance noise) into `d_wrong_in`, each
    /// with a label drawn uniformly from the nine it does not have.
    fn fill_wrong_labels(&mut self, data: &Dataset) {
        for ((mut row, real), &i) in self
            .d_wrong_in
            .rows_mut()
            .into_iter()
            .zip(self.d_real_in.rows())
            .zip(&self.batch_idx)
        {
            let row = row.as_slice_mut().expect("contiguous row");
            let real = real.as_slice().expect("contiguous row");
            row[..IMAGE_DIM].copy_from_slice(&real[..IMAGE_DIM]);
            let shift = self.rng.random_range(1..NUM_CLASSES as u8);
            write_one_hot(
                &mut row[IMAGE_DIM..],
                (data.label(i) + shift) % NUM_CLASSES as u8,
            );
        }
    }

    /// Step 1's arithmetic on the batch [`Gan::draw_real_batch`] drew.
    fn d_on_real_batch(&mut self) -> (f32, f32) {
        d_on_real(
            &self.config,
            &mut self.d,
            &self.d_real_in,
            &self.d_wrong_in,
            &mut self.dlogits,
        )
    }

    /// Step 2: D on the fake batch that [`Gan::sample_fake_batch`] made, target 0, G only
    /// having run forward; adds to D's gradients. Checks D's whole loss (with step 1's)
    /// before anything is updated.
    pub(super) fn d_fake_gradients(
        &mut self,
        loss_real: f32,
        d_real: f32,
    ) -> Result<StepStats, TrainError> {
        let logits = self.d.forward(self.d_fake_in.view());
        let logits = logits.as_slice().expect("a (B, 1) output is contiguous");
        let d_fake = mean_sigmoid(logits);
        let loss_fake = bce_with_logits(as_flat(&mut self.dlogits), logits, 0.0);
        // G's loss as this D sees the batch, for the record; `dlogits` is only scratch here,
        // so compute it after backward has used the real gradient.
        let d_loss = loss_real + loss_fake;
        self.check_loss(Phase::Fake, "D's loss", d_loss)?;
        self.d
            .backward(self.d_fake_in.view(), self.dlogits.view(), true, None);
        let logits = self.d.output_view();
        let logits = logits.as_slice().expect("a (B, 1) output is contiguous");
        let g_loss = generator_loss(
            self.config.generator_loss,
            as_flat(&mut self.dlogits),
            logits,
        );
        Ok(StepStats {
            d_loss: Some(d_loss),
            g_loss,
            d_real: Some(d_real),
            d_fake,
        })
    }

    /// Step 3: G through a frozen D. With `fresh`, draws a new fake batch; otherwise uses
    /// the one step 2 left in place (G has not changed since, so its forward cache holds).
    /// Returns G's loss and the mean D(G(z)) it saw.
    pub(super) fn g_update(&mut self, fresh: bool) -> Result<(f32, f32), TrainError> {
        if fresh {
            self.sample_fake_batch();
        }
        let result = self.fake_pixel_gradients()?;
        self.g_backward_and_update()?;
        Ok(result)
    }

    /// Step 3 on the fake batch in place, up to G's gradients (in `g.grads`): the
    /// gradient check's view of step 3.
    #[cfg(test)]
    pub(crate) fn g_gradients(&mut self) -> Result<(f32, f32), TrainError> {
        let result = self.fake_pixel_gradients()?;
        self.g_backward();
        Ok(result)
    }

    /// The first half of step 3: the fake batch through D, frozen, labelled 1, back to
    /// the pixels (into `d_dx`). Returns G's loss and the mean D(G(z)).
    pub(super) fn fake_pixel_gradients(&mut self) -> Result<(f32, f32), TrainError> {
        let logits = self.d.forward(self.d_fake_in.view());
        let logits = logits.as_slice().expect("a (B, 1) output is contiguous");
        let d_fake = mean_sigmoid(logits);
        let g_loss = generator_loss(
            self.config.generator_loss,
            as_flat(&mut self.dlogits),
            logits,
        );
        self.check_loss(Phase::ThroughD, "G's loss", g_loss)?;
        // D frozen: no parameter gradients, only the gradient with respect to its input.
        self.d.backward(
            self.d_fake_in.view(),
            self.dlogits.view(),
            false,
            Some(self.d_dx.view_mut()),
        );
        Ok((g_loss, d_fake))
    }

    /// The second half of step 3: the pixel gradients back through G, into `g.grads`.
    fn g_backward(&mut self) {
        self.g.zero_grad();
        let dimages = self.d_dx.slice(s![.., ..self.config.data_dim()]);
        self.g.backward(self.g_in.view(), dimages, true, None);
    }

    /// The second half of step 3 and G's update; checks G's weights after it, then folds
    /// them into the average.
    pub(super) fn g_backward_and_update(&mut self) -> Result<(), TrainError> {
        self.g_backward();
        self.g_opt.update(&mut self.g.params, &self.g.grads);
        self.counters.g_updates += 1;
        self.check_weights(Phase::Generator)?;
        self.update_average();
        Ok(())
    }

    /// `avg ← β avg + (1 - β) g` with `β = min(g_average, (1 + t) / (10 + t))` after t
    /// G updates: early on the average follows G closely, later it moves slowly.
    fn update_average(&mut self) {
        let t = self.counters.g_updates as f32;
        let decay = self.config.g_average.min((1.0 + t) / (10.0 + t));
        if decay == 0.0 {
            self.g_avg.params.copy_from_slice(&self.g.params);
            return;
        }
        let keep = 1.0 - decay;
        for (a, &p) in self.g_avg.params.iter_mut().zip(&self.g.params) {
            *a += keep * (p - *a);
        }
    }

    /// Fills `g_in` with fresh noise (and random labels when conditional), runs G, and
    /// writes its images (and the same labels) into `d_fake_in`, with D's instance noise.
    pub(crate) fn sample_fake_batch(&mut self) {
        draw_fake_noise(
            &self.config,
            &mut self.rng,
            &mut self.g_in,
            &mut self.d_fake_in,
        );
        g_makes_fakes(&self.config, &mut self.g, &self.g_in, &mut self.d_fake_in);
    }
}

/// The random part of making fakes: G's noise (and labels) into `z`, the labels into
/// `fakes`, and D's instance noise for the fakes, `std · n`, into its pixel columns, where
/// [`g_makes_fakes`] adds G's images to it. `image + std · n` is what adding the noise to
/// the images gives, so the bits are the same.
fn draw_fake_noise(
    config: &GanConfig,
    rng: &mut ChaCha8Rng,
    z: &mut Array2<f32>,
    fakes: &mut Array2<f32>,
) {
    let noise_dim = config.noise_dim;
    let dim = config.data_dim();
    for (mut z_row, mut d_row) in z.rows_mut().into_iter().zip(fakes.rows_mut()) {
        let z_row = z_row.as_slice_mut().expect("contiguous row");
        for v in &mut z_row[..noise_dim] {
            *v = rng.sample(StandardNormal);
        }
        if config.conditional {
            let label = rng.random_range(0..NUM_CLASSES as u8);
            write_one_hot(&mut z_row[noise_dim..], label);
            let d_row = d_row.as_slice_mut().expect("contiguous row");
            write_one_hot(&mut d_row[dim..], label);
        }
    }
    let std = config.d_input_noise;
    if std != 0.0 {
        for v in fakes.slice_mut(s![.., ..dim]) {
            *v = std * rng.sample::<f32, _>(StandardNormal);
        }
    }
}

/// Step 1's arithmetic: D on the real batch in `real` (and, conditional with
/// `d_mismatch` > 0, on `wrong`, the same images with wrong labels, weighted by it),
/// its gradients added to D's. Returns the loss (both terms) and the mean D(x).
fn d_on_real(
    config: &GanConfig,
    d: &mut Mlp,
    real: &Array2<f32>,
    wrong: &Array2<f32>,
    dlogits: &mut Array2<f32>,
) -> (f32, f32) {
    let target = 1.0 - config.label_smoothing;
    let logits = d.forward(real.view());
    let logits = logits.as_slice().expect("a (B, 1) output is contiguous");
    let d_real = mean_sigmoid(logits);
    let loss_real = bce_with_logits(as_flat(dlogits), logits, target);
    d.backward(real.view(), dlogits.view(), true, None);
    let weight = config.d_mismatch;
    if !config.conditional || weight == 0.0 {
        return (loss_real, d_real);
    }
    let logits = d.forward(wrong.view());
    let logits = logits.as_slice().expect("a (B, 1) output is contiguous");
    let flat = as_flat(dlogits);
    let loss_wrong = bce_with_logits(flat, logits, 0.0);
    flat.iter_mut().for_each(|d| *d *= weight);
    d.backward(wrong.view(), dlogits.view(), true, None);
    (loss_real + weight * loss_wrong, d_real)
}

/// G on the noise in `z`, its images added into the pixel columns of `fakes` (which hold
/// the instance noise [`draw_fake_noise`] drew, or are overwritten when there is none).
fn g_makes_fakes(config: &GanConfig, g: &mut Mlp, z: &Array2<f32>, fakes: &mut Array2<f32>) {
    let dim = config.data_dim();
    let images = g.forward(z.view());
    let mut pixels = fakes.slice_mut(s![.., ..dim]);
    if config.d_input_noise == 0.0 {
        pixels.assign(&images);
    } else {
        // noise + image: the same bits as image + noise (a sum of two floats commutes).
        pixels.zip_mut_with(&images, |v, &image| *v += image);
    }
}

/// Adds Gaussian noise of standard deviation `std` to the first `dim` columns (the data,
/// not the label) of D's input batch `x` (B, dim + label); nothing (and no draw from
/// `rng`) when `std` is 0.
fn add_instance_noise(x: &mut Array2<f32>, dim: usize, std: f32, rng: &mut ChaCha8Rng) {
    if std == 0.0 {
        return;
    }
    for v in x.slice_mut(s![.., ..dim]) {
        *v += std * rng.sample::<f32, _>(StandardNormal);
    }
}
