// Autosave: the run (checkpoint bytes with the settings inside, the chart history, the
// step) goes to IndexedDB every 30 s while training runs, within a second of a change made
// while it is paused (a hand step, a load, a reset), and when the page is left or hidden.
// A write started as the page goes away may not finish (Chromium drops some, most often
// on a first visit), so the saves that do not wait for the page to go bound what can be
// lost. On the next visit a banner offers the run back; Restore loads it exactly, so the
// grid shows the same samples from the same z. While the offer is open nothing is saved,
// so a new session cannot overwrite the old run before you choose.
import { deleteSavedRun, readSavedRun, writeSavedRun, RECORD_VERSION } from './autosave-store.js';
import { locale, onLangChange, t } from './i18n.js';
import { $, fmtInt } from './util.js';

export { readSavedRun };

/** Save at most this often while training runs. */
export const AUTOSAVE_EVERY_MS = 30_000;
/** While training is paused, a change is saved this soon. */
export const AUTOSAVE_PAUSED_MS = 1_000;

/**
 * Wires the autosave, and offers `saved` (readSavedRun's promise) back if it holds a run;
 * if the saved run could not be read, says so in one line and goes on without it.
 */
export function setupAutosave(app, saved) {
  // `reading`: nothing is saved until the old run has been read (and offered), so that this
  // visit cannot overwrite it first. The boot does not wait for it.
  app.autosave = { savedAt: performance.now(), savedVersion: app.modelVersion, offered: null, reading: true, saving: null, saves: 0, lastError: null, warned: false };
  $('autosave-restore').addEventListener('click', () => restore(app));
  $('autosave-discard').addEventListener('click', () => discard(app));
  const saveIfChanged = () => app.modelVersion !== app.autosave.savedVersion && saveNow(app);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') saveIfChanged();
  });
  // beforeunload comes first, while the page still waits for the next one, which gives the
  // write the most time; pagehide is the fallback where it does not fire.
  window.addEventListener('beforeunload', saveIfChanged);
  window.addEventListener('pagehide', saveIfChanged);
  return saved.then(({ run, problem }) => {
    app.autosave.reading = false;
    if (run) offer(app, run);
    else if (problem) app.notify(() => t('autosave.problem', { problem: problem() }));
  });
}

/**
 * From the frame loop (and once a second while the tab is hidden): saves when the model
 * changed and the last save is old enough (or there is none). Returns whether it started
 * a save.
 */
export function tickAutosave(app, now) {
  const a = app.autosave;
  if (!a || a.reading || a.offered || a.saving || app.broken || !app.view) return false;
  const every = app.running ? AUTOSAVE_EVERY_MS : AUTOSAVE_PAUSED_MS;
  if (app.modelVersion === a.savedVersion || now - a.savedAt < every) return false;
  saveNow(app, { spread: true });
  return true;
}

/**
 * Saves the run now (resolves to whether it was written). Nothing while an offer is open,
 * after a panic, or while the model has diverged: the last save, from before, stays.
 * The engine copies the run out (a step left part-way is finished first); with `spread`,
 * the write to IndexedDB (which copies the record again) runs as a task of its own, so
 * that neither task is long; a page going away writes at once.
 */
export function saveNow(app, { spread = false } = {}) {
  const a = app.autosave;
  if (!a || a.reading || a.offered || app.broken || !app.view || app.view.diverged) return Promise.resolve(false);
  a.savedAt = performance.now();
  const version = app.modelVersion;
  const write = async () => {
    const run = await app.engine.savedRun();
    if (!run) return false;
    const record = {
      version: RECORD_VERSION,
      checkpoint: run.checkpoint,
      history: run.history,
      step: run.step,
      savedAt: Date.now(),
      dataSource: app.dataSource,
    };
    if (spread) await new Promise((resolve) => setTimeout(resolve, 0));
    await writeSavedRun(record);
    return true;
  };
  a.saving = write()
    .then((ok) => {
      if (ok) {
        a.savedVersion = Math.max(a.savedVersion, version);
        a.saves++;
      }
      return ok;
    }, (err) => {
      if (app.isPanic(err)) return false; // errors.js says it
      a.lastError = app.describe(err);
      console.warn('autosave: cannot save the run', err);
      if (!a.warned) app.notify(() => t('autosave.failed', { reason: app.describe(err) }));
      a.warned = true;
      return false;
    })
    .finally(() => (a.saving = null));
  return a.saving;
}

function offer(app, saved) {
  app.autosave.offered = saved;
  const show = () => {
    const when = new Date(saved.savedAt).toLocaleString(locale());
    const data = saved.dataSource && saved.dataSource !== 'built-in MNIST' ? t('autosave.offer.data', { source: saved.dataSource }) : '';
    $('autosave-text').textContent = t('autosave.offer', { when, step: fmtInt(saved.step), data });
  };
  show();
  const stop = onLangChange(() => (app.autosave.offered === saved ? show() : stop()));
  $('autosave-banner').hidden = false;
}

async function restore(app) {
  const saved = app.autosave.offered;
  if (!saved) return;
  closeOffer(app);
  const r = await app.replaceModel('what.restoringRun', 'restored', () => app.engine.restoreRun(saved.checkpoint, saved.history), {
    notice: (r) => t('autosave.restored', { step: fmtInt(r.steps) }),
  });
  if (r) app.autosave.savedVersion = app.modelVersion; // it is the saved run
}

async function discard(app) {
  closeOffer(app);
  try {
    await deleteSavedRun();
    app.notify(() => t('autosave.discarded'));
  } catch (err) {
    app.showError(() => t('autosave.discardFailed', { reason: app.describe(err) }), err);
  }
}

function closeOffer(app) {
  app.autosave.offered = null;
  // From here the run in the page is saved as soon as it changes (a restored one is saved already).
  app.autosave.savedVersion = app.modelVersion;
  app.autosave.savedAt = -Infinity;
  $('autosave-banner').hidden = true;
}
