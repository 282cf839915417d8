// Autosave: each tab saves its run under a run id of its own (two tabs are two runs, and
// neither overwrites the other), and the engine writes it into IndexedDB itself — in the
// worker, where the state is — every AUTOSAVE_EVERY_MS while training changes it, within a
// second of a change made while paused (a hand step, a load, a reset), and when the page
// is hidden or left. A write started as the page goes away may not finish, so the saves
// that do not wait for the page to go bound what can be lost: a few seconds of training
// (docs/robustness.md has the measured bound). On the next visit a banner offers the runs
// it finds, newest first, with step and time; Restore loads one exactly (the grid shows
// the same samples from the same z) and this tab goes on saving under its id; a run that
// another open tab holds (a Web Lock per run id says which) is restored as a copy, saved
// under this tab's own id. Nothing is overwritten or deleted without the visitor choosing.
// Its panel object, `autosave` (main.js's PANELS): start (the saved runs' read), setup,
// update (the report's autosave part) and tickAfter (a change saved while paused).
import { deleteSavedRun, listSavedRuns, newRunId, readSavedRun } from './autosave-store.js';
import { getLang, locale, onLangChange, t } from './i18n.js';
import { $, fmtInt } from './util.js';

/** While training, the engine saves at most this often (a reload or a closed tab loses at most about this much). */
export const AUTOSAVE_EVERY_MS = 3_000;
/** While training is paused, a change is saved this soon. */
export const AUTOSAVE_PAUSED_MS = 1_000;
/** The Web Lock a tab holds for the run it saves under: another tab sees the run is open. */
const lockName = (id) => `ganplay-run:${id}`;

/**
 * Wires the autosave, and offers the runs `saved` (listSavedRuns's promise) finds; if a
 * saved run could not be read, says so in one line and goes on without it.
 */
function setupAutosave(app, saved) {
  app.autosave = {
    id: newRunId(),
    lock: null,
    savedAt: performance.now(),
    savedVersion: app.modelVersion,
    offered: null,
    reading: true,
    saving: null,
    saves: 0,
    errors: 0,
    lastError: null,
    warned: false,
  };
  holdRun(app, app.autosave.id);
  configureEngine(app);
  onLangChange(() => configureEngine(app));
  $('autosave-restore').addEventListener('click', () => restore(app, app.autosave.offered?.[0]));
  $('autosave-discard').addEventListener('click', () => discard(app, app.autosave.offered?.[0]));
  $('autosave-later').addEventListener('click', () => closeOffer(app));
  const saveIfChanged = () => app.modelVersion !== app.autosave.savedVersion && saveNow(app);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') saveIfChanged();
  });
  // beforeunload comes first, while the page still waits for the next one, which gives the
  // write the most time; pagehide is the fallback where it does not fire. The request
  // goes to the engine, which writes what it has: no round trip through this page.
  window.addEventListener('beforeunload', saveIfChanged);
  window.addEventListener('pagehide', saveIfChanged);
  // Back from the back/forward cache: the page goes on as it was (training too, if it
  // was); the lock was kept, the run is still this tab's.
  return saved.then(({ runs, problem }) => {
    app.autosave.reading = false;
    const others = runs.filter((r) => r.id !== app.autosave.id);
    if (others.length) offer(app, others);
    if (problem) app.notify(() => t('autosave.problem', { problem: problem() }));
  });
}

/** Tells the engine this tab's run id, the data source and the language of its messages. */
function configureEngine(app, extra = {}) {
  return app.engine
    .setAutosave({ id: app.autosave.id, dataSource: app.dataSource, everyMs: AUTOSAVE_EVERY_MS, lang: getLang(), ...extra })
    .then((r) => takeReport(app, r), () => {});
}

/** The training data changed (files.js): the runs saved from now on say so. */
export const noteDataSource = (app) => app.autosave && configureEngine(app);

/**
 * Holds this tab's Web Lock on run `id` (releasing the one it held), so that another tab
 * can tell the run is open here. Where Web Locks are missing, every run looks closed.
 */
function holdRun(app, id) {
  app.autosave.lock?.();
  app.autosave.lock = null;
  if (!navigator.locks) return;
  navigator.locks
    .request(lockName(id), () => new Promise((release) => (app.autosave.lock = release)))
    .catch((err) => console.warn('autosave: cannot hold the run lock', err));
}

/** The ids of the runs another open tab holds (its Web Lock). */
async function openElsewhere(app) {
  if (!navigator.locks) return new Set();
  try {
    const { held = [] } = await navigator.locks.query();
    const own = lockName(app.autosave.id);
    return new Set(held.map((l) => l.name).filter((n) => n !== own && n.startsWith('ganplay-run:')).map((n) => n.slice('ganplay-run:'.length)));
  } catch {
    return new Set();
  }
}

/**
 * The engine's autosave report (in every engine report, and from saveRun): what was
 * saved, and a failure, said once in one line.
 */
function takeReport(app, r) {
  const a = app.autosave;
  if (!a || !r || r.id !== a.id) return;
  a.savedVersion = Math.max(a.savedVersion, r.version);
  a.saves = r.saves;
  if (r.errors > a.errors) {
    a.errors = r.errors;
    a.lastError = r.error;
    if (!a.warned && r.error) {
      const reason = r.error;
      app.notify(() => t('autosave.failed', { reason }));
      a.warned = true;
    }
  }
}

/**
 * From the frame loop (and once a second while the tab is hidden): while paused, asks the
 * engine to save a change once the last save is AUTOSAVE_PAUSED_MS old. (While training,
 * the engine saves by itself.) Returns whether it asked.
 */
function tickAutosave(app, now) {
  const a = app.autosave;
  if (!a || a.saving || app.broken || !app.view || app.running) return false;
  if (app.modelVersion === a.savedVersion || now - a.savedAt < AUTOSAVE_PAUSED_MS) return false;
  saveNow(app);
  return true;
}

/**
 * Asks the engine to save the run now; resolves to whether it was written. Nothing after
 * a panic, or while the model has diverged: the last save, from before, stays.
 */
export function saveNow(app) {
  const a = app.autosave;
  if (!a || app.broken || !app.view || app.view.diverged) return Promise.resolve(false);
  a.savedAt = performance.now();
  a.saving = app.engine
    .saveRun()
    .then((r) => {
      takeReport(app, r);
      return r.saved;
    }, (err) => {
      if (!app.isPanic(err)) console.warn('autosave: cannot save the run', err);
      return false; // a panic: errors.js says it
    })
    .finally(() => (a.saving = null));
  return a.saving;
}

/** Offers `runs` (newest first): the newest with the banner's buttons, older ones in a list below. */
function offer(app, runs) {
  app.autosave.offered = runs;
  let live = new Set();
  const data = (run) => (run.dataSource && run.dataSource !== 'built-in MNIST' ? t('autosave.offer.data', { source: run.dataSource }) : '');
  const open = (run) => (live.has(run.id) ? t('autosave.offer.live') : '');
  const when = (run) => new Date(run.savedAt).toLocaleString(locale());
  const show = () => {
    const list = app.autosave.offered;
    if (!list?.length) return;
    const [newest, ...older] = list;
    $('autosave-text').textContent = t('autosave.offer', { when: when(newest), step: fmtInt(newest.step), data: data(newest) + open(newest) });
    $('autosave-older-label').textContent = t('autosave.offer.older', { count: older.length, n: fmtInt(older.length) });
    $('autosave-older').hidden = !older.length;
    $('autosave-older-list').replaceChildren(...older.map((run) => {
      const li = document.createElement('li');
      li.dataset.run = run.id;
      const text = document.createElement('span');
      text.textContent = t('autosave.offer.row', { when: when(run), step: fmtInt(run.step), data: data(run) + open(run) });
      const restoreBtn = document.createElement('button');
      restoreBtn.className = 'autosave-restore';
      restoreBtn.textContent = t('banner.restore');
      restoreBtn.addEventListener('click', () => restore(app, run));
      const discardBtn = document.createElement('button');
      discardBtn.className = 'autosave-discard';
      discardBtn.textContent = t('banner.discard');
      discardBtn.hidden = live.has(run.id);
      discardBtn.addEventListener('click', () => discard(app, run));
      li.append(text, ' ', restoreBtn, ' ', discardBtn);
      return li;
    }));
    $('autosave-discard').hidden = live.has(newest.id);
  };
  show();
  openElsewhere(app).then((ids) => {
    live = ids;
    show();
  });
  app.autosave.showOffer = show;
  const stop = onLangChange(() => (app.autosave.offered === runs ? show() : stop()));
  $('autosave-banner').hidden = false;
}

/**
 * Restores `run`: the model becomes it; this tab goes on saving under its id (the
 * visitor chose to continue it) unless another open tab holds it, in which case it is a
 * copy, saved under this tab's own id.
 */
async function restore(app, run) {
  if (!run) return;
  const elsewhere = (await openElsewhere(app)).has(run.id);
  closeOffer(app);
  const r = await app.replaceModel('what.restoringRun', 'restored', async () => {
    const record = await readSavedRun(run.id);
    // A copy keeps this tab's id (and is saved under it as any change); else the run's.
    return app.engine.restoreRun(record.checkpoint, record.history, elsewhere ? null : run.id);
  }, {
    notice: (r) => t(elsewhere ? 'autosave.restoredCopy' : 'autosave.restored', { step: fmtInt(r.steps) }),
  });
  if (!r || elsewhere) return;
  app.autosave.id = run.id;
  holdRun(app, run.id);
  app.autosave.savedVersion = app.modelVersion; // it is the saved run
  takeReport(app, r.autosave);
}

/** Deletes `run` from the store; the banner lists the rest. */
async function discard(app, run) {
  if (!run) return;
  const rest = (app.autosave.offered ?? []).filter((r) => r !== run);
  app.autosave.offered = rest;
  if (rest.length) app.autosave.showOffer();
  else closeOffer(app);
  try {
    await deleteSavedRun(run.id);
    app.notify(() => t('autosave.discarded'));
  } catch (err) {
    app.showError(() => t('autosave.discardFailed', { reason: app.describe(err) }), err);
  }
}

/** The banner goes; the runs it did not restore or discard stay, and the next visit offers them. */
function closeOffer(app) {
  app.autosave.offered = null;
  $('autosave-banner').hidden = true;
}

/** The saved runs' read, started before the engine (listSavedRuns's promise). */
let saved = null;

/** The autosave's face as a panel of the page (main.js's PANELS). */
export const autosave = {
  start() {
    saved = listSavedRuns();
  },
  // The saved runs are offered when they have been read; the page does not wait.
  setup(app) {
    setupAutosave(app, saved);
  },
  update(app, r) {
    if (r.autosave) takeReport(app, r.autosave);
  },
  tickAfter(app, { now }) {
    tickAutosave(app, now);
  },
};
