// Minimax against non-saturating, as a curve (lecture and Goodfellow's NIPS 2016 tutorial,
// figure 16): G's loss as a function of D(G(z)), log(1 − D) for the minimax loss and −log D
// for the non-saturating one, with G's current fakes as points on both curves. Early on D
// rejects the fakes (D(G(z)) near 0), where the minimax curve is flat: no gradient for G.
// The fakes' scores are draw.js's sample of D's verdicts (the histogram's), so this figure
// costs no extra work in the engine.
// Its panel object, `saturation` (main.js's PANELS): setup.
import { onLangChange, t } from './i18n.js';
import { $, fmtNum } from './util.js';

const LOSSES = {
  minimax: { colour: '#dc2626', cost: (d) => Math.log(1 - d), key: 'saturation.minimax' },
  non_saturating: { colour: '#2563eb', cost: (d) => -Math.log(d), key: 'saturation.ns' },
};
/** The loss axis runs over [-Y, Y]; the curves leave it near D = 0 and D = 1. */
const Y = 4;
const PAD = { left: 30, right: 8, top: 20, bottom: 32 };

/**
 * The push each loss gives G on these fakes: the mean slope of the loss with respect to
 * D's logit a (D = σ(a)), which is what flows back into G. d/da log(1 − σ(a)) = −D and
 * d/da (−log σ(a)) = −(1 − D); so `{ minimax: mean D, non_saturating: mean (1 − D) }`.
 */
export function pushes(fakeScores) {
  const n = fakeScores.length;
  if (!n) return null;
  const mean = fakeScores.reduce((s, d) => s + d, 0) / n;
  return { minimax: mean, non_saturating: 1 - mean };
}

function setupSaturation(app) {
  onLangChange(() => drawSaturation(app));
  // The select, not app.flat: the figure follows the choice at once, before the settings apply.
  $('generator-loss').addEventListener('change', () => drawSaturation(app));
  drawSaturation(app);
}

/** Draws both curves, the chosen loss thicker, and the fakes of D's last sample on them. */
export function drawSaturation(app) {
  const canvas = $('saturation');
  if (!canvas) return;
  const ctx = canvas.getContext('2d');
  const { width, height } = canvas;
  const plotW = width - PAD.left - PAD.right;
  const plotH = height - PAD.top - PAD.bottom;
  const xPx = (d) => PAD.left + d * plotW;
  const yPx = (v) => PAD.top + ((Y - Math.max(-Y, Math.min(Y, v))) / (2 * Y)) * plotH;
  ctx.clearRect(0, 0, width, height);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);

  ctx.strokeStyle = '#999';
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(PAD.left, yPx(0));
  ctx.lineTo(width - PAD.right, yPx(0));
  ctx.moveTo(PAD.left, PAD.top);
  ctx.lineTo(PAD.left, height - PAD.bottom);
  ctx.stroke();
  ctx.fillStyle = '#555';
  ctx.font = '10px system-ui, sans-serif';
  ctx.textAlign = 'center';
  for (const d of [0, 0.5, 1]) ctx.fillText(d === 0.5 ? '½' : String(d), xPx(d), height - PAD.bottom + 12);
  ctx.fillText(t('saturation.axis'), PAD.left + plotW / 2, height - 2);
  ctx.textAlign = 'right';
  for (const v of [-Y, 0, Y]) ctx.fillText(String(v), PAD.left - 4, yPx(v) + 3);

  const chosen = $('generator-loss').value;
  const fake = (!app.flat?.conditional && app.pad?.sample?.fake) || [];
  let legendX = PAD.left + 6;
  for (const [name, loss] of Object.entries(LOSSES)) {
    ctx.strokeStyle = loss.colour;
    ctx.lineWidth = name === chosen ? 3 : 1.5;
    ctx.beginPath();
    for (let i = 1; i < 400; i++) {
      const d = i / 400;
      if (i === 1) ctx.moveTo(xPx(d), yPx(loss.cost(d)));
      else ctx.lineTo(xPx(d), yPx(loss.cost(d)));
    }
    ctx.stroke();
    ctx.fillStyle = loss.colour;
    for (const d of fake) {
      const c = Math.min(1 - 1e-6, Math.max(1e-6, d));
      ctx.fillRect(xPx(c) - 1.5, yPx(loss.cost(c)) - 1.5, 3, 3);
    }
    ctx.fillRect(legendX, 8, 12, 3);
    ctx.fillStyle = '#333';
    ctx.textAlign = 'left';
    const text = t(loss.key) + (name === chosen ? ` ${t('saturation.chosen')}` : '');
    ctx.fillText(text, legendX + 16, 12);
    legendX += 28 + ctx.measureText(text).width;
  }
  ctx.lineWidth = 1;

  const p = pushes(fake);
  $('saturation-words').textContent = p
    ? t('saturation.now', { n: fake.length, d: fmtNum(1 - p.non_saturating, 2), mm: fmtNum(p.minimax, 2), ns: fmtNum(p.non_saturating, 2) })
    : t(app.flat?.conditional ? 'saturation.conditional' : 'saturation.waiting');
}

/** The curve's face as a panel of the page (main.js's PANELS). */
export const saturation = { setup: setupSaturation };
