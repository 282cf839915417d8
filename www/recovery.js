// Divergence: when a loss or a weight becomes NaN or infinite, the core stops at that step
// and refuses to train on. Training pauses, this banner says what happened in plain words,
// and one click puts back the restore point the core offers (src/wasm/recovery.rs: it
// keeps one before every settings change and a few spread over time, and offers the one
// from before the change that likely caused the divergence): weights, optimiser,
// settings and charts.
import { $, fmtInt } from './util.js';

export function setupRecovery(app) {
  $('restore-good').addEventListener('click', () => restoreLastGood(app));

  /** A training call failed: a panic stops the page (errors.js); otherwise pause, and say why. */
  app.onTrainError = async (err) => {
    if (app.isPanic(err)) return app.onPanic('Training', err);
    await app.setRunning(false);
    if (app.view?.diverged) showDiverged(app);
    else app.showError(`Training stopped: ${app.describe(err)} Try a smaller learning rate, then Reset.`, err);
  };
  app.showDiverged = () => showDiverged(app);
}

/** Says what diverged (from the engine's last report) and offers the restore point. */
function showDiverged(app) {
  const d = app.view?.divergence;
  if (!d) return;
  const kept = d.restoreStep >= 0;
  const step = fmtInt(d.restoreStep);
  $('diverge-text').textContent = `Training paused: ${d.message}. ` + (kept
    ? `The last healthy state is from step ${step}, ${d.restoreReason}: ` +
      'restore it, with the settings it had then (if training diverges again, lower the learning rate).'
    : 'No healthy state is kept: lower the learning rate, then Reset.');
  $('restore-good').textContent = `Restore step ${step}`;
  $('restore-good').hidden = !kept;
  $('diverge-banner').hidden = false;
}

function restoreLastGood(app) {
  return app.replaceModel('Restoring the last healthy state', 'restored', () => app.engine.restoreLastGood(), {
    notice: (r) => `Restored step ${fmtInt(r.restored)}: weights, optimiser state, settings and charts as they were then.`,
  });
}
