//! Training, as the frame loop drives it: one phase at a time (`advance`), whole steps,
//! and the hand steps (D only, G only).

use super::codes::train_error;
use super::{on_pool, Playground};
use crate::gan::Phase;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
impl Playground {
    /// Runs one phase of the training step under way (or starts a step) and returns its
    /// number: 1 = D on real digits (step 1), 2 = G makes fakes, 3 = D on them and D's
    /// update (step 2), 4 = the fakes through D to their pixels, 5 = back through G and
    /// G's update (step 3), which completes the step. Each is about a fifth of a step; the
    /// frame loop runs phases as long as the next one fits in the frame, so no frame
    /// waits for a whole step.
    pub fn advance(&mut self) -> Result<u32, JsError> {
        let ran = self.next_phase();
        if let Some(stats) =
            on_pool(|| self.gan.advance(&self.data)).map_err(|e| train_error(&e))?
        {
            self.record(stats);
        }
        Ok(ran)
    }

    /// The phase the next `advance` runs, 1–5 (see `advance`).
    pub fn next_phase(&self) -> u32 {
        let next = self.gan.phase().unwrap_or(Phase::Real);
        Phase::ALL
            .iter()
            .position(|&p| p == next)
            .map_or(1, |i| i as u32 + 1)
    }

    /// Runs the rest of a step that `advance` left part-way done (the page does this when
    /// training pauses). Returns whether there was one.
    pub fn finish_pending_step(&mut self) -> Result<bool, JsError> {
        let pending = self.gan.phase().is_some();
        self.finish_step()?;
        Ok(pending)
    }

    /// Runs up to `n` full steps (the first finishing a step left part-way done); stops
    /// at the first error (divergence, say), which it returns. Returns how many ran.
    pub fn train_steps(&mut self, n: u32) -> Result<u32, JsError> {
        on_pool(|| {
            for done in 0..n {
                match self.gan.train_step(&self.data) {
                    Ok(stats) => self.record(stats),
                    Err(e) if done == 0 => return Err(e),
                    Err(_) => return Ok(done),
                }
            }
            Ok(n)
        })
        .map_err(|e| train_error(&e))
    }

    /// Steps 1–2 only: one D update, G frozen.
    pub fn d_step(&mut self) -> Result<(), JsError> {
        self.finish_step()?;
        let stats = on_pool(|| self.gan.d_step(&self.data)).map_err(|e| train_error(&e))?;
        self.record(stats);
        Ok(())
    }

    /// Step 3 only: one G update, D frozen.
    pub fn g_step(&mut self) -> Result<(), JsError> {
        self.finish_step()?;
        let stats = on_pool(|| self.gan.g_step()).map_err(|e| train_error(&e))?;
        self.record(stats);
        Ok(())
    }
}
