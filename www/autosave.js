// Autosave: the run (checkpoint bytes with the settings inside, the chart history, the
// step) goes to IndexedDB every 30 s while training runs, within a second of a change made
// while it is paused (a hand step, a load, a reset), and when the page is left or hidden.
// A write started as the page goes away may not finish (Chromium drops some, most often
// on a first visit), so the saves that do not wait for the page to go bound what can be
// lost. On the next visit a banner offers the run back; Restore loads it exactly, so the
// grid shows the same samples from the same z. While the offer is open nothing is saved,
// so a new session cannot overwrite the old run before you choose.
import { $, fmtInt } from './util.js';

const DB_NAME = 'ganplay';
const STORE = 'autosave';
const KEY = 'run';
/** Layout of the saved record; a record of another version is ignored. */
const RECORD_VERSION = 1;
/** Save at most this often while training runs. */
export const AUTOSAVE_EVERY_MS = 30_000;
/** While training is paused, a change is saved this soon. */
export const AUTOSAVE_PAUSED_MS = 1_000;

/** The open database, kept open so that a save on `pagehide` starts its transaction at once. */
let db = null;

function openDb() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function withStore(mode, fn) {
  const run = (open) =>
    new Promise((resolve, reject) => {
      const tx = open.transaction(STORE, mode);
      const req = fn(tx.objectStore(STORE));
      tx.commit?.(); // now, not when this task ends: the page may be going away
      tx.oncomplete = () => resolve(req?.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error ?? new Error('the autosave transaction was aborted'));
    });
  if (db) return run(db);
  return openDb().then((open) => run((db = open)));
}

const readRecord = () => withStore('readonly', (s) => s.get(KEY));
const writeRecord = (record) => withStore('readwrite', (s) => s.put(record, KEY));
const deleteRecord = () => withStore('readwrite', (s) => s.delete(KEY));

/**
 * The saved run, if any (null when there is none or IndexedDB cannot be read). Started
 * early in the boot, so that opening the database overlaps the rest of it.
 */
export function readSavedRun() {
  return readRecord().catch((err) => {
    console.warn('autosave: cannot read IndexedDB', err);
    return null;
  });
}

/** Wires the autosave, and offers `saved` (readSavedRun's promise) back if it is a run. */
export async function setupAutosave(app, saved) {
  app.autosave = { savedAt: performance.now(), savedVersion: app.modelVersion, offered: null, saving: null, lastError: null };
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
  const run = await saved;
  if (run?.version === RECORD_VERSION && run.checkpoint instanceof Uint8Array) offer(app, run);
}

/**
 * From the frame loop: saves when the model changed and the last save is old enough (or
 * there is none). While training runs, only between two steps (so the save need not finish
 * one first). Returns whether it started a save.
 */
export function tickAutosave(app, now) {
  const a = app.autosave;
  if (!a || a.offered || a.saving || app.broken || !app.pg) return false;
  const every = app.running ? AUTOSAVE_EVERY_MS : AUTOSAVE_PAUSED_MS;
  if (app.modelVersion === a.savedVersion || now - a.savedAt < every) return false;
  if (app.running && app.pg.next_phase() !== 1) return false;
  saveNow(app, { spread: true });
  return a.saving !== null; // null: it did not start (a failure waits for the next round)
}

/**
 * Saves the run now (resolves to whether it was written). Nothing while an offer is open,
 * after a panic, or while the model has diverged: the last save, from before, stays.
 * With `spread`, the write to IndexedDB (which copies the record) runs as a task of its
 * own after this one, so that neither task is long; a page going away writes at once.
 */
export function saveNow(app, { spread = false } = {}) {
  const a = app.autosave;
  if (!a || a.offered || app.broken || !app.pg || app.pg.diverged()) return Promise.resolve(false);
  let record;
  try {
    record = {
      version: RECORD_VERSION,
      checkpoint: app.pg.save_checkpoint(),
      history: new Float64Array(app.pg.export_history()),
      step: app.pg.steps(),
      savedAt: Date.now(),
      dataSource: app.dataSource,
    };
  } catch (err) {
    a.lastError = app.describe(err);
    a.savedAt = performance.now(); // try again in AUTOSAVE_EVERY_MS, not every frame
    return Promise.resolve(false);
  }
  a.savedAt = performance.now();
  a.savedVersion = app.modelVersion;
  const written = spread
    ? new Promise((resolve) => setTimeout(resolve, 0)).then(() => writeRecord(record))
    : writeRecord(record);
  a.saving = written
    .then(() => true, (err) => {
      a.lastError = app.describe(err);
      console.warn('autosave: cannot write IndexedDB', err);
      return false;
    })
    .finally(() => (a.saving = null));
  return a.saving;
}

function offer(app, saved) {
  app.autosave.offered = saved;
  const when = new Date(saved.savedAt).toLocaleString();
  const data = saved.dataSource && saved.dataSource !== 'built-in MNIST' ? ` It trained on ${saved.dataSource}, which is not saved: load those files again to go on with them.` : '';
  $('autosave-text').textContent = `Restore your run from ${when} (step ${fmtInt(saved.step)})?${data}`;
  $('autosave-banner').hidden = false;
}

function restore(app) {
  const saved = app.autosave.offered;
  if (!saved) return;
  const ok = app.guard('Restoring your run', () => {
    app.setRunning(false);
    app.pg.load_checkpoint(saved.checkpoint);
    app.pg.import_history(saved.history);
    app.modelReplaced(`restored step ${fmtInt(app.pg.steps())}`);
  });
  closeOffer(app);
  if (ok) app.notify(`Restored your run at step ${fmtInt(app.pg.steps())}.`);
}

async function discard(app) {
  closeOffer(app);
  try {
    await deleteRecord();
    app.notify('Discarded the saved run.');
  } catch (err) {
    app.showError(`Could not discard the saved run: ${app.describe(err)}`, err);
  }
}

function closeOffer(app) {
  app.autosave.offered = null;
  // From here the run in the page is saved as soon as it changes (a restored one is saved already).
  app.autosave.savedVersion = app.modelVersion;
  app.autosave.savedAt = -Infinity;
  $('autosave-banner').hidden = true;
}
