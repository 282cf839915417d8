// The 2-D world's view, in the style of GAN Lab: D's verdict as a heat map over the plane
// [-1, 1]², the real points, G's points with the push of G's loss on each as an arrow,
// and G's image of a regular grid of noise (the warped mesh). Draws what the engine's
// report carries (engine.js worldView); nothing here talks to the engine.

/** Colours: the charts' real (teal) and fake (pink) for D's verdict; G's orange. */
const REAL = [13, 148, 136];
const FAKE = [219, 39, 119];
const G_DOT = '#ea580c';
const G_ARROW = '#9a3412';
const REAL_DOT = '#0f766e';
const MESH = 'rgba(80, 80, 80, 0.35)';
/** The longest arrow, in px (the strongest push of the frame). */
const ARROW_PX = 26;

/** Plane coordinates to canvas pixels (y up). */
export const toPx = (canvas, x, y) => [((x + 1) / 2) * canvas.width, ((1 - y) / 2) * canvas.height];
/** Canvas pixels to plane coordinates. */
export const fromPx = (canvas, px, py) => [(px / canvas.width) * 2 - 1, 1 - (py / canvas.height) * 2];

/** D's probability as a colour: pink (0) through white (½) to teal (1), as RGB bytes. */
export function verdictRgb(d) {
  const t = Math.max(-1, Math.min(1, (d - 0.5) * 2));
  const c = t >= 0 ? REAL : FAKE;
  // D stays near ½ most of the game: a square root makes small leanings visible.
  const a = Math.sqrt(Math.abs(t)) * 0.7;
  return c.map((v) => Math.round(255 - (255 - v) * a));
}

let mapCanvas = null;

/** Draws the whole view on `canvas`; `opts`: { arrows, mesh, drawn: points being painted }. */
export function drawView2d(canvas, w, opts = {}) {
  const ctx = canvas.getContext('2d');
  const { width, height } = canvas;
  // D's map: one pixel per grid cell, scaled up smoothly.
  mapCanvas ??= document.createElement('canvas');
  if (mapCanvas.width !== w.res) mapCanvas.width = mapCanvas.height = w.res;
  const mctx = mapCanvas.getContext('2d');
  const image = mctx.createImageData(w.res, w.res);
  for (let i = 0; i < w.res * w.res; i++) {
    const [r, g, b] = verdictRgb(w.d[i]);
    image.data.set([r, g, b, 255], i * 4);
  }
  mctx.putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(mapCanvas, 0, 0, width, height);

  if (opts.mesh && w.noiseDim >= 2) drawMesh(ctx, canvas, w.meshPoints, w.mesh);
  dots(ctx, canvas, w.real, REAL_DOT, 1.6);
  dots(ctx, canvas, w.fake, G_DOT, 2.2);
  if (opts.arrows) drawArrows(ctx, canvas, w.fake, w.push);
  if (opts.drawn?.length) {
    ctx.fillStyle = '#111';
    for (const [x, y] of opts.drawn) {
      const [px, py] = toPx(canvas, x, y);
      ctx.fillRect(px - 1.5, py - 1.5, 3, 3);
    }
  }
}

function dots(ctx, canvas, points, colour, r) {
  ctx.fillStyle = colour;
  ctx.beginPath();
  for (let i = 0; i + 1 < points.length; i += 2) {
    const [px, py] = toPx(canvas, points[i], points[i + 1]);
    ctx.moveTo(px + r, py);
    ctx.arc(px, py, r, 0, 2 * Math.PI);
  }
  ctx.fill();
}

/** The mesh's rows and columns as polylines: points are (mesh × mesh), first noise dimension fastest. */
function drawMesh(ctx, canvas, points, n) {
  ctx.strokeStyle = MESH;
  ctx.lineWidth = 1;
  ctx.beginPath();
  const at = (i, j) => toPx(canvas, points[(j * n + i) * 2], points[(j * n + i) * 2 + 1]);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      const [px, py] = at(i, j);
      if (i === 0) ctx.moveTo(px, py);
      else ctx.lineTo(px, py);
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const [px, py] = at(i, j);
      if (j === 0) ctx.moveTo(px, py);
      else ctx.lineTo(px, py);
    }
  }
  ctx.stroke();
}

/**
 * A scale for arrows: the 90th percentile of the pushes' lengths, so that a few samples far
 * out where D is steep do not shrink every other arrow to a dot (longer ones are capped).
 */
export function pushScale(lengths) {
  const sorted = Float64Array.from(lengths).sort();
  return sorted.length ? sorted[Math.floor(0.9 * (sorted.length - 1))] : 0;
}

/** Each sample's push as an arrow, lengths relative to the 90th percentile push in view. */
function drawArrows(ctx, canvas, fake, push) {
  const lengths = [];
  for (let i = 0; i + 1 < push.length; i += 2) lengths.push(Math.hypot(push[i], push[i + 1]));
  const max = pushScale(lengths);
  if (!(max > 0)) return;
  ctx.strokeStyle = G_ARROW;
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (let i = 0; i + 1 < fake.length; i += 2) {
    const [px, py] = toPx(canvas, fake[i], fake[i + 1]);
    // Plane y is up, canvas y down; an arrow longer than ARROW_PX is cut to it.
    const cap = Math.min(1, max / Math.max(lengths[i / 2], 1e-30));
    const dx = (push[i] / max) * ARROW_PX * cap;
    const dy = (-push[i + 1] / max) * ARROW_PX * cap;
    const len = Math.hypot(dx, dy);
    if (len < 1.5) continue;
    const [ex, ey] = [px + dx, py + dy];
    ctx.moveTo(px, py);
    ctx.lineTo(ex, ey);
    const head = Math.min(4, len / 2);
    const [ux, uy] = [dx / len, dy / len];
    ctx.moveTo(ex, ey);
    ctx.lineTo(ex - head * (ux - uy * 0.6), ey - head * (uy + ux * 0.6));
    ctx.moveTo(ex, ey);
    ctx.lineTo(ex - head * (ux + uy * 0.6), ey - head * (uy - ux * 0.6));
  }
  ctx.stroke();
}
