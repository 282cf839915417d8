// Small helpers the page's modules share: element lookup, gzip, downloads, turning
// 28×28 images in [-1, 1] into pixels, and a seeded random number generator.
import { fixed, t } from './i18n.js';

// The core's facts that the page's modules draw with at load, and in node's tests without
// the wasm (draw.js's mnistify): a digit's side and pixels, the classes, G's grid of
// GRID_SIDE × GRID_SIDE samples. The core owns them (`Playground.constants()`); the boot
// checks these against it (`checkCoreFacts`), so a change in Rust stops the page with a
// message rather than drawing wrong.
export const IMAGE_SIDE = 28;
export const IMAGE_DIM = IMAGE_SIDE * IMAGE_SIDE;
export const NUM_CLASSES = 10;
export const GRID_SIDE = 10;
/** Grid tiles are 28 px with a 2 px gap: one tile every 30 px (src/render.rs). */
export const GRID_GAP = 2;
export const GRID_PITCH = IMAGE_SIDE + GRID_GAP;
/** The grid's side in pixels at its native size (298). */
export const GRID_PX = GRID_SIDE * GRID_PITCH - GRID_GAP;

/** Throws, naming each one, if the core's facts (`Playground.constants()`) are not the ones above. */
export function checkCoreFacts(core) {
  const ours = { image_side: IMAGE_SIDE, image_dim: IMAGE_DIM, num_classes: NUM_CLASSES, grid_samples: GRID_SIDE * GRID_SIDE };
  const wrong = Object.entries(ours).filter(([k, v]) => core?.[k] !== v);
  if (wrong.length) throw new Error(`the page and the wasm build disagree: ${wrong.map(([k, v]) => `${k} is ${v} here, ${core?.[k]} in the core`).join('; ')} (rebuild both)`);
}

export const $ = (id) => document.getElementById(id);

export const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));

/** Magnitudes from which `fmtNum` switches to scientific form: decimals, and counts. */
const SCI_ABOVE = 1e6;
const SCI_ABOVE_COUNT = 1e15;

/**
 * The page's one number formatter. `digits` 0 is a count: rounded, with thousands
 * separators (10,207). Otherwise `digits` decimals, with separators (0.693, 1,234.500).
 * Magnitudes too big for that (from 1e6, or 1e15 for counts) or too small to show at
 * that precision (0.0004 at 3 digits) take a compact scientific form with three
 * significant digits (6.05e30, 4e-4). Null, undefined and NaN are a dash; ±Infinity are ∞ and -∞.
 */
export function fmtNum(v, digits = 3) {
  if (v == null || Number.isNaN(v)) return '–';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '-∞';
  const abs = Math.abs(v);
  const tooSmall = digits > 0 && abs > 0 && abs < 0.5 * 10 ** -digits;
  if (abs >= (digits === 0 ? SCI_ABOVE_COUNT : SCI_ABOVE) || tooSmall) {
    // 6.05e+30 → 6.05e30, 1.00e+7 → 1e7, 1.50e-7 → 1.5e-7
    return v.toExponential(2).replace(/\.?0+e/, 'e').replace('e+', 'e');
  }
  const text = fixed(v, digits); // in the page's language (www/i18n.js)
  return text.replace(/^-(?=[0.,]*$)/, ''); // no “-0.000” for a tiny negative
}

/** Formats a count with thousands separators (`fmtNum` with no decimals). */
export const fmtInt = (n) => fmtNum(n, 0);

/** True when the bytes start with the gzip magic 1f 8b. */
export const isGzip = (bytes) => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

/** Gunzips `bytes` (a Uint8Array) with the browser's DecompressionStream. */
export async function gunzip(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Gunzips `bytes` if they are gzipped, else returns them as they are. */
export const gunzipIfNeeded = (bytes) => (isGzip(bytes) ? gunzip(bytes) : Promise.resolve(bytes));

/** Fetches `url` whole, as bytes; an HTTP error status throws. */
export async function fetchBytes(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(t('error.fetch', { url, status: res.status }));
  return new Uint8Array(await res.arrayBuffer());
}

/** Fetches a .gz file (served as-is, no Content-Encoding) and gunzips it. */
export async function fetchGz(url) {
  // The whole body before decompressing: DecompressionStream stops reading at the end
  // of the gzip member, and the browser would report the request as aborted.
  return gunzip(await fetchBytes(url));
}

/** Offers `blob` to the user as a download called `name`. */
export function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export const canvasBlob = (canvas) =>
  new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error(t('error.png')))), 'image/png'),
  );

/** Grey bytes of an image in [-1, 1] (-1 black, 1 white), as src/render.rs maps them. */
export const toByte = (v) => clamp(Math.round((v + 1) * 127.5), 0, 255);

/** Writes 28×28 floats in [-1, 1] (at `offset` in `pixels`) into an ImageData at (x0, y0). */
export function putTile(imageData, pixels, offset, x0, y0) {
  const { data, width } = imageData;
  for (let y = 0; y < IMAGE_SIDE; y++) {
    for (let x = 0; x < IMAGE_SIDE; x++) {
      const g = toByte(pixels[offset + y * IMAGE_SIDE + x]);
      const o = ((y0 + y) * width + x0 + x) * 4;
      data[o] = data[o + 1] = data[o + 2] = g;
      data[o + 3] = 255;
    }
  }
}

/** Draws one 28×28 image in [-1, 1] onto a 28×28 canvas. */
export function drawImage28(canvas, pixels) {
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(IMAGE_SIDE, IMAGE_SIDE);
  putTile(img, pixels, 0, 0, 0);
  ctx.putImageData(img, 0, 0);
}

/**
 * Draws the first `cols` × `rows` images of `pixels` (n × 784 floats in [-1, 1]) as a grid
 * with 2 px grey gaps onto `canvas`, sized to fit; `canvas.dataset.tiles` says how many.
 */
export function drawTiles(canvas, pixels, cols, rows) {
  const [width, height] = [cols * GRID_PITCH - GRID_GAP, rows * GRID_PITCH - GRID_GAP];
  if (canvas.width !== width || canvas.height !== height) [canvas.width, canvas.height] = [width, height];
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(width, height);
  img.data.fill(64); // the grid's gap grey; alpha set below
  for (let i = 3; i < img.data.length; i += 4) img.data[i] = 255;
  const n = Math.min(cols * rows, Math.floor(pixels.length / IMAGE_DIM));
  for (let i = 0; i < n; i++) putTile(img, pixels, i * IMAGE_DIM, (i % cols) * GRID_PITCH, Math.floor(i / cols) * GRID_PITCH);
  ctx.putImageData(img, 0, 0);
  canvas.dataset.tiles = String(n);
}

/** mulberry32: a tiny seeded PRNG giving floats in [0, 1). */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` random unit vectors of length `dim` (Gaussian directions), from `seed`. */
export function unitDirections(seed, count, dim) {
  const rand = mulberry32(seed ^ 0x9e3779b9);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  return Array.from({ length: count }, () => {
    const v = Float32Array.from({ length: dim }, gauss);
    const norm = Math.hypot(...v) || 1;
    return v.map((x) => x / norm);
  });
}
