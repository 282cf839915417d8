// The explanation panel's live parts: it lights up the step(s) of the game that just ran
// when stepping by hand (Step: 1 → 2 → 3 in sequence; Step D: 1–2; Step G: 3), pulses all
// three while training, and shows the last numbers of each step beside it.
// Its panel object, `explain` (main.js's PANELS): state (app.explain).
import { onLangChange, t } from './i18n.js';
import { $, fmtNum } from './util.js';

/** How long each step stays lit in the Step sequence, in ms. */
const STEP_MS = 380;
let timers = [];

/** The panel's part of the page's state (this panel's `state`, which main.js puts on `app`): the steps lit by hand, for the tests. */
const explainState = () => ({ explain: { log: [] } });

/** Lights steps `steps` (1–3) one after another. */
export function highlight(app, steps) {
  timers.forEach(clearTimeout);
  timers = [];
  const items = [1, 2, 3].map((n) => $(`gan-step-${n}`));
  items.forEach((li) => li.classList.remove('active'));
  $('explain').dataset.lastRun = steps.join(',');
  app.explain.log.push(steps.join(','));
  steps.forEach((n, i) => {
    timers.push(
      setTimeout(() => {
        items.forEach((li) => li.classList.remove('active'));
        items[n - 1].classList.add('active');
      }, i * STEP_MS),
    );
  });
  timers.push(setTimeout(() => items.forEach((li) => li.classList.remove('active')), steps.length * STEP_MS + 300));
}

/** Marks the panel as training (CSS pulses the steps) or not. */
export function setTraining(running) {
  $('explain').classList.toggle('training', running);
}

/**
 * What each step's line shows: steps 1–2's numbers change only when D was updated, step
 * 3's only when G was (a Step D alone reports G's loss on its fake batch too, but step 3
 * did not run). `at` holds the update counts they were taken at; -1 after a new model.
 */
const lines = { dReal: NaN, dLoss: NaN, dFake: NaN, gLoss: NaN, at: { d: -1, g: -1 } };
onLangChange(render);

/** A new model: every line takes the next report's numbers. */
export function resetStats() {
  lines.at = { d: -1, g: -1 };
}

/**
 * Shows the last step's measurements, `stats` = [d_loss, g_loss, d_real, d_fake] (NaN if not
 * measured, empty before any step), each beside the step that made it; `dUpdates` and
 * `gUpdates` are the engine's counters, which say which steps have run since.
 */
export function showStats(stats, { dUpdates, gUpdates }) {
  const [dLoss, gLoss, dReal, dFake] = stats.length === 4 ? stats : [NaN, NaN, NaN, NaN];
  const none = stats.length !== 4;
  if (none || dUpdates !== lines.at.d) Object.assign(lines, { dReal, dLoss });
  if (none || gUpdates !== lines.at.g) Object.assign(lines, { dFake, gLoss });
  lines.at = { d: dUpdates, g: gUpdates };
  render();
}

function render() {
  const { dReal, dLoss, dFake, gLoss } = lines;
  $('live-1').textContent = Number.isFinite(dReal) ? t('explain.live1', { dReal: fmtNum(dReal) }) : '';
  $('live-2').textContent = Number.isFinite(dLoss) ? t('explain.live2', { dLoss: fmtNum(dLoss) }) : '';
  $('live-3').textContent = Number.isFinite(gLoss) ? t('explain.live3', { dFake: fmtNum(dFake), gLoss: fmtNum(gLoss) }) : '';
}

/** The explanation's face as a panel of the page (main.js's PANELS). */
export const explain = { state: explainState };
