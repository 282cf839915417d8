// Divergence: when a loss or a weight becomes NaN or infinite, the core stops at that step
// and refuses to train on. Training pauses, this banner says what happened in plain words,
// and one click puts back the last good state, which the core keeps by itself every 200
// steps (src/wasm/recovery.rs): weights, optimiser, settings and charts.
import { $, fmtInt } from './util.js';

export function setupRecovery(app) {
  $('restore-good').addEventListener('click', () => restoreLastGood(app));

  /** A training call failed: a panic stops the page (errors.js); otherwise pause, and say why. */
  app.onTrainError = (err) => {
    if (err instanceof WebAssembly.RuntimeError) return app.onPanic('Training', err);
    app.setRunning(false);
    if (app.pg.diverged()) showDiverged(app);
    else app.showError(`Training stopped: ${app.describe(err)} Try a smaller learning rate, then Reset.`, err);
  };
  app.showDiverged = () => showDiverged(app);
}

function showDiverged(app) {
  const step = app.pg.last_good_step();
  $('diverge-text').textContent =
    `Training paused: ${app.pg.divergence_message()}. ` +
    `The last good state, kept automatically every 200 steps, is from step ${fmtInt(step)}: ` +
    'restore it, then lower the learning rate before training on.';
  $('restore-good').textContent = `Restore step ${fmtInt(step)}`;
  $('diverge-banner').hidden = false;
}

function restoreLastGood(app) {
  app.guard('Restoring the last good state', () => {
    const step = app.pg.restore_last_good();
    $('diverge-banner').hidden = true;
    app.modelReplaced(`restored step ${fmtInt(step)}`);
    app.notify(`Restored step ${fmtInt(step)}: weights, optimiser state, settings and charts as they were then.`);
  });
}
