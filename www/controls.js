// The training controls: Train/Pause (setRunning), the hand steps, Reset with its seed,
// the speed, and "train while hidden". Owns app.budgetMs and app.trainHidden (the frame loop
// and the visibility handling in main.js read them) and writes app.running. May call
// counters.js, explain.js, settings-form.js (the seed), settings.js, i18n.js and util.js;
// through `app`: the engine, apply, replaceModel (replace.js), guard, showError, onPanic,
// showDiverged (divergence.js).
// Its panel object, `controls` (main.js's PANELS): state (with app.setRunning), setup,
// relabel.
import { showCounters } from './counters.js';
import { highlight, setTraining } from './explain.js';
import { onLangChange, t } from './i18n.js';
import { readSeed } from './settings-form.js';
import { toJson } from './settings.js';
import { $ } from './util.js';

/** The controls' part of the page's state (this panel's `state`, which main.js puts on `app`). */
const controlState = () => ({
  /** Train on while the tab is hidden (in a worker only: a hidden page gets no frames). */
  trainHidden: true,
  /**
   * Training time per chunk (the speed control). On this thread, 14 ms leaves a 60 Hz
   * frame room for drawing and the browser's own work (a little more made frames miss
   * their turn: docs/speed.md, "What makes it fast", has both measured); in a worker it
   * only sets how often the page hears back.
   */
  budgetMs: 14,
});

/** Starts or stops training; stopping finishes a step left part-way, so counters show whole steps. */
export async function setRunning(app, running) {
  const was = app.running;
  app.running = running && !app.broken;
  const b = $('train');
  b.dataset.i18n = app.running ? 'controls.pause' : 'controls.train';
  b.textContent = t(b.dataset.i18n);
  b.setAttribute('aria-pressed', String(app.running));
  b.classList.toggle('running', app.running);
  setTraining(app.running);
  app.spsLog = [];
  app.sps = 0;
  if (was && !app.running && app.engine && !app.broken) {
    app.free = false;
    await app.guard('what.pausing', async () => {
      const r = await app.engine.finishPendingStep();
      app.apply(r);
    });
  }
  if (app.view) showCounters(app);
}

/** Pauses, runs one hand step, lights the steps of the game it ran. */
async function handStep(app, what, kind, steps) {
  await setRunning(app, false);
  try {
    app.apply(await app.engine.handStep(kind));
  } catch (err) {
    if (app.isPanic(err)) return app.onPanic(what, err);
    // A diverged model refuses to train: the divergence banner says so, with the way out.
    const r = await app.engine.frame({ want: { history: true } }).then(app.apply, () => null);
    if (r?.diverged) return app.showDiverged();
    return app.showError(() => t('error.what', { what: app.say(what), reason: app.describe(err) }), err);
  }
  highlight(app, steps);
  for (const [id, on] of [['world-step-d', steps.includes(1)], ['world-step-g', steps.includes(3)]]) $(id).classList.toggle('lit', on);
  showCounters(app);
}

/** The Train button in a new language. */
function relabelControls() {
  const b = $('train');
  b.textContent = t(b.dataset.i18n ?? 'controls.train');
}

function wireControls(app) {
  $('train').addEventListener('click', () => setRunning(app, !app.running));
  $('step').addEventListener('click', () => handStep(app, 'what.step', 'step', [1, 2, 3]));
  $('step-d').addEventListener('click', () => handStep(app, 'what.stepD', 'd', [1, 2]));
  $('step-g').addEventListener('click', () => handStep(app, 'what.stepG', 'g', [3]));
  $('reset').addEventListener('click', () => {
    const seed = readSeed(app);
    if (seed == null) return;
    app.replaceModel('what.reset', 'reset', () => app.engine.reset(toJson({ ...app.flat, seed })), {
      notice: () => t('notice.reset', { seed }),
      undo: true,
    });
  });
  $('seed').addEventListener('keydown', (e) => {
    if (e.key === 'Enter') $('reset').click();
  });
  const speed = $('speed');
  const setSpeed = () => {
    app.budgetMs = Number(speed.value);
    $('speed-value').value = t('controls.speed.value', { ms: speed.value });
  };
  speed.addEventListener('input', setSpeed);
  onLangChange(setSpeed);
  setSpeed();
  const hidden = $('train-hidden');
  hidden.disabled = app.path === 'main';
  hidden.checked = app.trainHidden && app.path !== 'main';
  hidden.addEventListener('change', () => {
    app.trainHidden = hidden.checked;
  });
}

/** The controls' face as a panel of the page (main.js's PANELS). */
export const controls = {
  state: (app) => ({ ...controlState(), setRunning: (running) => setRunning(app, running) }),
  setup: wireControls,
  relabel: relabelControls,
};
