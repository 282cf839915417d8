// The page's pure logic in Node, no browser: the MNIST-style preprocessing of drawings
// (known input → known output), settings parsing from the form and the URL, snapshot
// milestones, the one number formatter and the charts' tick precision, and the vendored
// uPlot being the npm package's files unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mnistify } from '../../www/draw.js';
import { isMilestone, nextMilestone } from '../../www/milestones.js';
import { tickDigits } from '../../www/charts.js';
import { fmtInt, fmtNum } from '../../www/util.js';
import { FIELD_BY_KEY, controlText, defaultLr, describeChanges, format, fromConfig, fromQuery, parse, recipe, toConfig, toQuery } from '../../www/settings.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The defaults as Playground.default_config_json() gives them. */
const DEFAULT_CONFIG = {
  seed: 1, noise_dim: 100, g_hidden: [256, 512], d_hidden: [512, 256], conditional: false, leaky_slope: 0.2,
  batch_size: 64, d_steps: 1, generator_loss: 'non_saturating', label_smoothing: 0.1, d_input_noise: 0.2,
  d_mismatch: 1.5, g_average: 0.999, g_optimizer: { kind: 'adam', lr: 0.002, beta1: 0.5, beta2: 0.999, eps: 1e-8 },
  d_optimizer: { kind: 'adam', lr: 0.0004, beta1: 0.5, beta2: 0.999, eps: 1e-8 },
  world: 'digits',
};

/** A width × height canvas of zeros with rectangles of ink (value 1) painted in. */
function ink(width, height, rects) {
  const a = new Float32Array(width * height);
  for (const [x0, y0, w, h] of rects) for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) a[y * width + x] = 1;
  return a;
}

/** The 28×28 image as rows of characters: '#' ink (> 0.5), '.' faint, ' ' none. */
const picture = (img) =>
  Array.from({ length: 28 }, (_, y) =>
    Array.from({ length: 28 }, (_, x) => {
      const v = (img[y * 28 + x] + 1) / 2;
      return v > 0.5 ? '#' : v > 0.01 ? '.' : ' ';
    }).join(''));

test('mnistify: an empty drawing is null', () => {
  assert.equal(mnistify(new Float32Array(100 * 100), 100, 100), null);
});

test('mnistify: a square anywhere becomes the 20×20 block in the middle', () => {
  const img = mnistify(ink(280, 280, [[200, 10, 50, 50]]), 280, 280);
  const rows = picture(img);
  for (let y = 0; y < 28; y++) {
    const want = y >= 4 && y < 24 ? ' '.repeat(4) + '#'.repeat(20) + ' '.repeat(4) : ' '.repeat(28);
    assert.equal(rows[y], want, `row ${y}`);
  }
  assert.ok(img.every((v) => v >= -1 && v <= 1));
});

test('mnistify: a tall bar keeps its aspect and is centred by mass', () => {
  // 10 wide, 100 tall: fitted to 2×20, then moved so its centre of mass is at 13.5.
  const img = mnistify(ink(280, 280, [[30, 150, 10, 100]]), 280, 280);
  const rows = picture(img);
  assert.equal(rows[3], ' '.repeat(28));
  assert.equal(rows[4], ' '.repeat(13) + '##' + ' '.repeat(13));
  assert.equal(rows[23], ' '.repeat(13) + '##' + ' '.repeat(13));
  assert.equal(rows[24], ' '.repeat(28));
});

test('mnistify: an L is shifted so that its centre of mass, not its box, is central', () => {
  // A thick L: its mass sits low and left, so the box moves right and up.
  const img = mnistify(ink(200, 200, [[0, 0, 40, 200], [0, 160, 200, 40]]), 200, 200);
  let m = 0, mx = 0, my = 0;
  for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) {
    const v = (img[y * 28 + x] + 1) / 2;
    m += v; mx += v * x; my += v * y;
  }
  assert.ok(Math.abs(mx / m - 13.5) <= 0.5 && Math.abs(my / m - 13.5) <= 0.5, `centre ${mx / m}, ${my / m}`);
});

test('mnistify: thin strokes are antialiased (area-averaged), not dropped', () => {
  // A 1-px line along the top of a 280-px box (a dot marks the far corner): scaled by
  // 20/280, each output pixel averages 14×14 source pixels of which 14 are ink.
  const img = mnistify(ink(280, 280, [[0, 0, 280, 1], [279, 279, 1, 1]]), 280, 280);
  const lit = [...img].map((v) => (v + 1) / 2).filter((v) => v > 0);
  assert.equal(lit.length, 21);
  assert.equal(lit.filter((v) => Math.abs(v - 1 / 14) < 1e-5).length, 20);
  assert.equal(lit.filter((v) => Math.abs(v - 1 / 196) < 1e-5).length, 1);
});

test('settings: numbers are clamped or refused, never NaN', () => {
  assert.deepEqual(parse(FIELD_BY_KEY.batch_size, '64'), { value: 64 });
  assert.equal(parse(FIELD_BY_KEY.batch_size, '5000').value, 1024);
  assert.match(parse(FIELD_BY_KEY.batch_size, '5000').message, /batch size must be in 1–1024/);
  assert.equal(parse(FIELD_BY_KEY.batch_size, '2.6').value, 3);
  assert.match(parse(FIELD_BY_KEY.batch_size, '2.6').message, /rounded to 3/);
  for (const bad of ['', 'abc', 'NaN', 'Infinity', '1e999', '0x10', '--1']) {
    assert.ok(parse(FIELD_BY_KEY.g_lr, bad).error, `lr “${bad}” should be refused`);
  }
  assert.equal(parse(FIELD_BY_KEY.g_lr, '2e-4').value, 2e-4);
  assert.equal(parse(FIELD_BY_KEY.g_lr, '0').value, 1e-6);
  assert.equal(parse(FIELD_BY_KEY.g_beta1, '1').value, 0.9999);
  assert.equal(parse(FIELD_BY_KEY.seed, '-5').value, 0);
  assert.equal(parse(FIELD_BY_KEY.seed, '1e300').value, Number.MAX_SAFE_INTEGER);
  assert.deepEqual(parse(FIELD_BY_KEY.g_hidden, '256, 512').value, [256, 512]);
  assert.deepEqual(parse(FIELD_BY_KEY.g_hidden, '0 9000').value, [1, 4096]);
  assert.match(parse(FIELD_BY_KEY.g_hidden, '1,2,3,4,5,6,7').error, /at most 6/);
  assert.match(parse(FIELD_BY_KEY.g_hidden, '12,-3').error, /whole numbers/);
  assert.equal(parse(FIELD_BY_KEY.conditional, 'on').value, true);
  assert.match(parse(FIELD_BY_KEY.generator_loss, 'wasserstein').error, /one of non_saturating, minimax/);
});

test('settings: an empty number field (or one holding “e”, which the browser reads as empty) says so', () => {
  // <input type=number> gives value '' for text it cannot read, such as “e” or “1e”.
  for (const [key, what] of [['seed', 'a whole number in 0–9007199254740991'], ['batch_size', 'a whole number in 1–1024'], ['g_lr', 'a number in 0.000001–10']]) {
    const r = parse(FIELD_BY_KEY[key], '');
    assert.equal(r.value, undefined);
    assert.equal(r.error, `${FIELD_BY_KEY[key].label} is empty or not a number: type ${what}.`);
    assert.doesNotMatch(r.error, /“”/);
  }
  assert.equal(parse(FIELD_BY_KEY.seed, '  ').error, 'seed is empty or not a number: type a whole number in 0–9007199254740991.');
  // Text typed into the URL, which is not emptied, still shows what was there.
  assert.equal(parse(FIELD_BY_KEY.seed, 'e').error, 'seed must be a whole number, got “e”.');
});

test('settings: empty hidden widths are refused, not built as no hidden layers; “none” asks for none', () => {
  const r = parse(FIELD_BY_KEY.g_hidden, '');
  assert.equal(r.value, undefined);
  assert.equal(r.error, "G's hidden widths is empty: type one width per hidden layer, such as “256, 512”, or “none” for no hidden layers.");
  assert.match(parse(FIELD_BY_KEY.d_hidden, ' ').error, /such as “512, 256”/);
  assert.deepEqual(parse(FIELD_BY_KEY.g_hidden, 'none'), { value: [] });
  assert.deepEqual(parse(FIELD_BY_KEY.d_hidden, ' None '), { value: [] });
  // No hidden layers are written “none”, so the form and the URL read back what was built.
  assert.equal(format(FIELD_BY_KEY.g_hidden, []), 'none');
  assert.equal(controlText(FIELD_BY_KEY.g_hidden, []), 'none');
  assert.equal(controlText(FIELD_BY_KEY.g_hidden, [256, 512]), '256, 512');
  assert.equal(controlText(FIELD_BY_KEY.g_lr, 0.00019999999494757503), '0.0002');
  const defaults = fromConfig(DEFAULT_CONFIG);
  const query = toQuery({ ...defaults, g_hidden: [] }, defaults);
  assert.equal(query, 'seed=1&g_hidden=none');
  assert.deepEqual(fromQuery(query, defaults).flat.g_hidden, []);
  // An empty value in the URL keeps the default and says why.
  const { flat, messages } = fromQuery('g_hidden=', defaults);
  assert.deepEqual(flat.g_hidden, [256, 512]);
  assert.match(messages[0], /G's hidden widths is empty.*Kept 256,512\./);
});

test('settings: config → flat → config is the identity, and the URL round-trips', () => {
  const defaults = fromConfig(DEFAULT_CONFIG);
  assert.deepEqual(toConfig(defaults), DEFAULT_CONFIG);
  assert.equal(toQuery(defaults, defaults), 'seed=1');
  const custom = {
    ...DEFAULT_CONFIG, seed: 42, g_hidden: [64], conditional: true, batch_size: 16,
    d_optimizer: { kind: 'sgd', lr: 0.05, momentum: 0.5 },
  };
  const query = toQuery(fromConfig(custom), defaults);
  assert.equal(query, 'seed=42&g_hidden=64&conditional=1&batch_size=16&d_kind=sgd&d_lr=0.05&d_momentum=0.5');
  const { flat, messages } = fromQuery(query, defaults);
  assert.deepEqual(messages, []);
  assert.deepEqual(toConfig(flat), custom);
  assert.equal(format(FIELD_BY_KEY.g_lr, 0.00019999999494757503), '0.0002', 'f32 noise is hidden');
});

test('settings: an old link\'s names are aliases of the keys, read the same and never written', () => {
  const defaults = fromConfig(DEFAULT_CONFIG);
  const old = 'noise=12&slope=0.1&batch=16&loss=minimax&smoothing=0.2&instance_noise=0.3&wrong_labels=0.5&average=0.99&opt_g=sgd&lr_g=0.05&momentum_g=0.5&opt_d=adam&lr_d=0.001&beta1_d=0.6&beta2_d=0.99&eps_d=0.000001';
  const keys = 'noise_dim=12&leaky_slope=0.1&batch_size=16&generator_loss=minimax&label_smoothing=0.2&d_input_noise=0.3&d_mismatch=0.5&g_average=0.99&g_kind=sgd&g_lr=0.05&g_momentum=0.5&d_kind=adam&d_lr=0.001&d_beta1=0.6&d_beta2=0.99&d_eps=0.000001';
  const a = fromQuery(old, defaults);
  const b = fromQuery(keys, defaults);
  assert.deepEqual(a.messages, []);
  assert.deepEqual(a.flat, b.flat);
  assert.notDeepEqual(a.flat, defaults);
  for (const name of toQuery(a.flat, defaults).split('&').map((p) => p.split('=')[0])) assert.ok(name in FIELD_BY_KEY, `${name} is a key`);
});

test('settings: bad URL values keep the default and say why', () => {
  const defaults = fromConfig(DEFAULT_CONFIG);
  const { flat, messages } = fromQuery('g_lr=fast&batch_size=-5&wat=1', defaults);
  assert.equal(flat.g_lr, 0.002);
  assert.equal(flat.batch_size, defaults.batch_size, 'out of range in a link: the default, not the nearest edge');
  assert.equal(messages.length, 3);
  assert.match(messages.join(' '), new RegExp(`in the link, -5, is outside 1–\\d+: the default, ${defaults.batch_size}, is used`));
  assert.match(messages.join(' '), /learning rate must be a number.*Kept 0\.002/);
  assert.match(messages.join(' '), /Unknown setting “wat”/);
});

test('recipes set every training setting: tuned is the defaults; textbook is plain Adam, batch 64, one D step, no smoothing, noise, wrong labels or averaging', () => {
  const defaults = fromConfig(DEFAULT_CONFIG);
  const custom = { ...defaults, g_kind: 'sgd', g_lr: 0.1, label_smoothing: 0.3, batch_size: 8, d_steps: 3, generator_loss: 'minimax', g_hidden: [32] };
  assert.deepEqual(toConfig({ ...custom, ...recipe('tuned', defaults) }), { ...DEFAULT_CONFIG, g_hidden: [32] });
  const plain = toConfig({ ...custom, ...recipe('plain', defaults) });
  const adam = { kind: 'adam', lr: 0.0002, beta1: 0.5, beta2: 0.999, eps: 1e-8 };
  assert.deepEqual(plain, { ...DEFAULT_CONFIG, g_hidden: [32], batch_size: 64, d_steps: 1, generator_loss: 'non_saturating', label_smoothing: 0, d_input_noise: 0, d_mismatch: 0, g_average: 0, g_optimizer: adam, d_optimizer: adam });
});


test('settings changes are named with old and new values, an optimiser of another kind as one change', () => {
  const before = fromConfig(DEFAULT_CONFIG);
  assert.deepEqual(describeChanges(before, structuredClone(before)), []);
  const after = {
    ...structuredClone(before),
    batch_size: 32,
    g_hidden: [128],
    conditional: true,
    generator_loss: 'minimax',
    g_kind: 'sgd',
    g_lr: 0.01,
    g_momentum: 0.5, // of the new kind: part of the change of kind
    d_beta1: 0.9,
    d_lr: 0.0001,
  };
  assert.deepEqual(describeChanges(before, after), [
    "G's hidden widths [256, 512] → [128]",
    'conditional off → on',
    'batch size 64 → 32',
    'generator loss non-saturating → minimax',
    "G's optimiser Adam → SGD",
    "G's learning rate 0.002 → 0.01",
    "D's learning rate 0.0004 → 0.0001",
    "D's β₁ 0.5 → 0.9",
  ]);
});

test('switching optimiser picks a sensible learning rate', () => {
  const defaults = fromConfig(DEFAULT_CONFIG);
  assert.equal(defaultLr('sgd', defaults, 'g'), 0.01);
  assert.equal(defaultLr('adam', defaults, 'g'), 0.002);
  assert.equal(defaultLr('adam', defaults, 'd'), 0.0004);
});

test('fmtNum: counts with separators, decimals to a precision, huge and tiny in short scientific form', () => {
  // Counts (digits 0): rounded, thousands separators; scientific only past 1e15.
  assert.equal(fmtNum(10207, 0), '10,207');
  assert.equal(fmtNum(123456789, 0), '123,456,789');
  assert.equal(fmtNum(2.5, 0), '3');
  assert.equal(fmtNum(0, 0), '0');
  assert.equal(fmtNum(2e30, 0), '2e30');
  assert.equal(fmtInt(10207), '10,207');
  assert.equal(fmtInt(1e6), '1,000,000');
  // Decimals: fixed precision, separators; 3 by default.
  assert.equal(fmtNum(0.69314718), '0.693');
  assert.equal(fmtNum(0.5, 2), '0.50');
  assert.equal(fmtNum(1234.5), '1,234.500');
  assert.equal(fmtNum(-1.25, 1), '-1.3');
  assert.equal(fmtNum(0), '0.000');
  // The legend: a diverging loss of 6.048393209505099e+30.
  assert.equal(fmtNum(6.048393209505099e30), '6.05e30');
  assert.equal(fmtNum(-6.048393209505099e30), '-6.05e30');
  assert.equal(fmtNum(1e6), '1e6');
  assert.equal(fmtNum(1.5e7), '1.5e7');
  assert.equal(fmtNum(999999.5, 0), '1,000,000');
  // Too small for the precision: scientific, not 0.000 (and never “-0.000”).
  assert.equal(fmtNum(0.0004), '4e-4');
  assert.equal(fmtNum(-0.00012345), '-1.23e-4');
  assert.equal(fmtNum(1.5e-7, 2), '1.5e-7');
  assert.equal(fmtNum(0.0005), '0.001');
  assert.equal(fmtNum(-0), '0.000');
  // Nothing to show.
  for (const v of [null, undefined, NaN]) assert.equal(fmtNum(v), '–');
  assert.equal(fmtNum(NaN, 0), '–');
  assert.equal(fmtNum(Infinity), '∞');
  assert.equal(fmtNum(-Infinity, 0), '-∞');
  // Every result is short enough for an axis label or a legend.
  for (const v of [6.048393209505099e30, -1e300, 1e-300, 123456.789, Number.MAX_VALUE]) {
    assert.ok(fmtNum(v).length <= 12, `${v} → ${fmtNum(v)}`);
  }
});

test('chart ticks: as many decimals as the spacing needs', () => {
  assert.equal(tickDigits(0.25), 2);
  assert.equal(tickDigits(0.2), 1);
  assert.equal(tickDigits(0.1 + 0.2), 1, 'float noise in the spacing is ignored');
  assert.equal(tickDigits(5), 0);
  assert.equal(tickDigits(2.5), 1);
  assert.equal(tickDigits(1e29), 0);
  assert.equal(tickDigits(2e-9), 6, 'at most 6; fmtNum turns smaller values scientific');
  for (const bad of [0, -1, NaN, Infinity, undefined]) assert.equal(tickDigits(bad), 0);
  // Ticks of a diverging run's loss axis read as numbers, not “0,000”.
  assert.deepEqual([0, 2e30, 4e30, 6e30].map((v) => fmtNum(v, tickDigits(2e30))), ['0', '2e30', '4e30', '6e30']);
});

test('film strip milestones: 0, 100, 500, 1k, 2k, 5k, 10k, 20k, 50k…', () => {
  const found = [];
  for (let s = 0; s <= 200_000; s++) if (isMilestone(s)) found.push(s);
  assert.deepEqual(found, [0, 100, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000, 200000]);
  assert.equal(nextMilestone(0), 100);
  assert.equal(nextMilestone(100), 500);
  assert.equal(nextMilestone(999), 1000);
  assert.equal(nextMilestone(5000), 10000);
});

test('the vendored uPlot is the pinned npm package, unchanged', () => {
  const pinned = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')).dependencies.uplot;
  const vendored = fs.readFileSync(path.join(repo, 'www/vendor/uplot/uPlot.esm.js'), 'utf8');
  assert.match(vendored, new RegExp(`\\(v${pinned.replace(/\./g, '\\.')}\\)`), 'vendored version ≠ package.json');
  const npmDir = path.join(repo, 'node_modules/uplot');
  if (!fs.existsSync(npmDir)) return; // before `npm ci`: the version check above still ran
  for (const [ours, theirs] of [['uPlot.esm.js', 'dist/uPlot.esm.js'], ['uPlot.min.css', 'dist/uPlot.min.css'], ['LICENSE', 'LICENSE']]) {
    assert.ok(
      fs.readFileSync(path.join(repo, 'www/vendor/uplot', ours)).equals(fs.readFileSync(path.join(npmDir, theirs))),
      `www/vendor/uplot/${ours} differs from node_modules/uplot/${theirs}`,
    );
  }
});
