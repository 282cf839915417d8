// The saved-run store: the runs of this browser in IndexedDB, one per tab that trained
// (each under its own run id, so two tabs never overwrite each other), listed at boot and
// written by the engine itself (www/engine/engine.js, in the worker where it trains). Each
// run is two records written in one transaction: `meta:<id>` (step, time, data source:
// what the offer lists, small) and `run:<id>` (the checkpoint and the chart history, read
// only to restore). Every call settles: IndexedDB can throw, hang (a blocked open, a
// stalled disk), be full or hold a record of another shape, and the page must boot and
// work whatever it does, so each call fails with a plain message after at most
// STORE_TIMEOUT_MS instead. Plain DOM APIs only, so that a worker can import it as well as
// the page. Messages are in the language in use (www/i18n.js).
import { t } from './i18n.js';

const DB_NAME = 'ganplay';
const STORE = 'autosave';
/** Where a page from before run ids kept its one run; listed and restored as the run `LEGACY_ID`. */
const LEGACY_KEY = 'run';
export const LEGACY_ID = 'run';
/** The page's language, under its own key: a switch does not rewrite a run. */
const LANG_KEY = 'lang';
const runKey = (id) => (id === LEGACY_ID ? LEGACY_KEY : `run:${id}`);
const metaKey = (id) => `meta:${id}`;
/** Layout of the saved record; a record of another version is not restored. */
export const RECORD_VERSION = 1;
/** A call that has not settled by then fails (a hung open or transaction). */
export const STORE_TIMEOUT_MS = 5_000;

/** A new run id: the time it was made, and a random part for two tabs opened at once. */
export const newRunId = () => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

/** The open database, kept open so that a save on `pagehide` starts its transaction at once. */
let db = null;

/** `promise`, or a rejection saying `what` did not finish within `ms`. */
function within(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(t('store.timeout', { what: t(what), s: ms / 1000 }))), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function openDb() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => {
      const open = req.result;
      // Another tab upgrading the database: let it, and open again next time.
      open.onversionchange = () => {
        open.close();
        if (db === open) db = null;
      };
      resolve(open);
    };
    req.onerror = () => reject(req.error ?? new Error(t('store.open')));
    req.onblocked = () => reject(new Error(t('store.blocked')));
  });
}

/**
 * Runs the requests `fn` makes (one, or an object of them) in one transaction; resolves
 * to their results (the same shape) once the transaction has committed. Each result is
 * taken in its request's `onsuccess`: reading `req.result` any later is not allowed in
 * every browser (Chromium with an on-disk profile throws "The request has not finished"
 * from `oncomplete` after an explicit commit).
 */
function withStore(mode, fn) {
  const run = (open) =>
    new Promise((resolve, reject) => {
      const tx = open.transaction(STORE, mode);
      const made = fn(tx.objectStore(STORE));
      const one = made instanceof IDBRequest;
      const requests = one ? { only: made } : made;
      const results = {};
      for (const [name, req] of Object.entries(requests)) {
        req.onsuccess = () => {
          results[name] = req.result;
        };
      }
      tx.oncomplete = () => resolve(one ? results.only : results);
      tx.onerror = () => reject(tx.error ?? new Error(t('store.failed')));
      tx.onabort = () => reject(tx.error ?? new Error(t('store.aborted')));
      // A write commits now, not when this task ends: the page may be going away.
      if (mode === 'readwrite') tx.commit?.();
    });
  const go = async () => {
    if (typeof indexedDB === 'undefined') throw new Error(t('store.none'));
    if (!db) db = await openDb();
    try {
      return await run(db);
    } catch (err) {
      // A closed connection (another tab, the browser): open again once.
      if (err?.name !== 'InvalidStateError') throw err;
      db = await openDb();
      return run(db);
    }
  };
  return within(go(), STORE_TIMEOUT_MS, mode === 'readonly' ? 'store.reading' : 'store.writing');
}

/**
 * The saved runs, newest first: `{ runs, problem }`, each run `{ id, step, savedAt,
 * dataSource }` (what the offer says of it), and `problem` null or a function that says
 * in the page's language why a record, or the store, could not be read (the first such).
 * Never rejects.
 */
export async function listSavedRuns() {
  let found;
  try {
    found = await withStore('readonly', (s) => ({
      metas: s.getAll(IDBKeyRange.bound('meta:', 'meta:\uffff')),
      legacy: s.get(LEGACY_KEY),
    }));
  } catch (err) {
    console.warn('autosave: cannot read IndexedDB', err);
    return { runs: [], problem: () => t('autosave.unreadable', { reason: describe(err) }) };
  }
  const runs = [];
  let problem = null;
  const take = (meta, check) => {
    const why = check(meta);
    if (!why) runs.push({ id: meta.id, step: meta.step, savedAt: meta.savedAt, dataSource: meta.dataSource ?? null });
    else problem ??= () => check(meta);
  };
  for (const meta of found.metas ?? []) take(meta, checkMeta);
  if (found.legacy !== undefined) {
    const legacy = found.legacy;
    take(legacy && typeof legacy === 'object' ? { ...legacy, id: LEGACY_ID } : legacy, checkRecord);
  }
  runs.sort((a, b) => b.savedAt - a.savedAt);
  return { runs, problem };
}

/** Run `id`'s whole record (checkpoint, history, step…); rejects with the reason it cannot be restored. */
export async function readSavedRun(id) {
  const record = await withStore('readonly', (s) => s.get(runKey(id)));
  const problem = record === undefined ? t('autosave.gone') : checkRecord(record);
  if (problem) throw new Error(problem.replace(/[.。]$/, ''));
  return record;
}

/** Why `record` (a run's whole record) cannot be restored, in the page's language, or null when it can. */
export function checkRecord(record) {
  const why = checkMeta(record, { id: false });
  if (why) return why;
  const ok = record.checkpoint instanceof Uint8Array && record.history instanceof Float64Array;
  return ok ? null : t('autosave.incomplete');
}

/** Why `meta` (what the offer lists of a run) is not a run's, or null. */
function checkMeta(meta, { id = true } = {}) {
  if (meta === null || typeof meta !== 'object') return t('autosave.notRun');
  if (meta.version !== RECORD_VERSION) {
    return t('autosave.layout', { version: String(meta.version), reads: RECORD_VERSION });
  }
  const ok = (!id || typeof meta.id === 'string') && Number.isSafeInteger(meta.step) && meta.step >= 0 && Number.isFinite(meta.savedAt);
  return ok ? null : t('autosave.incomplete');
}

/** Writes run `id`: `record` is `{ version, checkpoint, history, step, savedAt, dataSource }`. */
export const writeSavedRun = (id, record) =>
  withStore('readwrite', (s) => ({
    run: s.put(record, runKey(id)),
    meta: s.put({ id, version: record.version, step: record.step, savedAt: record.savedAt, dataSource: record.dataSource ?? null }, metaKey(id)),
  }));

export const deleteSavedRun = (id) => withStore('readwrite', (s) => ({ run: s.delete(runKey(id)), meta: s.delete(metaKey(id)) }));

/** The language last chosen with the switch ('zh' or 'en'), kept beside the runs; null if none. */
export async function readSavedLang() {
  const lang = await withStore('readonly', (s) => s.get(LANG_KEY));
  return typeof lang === 'string' ? lang : null;
}
export const writeSavedLang = (lang) => withStore('readwrite', (s) => s.put(lang, LANG_KEY));

const describe = (err) => (err?.message ?? String(err)).replace(/[.!?]$/, '');
