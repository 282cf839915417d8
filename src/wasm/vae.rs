//! "Can G learn by itself?" for the page: a VAE (or a plain auto-encoder) of crate::vae
//! trained on the playground's digits beside the GAN, which it does not touch; and the
//! lecture's two edits of a digit at the same pixel distance, scored by the GAN's D.

use super::codes::{coded, input_error};
use super::{on_pool, settings_fields, Playground};
use crate::gan::{GRID_SAMPLES, IMAGE_DIM};
use crate::vae::edits::{score_edits, MAX_EDIT_PIXELS};
use crate::vae::{Vae, VaeConfig, VaeKind};
use ndarray::ArrayView2;
use wasm_bindgen::prelude::*;

/// Steps one `vae_train` call may take: a call is one slice of the page's loop.
const MAX_STEPS_PER_CALL: u32 = 1000;
/// Digits `pixel_edits` may edit and score at once.
const MAX_EDITED: u32 = 500;

#[wasm_bindgen]
impl Playground {
    /// Starts a run afresh: `{"kind": "vae" | "autoencoder", "seed": n}` (both optional:
    /// a VAE, the GAN's seed). The decoder is shaped as the playground's G (its noise
    /// length and hidden widths), the encoder as its D. Bad settings are refused, the
    /// run in place kept.
    pub fn vae_start(&mut self, config_json: &str) -> Result<(), JsError> {
        self.digits_for("vae.world")?;
        let config = self
            .vae_config(config_json)
            .map_err(|e| coded("vae.config", format!("VAE: {e}")))?;
        let run = Vae::new(config).map_err(|e| coded("vae.config", format!("VAE: {e}")))?;
        self.vae = Some(run);
        Ok(())
    }

    /// `steps` training steps (1 to 1000; a VAE with the defaults starts if none has).
    /// Returns the last step's figures as JSON: `{steps, kind, loss, recon, kl}`, each
    /// loss the batch mean of a per-image sum. A loss that is not finite stops the run
    /// with the reason; the model keeps its last good update.
    pub fn vae_train(&mut self, steps: u32) -> Result<String, JsError> {
        self.digits_for("vae.world")?;
        if !(1..=MAX_STEPS_PER_CALL).contains(&steps) {
            return Err(input_error(format!(
                "a call trains 1 to {MAX_STEPS_PER_CALL} steps, got {steps}"
            )));
        }
        if self.vae.is_none() {
            self.vae_start("")?;
        }
        let (run, data) = (self.vae.as_mut().expect("started above"), &self.data);
        let stats = on_pool(|| {
            let mut last = None;
            for _ in 0..steps {
                last = Some(run.train_step(data)?);
            }
            Ok::<_, String>(last.expect("at least one step"))
        })
        .map_err(|e| coded("vae.diverged", format!("the VAE stopped: {e}")))?;
        Ok(serde_json::json!({
            "steps": run.steps(),
            "kind": run.config().kind,
            "loss": stats.loss,
            "recon": stats.recon,
            "kl": stats.kl,
        })
        .to_string())
    }

    /// Steps the run has taken (0 with none).
    pub fn vae_steps(&self) -> f64 {
        self.vae.as_ref().map_or(0.0, |run| run.steps() as f64)
    }

    /// The decoder's images for the codes of G's grid (the same noise, the first
    /// `GRID_SAMPLES` of it): `(100, 784)` row-major in [-1, 1]; empty with no run.
    pub fn vae_grid(&mut self) -> Vec<f32> {
        let Some(run) = self.vae.as_mut() else {
            return Vec::new();
        };
        let z = self.gan.grid_noise();
        let mut out = ndarray::Array2::zeros((GRID_SAMPLES, IMAGE_DIM));
        on_pool(|| run.decode(z, out.view_mut()));
        out.into_raw_vec_and_offset().0
    }

    /// `n` samples from fresh codes z ~ N(0, I) of `seed`'s fixed stream (1 to 10,000),
    /// for the judge: `(n, 784)` row-major; empty with no run.
    pub fn vae_samples(&mut self, n: u32, seed: u32) -> Result<Vec<f32>, JsError> {
        if !(1..=10_000).contains(&n) {
            return Err(input_error(format!("1 to 10000 samples, got {n}")));
        }
        let Some(run) = self.vae.as_mut() else {
            return Ok(Vec::new());
        };
        let images = on_pool(|| run.generate(u64::from(seed), n as usize));
        Ok(images.into_raw_vec_and_offset().0)
    }

    /// The first `n` training digits (1 to 16) and the run's reconstructions of them:
    /// `(2n, 784)`, the digits then their reconstructions; empty with no run.
    pub fn vae_reconstructions(&mut self, n: u32) -> Result<Vec<f32>, JsError> {
        self.digits_for("vae.world")?;
        if !(1..=16).contains(&n) || n as usize > self.data.len() {
            return Err(input_error(format!("1 to 16 digits, got {n}")));
        }
        let Some(run) = self.vae.as_mut() else {
            return Ok(Vec::new());
        };
        let digits = &self.data.images()[..n as usize * IMAGE_DIM];
        let x = ArrayView2::from_shape((n as usize, IMAGE_DIM), digits).expect("whole images");
        let recon = on_pool(|| run.reconstruct(x));
        let mut out = digits.to_vec();
        out.extend(recon.iter());
        Ok(out)
    }

    /// The lecture's two edits, `count` pixels each (1 to 40), of `n` training digits (1
    /// to 500, from the first; one with no room for an edit is passed over for the next),
    /// and what the pixel loss and the GAN's D say of them.
    /// JSON: `{count, squared_distance, n, d_original, d_stroke, d_stray, lower_stray,
    /// specks_original, specks_stroke, specks_stray, images}`: D's mean probabilities, the
    /// share of digits whose stray edit D scores below their stroke edit, the judge's
    /// isolated pixels per digit, and the first digit with its two edits (3 × 784 pixels).
    /// `n` says how many were scored (fewer only if the data ran out).
    pub fn pixel_edits(&mut self, count: u32, n: u32) -> Result<String, JsError> {
        self.digits_for("edits.world")?;
        if !(1..=MAX_EDIT_PIXELS).contains(&(count as usize)) || !(1..=MAX_EDITED).contains(&n) {
            return Err(input_error(format!(
                "1 to {MAX_EDIT_PIXELS} pixels and 1 to {MAX_EDITED} digits, got {count} and {n}"
            )));
        }
        let gan = &mut self.gan;
        let score = |images: &[f32], labels: &[u8]| {
            let x =
                ArrayView2::from_shape((labels.len(), IMAGE_DIM), images).expect("whole images");
            let mut p = vec![0.0; labels.len()];
            on_pool(|| gan.discriminate(x, labels, &mut p));
            p
        };
        let s = score_edits(&self.data, count as usize, n as usize, score).map_err(input_error)?;
        Ok(serde_json::json!({
            "count": s.count,
            "squared_distance": 4 * s.count,
            "n": s.n,
            "d_original": s.original,
            "d_stroke": s.stroke,
            "d_stray": s.stray,
            "lower_stray": s.lower_stray,
            "specks_original": s.specks[0],
            "specks_stroke": s.specks[1],
            "specks_stray": s.specks[2],
            "images": s.first.concat(),
        })
        .to_string())
    }
}

impl Playground {
    /// Refuses (with `code`) in a 1-D or 2-D world: the VAE and the edits read digits.
    fn digits_for(&self, code: &str) -> Result<(), JsError> {
        if self.gan.config().world.is_points() {
            return Err(coded(
                code,
                "this lesson reads digits: switch back to the digits first",
            ));
        }
        Ok(())
    }

    /// The page's VAE: decoder shaped as G, encoder as D, with the JSON's `kind` and
    /// `seed` on top.
    fn vae_config(&self, json: &str) -> Result<VaeConfig, String> {
        let gan = self.gan.config();
        let mut config = VaeConfig {
            seed: gan.seed,
            z_dim: gan.noise_dim,
            encoder_hidden: gan.d_hidden.clone(),
            decoder_hidden: gan.g_hidden.clone(),
            leaky_slope: gan.leaky_slope,
            ..VaeConfig::default()
        };
        for (key, v) in &settings_fields(json)? {
            match key.as_str() {
                "kind" => {
                    config.kind = match v.as_str() {
                        Some("vae") => VaeKind::Vae,
                        Some("autoencoder") => VaeKind::Autoencoder,
                        _ => return Err(format!("kind is vae or autoencoder, got {v}")),
                    }
                }
                "seed" => {
                    config.seed = v
                        .as_u64()
                        .ok_or_else(|| format!("seed must be a whole number, got {v}"))?
                }
                other => return Err(format!("no setting named {other}")),
            }
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wasm::test_data::lesson_playground as playground;

    /// (A JsError cannot be made without a JavaScript host: only success is tried here.)
    fn ok<T>(r: Result<T, JsError>) -> T {
        r.unwrap_or_else(|_| panic!("the call failed"))
    }

    #[test]
    fn the_vae_trains_beside_the_gan_with_g_and_d_shapes() {
        let mut p = playground();
        assert_eq!((p.vae_steps(), p.vae_grid().len()), (0.0, 0));
        let before = p.gan.generator().params.clone();
        let stats: serde_json::Value = serde_json::from_str(&ok(p.vae_train(20))).unwrap();
        assert_eq!(
            (stats["steps"].as_u64(), stats["kind"].as_str()),
            (Some(20), Some("vae"))
        );
        assert!(stats["kl"].as_f64().unwrap() > 0.0);
        let run = p.vae.as_ref().unwrap();
        assert_eq!(run.config().decoder_sizes(), vec![8, 32, 784]);
        assert_eq!(run.config().encoder_sizes(), vec![784, 32, 16]);
        assert_eq!(p.vae_grid().len(), GRID_SAMPLES * IMAGE_DIM);
        assert_eq!(ok(p.vae_samples(30, 1)).len(), 30 * IMAGE_DIM);
        let both = ok(p.vae_reconstructions(4));
        assert_eq!(both.len(), 8 * IMAGE_DIM);
        assert_eq!(&both[..IMAGE_DIM], p.data.image(0));
        assert_eq!(p.gan.generator().params, before, "the GAN is left alone");
        assert_eq!(p.steps(), 0.0);
    }

    #[test]
    fn the_auto_encoder_has_no_kl_and_the_same_seed_trains_the_same() {
        let mut p = playground();
        ok(p.vae_start(r#"{"kind": "autoencoder", "seed": 5}"#));
        let a: serde_json::Value = serde_json::from_str(&ok(p.vae_train(5))).unwrap();
        assert_eq!(
            (a["kind"].as_str(), a["kl"].as_f64()),
            (Some("autoencoder"), Some(0.0))
        );
        ok(p.vae_start(r#"{"kind": "autoencoder", "seed": 5}"#));
        let b: serde_json::Value = serde_json::from_str(&ok(p.vae_train(5))).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn settings_are_read_on_top_of_g_and_d() {
        let p = playground();
        let c = p.vae_config(r#"{"seed": 3}"#).unwrap();
        assert_eq!((c.seed, c.kind, c.z_dim), (3, VaeKind::Vae, 8));
        for (json, says) in [
            (r#"{"kind": "gan"}"#, "vae or autoencoder"),
            (r#"{"seed": -1}"#, "whole number"),
            (r#"{"beta": 2}"#, "no setting named beta"),
            ("[]", "JSON object"),
            ("{", "not JSON"),
        ] {
            let err = p.vae_config(json).unwrap_err();
            assert!(err.contains(says), "{json}: {err}");
        }
    }

    #[test]
    fn the_edits_are_scored_by_d_at_the_same_pixel_distance() {
        let mut p = playground();
        let json: serde_json::Value = serde_json::from_str(&ok(p.pixel_edits(6, 20))).unwrap();
        assert_eq!(
            (json["count"].as_u64(), json["squared_distance"].as_u64()),
            (Some(6), Some(24))
        );
        assert_eq!(json["n"].as_u64(), Some(20));
        let images = json["images"].as_array().unwrap();
        assert_eq!(images.len(), 3 * IMAGE_DIM);
        let specks: Vec<f64> = ["specks_original", "specks_stroke", "specks_stray"]
            .map(|k| json[k].as_f64().unwrap())
            .into();
        assert_eq!(
            specks,
            vec![0.0, 0.0, 6.0],
            "only the stray pixels are specks"
        );
        for key in ["d_original", "d_stroke", "d_stray", "lower_stray"] {
            let v = json[key].as_f64().unwrap();
            assert!((0.0..=1.0).contains(&v), "{key} = {v}");
        }
    }
}
