// Divergence: when a loss or a weight becomes NaN or infinite, the core stops at that step
// and refuses to train on. Training pauses, this banner says what happened in plain words,
// and one click puts back the restore point the core offers (src/run/restore.rs: it
// keeps one before every settings change and a few spread over time, and offers the one
// from before the change that likely caused the divergence): weights, optimiser,
// settings and charts.
// Its panel object, `divergence` (main.js's PANELS): setup (app.onTrainError,
// app.showDiverged).
import { onLangChange, t } from './i18n.js';
import { divergenceText, restoreReason } from './core-errors.js';
import { $, fmtInt } from './util.js';

function setupDivergence(app) {
  $('restore-good').addEventListener('click', () => restoreLastGood(app));

  /** A training call failed: a panic stops the page (errors.js); otherwise pause, and say why. */
  app.onTrainError = async (err) => {
    if (app.isPanic(err)) return app.onPanic('what.training', err);
    await app.setRunning(false);
    if (app.view?.diverged) showDiverged(app);
    else app.showError(() => t('error.trainStopped', { reason: app.describe(err) }), err);
  };
  app.showDiverged = () => showDiverged(app);
  onLangChange(() => {
    if (!$('diverge-banner').hidden) showDiverged(app);
  });
}

/** Says what diverged (from the engine's last report) and offers the restore point. */
function showDiverged(app) {
  const d = app.view?.divergence;
  if (!d) return;
  const kept = d.restoreStep >= 0;
  const step = fmtInt(d.restoreStep);
  // The core's message and reason are in English; core-errors.js puts them in the page's language.
  $('diverge-text').textContent = t('diverge.text', { message: divergenceText(d) }) + (kept
    ? t('diverge.kept', { step, reason: restoreReason(d.restoreReasonJson, d.restoreReason) })
    : t('diverge.none'));
  $('restore-good').textContent = t('diverge.restore', { step });
  $('restore-good').hidden = !kept;
  $('diverge-banner').hidden = false;
}

function restoreLastGood(app) {
  return app.replaceModel('what.restoring', 'restored', () => app.engine.restoreLastGood(), {
    notice: (r) => t('notice.restored', { step: fmtInt(r.restored) }),
  });
}

/** The divergence banner's face as a panel of the page (main.js's PANELS). */
export const divergence = { setup: setupDivergence };
