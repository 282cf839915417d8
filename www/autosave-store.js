// The saved-run store: one record in IndexedDB, read once at boot and written by the
// autosave. Every call settles: IndexedDB can throw, hang (a blocked open, a stalled disk),
// be full or hold a record of another shape, and the page must boot and work whatever it
// does, so each call fails with a plain message after at most STORE_TIMEOUT_MS instead.
// Plain DOM APIs only, so that a worker can import it as well as the page. Messages are in
// the page's language (www/i18n.js).
import { t } from './i18n.js';

const DB_NAME = 'ganplay';
const STORE = 'autosave';
const KEY = 'run';
/** The page's language, under its own key: a switch does not rewrite the run. */
const LANG_KEY = 'lang';
/** Layout of the saved record; a record of another version is not restored. */
export const RECORD_VERSION = 1;
/** A call that has not settled by then fails (a hung open or transaction). */
export const STORE_TIMEOUT_MS = 5_000;

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
 * Runs one request in a transaction; resolves to its result once the transaction has
 * committed. The result is taken in the request's `onsuccess`: reading `req.result` any
 * later is not allowed in every browser (Chromium with an on-disk profile throws "The
 * request has not finished" from `oncomplete` after an explicit commit).
 */
function withStore(mode, fn) {
  const run = (open) =>
    new Promise((resolve, reject) => {
      const tx = open.transaction(STORE, mode);
      let result;
      const req = fn(tx.objectStore(STORE));
      req.onsuccess = () => {
        result = req.result;
      };
      tx.oncomplete = () => resolve(result);
      tx.onerror = () => reject(tx.error ?? req.error ?? new Error(t('store.failed')));
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
 * The saved run: `{ run }` with a record this version can restore, `{ run: null }` when
 * there is none, or `{ run: null, problem }` with a function that says why it could not be
 * read (the store failed, hung or holds something else), in the page's language. Never rejects.
 */
export async function readSavedRun() {
  let record;
  try {
    record = await withStore('readonly', (s) => s.get(KEY));
  } catch (err) {
    console.warn('autosave: cannot read IndexedDB', err);
    return { run: null, problem: () => t('autosave.unreadable', { reason: describe(err) }) };
  }
  if (record === undefined) return { run: null };
  const problem = checkRecord(record);
  return problem ? { run: null, problem: () => checkRecord(record) } : { run: record };
}

/** Why `record` cannot be restored (in the page's language), or null when it can. */
export function checkRecord(record) {
  if (record === null || typeof record !== 'object') return t('autosave.notRun');
  if (record.version !== RECORD_VERSION) {
    return t('autosave.layout', { version: String(record.version), reads: RECORD_VERSION });
  }
  const ok =
    record.checkpoint instanceof Uint8Array &&
    record.history instanceof Float64Array &&
    Number.isSafeInteger(record.step) &&
    record.step >= 0 &&
    Number.isFinite(record.savedAt);
  return ok ? null : t('autosave.incomplete');
}

export const writeSavedRun = (record) => withStore('readwrite', (s) => s.put(record, KEY));
export const deleteSavedRun = () => withStore('readwrite', (s) => s.delete(KEY));

/** The language last chosen with the switch ('zh' or 'en'), kept beside the run; null if none. */
export async function readSavedLang() {
  const lang = await withStore('readonly', (s) => s.get(LANG_KEY));
  return typeof lang === 'string' ? lang : null;
}
export const writeSavedLang = (lang) => withStore('readwrite', (s) => s.put(lang, LANG_KEY));

const describe = (err) => (err?.message ?? String(err)).replace(/[.!?]$/, '');
