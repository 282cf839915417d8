// Divergence: when a loss or a weight becomes NaN or infinite, the core stops at that step
// and refuses to train on. Training pauses, this banner says what happened in plain words,
// and one click puts back the last good state, which the core keeps by itself every 200
// steps (src/wasm/recovery.rs): weights, optimiser, settings and charts.
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

/** Says what diverged (from the engine's last report) and offers the last good state. */
function showDiverged(app) {
  const d = app.view?.divergence;
  if (!d) return;
  $('diverge-text').textContent =
    `Training paused: ${d.message}. ` +
    `The last good state, kept automatically every 200 steps, is from step ${fmtInt(d.lastGoodStep)}: ` +
    'restore it, then lower the learning rate before training on.';
  $('restore-good').textContent = `Restore step ${fmtInt(d.lastGoodStep)}`;
  $('diverge-banner').hidden = false;
}

async function restoreLastGood(app) {
  const r = await app.replaceModel('Restoring the last good state', 'restored', () => app.engine.restoreLastGood());
  if (r) app.notify(`Restored step ${fmtInt(r.restored)}: weights, optimiser state, settings and charts as they were then.`);
}
