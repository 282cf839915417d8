//! The settings and the data, as the page reads and changes them: the defaults and the
//! settings in force, new weights (`reset`), training settings that keep the weights, the
//! training digits, and which G draws the samples.

use super::codes::{config_error, data_error};
use super::Playground;
use crate::data::Dataset;
use crate::gan::{Gan, GanConfig, IMAGE_SIDE};
use crate::judge::metrics::speckle_rate;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
impl Playground {
    /// The default settings, as JSON.
    pub fn default_config_json() -> String {
        GanConfig::default().to_json()
    }

    /// The settings in force, as JSON.
    pub fn config_json(&self) -> String {
        self.gan.config().to_json()
    }

    /// New weights from the given settings (their seed included); clears the history.
    /// On error the current model stays.
    pub fn reset(&mut self, config_json: &str) -> Result<(), JsError> {
        let config = GanConfig::from_json(config_json).map_err(|e| config_error(&e))?;
        let gan = Gan::new(config).map_err(|e| config_error(&e))?;
        self.replace_gan(gan);
        self.fit_data_to_world();
        self.clear_history();
        self.start_restore_points("created");
        Ok(())
    }

    /// Changes training settings that keep the weights (learning rates, optimisers,
    /// batch size, D steps, loss, smoothing); the seed stays. A change keeps a restore
    /// point of the state just before it (src/wasm/recovery.rs). On error nothing changes.
    pub fn set_hyperparameters(&mut self, config_json: &str) -> Result<(), JsError> {
        let config = GanConfig::from_json(config_json).map_err(|e| config_error(&e))?;
        self.finish_step()?;
        let config = GanConfig {
            seed: self.gan.config().seed,
            ..config
        };
        self.gan
            .check_hyperparameters(&config)
            .map_err(|e| config_error(&e))?;
        if config != *self.gan.config() {
            self.keep_restore_point_before_change(&config);
        }
        self.gan
            .set_hyperparameters(config)
            .map_err(|e| config_error(&e))
    }

    /// Replaces the training data with IDX bytes (gunzipped). On error the data stays.
    pub fn load_data(&mut self, images_idx: &[u8], labels_idx: &[u8]) -> Result<(), JsError> {
        let data = Dataset::from_idx(images_idx, labels_idx).map_err(|e| data_error(&e))?;
        self.finish_step()?;
        self.set_digits(data);
        Ok(())
    }

    /// Images in the training data.
    pub fn data_len(&self) -> usize {
        self.data.len()
    }

    /// Isolated bright pixels per image of the training data: the figure G's samples are
    /// compared with (about 0.002 for MNIST; `judge::metrics::speckles`).
    pub fn data_speckle(&self) -> f64 {
        speckle_rate(self.data.images(), IMAGE_SIDE)
    }

    /// Whether the grid, samples and judge use the averaged G (true) or G itself.
    pub fn samples_from_average(&self) -> bool {
        self.gan.samples_from_average()
    }

    /// Chooses between the averaged G (true) and G itself for the grid, samples and
    /// judge; training is unchanged.
    pub fn set_samples_from_average(&mut self, on: bool) {
        self.gan.set_samples_from_average(on);
    }
}
