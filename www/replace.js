// A new model in the engine: reset, new networks, a loaded checkpoint, a restored run, a
// restore point, an undo. replaceModel pauses, makes the engine call, starts every view
// over from its report (modelReplaced) and says what changed; the notice may offer Undo,
// which puts the replaced run back (the engine keeps it until the next replacement) with
// the film strip as it was. Owns app.undo (the offer; messages.js withdraws it). May call
// counters.js, explain.js, grid.js, explore.js, files.js, worlds/world.js, settings.js,
// settings-form.js, messages.js, i18n.js and util.js; through `app`: the engine, apply,
// setRunning (controls.js), notify, showError, onPanic.
// Its panel object, `undo` (main.js's PANELS): state (app.undo, app.replaceModel),
// setup (the Undo, and the first model's views).
import { showCounters } from './counters.js';
import { resetStats } from './explain.js';
import { resetExplore } from './explore.js';
import { showDataSource } from './files.js';
import { clearStrip, setRowLabels, snapshot } from './grid.js';
import { t } from './i18n.js';
import { sentences } from './messages.js';
import { describeChanges } from './settings.js';
import { syncForm, writeUrl } from './settings-form.js';
import { $, fmtInt } from './util.js';
import { showWorld } from './worlds/world.js';

/** The replacement's part of the page's state (this panel's `state`, which main.js puts on `app`). */
const undoState = () => ({
  /**
   * The Undo on offer in the notice after a replacement of the model (the engine keeps the
   * replaced run): its step, and the film strip as it was, to put back with it. Null when
   * none is shown.
   */
  undo: null,
});

/**
 * Replaces the model (reset, new architecture, loaded checkpoint, restored run, restore
 * point, undo): pauses, runs `fn` (an engine call that returns a full report), and starts
 * every view over. Then shows `notice(report)` (when given) followed by the settings that
 * changed, and with `undo` an Undo button that puts the replaced run back (the engine keeps
 * it until the next replacement). On error the model is unchanged, and the error banner
 * says `failed(err)` (by default "`what`: reason"). Resolves to the report, or null.
 */
export async function replaceModel(app, what, stripLabel, fn, { notice = null, undo = false, failed = null } = {}) {
  await app.setRunning(false);
  const before = app.flat;
  const strip = { figures: [...$('film-strip').children], steps: app.snapshots.slice() };
  let report;
  try {
    report = await fn();
  } catch (err) {
    if (app.isPanic(err)) app.onPanic(what, err); // errors.js
    else app.showError(failed ? () => failed(err) : () => t('error.what', { what: app.say(what), reason: app.describe(err) }), err);
    return null;
  }
  modelReplaced(app, report, stripLabel);
  if (notice) {
    const after = app.flat;
    const message = () => {
      const changed = describeChanges(before, after);
      return sentences([notice(report), changed.length ? t('notice.settingsChanged', { list: changed.join(t('list.sep')) }) : '']);
    };
    const offer = undo && report.undo != null;
    app.notify(message, { undo: offer });
    app.undo = offer ? { step: report.undo.step, strip } : null;
  } else {
    // The engine now keeps another run: an Undo still showing would not put back what it says.
    app.undo = null;
    $('notice-undo').hidden = true;
  }
  return report;
}

/** Undo in the notice: the run the last replacement replaced comes back as it was, film strip included. */
async function undoReplace(app) {
  const offer = app.undo;
  if (!offer) return;
  const r = await replaceModel(app, 'what.undoing', null, () => app.engine.undoReplace(), {
    notice: (r) => t('notice.undone', { step: fmtInt(r.steps) }),
  });
  if (!r) return;
  $('film-strip').replaceChildren(...offer.strip.figures);
  app.snapshots = offer.strip.steps;
}

/** A new model is in the engine: everything starts over from its report. */
function modelReplaced(app, report, stripLabel) {
  app.spsLog = [];
  resetStats();
  clearStrip(app);
  app.apply(report);
  syncForm(app, { seed: true });
  writeUrl(app);
  setRowLabels(app.flat.conditional);
  showWorld(app);
  app.gridAt = performance.now();
  // The strip's caption is a key ('restored', 'loaded', …), in the page's language when drawn.
  if (report.milestone == null) snapshot(app, report.steps, report.steps === 0 || !stripLabel ? undefined : stripLabel);
  resetExplore(app);
  app.pad.dirty = true;
  $('diverge-banner').hidden = true;
  showDataSource(app);
  showCounters(app);
}

/** The notice's Undo button. */
function wireUndo(app) {
  $('notice-undo').addEventListener('click', () => undoReplace(app));
}

/** The replacement's face as a panel of the page (main.js's PANELS). */
export const undo = {
  state: (app) => ({ ...undoState(), replaceModel: (...args) => replaceModel(app, ...args) }),
  /** Every view starts from the engine's first model; the Undo is wired. */
  setup(app, first) {
    wireUndo(app);
    modelReplaced(app, first);
  },
};
