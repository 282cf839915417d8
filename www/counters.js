// The counters (step, epoch, images, steps per second, D's and G's updates) and the status
// line under them. Owns app.stepsShown, app.sps and app.spsLog (the tests read the first
// two); draws from the engine's last report (app.view). May call explain.js (the step's
// numbers beside the counters), i18n.js and util.js.
// Its panel object, `counters` (main.js's PANELS): state, tick (with the charts),
// relabel.
import { showStats } from './explain.js';
import { fixed, t } from './i18n.js';
import { $, fmtInt } from './util.js';

/** Steps per second are measured over this window. */
const SPS_WINDOW_MS = 1500;

/** The counters' part of the page's state (this panel's `state`, which main.js puts on `app`). */
const counterState = () => ({
  /** The step shown by the counters. */
  stepsShown: 0,
  sps: 0,
  spsLog: [],
});

export function showCounters(app) {
  const v = app.view;
  if (!v) return;
  app.stepsShown = v.steps;
  $('count-step').textContent = fmtInt(v.steps);
  $('count-epoch').textContent = fmtInt(v.epoch);
  $('count-images').textContent = fmtInt(v.imagesSeen);
  $('count-sps').textContent = app.running ? fixed(app.sps, app.sps < 10 ? 1 : 0) : '–';
  $('count-d').textContent = fmtInt(v.dUpdates);
  $('count-g').textContent = fmtInt(v.gUpdates);
  showStats(v.stats, v);
  const ms = v.msPerStep == null ? '–' : fixed(v.msPerStep, 1);
  $('status').textContent = app.broken
    ? t('status.broken')
    : app.running
      ? t(`status.${app.path}`, { ms })
      : t('status.paused');
}

/** Notes the step reached at `now` (training), for the steps-per-second counter. */
function measureSps(app, now) {
  const steps = app.view.steps;
  app.spsLog.push([now, steps]);
  while (app.spsLog.length > 2 && now - app.spsLog[0][0] > SPS_WINDOW_MS) app.spsLog.shift();
  const [t0, s0] = app.spsLog[0];
  app.sps = now > t0 ? ((steps - s0) * 1000) / (now - t0) : 0;
}

/** The counters in a new language; before the first report, the status line says the page is loading. */
function relabelCounters(app) {
  if (app.view) showCounters(app);
  else if (!app.errors.length) $('status').textContent = t('status.loading');
}

/** The counters' face as a panel of the page (main.js's PANELS). */
export const counters = {
  state: counterState,
  /** The counters are redrawn with the charts. */
  tick(app, { now, training, due }) {
    if (!due.charts) return;
    if (training) measureSps(app, now);
    showCounters(app);
  },
  relabel: relabelCounters,
};
