// The lesson "Can D generate?" (Hung-yi Lee's notes, sections 6–8): a discriminator alone,
// trained in rounds against its own best images, the lecture's iterated algorithm
// (src/dalone/). Each round the engine trains a D of its own (the GAN is left alone)
// against the current negatives, then makes new negatives by gradient ascent on D from
// noise; this card draws them, says D's scores, lists the rounds, and ends with the
// lecture's table, Generator v.s. Discriminator. Owns its card (#dalone) and its state
// (app.dalone); calls the engine (daloneStart, daloneRound) through app.guard.
// Its panel object, `dalone` (main.js's PANELS): setup.
import { fixed, onLangChange, t } from './i18n.js';
import { $, drawTiles } from './util.js';

/** The negatives' grid: 8 × 8 tiles (the page's run makes 64). */
const SIDE = 8;
/** Rounds listed in the table, newest first. */
const LISTED = 8;

/** Wires the card: Run a round, Run 5 rounds, Start over. */
function setupDAlone(app) {
  app.dalone = { busy: false, rounds: [], negatives: null };
  $('dalone-round').addEventListener('click', () => run(app, 1));
  $('dalone-round5').addEventListener('click', () => run(app, 5));
  $('dalone-reset').addEventListener('click', () => startOver(app));
  onLangChange(() => show(app));
  show(app);
}

/** `n` rounds, one after another, the card redrawn after each. */
async function run(app, n) {
  if (app.dalone.busy) return;
  setBusy(app, true);
  try {
    for (let i = 0; i < n; i++) {
      const ok = await app.guard('what.dalone', async () => take(app, await app.engine.daloneRound()));
      if (!ok) break;
    }
  } finally {
    setBusy(app, false);
  }
}

async function startOver(app) {
  if (app.dalone.busy) return;
  setBusy(app, true);
  try {
    await app.guard('what.dalone', async () => {
      app.dalone.rounds = [];
      take(app, await app.engine.daloneStart({}));
    });
  } finally {
    setBusy(app, false);
  }
}

/** Takes in the engine's `{ rounds, stats, negatives }`. */
function take(app, state) {
  if (state.stats) app.dalone.rounds.unshift(state.stats);
  app.dalone.negatives = state.negatives;
  show(app);
}

function setBusy(app, busy) {
  app.dalone.busy = busy;
  for (const id of ['dalone-round', 'dalone-round5', 'dalone-reset']) $(id).disabled = busy;
  $('dalone-status').setAttribute('aria-busy', String(busy));
}

/** Draws the negatives and writes the status line and the rounds' table. */
function show(app) {
  const { rounds, negatives } = app.dalone;
  const last = rounds[0];
  $('dalone-status').textContent = last
    ? t('dalone.status', {
        round: last.round,
        real: fixed(last.d_real, 2),
        old: fixed(last.d_old_negatives, 2),
        noise: fixed(last.d_noise, 2),
        best: fixed(last.d_new_negatives, 2),
      })
    : t('dalone.none');
  const canvas = $('dalone-negatives');
  canvas.hidden = !negatives?.length;
  if (negatives?.length) drawTiles(canvas, negatives, SIDE, SIDE);
  const body = $('dalone-table').tBodies[0];
  body.replaceChildren(
    ...rounds.slice(0, LISTED).map((r) => {
      const tr = document.createElement('tr');
      for (const v of [r.round, fixed(r.d_real, 2), fixed(r.d_old_negatives, 2), fixed(r.d_noise, 2), fixed(r.d_new_negatives, 2)]) {
        const td = document.createElement('td');
        td.textContent = String(v);
        tr.append(td);
      }
      return tr;
    }),
  );
  $('dalone-table').hidden = !rounds.length;
}

/** The lesson's face as a panel of the page (main.js's PANELS). */
export const dalone = { setup: setupDAlone };
