//! "Can D generate?" for the page: the lecture's iterated algorithm (crate::dalone) on the
//! playground's digits, a run of its own beside the GAN, which it does not touch.

use super::codes::coded;
use super::{on_pool, settings_fields, Playground};
use crate::dalone::{DAlone, DAloneConfig};
use wasm_bindgen::prelude::*;

/// The page's run: 64 negatives (its 8 × 8 grid) and 50 updates of D a round, so that a
/// round takes well under a second in the browser.
fn page_defaults() -> DAloneConfig {
    DAloneConfig {
        negatives: 64,
        d_steps: 50,
        ..DAloneConfig::default()
    }
}

#[wasm_bindgen]
impl Playground {
    /// Starts a D-alone run afresh: a new D and noise for negatives. Settings as JSON
    /// (`seed`, `negatives`, `d_steps`, `ascent_steps`, `ascent_rate`; a missing one takes
    /// the page's default). Bad settings are refused, the run in place kept.
    pub fn dalone_start(&mut self, config_json: &str) -> Result<(), JsError> {
        let config = dalone_config(config_json)
            .map_err(|e| coded("dalone.config", format!("D alone: {e}")))?;
        let run =
            DAlone::new(config).map_err(|e| coded("dalone.config", format!("D alone: {e}")))?;
        self.dalone = Some(run);
        Ok(())
    }

    /// One round of the run (started with the defaults if none is): D trained against
    /// its negatives, then new negatives by gradient ascent. Returns the round's figures
    /// as JSON: `{round, d_loss, d_real, d_old_negatives, d_noise, d_new_negatives}`.
    /// Refused in a 1-D or 2-D world (D alone reads digits).
    pub fn dalone_round(&mut self) -> Result<String, JsError> {
        if self.gan.config().world.is_points() {
            return Err(coded(
                "dalone.world",
                "D alone reads digits: switch back to the digits first",
            ));
        }
        let run = match self.dalone {
            Some(ref mut run) => run,
            None => self
                .dalone
                .insert(DAlone::new(page_defaults()).map_err(|e| coded("dalone.config", e))?),
        };
        let data = &self.data;
        let stats = on_pool(|| run.round(data)).map_err(|e| coded("dalone.diverged", e))?;
        Ok(serde_json::json!({
            "round": stats.round,
            "d_loss": stats.d_loss,
            "d_real": stats.d_real,
            "d_old_negatives": stats.d_old_negatives,
            "d_noise": stats.d_noise,
            "d_new_negatives": stats.d_new_negatives,
        })
        .to_string())
    }

    /// The run's negatives, `(n, 784)` row-major, pixels in [-1, 1] (noise before the
    /// first round); empty if no run was started.
    pub fn dalone_negatives(&self) -> Vec<f32> {
        self.dalone
            .as_ref()
            .map_or_else(Vec::new, |run| run.negatives().iter().copied().collect())
    }

    /// Rounds the run has done (0 with none).
    pub fn dalone_rounds(&self) -> u32 {
        self.dalone.as_ref().map_or(0, |run| run.rounds() as u32)
    }
}

/// The page's defaults with the JSON object's fields on top.
fn dalone_config(json: &str) -> Result<DAloneConfig, String> {
    let mut config = page_defaults();
    for (key, v) in &settings_fields(json)? {
        let whole = || {
            v.as_u64()
                .ok_or_else(|| format!("{key} must be a whole number, got {v}"))
        };
        match key.as_str() {
            "seed" => config.seed = whole()?,
            "negatives" => config.negatives = whole()? as usize,
            "d_steps" => config.d_steps = whole()? as usize,
            "ascent_steps" => config.ascent_steps = whole()? as usize,
            "ascent_rate" => {
                config.ascent_rate = v
                    .as_f64()
                    .ok_or_else(|| format!("ascent_rate must be a number, got {v}"))?
                    as f32
            }
            other => return Err(format!("no setting named {other}")),
        }
    }
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wasm::test_data::lesson_playground as playground;

    /// Rounds run on the playground's digits and leave the GAN as it was.
    #[test]
    fn rounds_run_beside_the_gan() {
        let mut p = playground();
        assert_eq!((p.dalone_rounds(), p.dalone_negatives().len()), (0, 0));
        assert!(p
            .dalone_start(r#"{"negatives": 8, "d_steps": 3, "ascent_steps": 2}"#)
            .is_ok());
        assert_eq!(p.dalone_negatives().len(), 8 * 784);
        let before = p.gan.generator().params.clone();
        let noise = p.dalone_negatives();
        // (A JsError cannot be made without a JavaScript host: only success is tried here.)
        let Ok(json) = p.dalone_round() else {
            panic!("a round of D alone failed")
        };
        let stats: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(stats["round"], 1);
        assert!(stats["d_new_negatives"].as_f64().unwrap() > stats["d_noise"].as_f64().unwrap());
        assert_ne!(p.dalone_negatives(), noise);
        assert_eq!(p.dalone_rounds(), 1);
        assert_eq!(p.gan.generator().params, before);
        assert_eq!(p.steps(), 0.0);
    }

    #[test]
    fn settings_read_on_top_of_the_page_defaults() {
        assert_eq!(dalone_config("").unwrap(), page_defaults());
        let c = dalone_config(r#"{"seed": 7, "negatives": 16, "ascent_rate": 0.1}"#).unwrap();
        assert_eq!((c.seed, c.negatives, c.ascent_rate), (7, 16, 0.1));
        assert_eq!(c.d_steps, page_defaults().d_steps);
        for (json, says) in [
            ("[1]", "JSON object"),
            (r#"{"negatives": -1}"#, "whole number"),
            (r#"{"speed": 1}"#, "no setting named speed"),
            ("{", "not JSON"),
        ] {
            let err = dalone_config(json).unwrap_err();
            assert!(err.contains(says), "{json}: {err}");
        }
    }
}
