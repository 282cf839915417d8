// The lesson "Can G learn by itself?" (Hung-yi Lee's notes, sections 5 and 9): a VAE, or
// a plain auto-encoder, whose decoder is built as G, trained on the same digits beside the
// GAN (src/vae/). The card draws the decoder's images for the codes of G's grid and its
// reconstructions of real digits, says its loss, sets the judge's verdict on it beside
// the verdict on G, and shows the lecture's two edits of a digit at the same pixel
// distance with what D says of each. Owns its card (#vae) and its state (app.vae); calls
// the engine (vaeStart, vaeTrain, vaeJudge, pixelEdits) through app.guard.
// Its panel object, `vae` (main.js's PANELS): setup, update (the
// judge's verdict on G, beside the VAE's).
import { fixed, onLangChange, percent, t } from './i18n.js';
import { $, drawImage28, drawTiles, fmtInt, IMAGE_DIM } from './util.js';

/** Steps a press of Train takes, and the steps between two redraws of the card. */
const STEPS_PER_PRESS = 500;
const STEPS_PER_CALL = 25;
/** The decoder's images shown: the first 64 of G's 100 grid codes, 8 × 8. */
const SIDE = 8;
/** Reconstructions shown: 8 digits above their reconstructions. */
const RECON = 8;
/** The edits: pixels each, and how many training digits D scores. */
const EDIT_PIXELS = 6;
const EDIT_DIGITS = 500;

/** Wires the card: the kind, Train 500 steps, Start over, Score the edits. */
function setupVae(app) {
  app.vae = { busy: false, kind: 'vae', steps: 0, stats: null, grid: null, recon: null, verdict: null, edits: null };
  $('vae-train').addEventListener('click', () => train(app));
  $('vae-reset').addEventListener('click', () => startOver(app));
  $('vae-kind').addEventListener('change', () => startOver(app));
  $('edits-score').addEventListener('click', () => scoreEdits(app));
  onLangChange(() => show(app));
  show(app);
}

/** Runs one press's worth of steps in slices, the card redrawn after each, then judges. */
async function train(app) {
  const v = app.vae;
  if (v.busy) return;
  setBusy(app, true);
  try {
    if (v.steps === 0) await app.guard('what.vae', async () => take(app, await app.engine.vaeStart({ kind: v.kind })));
    for (let done = 0; done < STEPS_PER_PRESS; done += STEPS_PER_CALL) {
      const ok = await app.guard('what.vae', async () => take(app, await app.engine.vaeTrain(STEPS_PER_CALL)));
      if (!ok) return;
    }
    await app.guard('what.vae', async () => {
      v.verdict = await app.engine.vaeJudge();
      show(app);
    });
  } finally {
    setBusy(app, false);
  }
}

async function startOver(app) {
  const v = app.vae;
  if (v.busy) return;
  setBusy(app, true);
  try {
    v.kind = $('vae-kind').value === 'autoencoder' ? 'autoencoder' : 'vae';
    await app.guard('what.vae', async () => {
      v.stats = null;
      v.verdict = null;
      take(app, await app.engine.vaeStart({ kind: v.kind }));
    });
  } finally {
    setBusy(app, false);
  }
}

async function scoreEdits(app) {
  const v = app.vae;
  if (v.busy) return;
  setBusy(app, true);
  try {
    await app.guard('what.edits', async () => {
      v.edits = { ...(await app.engine.pixelEdits(EDIT_PIXELS, EDIT_DIGITS)), ganStep: app.stepsShown ?? 0 };
      show(app);
    });
  } finally {
    setBusy(app, false);
  }
}

/** Takes in the engine's `{ steps, stats, grid, recon }`. */
function take(app, state) {
  const v = app.vae;
  v.steps = state.steps;
  if (state.stats) v.stats = state.stats;
  v.grid = state.grid;
  v.recon = state.recon;
  show(app);
}

function setBusy(app, busy) {
  app.vae.busy = busy;
  for (const id of ['vae-train', 'vae-reset', 'vae-kind', 'edits-score']) $(id).disabled = busy;
  $('vae-status').setAttribute('aria-busy', String(busy));
}

/** Redraws the whole card from app.vae. */
function show(app) {
  const v = app.vae;
  const s = v.stats;
  const kind = t(`vae.kind.${s?.kind ?? v.kind}`);
  $('vae-status').textContent = s
    ? t(s.kind === 'autoencoder' ? 'vae.status.ae' : 'vae.status', { kind, step: fmtInt(v.steps), loss: fixed(s.loss, 1), recon: fixed(s.recon, 1), kl: fixed(s.kl, 1) })
    : t('vae.none', { steps: fmtInt(STEPS_PER_PRESS) });
  $('vae-train').textContent = t('vae.train', { steps: fmtInt(STEPS_PER_PRESS) });
  const hasRun = v.grid?.length > 0;
  $('vae-figures').hidden = !hasRun;
  if (hasRun) {
    drawTiles($('vae-samples'), v.grid, SIDE, SIDE);
    drawTiles($('vae-recon'), v.recon, RECON, 2);
  }
  showVerdicts(app);
  showEdits(app);
}

/**
 * The judge's verdicts on G and on the VAE, side by side. Called again by the page
 * whenever the Quality panel takes a new verdict on G.
 */
function showVerdicts(app) {
  if (!app.vae) return;
  const last = app.quality?.last;
  const gan = Number.isFinite(last?.fd) ? last : null;
  const ganStep = gan?.history?.length ? gan.history[gan.history.length - gan.columns] : null;
  const rows = [
    [t('vae.verdict.gan', { step: ganStep == null ? '–' : fmtInt(ganStep) }), !gan ? null : { fd: gan.fd, min: gan.minShare, vanished: gan.vanished, speckle: gan.speckle }],
    [t('vae.verdict.vae', { kind: t(`vae.kind.${app.vae.stats?.kind ?? app.vae.kind}`), step: fmtInt(app.vae.verdict?.step ?? 0) }), app.vae.verdict && { fd: app.vae.verdict.fd, min: app.vae.verdict.min_class_share, vanished: app.vae.verdict.vanished, speckle: app.vae.verdict.speckle }],
  ];
  $('vae-verdicts').tBodies[0].replaceChildren(
    ...rows.map(([label, q]) => {
      const tr = document.createElement('tr');
      const cells = q
        ? [fixed(q.fd, 1), percent(q.min), q.vanished.length ? q.vanished.join(' ') : t('vae.verdict.noneVanished'), fixed(q.speckle, 3)]
        : [t('vae.verdict.pending'), '', '', ''];
      for (const [i, text] of [label, ...cells].entries()) {
        const cell = document.createElement(i === 0 ? 'th' : 'td');
        cell.textContent = text;
        tr.append(cell);
      }
      return tr;
    }),
  );
}

/** The first digit with its two edits, and what the pixel loss and D say. */
function showEdits(app) {
  const e = app.vae.edits;
  $('edits-figures').hidden = !e;
  if (!e) return;
  for (const [i, id] of ['edits-original', 'edits-stroke', 'edits-stray'].entries()) drawImage28($(id), e.images.subarray(i * IMAGE_DIM, (i + 1) * IMAGE_DIM));
  $('edits-loss-stroke').textContent = t('edits.loss', { loss: fmtInt(e.squared_distance) });
  $('edits-loss-stray').textContent = t('edits.loss', { loss: fmtInt(e.squared_distance) });
  $('edits-d-original').textContent = t('edits.d', { d: fixed(e.d_original, 2) });
  $('edits-d-stroke').textContent = t('edits.d', { d: fixed(e.d_stroke, 2) });
  $('edits-d-stray').textContent = t('edits.d', { d: fixed(e.d_stray, 2) });
  for (const k of ['original', 'stroke', 'stray']) $(`edits-specks-${k}`).textContent = t('edits.specks', { n: fixed(e[`specks_${k}`], 1) });
  $('edits-status').textContent = t('edits.status', {
    n: fmtInt(e.n),
    pixels: fmtInt(e.count),
    loss: fmtInt(e.squared_distance),
    share: percent(e.lower_stray),
    step: fmtInt(e.ganStep),
  });
}

/** The lesson's face as a panel of the page (main.js's PANELS); after `quality` in them. */
export const vae = {
  setup: setupVae,
  update(app, r) {
    if (r.quality) showVerdicts(app);
  },
};
