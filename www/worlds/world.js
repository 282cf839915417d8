// The worlds on the page: the world selector (digits, 2-D, 1-D), switching world (new
// networks with the world's default settings, Undo as for any replacement), painting
// your own points, the world in the address, the view and the metrics charts, and the
// explanation that follows the world. The world itself lives in the settings
// (`flat.world`, GanConfig's `world`), so autosave and checkpoints carry it.
// Its panel object, `worlds` (main.js's PANELS): setup, update (a world's
// view, and its metrics charts, drawn and costed with the loss charts).
import uPlot from '../vendor/uplot/uPlot.esm.js';
import { latest, tickDigits } from '../charts.js';
import { onLangChange, t } from '../i18n.js';
import { fromConfig, toJson } from '../settings.js';
import { $, IMAGE_DIM, fmtNum } from '../util.js';
import { fillStrings, tw } from './strings.js';
import { drawView1d } from './view1d.js';
import { drawView2d, fromPx } from './view2d.js';

export const WORLDS_2D = ['ring8', 'grid25', 'moons', 'spiral', 'line', 'drawn'];
export const WORLDS_1D = ['gaussian', 'mixture2', 'mixture3', 'uniform'];
/** Most points the page lets you paint (the core takes up to 2,000). */
export const MAX_PAINTED = 600;
/** Painted points are at least this far apart (plane units), so a stroke is not a blob. */
const PAINT_SPACING = 0.025;
const CHART_HEIGHT = 150;

/** The world's name: 'digits', 'ring8', …, 'drawn' (a world is a name or `{ drawn: points }`). */
export const worldName = (world) => (world && typeof world === 'object' ? 'drawn' : world ?? 'digits');
export const isWorld = (world) => worldName(world) !== 'digits';
export const worldDim = (world) => (WORLDS_1D.includes(worldName(world)) ? 1 : isWorld(world) ? 2 : IMAGE_DIM);

/** Points as the address writes them: "x,y;x,y", two decimals. */
const pointsText = (points) => points.map(([x, y]) => `${+x.toFixed(2)},${+y.toFixed(2)}`).join(';');

/**
 * The world in an address's query (`world=ring8`, or `world=drawn&points=x,y;…`):
 * `{ world, message }`, the digits (with a message) when it cannot be read.
 */
export function worldFromQuery(search) {
  const params = new URLSearchParams(search);
  const name = params.get('world');
  if (name == null || name === 'digits') return { world: 'digits' };
  if (name === 'drawn') {
    const points = (params.get('points') ?? '').split(';').filter(Boolean).map((p) => p.split(',').map(Number));
    const ok = points.length > 0 && points.length <= 2000 && points.every((p) => p.length === 2 && p.every((v) => Number.isFinite(v) && Math.abs(v) <= 1));
    return ok ? { world: { drawn: points } } : { world: 'digits', message: tw('world.pointsBad') };
  }
  if (![...WORLDS_1D, ...WORLDS_2D].includes(name)) return { world: 'digits', message: tw('world.urlBad', { name }) };
  return { world: name };
}

/** The world as query parameters (empty for the digits). */
export function worldQuery(world) {
  if (!isWorld(world)) return '';
  const params = new URLSearchParams({ world: worldName(world) });
  if (typeof world === 'object') params.set('points', pointsText(world.drawn));
  return params.toString();
}

/** The default settings (flat) of `world`, from the core. */
export async function worldDefaults(app, world) {
  return fromConfig(JSON.parse(await app.engine.worldDefaults(JSON.stringify(world))));
}

/** Wires the selector, the view's options, painting, and the metrics charts. */
function setupWorlds(app) {
  fillStrings();
  app.world = { shown: null, view: null, painting: null, painted: [], charts: createCharts() };
  const select = $('world');
  select.addEventListener('change', () => {
    const name = select.value;
    if (name === 'drawn') return startPainting(app);
    app.world.painting = null;
    switchWorld(app, name);
  });
  for (const id of ['world-arrows', 'world-mesh', 'world-bestd']) $(id).addEventListener('change', () => redraw(app));
  $('world-draw-clear').addEventListener('click', () => startPainting(app, { clear: true }));
  wirePainting(app);
  // A language switch: the option groups, the titles, the charts and the 1-D legend.
  onLangChange(() => {
    fillStrings();
    const { charts } = app.world;
    charts.js.destroy();
    charts.modes.destroy();
    app.world.charts = createCharts();
    if (app.world.metrics) showWorldMetrics(app, app.world.metrics);
    if (app.flat) showWorld(app);
  });
}

/**
 * New networks in `world` with its default settings, the seed kept; Undo offered. The
 * notice is `notice()` if given (a function, so that it follows a language switch).
 */
export async function switchWorld(app, world, notice = null) {
  const seed = app.flat.seed;
  let next;
  const ok = await app.guard(() => tw('world.label'), async () => {
    next = { ...(await worldDefaults(app, world)), seed };
  });
  if (!ok) return null;
  const label = () => tw(`world.${worldName(world)}`);
  return app.replaceModel(label, 'reset', () => app.engine.reset(toJson(next)), {
    notice: () => (notice ? notice() : tw('world.switched', { world: label(), seed })),
    undo: true,
  });
}

/**
 * After any replacement of the model (and at boot), once its report is applied (the view
 * and metrics it carries are the new model's): the page shows the world in force —
 * which cards, the selector, titles, legend and explanation — and the settings' defaults
 * (for the address and the recipes) become that world's.
 */
export function showWorld(app) {
  const world = app.flat.world;
  const painting = app.world.painting != null;
  // Painting is the start of a new world, "draw your own", on the plane: nothing of the
  // run still loaded (another world's, or the points before Clear) shows while it lasts.
  const name = painting ? 'drawn' : worldName(world);
  const inWorld = isWorld(world) || painting;
  const dim = painting ? 2 : worldDim(world);
  document.body.classList.toggle('in-world', inWorld);
  document.body.classList.toggle('world-1d', dim === 1);
  $('world').value = name;
  $('world-card').hidden = !inWorld;
  $('world-metrics-card').hidden = !inWorld || painting;
  // Nothing to train until the first stroke makes the new world (the old run waits behind it).
  if (app.ready) for (const id of ['train', 'step', 'step-d', 'step-g']) $(id).disabled = painting || app.broken;
  $('explain-world').hidden = !inWorld;
  const d = dim === 1 ? '1d' : '2d';
  setKey($('world-title'), `view.title${d}`);
  setKey($('world-legend'), `view.legend${d}`);
  setKey($('explain-world-h'), `explain.title${d}`);
  setKey($('explain-world-intro'), `explain.intro${d}`);
  // The header and the loss charts speak of points in a world, of digits otherwise.
  setText($('tagline'), 'i18nHtml', inWorld ? `worlds.tagline${d}` : 'header.tagline');
  setText($('count-images-label'), 'i18n', inWorld ? 'worlds.counters.samples' : 'counters.images');
  setText($('charts-hint'), 'i18n', inWorld ? 'worlds.charts.hint' : 'charts.hint');
  $('world-mesh-label').hidden = dim === 1;
  $('world-bestd-label').hidden = dim !== 1;
  const canvas = $('world-view');
  const [w, h] = dim === 1 ? [600, 320] : [560, 560];
  if (canvas.width !== w || canvas.height !== h) [canvas.width, canvas.height] = [w, h];
  if (name === 'drawn' && !app.world.painting) app.world.painted = world.drawn.map((p) => [...p]);
  showPaintTools(app);
  redraw(app);
  const key = JSON.stringify(world);
  if (app.world.shown !== key) {
    app.world.shown = key;
    worldDefaults(app, world).then((defaults) => {
      app.defaults = defaults;
      app.writeUrl();
    }, () => {});
  }
}

function setKey(el, key) {
  el.dataset.i18n = `worlds.${key}`;
  el.textContent = tw(key);
}

/** Gives `el` the catalogue's `key` as its `data-i18n` (`attr` 'i18n') or `data-i18n-html` ('i18nHtml') text. */
function setText(el, attr, key) {
  el.dataset[attr] = key;
  if (attr === 'i18nHtml') el.innerHTML = t(key);
  else el.textContent = t(key);
}

/** Draws the view the engine reported; returns the milliseconds it took. */
function drawWorld(app, w) {
  const t0 = performance.now();
  app.world.view = w;
  redraw(app);
  return performance.now() - t0;
}

function redraw(app) {
  const canvas = $('world-view');
  const w = app.world.view;
  const painting = app.world.painting;
  // The best-D line belongs to a drawn 1-D view; anything else (the plane, painting) hides it.
  $('world-bestd-figures').hidden = true;
  if (painting || !w) {
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    if (painting) drawPainted(canvas, app.world.painted);
    return;
  }
  const opts = { arrows: $('world-arrows').checked, mesh: $('world-mesh').checked, bestD: $('world-bestd').checked };
  if (w.dim === 1) showBestD(drawView1d(canvas, w, opts), opts.bestD);
  else drawView2d(canvas, w, opts);
}

/** The best-D lesson's line under the 1-D view: V(G, D*), JS, and how far D is from D*. */
function showBestD(figures, shown) {
  const out = $('world-bestd-figures');
  out.hidden = !shown || !figures;
  if (out.hidden) return;
  out.textContent = tw('view.bestdFigures', {
    value: figures.value.toFixed(3),
    js: figures.js.toFixed(3),
    gap: figures.gap.toFixed(2),
  });
}

function drawPainted(canvas, points) {
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#0f766e';
  for (const [x, y] of points) {
    const px = ((x + 1) / 2) * canvas.width;
    const py = ((1 - y) / 2) * canvas.height;
    ctx.beginPath();
    ctx.arc(px, py, 3, 0, 2 * Math.PI);
    ctx.fill();
  }
}

// ---- painting your own points -------------------------------------------------------------

/** Shows the plane to paint on; with `clear`, without the points painted so far. */
async function startPainting(app, { clear = false } = {}) {
  if (clear || worldName(app.flat.world) !== 'drawn') app.world.painted = [];
  app.world.painting = { stroke: null };
  // The run still loaded is not the one being drawn: it does not train on behind the plane.
  await app.setRunning(false);
  showWorld(app);
  if (!app.world.painted.length) app.notify(() => tw('draw.hint'));
  redraw(app);
}

function showPaintTools(app) {
  const drawing = app.world.painting != null || worldName(app.flat.world) === 'drawn';
  $('world-draw-tools').hidden = !drawing;
  $('world-draw-hint').hidden = !drawing;
  $('world-draw-count').value = tw('draw.count', { n: app.world.painted.length });
  $('world-view').classList.toggle('paintable', drawing);
}

function wirePainting(app) {
  const canvas = $('world-view');
  const at = (e) => {
    const r = canvas.getBoundingClientRect();
    return fromPx(canvas, ((e.clientX - r.left) / r.width) * canvas.width, ((e.clientY - r.top) / r.height) * canvas.height).map((v) => Math.max(-1, Math.min(1, v)));
  };
  const add = (p) => {
    const pts = app.world.painted;
    const last = pts[pts.length - 1];
    if (pts.length >= MAX_PAINTED || (last && Math.hypot(p[0] - last[0], p[1] - last[1]) < PAINT_SPACING)) return;
    pts.push([+p[0].toFixed(3), +p[1].toFixed(3)]);
  };
  canvas.addEventListener('pointerdown', (e) => {
    if (!app.ready || $('world-draw-tools').hidden || (e.pointerType === 'mouse' && e.button !== 0)) return;
    e.preventDefault();
    canvas.setPointerCapture(e.pointerId);
    // Painting over a trained view shows just the points until the stroke ends.
    app.world.painting = { stroke: true };
    add(at(e));
    $('world-draw-count').value = tw('draw.count', { n: app.world.painted.length });
    redraw(app);
  });
  canvas.addEventListener('pointermove', (e) => {
    if (!app.world.painting?.stroke) return;
    add(at(e));
    $('world-draw-count').value = tw('draw.count', { n: app.world.painted.length });
    redraw(app);
  });
  const end = async () => {
    if (!app.world.painting?.stroke) return;
    app.world.painting = null;
    const points = app.world.painted.map((p) => [...p]);
    if (!points.length) return app.notify(() => tw('draw.empty'));
    const seed = app.flat.seed;
    const r = await switchWorld(app, { drawn: points }, () => tw('draw.trained', { n: points.length, seed }));
    if (!r) {
      app.world.painting = { stroke: null };
      redraw(app);
    }
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
}

// ---- metrics -------------------------------------------------------------------------------

function chartOptions(title, series, range) {
  const tick = (u, splits, axisIdx, space, incr) => splits.map((v) => fmtNum(v, tickDigits(incr)));
  return {
    title,
    width: 400,
    height: CHART_HEIGHT,
    scales: { x: { time: false }, y: range ? { range } : { auto: true } },
    axes: [{ values: tick, size: 30 }, { values: tick, size: 48 }],
    series: [
      { label: t('charts.step'), value: (u, v, s, idx) => fmtNum(latest(u, s, idx, v), 0) },
      ...series.map(([label, stroke, dash]) => ({ label, stroke, dash, width: 2, spanGaps: true, points: { show: false }, value: (u, v, s, idx) => fmtNum(latest(u, s, idx, v), 3) })),
    ],
  };
}

function createCharts() {
  const js = new uPlot(chartOptions(tw('metrics.js'), [[tw('metrics.js'), '#1d4ed8']], [0, 1]), [[], []], $('chart-world-js'));
  const modes = new uPlot(
    chartOptions(tw('metrics.modesChart'), [[tw('metrics.covered'), '#0d9488'], [tw('metrics.hq'), '#ea580c', [6, 3]]], [0, 1]),
    [[], [], []],
    $('chart-world-modes'),
  );
  const fit = () => {
    for (const [chart, el] of [[js, $('chart-world-js')], [modes, $('chart-world-modes')]]) {
      const width = Math.max(200, Math.floor(el.clientWidth));
      if (width !== chart.width && el.clientWidth > 0) chart.setSize({ width, height: CHART_HEIGHT });
    }
  };
  new ResizeObserver(fit).observe($('world-metrics-card'));
  return { js, modes };
}

/**
 * The world's metrics as reported: the numbers now and their history in the charts.
 * Returns the milliseconds it took.
 */
function showWorldMetrics(app, m) {
  const t0 = performance.now();
  const { rows, columns } = m;
  const n = rows.length / columns;
  const cols = Array.from({ length: 4 }, () => new Array(n));
  for (let r = 0; r < n; r++) {
    const [step, js, covered, modes, hq] = rows.subarray(r * columns, r * columns + 5);
    cols[0][r] = step;
    cols[1][r] = js;
    cols[2][r] = Number.isFinite(covered) ? covered / modes : null;
    cols[3][r] = Number.isFinite(hq) ? hq : null;
  }
  const { charts } = app.world;
  charts.js.batch(() => charts.js.setData([cols[0], cols[1]]));
  charts.modes.batch(() => charts.modes.setData([cols[0], cols[2], cols[3]]));
  app.world.metrics = m;
  const now = [tw('metrics.now', { js: fmtNum(m.js, 3) })];
  now.push(Number.isFinite(m.covered) ? tw('metrics.modes', { covered: m.covered, modes: m.modes, hq: fmtNum(100 * m.highQuality, 1) }) : tw('metrics.noModes'));
  $('world-metrics-now').textContent = now.join(' · ');
  return performance.now() - t0;
}

/** The worlds' face as a panel of the page (main.js's PANELS). */
export const worlds = {
  setup: setupWorlds,
  update(app, r) {
    const cost = {};
    if (r.world) cost.grid = drawWorld(app, r.world);
    if (r.worldMetrics) cost.charts = showWorldMetrics(app, r.worldMetrics);
    return cost;
  },
};
