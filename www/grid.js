// G's 10×10 sample grid: drawn from the RGBA pixels the engine reports onto a
// native 298×298 canvas, then scaled up crisply onto the visible one, with the explore
// selection outlined and row labels in conditional mode. Also the film strip of
// snapshots at milestone steps (www/milestones.js), and the grid's PNG export.
// Its panel object, `grid` (main.js's PANELS): state (app.snapshots), update (a report's
// grid, and its milestone in the strip).
import { onLangChange, t } from './i18n.js';
import { $, GRID_PITCH, GRID_PX, GRID_SIDE, IMAGE_SIDE, NUM_CLASSES, canvasBlob, download, fmtInt } from './util.js';


/** How much bigger the export's large PNG is than the native grid. */
export const EXPORT_SCALE = 4;
const OUTLINE = { A: '#2563eb', B: '#ea580c', selected: '#facc15' };

/** G's grid at its native 298×298 (absent outside a browser, where tests import this file). */
const native = globalThis.document?.createElement('canvas');

/**
 * Draws G's grid from an engine report's `grid` ({ pixels: RGBA bytes, width, height,
 * step }) onto the native canvas and the visible one; returns the milliseconds it took.
 */
function showGrid(app, report) {
  const t0 = performance.now();
  const { pixels, width: w, height: h } = report;
  if (native.width !== w || native.height !== h) {
    native.width = w;
    native.height = h;
  }
  native.getContext('2d').putImageData(new ImageData(pixels, w, h), 0, 0);
  app.gridStep = report.step;
  drawGridView(app);
  return performance.now() - t0;
}

/** Scales the native grid onto the visible canvas and outlines the explore picks. */
export function drawGridView(app) {
  const canvas = $('grid');
  const ctx = canvas.getContext('2d');
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(native, 0, 0, canvas.width, canvas.height);
  const scale = canvas.width / native.width;
  const { explore } = app;
  const marks = [
    [explore.a?.index, OUTLINE.A],
    [explore.b?.index, OUTLINE.B],
    [explore.index, OUTLINE.selected],
  ];
  ctx.lineWidth = 3;
  for (const [index, color] of marks) {
    if (index == null) continue;
    const x = (index % GRID_SIDE) * GRID_PITCH * scale;
    const y = Math.floor(index / GRID_SIDE) * GRID_PITCH * scale;
    ctx.strokeStyle = color;
    ctx.strokeRect(x + 1.5, y + 1.5, IMAGE_SIDE * scale - 3, IMAGE_SIDE * scale - 3);
  }
}

/** The grid cell (0–99) under a pointer event on the visible grid canvas. */
export function cellAt(event) {
  const rect = $('grid').getBoundingClientRect();
  const fx = (event.clientX - rect.left) / rect.width;
  const fy = (event.clientY - rect.top) / rect.height;
  if (fx < 0 || fx >= 1 || fy < 0 || fy >= 1) return null;
  // Cells are 30 px apart in a 298 px grid; a click in a gap goes to the nearer cell.
  const col = Math.min(GRID_SIDE - 1, Math.floor((fx * GRID_PX + 1) / GRID_PITCH));
  const row = Math.min(GRID_SIDE - 1, Math.floor((fy * GRID_PX + 1) / GRID_PITCH));
  return row * GRID_SIDE + col;
}

/** Shows (conditional) or hides the digit label of each grid row. */
export function setRowLabels(conditional) {
  const ol = $('row-labels');
  ol.hidden = !conditional;
  if (conditional && ol.children.length !== NUM_CLASSES) {
    ol.replaceChildren(
      ...Array.from({ length: NUM_CLASSES }, (_, r) => {
        const li = document.createElement('li');
        li.textContent = String(r);
        // Centre each label on its row of tiles: rows start every 30 of 298 px.
        li.style.top = `${((r * GRID_PITCH + IMAGE_SIDE / 2) / GRID_PX) * 100}%`;
        return li;
      }),
    );
  }
}

/**
 * Adds the grid as last drawn (G at `step`) to the film strip, captioned with its step, or
 * with `label` ('restored', 'loaded', 'pretrained.cond'…: a key under `strip.label.`) and its step.
 */
export function snapshot(app, step, label) {
  const copy = document.createElement('canvas');
  copy.width = native.width;
  copy.height = native.height;
  copy.getContext('2d').drawImage(native, 0, 0);
  const fig = document.createElement('figure');
  fig.className = 'snap';
  fig.dataset.step = String(step);
  if (label) fig.dataset.label = label;
  const cap = document.createElement('figcaption');
  const words = document.createElement('span');
  const btn = document.createElement('button');
  btn.className = 'link snap-download';
  btn.textContent = t('strip.png');
  btn.addEventListener('click', () =>
    app.guard('what.snapshot', async () => download(await canvasBlob(copy), `ganplay-step-${step}.png`)),
  );
  cap.append(words, ' ', btn);
  fig.append(copy, cap);
  captionSnapshot(fig);
  const strip = $('film-strip');
  strip.append(fig);
  strip.scrollLeft = strip.scrollWidth; // the newest snapshot in view (never scrolls the page)
  app.snapshots.push(step);
}

/** A film-strip figure's caption and button title, in the page's language. */
function captionSnapshot(fig) {
  const step = fmtInt(Number(fig.dataset.step));
  const { label } = fig.dataset;
  fig.querySelector('figcaption span').textContent = label ? t('strip.at', { label: t(`strip.label.${label}`), step }) : t('strip.step', { step });
  fig.querySelector('.snap-download').title = t('strip.download', { step });
}

// Kept figures (an Undo puts old ones back) are captioned again from their data.
onLangChange(() => globalThis.document?.querySelectorAll('#film-strip figure.snap').forEach(captionSnapshot));

export function clearStrip(app) {
  $('film-strip').replaceChildren();
  app.snapshots = [];
}

/** Downloads the grid as a PNG: native 298×298, or scaled up `EXPORT_SCALE`× crisply. */
export async function exportGrid(app, scale) {
  let canvas = native;
  if (scale !== 1) {
    canvas = document.createElement('canvas');
    canvas.width = native.width * scale;
    canvas.height = native.height * scale;
    const ctx = canvas.getContext('2d');
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(native, 0, 0, canvas.width, canvas.height);
  }
  const suffix = scale === 1 ? '' : `-${scale}x`;
  download(await canvasBlob(canvas), `ganplay-grid-step-${app.gridStep}${suffix}.png`);
}

/** The grid's and the strip's face as a panel of the page (main.js's PANELS). */
export const grid = {
  state: () => ({ snapshots: [] }),
  update(app, r) {
    if (!r.grid) return null;
    const ms = showGrid(app, r.grid);
    if (r.milestone != null && !app.snapshots.includes(r.milestone)) snapshot(app, r.milestone);
    return { grid: ms };
  },
};
