// The 1-D world's view, in the style of Goodfellow et al.'s Figure 1 and the lecture
// notes: the real data's density, the density of G's samples (kernel estimates on the
// same axis), and D(x) as a curve between 0 and 1 with the ½ line, plus optional arrows
// under the axis showing which way G's loss pushes each sample; optionally the best D for
// this G, D*(x) (bestd.js), dotted beside the learned one.
import { bestD, bestDFigures } from './bestd.js';
import { tw } from './strings.js';
import { pushScale } from './view2d.js';

const REAL_FILL = 'rgba(13, 148, 136, 0.25)';
const REAL_LINE = '#0f766e';
const G_LINE = '#ea580c';
const G_ARROW = '#9a3412';
const D_LINE = '#1d4ed8';
const BEST_LINE = '#7c3aed';
/** Kernel bandwidth of the density estimates, in data units. */
const BANDWIDTH = 0.03;
/** Points along the axis the densities are evaluated at. */
const SAMPLES = 200;
const PAD = { left: 34, right: 10, top: 12, bottom: 46 };
/** Arrows drawn under the axis. */
const ARROWS = 48;

/** A Gaussian kernel density estimate of `points` at SAMPLES points on [-1, 1]. */
export function density(points) {
  const out = new Float64Array(SAMPLES);
  const h = BANDWIDTH;
  const norm = 1 / (points.length * h * Math.sqrt(2 * Math.PI));
  for (const p of points) {
    // Only bins within 4 bandwidths matter.
    const lo = Math.max(0, Math.floor(((p - 4 * h + 1) / 2) * (SAMPLES - 1)));
    const hi = Math.min(SAMPLES - 1, Math.ceil(((p + 4 * h + 1) / 2) * (SAMPLES - 1)));
    for (let i = lo; i <= hi; i++) {
      const x = -1 + (2 * i) / (SAMPLES - 1);
      const u = (x - p) / h;
      out[i] += Math.exp(-0.5 * u * u) * norm;
    }
  }
  return out;
}

/**
 * Draws the view on `canvas`; `opts`: { arrows, bestD }. Returns bestd.js's figures for
 * this view (V(G, D*), JS, D's distance from D*), or null when a density is empty.
 */
export function drawView1d(canvas, w, opts = {}) {
  const ctx = canvas.getContext('2d');
  const { width, height } = canvas;
  ctx.clearRect(0, 0, width, height);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  const plotW = width - PAD.left - PAD.right;
  const plotH = height - PAD.top - PAD.bottom;
  const xPx = (x) => PAD.left + ((x + 1) / 2) * plotW;
  const yPx = (v) => PAD.top + (1 - v) * plotH; // v in [0, 1]

  const real = density(w.real);
  const fake = density(w.fake);
  let top = 1e-9;
  for (let i = 0; i < SAMPLES; i++) top = Math.max(top, real[i], fake[i]);
  const scale = 0.95 / top;
  const along = (i) => xPx(-1 + (2 * i) / (SAMPLES - 1));

  // Axes: the x axis at 0, the ½ line dashed, ticks at -1, -½, 0, ½, 1.
  ctx.strokeStyle = '#999';
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(PAD.left, yPx(0));
  ctx.lineTo(width - PAD.right, yPx(0));
  ctx.moveTo(PAD.left, yPx(0));
  ctx.lineTo(PAD.left, yPx(1));
  ctx.stroke();
  ctx.setLineDash([5, 4]);
  ctx.beginPath();
  ctx.moveTo(PAD.left, yPx(0.5));
  ctx.lineTo(width - PAD.right, yPx(0.5));
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.fillStyle = '#555';
  ctx.font = '11px system-ui, sans-serif';
  ctx.textAlign = 'center';
  for (const x of [-1, -0.5, 0, 0.5, 1]) ctx.fillText(String(x), xPx(x), yPx(0) + 13);
  ctx.textAlign = 'right';
  for (const v of [0, 0.5, 1]) ctx.fillText(v === 0.5 ? '½' : String(v), PAD.left - 4, yPx(v) + 4);

  // The real density, filled; G's, as a line; D(x) on top.
  ctx.fillStyle = REAL_FILL;
  ctx.strokeStyle = REAL_LINE;
  ctx.beginPath();
  ctx.moveTo(along(0), yPx(0));
  for (let i = 0; i < SAMPLES; i++) ctx.lineTo(along(i), yPx(real[i] * scale));
  ctx.lineTo(along(SAMPLES - 1), yPx(0));
  ctx.fill();
  ctx.stroke();
  line(ctx, SAMPLES, along, (i) => yPx(fake[i] * scale), G_LINE, 2);
  const res = w.d.length;
  line(ctx, res, (i) => xPx(-1 + (2 * i + 1) / res), (i) => yPx(w.d[i]), D_LINE, 2.5, [7, 4]);
  if (opts.bestD) {
    // D* is undefined where neither density has mass: the line breaks there.
    const star = bestD(real, fake);
    ctx.strokeStyle = BEST_LINE;
    ctx.lineWidth = 2.5;
    ctx.setLineDash([2, 3]);
    ctx.beginPath();
    let drawing = false;
    for (let i = 0; i < SAMPLES; i++) {
      if (Number.isNaN(star[i])) drawing = false;
      else if (!drawing) {
        ctx.moveTo(along(i), yPx(star[i]));
        drawing = true;
      } else ctx.lineTo(along(i), yPx(star[i]));
    }
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.lineWidth = 1;
  }

  if (opts.arrows) {
    // Under the axis: ARROWS of G's samples, evenly spread over their sorted order, each
    // at its x with its push as a horizontal arrow, in four staggered rows.
    const order = Array.from(w.fake.keys()).sort((i, j) => w.fake[i] - w.fake[j]);
    const max = pushScale(Array.from(w.push, Math.abs));
    ctx.strokeStyle = G_ARROW;
    ctx.lineWidth = 1.2;
    ctx.beginPath();
    for (let k = 0; k < ARROWS; k++) {
      const i = order[Math.floor(((k + 0.5) / ARROWS) * order.length)];
      const x = xPx(w.fake[i]);
      const dx = max > 0 ? Math.max(-1, Math.min(1, w.push[i] / max)) * 26 : 0;
      const y = yPx(0) + 20 + (k % 4) * 6;
      ctx.moveTo(x, y);
      ctx.lineTo(x + dx, y);
      if (Math.abs(dx) > 3) {
        const s = Math.sign(dx);
        ctx.moveTo(x + dx, y);
        ctx.lineTo(x + dx - 4 * s, y - 2.5);
        ctx.moveTo(x + dx, y);
        ctx.lineTo(x + dx - 4 * s, y + 2.5);
      }
    }
    ctx.stroke();
    ctx.lineWidth = 1;
  }
  // A small legend.
  ctx.textAlign = 'left';
  const items = [[REAL_LINE, tw('view.real')], [G_LINE, tw('view.fake')], [D_LINE, tw('view.dcurve')]];
  if (opts.bestD) items.push([BEST_LINE, tw('view.bestd')]);
  let x = PAD.left + 6;
  for (const [colour, text] of items) {
    ctx.fillStyle = colour;
    ctx.fillRect(x, PAD.top + 2, 12, 3);
    ctx.fillStyle = '#333';
    ctx.fillText(text, x + 16, PAD.top + 8);
    x += 24 + ctx.measureText(text).width;
  }
  return bestDFigures(real, fake, w.d);
}

function line(ctx, n, xOf, yOf, colour, width, dash = []) {
  ctx.strokeStyle = colour;
  ctx.lineWidth = width;
  ctx.setLineDash(dash);
  ctx.beginPath();
  for (let i = 0; i < n; i++) {
    if (i === 0) ctx.moveTo(xOf(i), yOf(i));
    else ctx.lineTo(xOf(i), yOf(i));
  }
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.lineWidth = 1;
}
