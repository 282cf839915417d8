//! A variational auto-encoder (Kingma & Welling, 2014) and a plain auto-encoder, built
//! from the GAN's own layers, for the lesson "Can G learn by itself?" (docs/lessons.md):
//! can a decoder shaped as G learn the digits without a D?
//!
//! - encoder: 784 → `encoder_hidden`… → 2·Z (μ and ln σ²), LeakyReLU hidden, linear out
//!   (shaped as D, whose hidden widths it takes by default); the auto-encoder's ends in Z.
//! - decoder: Z → `decoder_hidden`… → 784, LeakyReLU hidden, tanh out: built exactly as G
//!   (`GanConfig`'s noise length, hidden widths and slope), so its pixels are G's [-1, 1]
//!   and its samples go wherever G's do.
//! - loss (`loss.rs`): per image, the squared error summed over pixels plus `beta` times
//!   KL(q(z|x) ‖ N(0, I)); the auto-encoder has the squared error alone. Squared error
//!   rather than binary cross-entropy because the pixels live in [-1, 1] through a tanh,
//!   where a cross-entropy would need log(1 ± y) of a saturating f32.
//!
//! "Generation" decodes z ~ N(0, I) in both modes. The VAE's KL term pulls its codes
//! towards that prior; the auto-encoder's codes go wherever reconstruction wants, so
//! random codes decode to smudges: the lecture's point.
//!
//! Training is one backward pass by hand, the forward in reverse: the decoder, then the
//! reparameterisation (`z = μ + σ·ε`, ε drawn from the seeded stream) and the KL term
//! into the encoder's output, then the encoder. Adam updates both. Everything random
//! (weights, ε, data order) comes from one ChaCha8 stream of the seed.

pub mod edits;
pub mod loss;

use crate::data::sampler::BatchSampler;
use crate::data::Dataset;
use crate::gan::{fixed_noise, GanConfig, IMAGE_DIM};
use crate::nn::{Activation, AdamConfig, Mlp, Optimizer, OptimizerConfig};
use loss::{
    kl_forward_backward, reparameterise_backward, reparameterise_forward,
    squared_error_forward_backward,
};
use ndarray::{s, Array2, ArrayView2, ArrayViewMut2};
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use rand_distr::StandardNormal;
use serde::{Deserialize, Serialize};

/// Variational (a KL term, sampled codes) or plain (deterministic codes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VaeKind {
    Vae,
    Autoencoder,
}

/// Hyperparameters of a [`Vae`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VaeConfig {
    pub kind: VaeKind,
    /// Seeds the weights, ε, the data order.
    pub seed: u64,
    /// Pixels per image (784; smaller in the gradient tests).
    pub data_dim: usize,
    /// Length of the code z (G's noise length by default).
    pub z_dim: usize,
    /// Encoder hidden widths (D's by default).
    pub encoder_hidden: Vec<usize>,
    /// Decoder hidden widths (G's by default).
    pub decoder_hidden: Vec<usize>,
    /// Negative slope of the hidden LeakyReLUs (G's).
    pub leaky_slope: f32,
    /// Images per update.
    pub batch_size: usize,
    /// Weight of the KL term (1: the VAE's evidence lower bound; ignored by the auto-encoder).
    pub beta: f32,
    /// One optimiser setting for both networks.
    pub optimizer: OptimizerConfig,
}

impl Default for VaeConfig {
    /// The VAE with G's decoder shape and D's encoder shape; Adam at the usual VAE
    /// settings (lr 1e-3, β1 0.9) rather than DCGAN's β1 0.5, which is for the game.
    fn default() -> Self {
        let gan = GanConfig::default();
        VaeConfig {
            kind: VaeKind::Vae,
            seed: gan.seed,
            data_dim: IMAGE_DIM,
            z_dim: gan.noise_dim,
            encoder_hidden: gan.d_hidden,
            decoder_hidden: gan.g_hidden,
            leaky_slope: gan.leaky_slope,
            batch_size: gan.batch_size,
            beta: 1.0,
            optimizer: OptimizerConfig::Adam(AdamConfig {
                lr: 1e-3,
                beta1: 0.9,
                ..AdamConfig::default()
            }),
        }
    }
}

impl VaeConfig {
    /// Checks every setting, naming the first one out of range.
    pub fn validate(&self) -> Result<(), String> {
        let widths = self
            .encoder_hidden
            .iter()
            .chain(&self.decoder_hidden)
            .chain([&self.z_dim, &self.data_dim, &self.batch_size]);
        if let Some(w) = widths.into_iter().find(|&&w| !(1..=4096).contains(&w)) {
            return Err(format!(
                "every width, the code length and the batch size must be in 1..=4096, got {w}"
            ));
        }
        if !(self.beta.is_finite() && self.beta >= 0.0) {
            return Err(format!("beta must be finite and ≥ 0, got {}", self.beta));
        }
        if !(0.0..1.0).contains(&self.leaky_slope) {
            return Err(format!(
                "the leaky slope must be in [0, 1), got {}",
                self.leaky_slope
            ));
        }
        self.optimizer.validate()
    }

    /// Encoder sizes: `[data, hidden…, 2·Z]` (VAE) or `[data, hidden…, Z]`.
    pub fn encoder_sizes(&self) -> Vec<usize> {
        let out = match self.kind {
            VaeKind::Vae => 2 * self.z_dim,
            VaeKind::Autoencoder => self.z_dim,
        };
        let mut sizes = vec![self.data_dim];
        sizes.extend(&self.encoder_hidden);
        sizes.push(out);
        sizes
    }

    /// Decoder sizes: `[Z, hidden…, data]`, as G's.
    pub fn decoder_sizes(&self) -> Vec<usize> {
        let mut sizes = vec![self.z_dim];
        sizes.extend(&self.decoder_hidden);
        sizes.push(self.data_dim);
        sizes
    }
}

/// One step's loss and its parts, each the batch mean of a per-image sum.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct VaeStats {
    /// `recon + beta · kl` (the auto-encoder: `recon`).
    pub loss: f64,
    pub recon: f64,
    /// 0 for the auto-encoder.
    pub kl: f64,
}

/// The encoder, the decoder, their optimisers and the buffers of one training step.
pub struct Vae {
    config: VaeConfig,
    pub encoder: Mlp,
    pub decoder: Mlp,
    enc_opt: Optimizer,
    dec_opt: Optimizer,
    rng: ChaCha8Rng,
    sampler: BatchSampler,
    steps: u64,
    // Buffers of one step, sized once for the batch.
    batch_idx: Vec<usize>,
    labels: Vec<u8>,
    x: Array2<f32>,     // (B, D)
    eps: Array2<f32>,   // (B, Z)
    code: Array2<f32>,  // (B, Z) the decoder's input: z, or the auto-encoder's code
    dy: Array2<f32>,    // (B, D)
    dcode: Array2<f32>, // (B, Z)
    dh: Array2<f32>,    // (B, encoder out)
}

impl Vae {
    /// A new model with fresh weights from the seed (encoder first, then decoder).
    pub fn new(config: VaeConfig) -> Result<Vae, String> {
        config.validate()?;
        let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
        let hidden = Activation::LeakyRelu {
            slope: config.leaky_slope,
        };
        let encoder = Mlp::new(
            &config.encoder_sizes(),
            hidden,
            Activation::Identity,
            &mut rng,
        );
        let decoder = Mlp::new(&config.decoder_sizes(), hidden, Activation::Tanh, &mut rng);
        let (b, d, z) = (config.batch_size, config.data_dim, config.z_dim);
        let enc_out = encoder.output_dim();
        Ok(Vae {
            enc_opt: Optimizer::new(config.optimizer, encoder.params.len()),
            dec_opt: Optimizer::new(config.optimizer, decoder.params.len()),
            encoder,
            decoder,
            rng,
            sampler: BatchSampler::default(),
            steps: 0,
            batch_idx: vec![0; b],
            labels: vec![0; b],
            x: Array2::zeros((b, d)),
            eps: Array2::zeros((b, z)),
            code: Array2::zeros((b, z)),
            dy: Array2::zeros((b, d)),
            dcode: Array2::zeros((b, z)),
            dh: Array2::zeros((b, enc_out)),
            config,
        })
    }

    pub fn config(&self) -> &VaeConfig {
        &self.config
    }

    /// Training steps taken.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// Clears both gradients, then the loss on images `x` (B, D) with noise `eps` (B, Z;
    /// unused by the auto-encoder) and its gradients added into `encoder.grads` and
    /// `decoder.grads`. Public so that tests can hold ε fixed.
    pub fn loss_and_grads(&mut self, x: ArrayView2<f32>, eps: ArrayView2<f32>) -> VaeStats {
        let (b, z) = (x.nrows(), self.config.z_dim);
        assert_eq!(x.ncols(), self.config.data_dim, "image width");
        if self.code.nrows() < b {
            self.code = Array2::zeros((b, z));
            self.dcode = Array2::zeros((b, z));
            self.dy = Array2::zeros((b, self.config.data_dim));
            self.dh = Array2::zeros((b, self.encoder.output_dim()));
        }
        self.encoder.zero_grad();
        self.decoder.zero_grad();
        let mut code = self.code.slice_mut(s![..b, ..]);
        let mut dh = self.dh.slice_mut(s![..b, ..]);
        let mut dcode = self.dcode.slice_mut(s![..b, ..]);
        let mut dy = self.dy.slice_mut(s![..b, ..]);

        // Forward: encoder, code, decoder, loss.
        let h = self.encoder.forward(x); // (B, 2Z) or (B, Z)
        let variational = self.config.kind == VaeKind::Vae;
        if variational {
            assert_eq!(eps.dim(), (b, z), "ε shape");
            let (mu, lv) = (h.slice(s![.., ..z]), h.slice(s![.., z..]));
            reparameterise_forward(code.view_mut(), mu, lv, eps);
        } else {
            code.assign(&h);
        }
        let y = self.decoder.forward(code.view()); // (B, D)
        let recon = squared_error_forward_backward(dy.view_mut(), y, x);

        // Backward, the forward in reverse: decoder, code, KL, encoder.
        self.decoder
            .backward(code.view(), dy.view(), true, Some(dcode.view_mut()));
        let mut kl = 0.0;
        if variational {
            let h = self.encoder.output_view();
            let (dmu, dlv) = dh.view_mut().split_at(ndarray::Axis(1), z);
            let (mut dmu, mut dlv) = (dmu, dlv);
            let (mu, lv) = (h.slice(s![.., ..z]), h.slice(s![.., z..]));
            reparameterise_backward(dmu.view_mut(), dlv.view_mut(), dcode.view(), lv, eps);
            kl = kl_forward_backward(dmu, dlv, mu, lv, self.config.beta);
        } else {
            dh.assign(&dcode);
        }
        self.encoder.backward(x, dh.view(), true, None);
        let loss = recon + f64::from(self.config.beta) * kl;
        VaeStats { loss, recon, kl }
    }

    /// One update on the next batch of `data`: fresh ε from the stream, the loss and its
    /// gradients, then Adam on both networks. A non-finite loss stops before the update.
    pub fn train_step(&mut self, data: &Dataset) -> Result<VaeStats, String> {
        if data.image_dim() != self.config.data_dim {
            return Err(format!(
                "the model is built for {} pixels per image; the data has {}",
                self.config.data_dim,
                data.image_dim()
            ));
        }
        data.check_batch(self.config.batch_size)?;
        let b = self.config.batch_size;
        self.sampler
            .next_batch(data.len(), &mut self.batch_idx, &mut self.rng);
        let mut x = std::mem::take(&mut self.x);
        data.gather(
            &self.batch_idx,
            x.as_slice_mut().expect("contiguous"),
            &mut self.labels,
        );
        let mut eps = std::mem::take(&mut self.eps);
        if self.config.kind == VaeKind::Vae {
            for v in eps.iter_mut() {
                *v = self.rng.sample(StandardNormal);
            }
        }
        let stats = self.loss_and_grads(x.slice(s![..b, ..]), eps.view());
        self.x = x;
        self.eps = eps;
        if !stats.loss.is_finite() {
            return Err(format!(
                "the loss is {} at step {} (reconstruction {}, KL {})",
                stats.loss,
                self.steps + 1,
                stats.recon,
                stats.kl
            ));
        }
        self.enc_opt
            .update(&mut self.encoder.params, &self.encoder.grads);
        self.dec_opt
            .update(&mut self.decoder.params, &self.decoder.grads);
        self.steps += 1;
        Ok(stats)
    }

    /// The decoder's images for codes `z` (N, Z) into `out` (N, D), in [-1, 1].
    pub fn decode(&mut self, z: ArrayView2<f32>, mut out: ArrayViewMut2<f32>) {
        out.assign(&self.decoder.infer(z));
    }

    /// The decoder's images for `n` codes from N(0, I), drawn from `seed`'s fixed-noise
    /// stream as the GAN's samples are (`fixed_noise`): (n, D).
    pub fn generate(&mut self, seed: u64, n: usize) -> Array2<f32> {
        let z = fixed_noise(seed, n, self.config.z_dim);
        let mut out = Array2::zeros((n, self.config.data_dim));
        for start in (0..n).step_by(CHUNK) {
            let rows = start..(start + CHUNK).min(n);
            self.decode(z.slice(s![rows.clone(), ..]), out.slice_mut(s![rows, ..]));
        }
        out
    }

    /// Reconstructions of `x` (N, D) through the code (the VAE's mean μ, no sampling).
    pub fn reconstruct(&mut self, x: ArrayView2<f32>) -> Array2<f32> {
        let z = self.config.z_dim;
        let code = self.encoder.infer(x).slice(s![.., ..z]).to_owned();
        self.decoder.infer(code.view()).to_owned()
    }

    /// Both networks as safetensors bytes: `encoder.<l>.weight`/`.bias`,
    /// `decoder.<l>.weight`/`.bias` (F32, `Mlp::param_tensors`' shapes), metadata
    /// `format` = `ganplay-vae`, `config` (JSON) and `steps`.
    pub fn to_safetensors(&self) -> Vec<u8> {
        use crate::checkpoint::safetensors::{serialize, Raw};
        let mut tensors = Vec::new();
        for (prefix, mlp) in [("encoder", &self.encoder), ("decoder", &self.decoder)] {
            for (name, shape, range) in mlp.param_tensors() {
                tensors.push((
                    format!("{prefix}.{name}"),
                    Raw::f32(shape, &mlp.params[range]),
                ));
            }
        }
        let metadata = std::collections::HashMap::from([
            ("format".to_string(), "ganplay-vae".to_string()),
            ("format_version".to_string(), "1".to_string()),
            (
                "config".to_string(),
                serde_json::to_string(&self.config).expect("a config serialises"),
            ),
            ("steps".to_string(), self.steps.to_string()),
        ]);
        serialize(tensors, metadata)
    }
}

/// Rows per call to the decoder when generating: bounds its buffers.
const CHUNK: usize = 1000;
