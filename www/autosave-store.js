// The saved-run store: one record in IndexedDB, read once at boot and written by the
// autosave. Every call settles: IndexedDB can throw, hang (a blocked open, a stalled disk),
// be full or hold a record of another shape, and the page must boot and work whatever it
// does, so each call fails with a plain message after at most STORE_TIMEOUT_MS instead.
// Plain DOM APIs only, so that a worker can import it as well as the page.

const DB_NAME = 'ganplay';
const STORE = 'autosave';
const KEY = 'run';
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
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
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
    req.onerror = () => reject(req.error ?? new Error('IndexedDB could not be opened'));
    req.onblocked = () => reject(new Error('IndexedDB is blocked by another tab'));
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
      tx.onerror = () => reject(tx.error ?? req.error ?? new Error('the saved-run transaction failed'));
      tx.onabort = () => reject(tx.error ?? new Error('the saved-run transaction was aborted'));
      // A write commits now, not when this task ends: the page may be going away.
      if (mode === 'readwrite') tx.commit?.();
    });
  const go = async () => {
    if (typeof indexedDB === 'undefined') throw new Error('this browser has no IndexedDB here');
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
  return within(go(), STORE_TIMEOUT_MS, mode === 'readonly' ? 'Reading the saved run' : 'Writing the saved run');
}

/**
 * The saved run: `{ run }` with a record this version can restore, `{ run: null }` when
 * there is none, or `{ run: null, problem }` with a sentence saying why it could not be
 * read (the store failed, hung or holds something else). Never rejects.
 */
export async function readSavedRun() {
  let record;
  try {
    record = await withStore('readonly', (s) => s.get(KEY));
  } catch (err) {
    console.warn('autosave: cannot read IndexedDB', err);
    return { run: null, problem: `Your saved run could not be read (${describe(err)}).` };
  }
  if (record === undefined) return { run: null };
  const problem = checkRecord(record);
  return problem ? { run: null, problem } : { run: record };
}

/** Why `record` cannot be restored, or null when it can. */
export function checkRecord(record) {
  if (record === null || typeof record !== 'object') return 'The saved run is not a ganplay run and was not restored.';
  if (record.version !== RECORD_VERSION) {
    return `The saved run has another layout (version ${String(record.version)}, this page reads ${RECORD_VERSION}) and was not restored.`;
  }
  const ok =
    record.checkpoint instanceof Uint8Array &&
    record.history instanceof Float64Array &&
    Number.isSafeInteger(record.step) &&
    record.step >= 0 &&
    Number.isFinite(record.savedAt);
  return ok ? null : 'The saved run is incomplete and was not restored.';
}

export const writeSavedRun = (record) => withStore('readwrite', (s) => s.put(record, KEY));
export const deleteSavedRun = () => withStore('readwrite', (s) => s.delete(KEY));

const describe = (err) => (err?.message ?? String(err)).replace(/[.!?]$/, '');
