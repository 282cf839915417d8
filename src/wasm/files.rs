//! The training state in a file: a checkpoint with the chart history, saved and loaded
//! (the format is crate::checkpoint's, the same as the native trainer's).

use super::codes::checkpoint_error;
use super::Playground;
use crate::checkpoint;
use crate::run::History;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
impl Playground {
    /// The whole training state as a safetensors checkpoint (the same format as the
    /// native trainer's) with the chart history, taken between steps: a step left
    /// part-way done is finished first.
    pub fn save_checkpoint(&mut self) -> Result<Vec<u8>, JsError> {
        self.finish_step()?;
        let history = self.export_history();
        Ok(checkpoint::save_with_history(&self.gan, Some(&history)))
    }

    /// Replaces the model with a checkpoint's, and the chart history with the one it
    /// holds; one without (a native or an older checkpoint) starts the charts afresh at
    /// its step. A bad file, or a malformed history, is refused with the reason and
    /// leaves the current model and history untouched.
    pub fn load_checkpoint(&mut self, bytes: &[u8]) -> Result<(), JsError> {
        let (gan, saved) =
            checkpoint::load_with_history(bytes).map_err(|e| checkpoint_error(&e))?;
        let history = saved
            .map(|saved| History::from_saved(&saved))
            .transpose()
            .map_err(|why| checkpoint_error(&checkpoint::CheckpointError::BadHistory(why)))?;
        self.replace_gan(gan);
        self.fit_data_to_world();
        match history {
            Some(history) => self.history.copy_from(&history),
            None => self.clear_history(),
        }
        self.start_restore_points("loaded");
        Ok(())
    }
}
