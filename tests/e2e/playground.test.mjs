// The playground page end to end (run by tests/e2e/run.mjs): every control of index.html
// driven the way a learner would, in headless Chromium. Most tests use a small network
// from the URL (SMALL) so that a step takes a millisecond or two; one trains the default
// networks for a while. Screenshots of the main states go to $SHOTS_DIR (/tmp/shots).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileBrowser, gridFresh, gridHash, openPage } from './browser.mjs';

const SHOTS = process.env.SHOTS_DIR || '/tmp/shots';
/** Seconds the default networks train in the "stays responsive" test. */
const LONG_TRAIN_S = Number(process.env.E2E_LONG_TRAIN_S || 30);
const SMALL = 'noise_dim=16&g_hidden=64&d_hidden=64&batch_size=32';

const browser = fileBrowser();
let tmp;
before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ganplay-e2e-'));
  fs.mkdirSync(SHOTS, { recursive: true });
});
after(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

// ---- helpers ----------------------------------------------------------------------------

/** Opens the page (with `query` settings) at `viewport` and waits until it is ready. */
const open = (query = SMALL, viewport = { width: 1280, height: 800 }) => openPage(browser(), query, { viewport });

const close = (page) => page.context().close();
const state = (page, fn, arg) => page.evaluate(fn, arg);
const steps = (page) => state(page, () => ganplay.engine.steps());
const config = (page) => state(page, async () => JSON.parse(await ganplay.engine.configJson()));
/** Waits until the interpolation strip runs from cell `a` to cell `b` (the engine draws it a moment later). */
const interpIs = (page, a, b) =>
  page.waitForFunction(([a, b]) => ganplay.state.explore.interp?.a === a && ganplay.state.explore.interp?.b === b && ganplay.state.explore.interp.steps === 10, [a, b], { timeout: 10_000 });

/** Clicks Train, waits until `n` more steps ran (or `ms`), clicks Pause. */
async function trainFor(page, { n, ms }) {
  const start = await steps(page);
  await page.click('#train');
  if (n) await page.waitForFunction((s) => ganplay.state.view.steps >= s, start + n, { timeout: 60_000 });
  else await page.waitForTimeout(ms);
  await page.click('#train');
  return (await steps(page)) - start;
}

/** Types into a settings control and leaves it (which fires `change`). */
async function setField(page, selector, value) {
  await page.fill(selector, String(value));
  await page.press(selector, 'Tab');
}

/** Draws a "7"-ish stroke on the pad with the mouse. */
async function drawSeven(page) {
  await page.locator('#pad').scrollIntoViewIfNeeded();
  const box = await page.locator('#pad').boundingBox();
  const at = (fx, fy) => [box.x + fx * box.width, box.y + fy * box.height];
  await page.mouse.move(...at(0.25, 0.2));
  await page.mouse.down();
  await page.mouse.move(...at(0.75, 0.2), { steps: 8 });
  await page.mouse.move(...at(0.45, 0.85), { steps: 10 });
  await page.mouse.up();
}

/** Centre of grid cell `index` in page coordinates. */
async function cellCentre(page, index) {
  await page.locator('#grid').scrollIntoViewIfNeeded();
  const box = await page.locator('#grid').boundingBox();
  const s = box.width / 298;
  return [box.x + ((index % 10) * 30 + 14) * s, box.y + (Math.floor(index / 10) * 30 + 14) * s];
}

/** Saves a download and returns its bytes and suggested name. */
async function take(download) {
  const file = path.join(tmp, download.suggestedFilename());
  await download.saveAs(file);
  return { name: download.suggestedFilename(), file, bytes: fs.readFileSync(file) };
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes) {
  assert.deepEqual([...bytes.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], 'PNG signature');
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

/** IDX bytes: `n` 28×28 images (a bar whose column depends on the digit) and labels. */
function idxPair(n) {
  const images = Buffer.alloc(16 + n * 784);
  images.writeUInt32BE(0x803, 0);
  images.writeUInt32BE(n, 4);
  images.writeUInt32BE(28, 8);
  images.writeUInt32BE(28, 12);
  const labels = Buffer.alloc(8 + n);
  labels.writeUInt32BE(0x801, 0);
  labels.writeUInt32BE(n, 4);
  for (let i = 0; i < n; i++) {
    const d = i % 10;
    labels[8 + i] = d;
    for (let r = 4; r < 24; r++) images[16 + i * 784 + r * 28 + 4 + 2 * d] = 255;
  }
  return { images, labels };
}

const shot = (page, name, fullPage = false) => page.screenshot({ path: path.join(SHOTS, name), fullPage });

// ---- tests ------------------------------------------------------------------------------

test('loads with no console errors, shows step 0 and a first snapshot', async () => {
  const page = await open('');
  await gridFresh(page);
  assert.equal(await page.textContent('#count-step'), '0');
  assert.equal(await page.locator('#film-strip .snap').count(), 1);
  assert.equal(await page.getAttribute('#film-strip .snap', 'data-step'), '0');
  assert.match(page.url(), /\?seed=1&lang=en$/); // the seed, and the page's language (www/i18n.js)
  assert.equal(await page.inputValue('#g-hidden'), '256, 512');
  assert.equal(await page.isHidden('#error-banner'), true);
  await page.waitForLoadState('networkidle');
  await shot(page, 'initial.png');
  assert.deepEqual(page.problems, []);
  await close(page);
});

test('Train runs steps in bounded frames and changes the grid; Pause stops; speed control', async () => {
  const page = await open();
  const before = await gridHash(page);
  await page.locator('#speed').fill('8');
  assert.equal(await state(page, () => ganplay.state.budgetMs), 8);
  assert.equal(await page.textContent('#speed-value'), '8 ms/frame');
  // How long frames take is measured by `make bench` (bench/page.mjs), not asserted here.
  const ran = await trainFor(page, { ms: 2500 });
  assert.ok(ran > 0, 'Train ran no steps');
  assert.ok(await state(page, () => ganplay.state.frameMs.length) > 0, 'no frame was timed');
  assert.notEqual(await gridHash(page), before, 'the grid did not change');
  assert.equal(await page.textContent('#count-step'), (await steps(page)).toLocaleString('en-US'));
  // Paused: no more steps.
  const paused = await steps(page);
  await page.waitForTimeout(300);
  assert.equal(await steps(page), paused);
  assert.equal(await page.textContent('#train'), 'Train');
  // A bigger budget runs more steps per frame.
  await page.locator('#speed').fill('40');
  await page.click('#train');
  await page.waitForTimeout(1200);
  const sps = Number((await page.textContent('#count-sps')).replace(/,/g, ''));
  const chunk = await state(page, () => ganplay.state.view.lastChunk);
  await page.click('#train');
  assert.ok(sps > 0, `steps/s shows ${sps}`);
  // The small model's step is well under a millisecond: a 40 ms budget fits many.
  assert.ok(chunk > 1, `only ${chunk} step per chunk with a 40 ms budget`);
  assert.ok(await state(page, () => ganplay.state.charts.rows) > 0, 'charts have no rows');
  assert.deepEqual(page.problems, []);
  await close(page);
});

test('Step, Step D and Step G update the counters and light the steps of the game', async () => {
  const page = await open();
  const counts = () => state(page, async () => { const c = await ganplay.engine.counters(); return [c.steps, c.dUpdates, c.gUpdates]; });
  await page.click('#step');
  assert.deepEqual(await counts(), [1, 1, 1]);
  assert.equal(await page.textContent('#count-step'), '1');
  assert.equal(await page.getAttribute('#explain', 'data-last-run'), '1,2,3');
  await page.waitForSelector('#gan-step-1.active');
  await page.waitForSelector('#gan-step-3.active');
  await page.click('#step-d');
  assert.deepEqual(await counts(), [1, 2, 1]);
  assert.equal(await page.textContent('#count-d'), '2');
  assert.equal(await page.getAttribute('#explain', 'data-last-run'), '1,2');
  await page.click('#step-g');
  assert.deepEqual(await counts(), [1, 2, 2]);
  assert.equal(await page.textContent('#count-g'), '2');
  assert.equal(await page.getAttribute('#explain', 'data-last-run'), '3');
  await page.waitForSelector('#gan-step-3.active');
  assert.equal(await page.locator('#gan-step-1.active').count(), 0);
  assert.match(await page.textContent('#live-3'), /G loss = \d/);
  assert.deepEqual(page.problems, []);
  await close(page);
});

test('Reset with a seed: new weights, and the same seed reproduces the same grid', async () => {
  const page = await open();
  const seed1 = await gridHash(page);
  await trainFor(page, { n: 5 });
  await setField(page, '#seed', '7');
  await page.click('#reset');
  assert.equal(await steps(page), 0);
  assert.equal((await config(page)).seed, 7);
  assert.match(page.url(), /seed=7/);
  assert.equal(await page.locator('#film-strip .snap').count(), 1);
  const seed7 = await gridHash(page);
  assert.notEqual(seed7, seed1);
  await setField(page, '#seed', '1');
  await page.click('#reset');
  assert.equal((await config(page)).seed, 1); // the engine has answered: the grid below is the new one
  assert.equal(await gridHash(page), seed1);
  // A seed that is not a number is refused with a message; the model stays. Typed “e”,
  // the number field reads as empty: the message says that, not “got “””.
  await page.fill('#seed', '');
  await page.click('#seed');
  await page.keyboard.type('e');
  assert.equal(await page.inputValue('#seed'), '');
  await page.click('#reset');
  const notice = await page.textContent('#notice-text');
  assert.match(notice, /seed is empty or not a number: type a whole number/);
  assert.doesNotMatch(notice, /“”/);
  assert.equal((await config(page)).seed, 1);
  assert.deepEqual(page.problems, []);
  await close(page);
});

test('every training setting reaches the model and the URL; bad values are clamped or refused', async () => {
  const page = await open();
  const cases = [
    ['#g-lr', '0.001', (c) => c.g_optimizer.lr, 0.001, 'g_lr=0.001'],
    ['#d-lr', '0.0003', (c) => c.d_optimizer.lr, 0.0003, 'd_lr=0.0003'],
    ['#g-beta1', '0.6', (c) => c.g_optimizer.beta1, 0.6, 'g_beta1=0.6'],
    ['#g-beta2', '0.99', (c) => c.g_optimizer.beta2, 0.99, 'g_beta2=0.99'],
    ['#g-eps', '1e-7', (c) => c.g_optimizer.eps, 1e-7, 'g_eps=1e-7'],
    ['#d-beta1', '0.4', (c) => c.d_optimizer.beta1, 0.4, 'd_beta1=0.4'],
    ['#d-beta2', '0.95', (c) => c.d_optimizer.beta2, 0.95, 'd_beta2=0.95'],
    ['#d-eps', '1e-6', (c) => c.d_optimizer.eps, 1e-6, 'd_eps=0.000001'],
    ['#batch-size', '16', (c) => c.batch_size, 16, 'batch_size=16'],
    ['#d-steps', '3', (c) => c.d_steps, 3, 'd_steps=3'],
    ['#label-smoothing', '0.2', (c) => c.label_smoothing, 0.2, 'label_smoothing=0.2'],
    ['#d-input-noise', '0.3', (c) => c.d_input_noise, 0.3, 'd_input_noise=0.3'],
    ['#d-mismatch', '0.5', (c) => c.d_mismatch, 0.5, 'd_mismatch=0.5'],
    ['#g-average', '0.99', (c) => c.g_average, 0.99, 'g_average=0.99'],
  ];
  for (const [sel, value, get, want, inUrl] of cases) {
    await setField(page, sel, value);
    const got = get(await config(page));
    assert.ok(Math.abs(got - want) <= 1e-6 * Math.abs(want), `${sel}: config has ${got}, want ${want}`);
    assert.ok(page.url().includes(inUrl), `${sel}: URL ${page.url()} lacks ${inUrl}`);
  }
  await page.selectOption('#generator-loss', 'minimax');
  assert.equal((await config(page)).generator_loss, 'minimax');
  assert.match(page.url(), /generator_loss=minimax/);
  // SGD: its own learning rate default and a momentum field.
  await page.selectOption('#g-kind', 'sgd');
  let c = await config(page);
  assert.deepEqual(c.g_optimizer, { kind: 'sgd', lr: 0.01, momentum: 0.9 });
  assert.equal(await page.isVisible('#g-momentum'), true);
  assert.equal(await page.isVisible('#g-beta1'), false);
  await setField(page, '#g-momentum', '0.8');
  assert.ok(Math.abs((await config(page)).g_optimizer.momentum - 0.8) < 1e-6);
  await page.selectOption('#d-kind', 'sgd');
  await setField(page, '#d-momentum', '0.5');
  c = await config(page);
  assert.equal(c.d_optimizer.kind, 'sgd');
  assert.ok(Math.abs(c.d_optimizer.momentum - 0.5) < 1e-6);
  assert.match(page.url(), /g_kind=sgd.*g_momentum=0\.8/);
  // Out of range: clamped, with a message.
  await setField(page, '#batch-size', '5000');
  assert.equal((await config(page)).batch_size, 1024);
  assert.equal(await page.inputValue('#batch-size'), '1024');
  assert.match(await page.textContent('#notice-text'), /batch size must be in 1–1024/);
  await setField(page, '#label-smoothing', '0.9');
  assert.equal((await config(page)).label_smoothing, 0.5);
  await setField(page, '#d-mismatch', '9');
  assert.equal((await config(page)).d_mismatch, 4);
  await setField(page, '#d-steps', '0');
  assert.equal((await config(page)).d_steps, 1);
  // Unreadable: refused, old value kept (never NaN).
  await setField(page, '#g-lr', '');
  assert.equal((await config(page)).g_optimizer.lr, 0.01);
  assert.equal(await page.inputValue('#g-lr'), '0.01');
  assert.match(await page.textContent('#notice-text'), /G's learning rate is empty or not a number: type a number in 0.000001–10\. Kept 0\.01\./);
  // Recipes: textbook, then back to the tuned default.
  // A recipe sets every training setting it names (batch size and D steps too), and says what changed.
  await page.click('#recipe-plain');
  await page.waitForFunction(() => /^Textbook recipe: .* Changed: /.test(document.getElementById('notice-text').textContent));
  c = await config(page);
  assert.deepEqual([c.batch_size, c.d_steps, c.generator_loss, c.label_smoothing, c.d_input_noise, c.d_mismatch, c.g_average, c.g_optimizer.kind, c.g_optimizer.lr, c.d_optimizer.lr], [64, 1, 'non_saturating', 0, 0, 0, 0, 'adam', 0.0002, 0.0002]);
  assert.equal(await page.inputValue('#d-input-noise'), '0');
  assert.equal(await page.inputValue('#batch-size'), '64');
  assert.match(page.url(), /label_smoothing=0&d_input_noise=0&d_mismatch=0/);
  assert.match(await page.textContent('#notice-text'), /batch size 1024 → 64/);
  await page.click('#recipe-tuned');
  await page.waitForFunction(() => /^Tuned recipe: .* Changed: .*G's learning rate 0\.0002 → 0\.002/.test(document.getElementById('notice-text').textContent));
  c = await config(page);
  assert.deepEqual([c.label_smoothing, c.d_input_noise, c.d_mismatch, c.g_average, c.g_optimizer.lr, c.batch_size], [0.1, 0.2, 1.5, 0.999, 0.002, 64]);
  assert.equal(c.conditional, false, 'a recipe keeps the architecture');
  // The model still trains with all of that.
  await page.click('#step');
  assert.equal(await steps(page), 1);
  assert.deepEqual(page.problems, []);
  await close(page);
});

test('a learning rate typed while the switch to SGD is applied is the one that counts', async () => {
  const page = await open();
  // The switch sets D's learning rate to SGD's default and redraws the form; typing has
  // begun before that redraw lands, and the typed text must survive it. The engine's
  // answer is held back 400 ms, so that the typing surely comes first.
  await page.evaluate(() => {
    const engine = (window.realEngine = ganplay.state.engine);
    const later = (json) => new Promise((r) => setTimeout(r, 400)).then(() => engine.setHyperparameters(json));
    ganplay.state.engine = new Proxy(engine, { get: (e, name) => (name === 'setHyperparameters' ? later : e[name]) });
  });
  await page.selectOption('#d-kind', 'sgd');
  await page.fill('#d-lr', '10');
  await page.waitForFunction(() => ganplay.state.flat.d_kind === 'sgd');
  await page.evaluate(() => {
    ganplay.state.engine = window.realEngine;
  });
  assert.equal(await page.inputValue('#d-lr'), '10', 'the redraw kept what is being typed');
  await page.press('#d-lr', 'Tab');
  await page.waitForFunction(() => ganplay.state.flat.d_lr === 10);
  assert.equal((await config(page)).d_optimizer.lr, 10);
  assert.equal(await page.inputValue('#d-lr'), '10');
  // Typed into and left as it was (no change): later redraws reach the control again.
  const shown = await page.inputValue('#g-lr');
  await page.fill('#g-lr', '0.5');
  await page.fill('#g-lr', shown);
  await page.press('#g-lr', 'Tab');
  await page.click('#recipe-plain');
  await page.waitForFunction(() => ganplay.state.flat.g_lr === 0.0002);
  await page.waitForFunction(() => document.getElementById('g-lr').value === '0.0002');
  assert.deepEqual(page.problems, []);
  await close(page);
});

test('architecture settings re-initialise only after confirming', async () => {
  const page = await open();
  await page.click('#step');
  let answer = 'dismiss';
  const asked = [];
  page.on('dialog', (d) => {
    asked.push(d.message());
    return answer === 'accept' ? d.accept() : d.dismiss();
  });
  await setField(page, '#leaky-slope', '0.3');
  assert.equal(asked.length, 1);
  assert.match(asked[0], /new networks/);
  assert.equal((await config(page)).leaky_slope, 0.2);
  assert.equal(await page.inputValue('#leaky-slope'), '0.2');
  assert.equal(await steps(page), 1, 'a cancelled change must keep the model');
  answer = 'accept';
  await setField(page, '#g-hidden', '32, 48');
  assert.deepEqual((await config(page)).g_hidden, [32, 48]);
  assert.equal(await steps(page), 0);
  assert.match(page.url(), /g_hidden=32%2C48/);
  await setField(page, '#d-hidden', '40');
  assert.deepEqual((await config(page)).d_hidden, [40]);
  await setField(page, '#noise-dim', '8');
  assert.equal((await config(page)).noise_dim, 8);
  await setField(page, '#leaky-slope', '0.1');
  assert.ok(Math.abs((await config(page)).leaky_slope - 0.1) < 1e-6);
  await setField(page, '#g-hidden', '1,2,3,4,5,6,7');
  assert.match(await page.textContent('#notice-text'), /at most 6 hidden layers/);
  assert.deepEqual((await config(page)).g_hidden, [32, 48]);
  // An emptied field is refused (it used to build G with no hidden layers), and shows
  // the widths in force again.
  await setField(page, '#g-hidden', '');
  assert.match(await page.textContent('#notice-text'), /G's hidden widths is empty: .*Kept 32,48\./);
  assert.deepEqual((await config(page)).g_hidden, [32, 48]);
  assert.equal(await page.inputValue('#g-hidden'), '32, 48');
  assert.equal(asked.length, 5);
  await page.click('#step');
  assert.equal(await steps(page), 1);
  assert.deepEqual(page.problems, []);
  await close(page);
});

test('conditional mode: ten labelled rows, and D scores a drawing for every digit', async () => {
  const page = await open(`${SMALL}&seed=3`);
  page.on('dialog', (d) => d.accept());
  assert.equal(await page.isHidden('#row-labels'), true);
  assert.equal(await page.isHidden('#gan-step-1-wrong'), true);
  await page.check('#conditional');
  assert.equal((await config(page)).conditional, true);
  assert.match(page.url(), /conditional=1/);
  // Step 1 says that D also sees real digits under wrong labels, while that is on.
  assert.equal(await page.isVisible('#gan-step-1-wrong'), true);
  assert.equal(await page.isVisible('#value-fn-wrong'), true);
  await setField(page, '#d-mismatch', '0');
  await page.waitForSelector('#gan-step-1-wrong', { state: 'hidden' });
  assert.equal(await page.isHidden('#value-fn-wrong'), true);
  await setField(page, '#d-mismatch', '1');
  const labels = page.locator('#row-labels li');
  assert.equal(await labels.count(), 10);
  assert.deepEqual(await labels.allTextContents(), ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  assert.equal(await page.isVisible('#row-labels'), true);
  assert.equal(await state(page, async () => (await ganplay.engine.gridCell(73)).label), 7);
  await page.locator('#speed').fill('30');
  await trainFor(page, { ms: 6000 });
  await drawSeven(page);
  await page.waitForFunction(() => ganplay.state.pad.labelScores?.length === 10);
  assert.equal(await page.locator('#score-labels .label-bar').count(), 10);
  assert.equal(await page.isVisible('#score-labels'), true);
  await gridFresh(page);
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, 'conditional.png');
  // The ascent claims D's favourite digit in conditional mode.
  await page.click('#ascend');
  await page.waitForFunction(() => ganplay.state.pad.lastAscent, null, { timeout: 20_000 });
  assert.match(await page.textContent('#ascend-status'), /as a \d/);
  assert.deepEqual(page.problems, []);
  await close(page);
});

test('settings in the URL: read, or refused with a message (out of range in a link: the default), and written back', async () => {
  const query = 'seed=5&g_lr=0.001&batch_size=16&generator_loss=minimax&d_kind=sgd&d_lr=0.05&g_hidden=32,64&d_hidden=48&noise_dim=12&label_smoothing=0.2&d_input_noise=0&d_steps=2';
  const page = await open(query);
  const c = await config(page);
  assert.equal(c.seed, 5);
  assert.equal(c.g_optimizer.lr, 0.001);
  assert.equal(c.batch_size, 16);
  assert.equal(c.generator_loss, 'minimax');
  assert.deepEqual(c.d_optimizer, { kind: 'sgd', lr: 0.05, momentum: 0.9 });
  assert.deepEqual([c.g_hidden, c.d_hidden, c.noise_dim, c.d_steps, c.d_input_noise], [[32, 64], [48], 12, 2, 0]);
  assert.equal(await page.inputValue('#seed'), '5');
  assert.equal(await page.inputValue('#d-kind'), 'sgd');
  // Written back: the same settings (in the page's order), so the link reproduces the run.
  const written = new URLSearchParams(new URL(page.url()).search);
  for (const [k, v] of new URLSearchParams(query)) assert.equal(written.get(k), v, `URL ${k}`);
  const again = await open(new URL(page.url()).search.slice(1));
  assert.deepEqual(await config(again), c);
  assert.equal(await gridHash(again), await gridHash(page));
  await close(again);
  // A link shared before the settings had one spelling each (lr_g, batch, loss, opt_d, noise,
  // smoothing, instance_noise…) opens the same run, and is written back under the keys.
  const old = await open('seed=5&lr_g=0.001&batch=16&loss=minimax&opt_d=sgd&lr_d=0.05&g_hidden=32,64&d_hidden=48&noise=12&smoothing=0.2&instance_noise=0&d_steps=2');
  assert.deepEqual(await config(old), c);
  assert.equal(await gridHash(old), await gridHash(page));
  assert.equal(new URL(old.url()).search, new URL(page.url()).search);
  assert.deepEqual(old.problems, []);
  await close(old);
  await close(page);

  const bad = await open('seed=2&batch_size=5000&g_lr=abc&generator_loss=sideways&conditional=maybe&g_hidden=0,99999&colour=red');
  const b = await config(bad);
  assert.equal(b.batch_size, 64); // out of range in a link: the default, not the edge
  assert.equal(b.g_optimizer.lr, 0.002);
  assert.equal(b.generator_loss, 'non_saturating');
  assert.equal(b.conditional, false);
  assert.deepEqual(b.g_hidden, [1, 4096]);
  const notice = await bad.textContent('#notice-text');
  for (const re of [/batch size in the link, 5000, is outside 1–1024: the default, 64, is used/, /learning rate must be a number/, /generator loss must be one of/, /conditional must be on or off/, /Unknown setting “colour”/, /each width must be in 1–4096/]) {
    assert.match(notice, re);
  }
  assert.doesNotMatch(bad.url(), /colour|abc/);
  assert.deepEqual(bad.problems, []);
  await close(bad);
});

test('film strip: snapshots at step 0 and 100, each downloadable as PNG', async () => {
  const page = await open();
  await page.locator('#speed').fill('40');
  await trainFor(page, { n: 100 });
  await page.waitForSelector('#film-strip .snap[data-step="100"]');
  assert.deepEqual(await page.locator('#film-strip .snap').evaluateAll((els) => els.map((e) => e.dataset.step)).then((s) => s.slice(0, 2)), ['0', '100']);
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#film-strip .snap[data-step="100"] .snap-download')]);
  const { name, bytes } = await take(dl);
  assert.equal(name, 'ganplay-step-100.png');
  assert.deepEqual(pngSize(bytes), [298, 298]);
  assert.deepEqual(page.problems, []);
  await close(page);
});

test('drawing on the pad: the MNIST-style 28×28 image and a live D score; brush; clear', async () => {
  const page = await open();
  assert.equal(await page.textContent('#score-value'), '–');
  await drawSeven(page);
  await page.waitForFunction(() => ganplay.state.pad.score != null);
  const score = Number(await page.textContent('#score-value'));
  assert.ok(score >= 0 && score <= 1, `score ${score}`);
  // Fitted to 20×20 and centred by mass: ink inside the field, centre of mass near the middle.
  const fit = await state(page, () => {
    const img = ganplay.state.pad.image;
    let m = 0, mx = 0, my = 0, x0 = 28, x1 = -1, y0 = 28, y1 = -1;
    for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) {
      const v = (img[y * 28 + x] + 1) / 2;
      m += v; mx += v * x; my += v * y;
      if (v > 0.15) { x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
    }
    return { cx: mx / m, cy: my / m, w: x1 - x0 + 1, h: y1 - y0 + 1 };
  });
  assert.ok(Math.abs(fit.cx - 13.5) <= 1 && Math.abs(fit.cy - 13.5) <= 1, `centre of mass ${fit.cx}, ${fit.cy}`);
  assert.ok(Math.max(fit.w, fit.h) >= 18 && Math.max(fit.w, fit.h) <= 20, `ink box ${fit.w}×${fit.h}`);
  // D's verdict follows training.
  await trainFor(page, { n: 30 });
  await page.waitForFunction((s) => Number(document.getElementById('score-value').textContent) !== s, score);
  await shot(page, 'drawing-judged.png');
  // A thicker brush puts more ink on the pad.
  const ink = () => state(page, () => {
    const c = document.getElementById('pad');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let s = 0;
    for (let i = 0; i < d.length; i += 4) s += d[i];
    return s;
  });
  await page.click('#pad-clear');
  assert.equal(await ink(), 0);
  await page.waitForFunction(() => document.getElementById('score-value').textContent === '–');
  await page.locator('#brush').fill('8');
  await drawSeven(page);
  const thin = await ink();
  await page.click('#pad-clear');
  await page.locator('#brush').fill('36');
  assert.equal(await page.textContent('#brush-value'), '36 px');
  await drawSeven(page);
  assert.ok((await ink()) > thin * 2, 'the 36 px brush should leave much more ink than the 8 px one');
  assert.deepEqual(page.problems, []);
  await close(page);
});

test('Can D generate? Gradient ascent raises D’s score', async () => {
  const page = await open();
  await trainFor(page, { n: 50 });
  await drawSeven(page);
  await page.waitForFunction(() => ganplay.state.pad.score != null);
  await page.click('#ascend');
  assert.equal(await page.isDisabled('#ascend'), true);
  await page.waitForFunction(() => ganplay.state.pad.lastAscent, null, { timeout: 20_000 });
  const { first, last, steps: n } = await state(page, () => ganplay.state.pad.lastAscent);
  assert.equal(n, 100);
  assert.ok(last > first, `D(x) went ${first} → ${last}`);
  assert.match(await page.textContent('#ascend-status'), /step 100\/100/);
  assert.equal(Number(await page.textContent('#score-value')).toFixed(3), last.toFixed(3));
  assert.equal(await page.isDisabled('#ascend'), false);
  assert.deepEqual(page.problems, []);
  await close(page);
});

test('drag one of G’s digits onto the pad to judge it (the page scrolls to the pad)', async () => {
  const page = await open();
  await trainFor(page, { n: 20 });
  await gridFresh(page);
  await page.evaluate(() => window.scrollTo(0, 0));
  const [x, y] = await cellCentre(page, 23);
  const pad = await page.locator('#pad').boundingBox();
  const viewport = page.viewportSize();
  assert.ok(pad.y > viewport.height, 'the pad starts below the fold');
  await page.mouse.move(x, y);
  await page.mouse.down();
  // Hold the digit near the bottom edge: the page scrolls up to the pad; then onto it.
  await page.mouse.move(pad.x + pad.width / 2, viewport.height - 15, { steps: 12 });
  assert.equal(await page.locator('.drag-ghost').count(), 1);
  await page.waitForFunction(() => document.getElementById('pad').getBoundingClientRect().top < innerHeight - 150);
  await page.mouse.move(pad.x + pad.width / 2, viewport.height - 100, { steps: 2 });
  const now = await page.locator('#pad').boundingBox();
  await page.mouse.move(now.x + now.width / 2, now.y + now.height / 2, { steps: 2 });
  await page.waitForSelector('#pad.drop-target');
  await page.mouse.up();
  assert.ok(await state(page, () => window.scrollY) > 0);
  assert.equal(await page.locator('.drag-ghost').count(), 0);
  await page.waitForFunction(() => ganplay.state.pad.source === 'g' && ganplay.state.pad.score != null);
  const same = await state(page, async () => {
    const s = ganplay.state;
    const grid = (await s.engine.gridCell(23)).image;
    return s.pad.image.every((v, i) => v === grid[i]);
  });
  assert.ok(same, 'the pad should judge exactly G’s image of cell 23');
  // A drag is not a click: nothing got picked for exploring.
  assert.equal(await state(page, () => ganplay.state.explore.index), null);
  // Editing it: drawing on top re-reads the pad.
  await drawSeven(page);
  await page.waitForFunction(() => ganplay.state.pad.source === 'pad');
  assert.deepEqual(page.problems, []);
  await close(page);
});

test('explore: pick a digit, move its z with sliders, interpolate A→B, nearest real digit', async () => {
  const page = await open();
  await trainFor(page, { n: 40 });
  await gridFresh(page);
  await page.mouse.click(...(await cellCentre(page, 12)));
  await page.waitForSelector('#explore-body:not([hidden])');
  assert.equal(await state(page, () => ganplay.state.explore.index), 12);
  assert.equal(await state(page, () => ganplay.state.explore.a?.index), 12, 'the first pick becomes A');
  await page.waitForFunction(() => ganplay.state.explore.image);
  const base = await state(page, () => Array.from(ganplay.state.explore.image));
  await page.waitForFunction(() => ganplay.state.explore.nearest);
  const nearest = await state(page, () => ganplay.state.explore.nearest);
  assert.ok(nearest.index >= 0 && nearest.index < 10000);
  assert.match(await page.textContent('#nearest-caption'), new RegExp(`a ${nearest.label} \\(#${nearest.index}\\)`));
  // Slider 1 to +3: a different image.
  await page.locator('#z-dir-0').fill('3');
  await page.waitForFunction((b) => ganplay.state.explore.image.some((v, i) => Math.abs(v - b[i]) > 1e-4), base);
  assert.match(await page.textContent('#explore-caption'), /moved by the sliders/);
  await page.locator('#z-dir-4').fill('-2');
  assert.equal(await page.textContent('#z-sliders label:nth-child(5) output'), '-2.0');
  await page.click('#z-zero');
  await page.waitForFunction((b) => ganplay.state.explore.image.every((v, i) => Math.abs(v - b[i]) < 1e-6), base);
  // Shift-click sets B: the interpolation strip shows 10 images.
  await page.keyboard.down('Shift');
  await page.mouse.click(...(await cellCentre(page, 87)));
  await page.keyboard.up('Shift');
  await page.waitForSelector('#interp:not([hidden])');
  await interpIs(page, 12, 87);
  assert.equal(await page.getAttribute('#interp', 'width'), '298');
  // The buttons too: pick 40, set it as A.
  await page.mouse.click(...(await cellCentre(page, 40)));
  await page.click('#set-a');
  await interpIs(page, 40, 87);
  await page.click('#set-b');
  assert.equal(await state(page, () => ganplay.state.explore.b.index), 40);
  await page.click('#to-pad');
  await page.waitForFunction(() => ganplay.state.pad.source === 'g' && ganplay.state.pad.score != null);
  // The keyboard: arrows move the pick, B sets B.
  await page.focus('#grid');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowDown');
  assert.equal(await state(page, () => ganplay.state.explore.index), 51);
  await page.keyboard.press('b');
  await interpIs(page, 40, 51);
  assert.deepEqual(page.problems, []);
  await close(page);
});

test('save the model, load it back: identical samples; a corrupt file is refused', async () => {
  const page = await open();
  await trainFor(page, { n: 25 });
  const savedSteps = await steps(page);
  const savedGrid = await gridHash(page);
  const savedHistory = await page.evaluate(async () => Array.from(await ganplay.engine.exportHistory()));
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#save-model')]);
  const saved = await take(dl);
  assert.equal(saved.name, `ganplay-${savedSteps}.safetensors`);
  assert.ok(saved.bytes.length > 1000, `checkpoint of ${saved.bytes.length} bytes`);
  await trainFor(page, { n: 10 });
  assert.notEqual(await gridHash(page), savedGrid);
  await page.setInputFiles('#load-model', saved.file);
  await page.waitForFunction((s) => ganplay.state.view.steps === s, savedSteps);
  assert.equal(await gridHash(page), savedGrid);
  assert.match(await page.textContent('#film-strip .snap figcaption'), new RegExp(`loaded at step ${savedSteps}`));
  assert.equal(await page.isHidden('#error-banner'), true);
  // The checkpoint holds the charts' history: they go on from where they were saved.
  assert.deepEqual(await page.evaluate(async () => Array.from(await ganplay.engine.exportHistory())), savedHistory);
  const rows = (savedHistory.length - 6) / 5;
  assert.ok(rows >= 25, `${rows} rows saved`);
  await page.waitForFunction((n) => ganplay.state.charts.rows === n, rows);

  // Corrupt: truncated and garbage. The banner explains; the model stays.
  const current = await gridHash(page);
  await page.setInputFiles('#load-model', { name: 'broken.safetensors', mimeType: 'application/octet-stream', buffer: saved.bytes.subarray(0, 200) });
  await page.waitForSelector('#error-banner:not([hidden])');
  assert.match(await page.textContent('#error-text'), /Could not load “broken\.safetensors”: .+ The model is unchanged\./);
  await page.click('#error-close');
  await page.setInputFiles('#load-model', { name: 'noise.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from('definitely not a checkpoint') });
  await page.waitForSelector('#error-banner:not([hidden])');
  // Said in words: not the byte count its first eight bytes would claim (issue 23's audit).
  assert.match(await page.textContent('#error-text'), /Could not load “noise\.safetensors”: this file is not a ganplay checkpoint\./);
  assert.doesNotMatch(await page.textContent('#error-text'), /\d{6,}/);
  assert.equal(await steps(page), savedSteps);
  assert.equal(await gridHash(page), current);
  await close(page);
});

test('export the grid as PNG: native 298×298 and 4×', async () => {
  const page = await open();
  const [a] = await Promise.all([page.waitForEvent('download'), page.click('#export-png')]);
  const native = await take(a);
  assert.equal(native.name, 'ganplay-grid-step-0.png');
  assert.deepEqual(pngSize(native.bytes), [298, 298]);
  const [b] = await Promise.all([page.waitForEvent('download'), page.click('#export-png-4x')]);
  const big = await take(b);
  assert.equal(big.name, 'ganplay-grid-step-0-4x.png');
  assert.deepEqual(pngSize(big.bytes), [1192, 1192]);
  assert.deepEqual(page.problems, []);
  await close(page);
});

test('your own IDX data: a good pair trains; bad files are refused and the data stays', async () => {
  const page = await open();
  const { images, labels } = idxPair(50);
  const dataLen = () => state(page, async () => (await ganplay.engine.counters()).dataLen);
  await page.setInputFiles('#load-idx', [
    { name: 'bars-images.idx3-ubyte.gz', mimeType: 'application/gzip', buffer: zlib.gzipSync(images) },
    { name: 'bars-labels.idx1-ubyte', mimeType: 'application/octet-stream', buffer: labels },
  ]);
  await page.waitForFunction(() => ganplay.state.view.dataLen === 50);
  assert.match(await page.textContent('#data-source'), /bars-images.*bars-labels.*\(50 images\)/);
  await page.click('#step');
  assert.equal(await steps(page), 1);
  // Only one file.
  await page.setInputFiles('#load-idx', [{ name: 'lonely.idx1-ubyte', mimeType: 'application/octet-stream', buffer: labels }]);
  await page.waitForSelector('#error-banner:not([hidden])');
  assert.match(await page.textContent('#error-text'), /Pick both files/);
  await page.click('#error-close');
  // Not IDX at all.
  await page.setInputFiles('#load-idx', [
    { name: 'photo.jpg', mimeType: 'image/jpeg', buffer: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]) },
    { name: 'bars-labels.idx1-ubyte', mimeType: 'application/octet-stream', buffer: labels },
  ]);
  await page.waitForSelector('#error-banner:not([hidden])');
  assert.match(await page.textContent('#error-text'), /“photo\.jpg” is not an IDX file/);
  await page.click('#error-close');
  // IDX, but the counts disagree: the Rust loader refuses it.
  await page.setInputFiles('#load-idx', [
    { name: 'i.idx3-ubyte', mimeType: 'application/octet-stream', buffer: images },
    { name: 'l.idx1-ubyte', mimeType: 'application/octet-stream', buffer: idxPair(7).labels },
  ]);
  await page.waitForSelector('#error-banner:not([hidden])');
  assert.match(await page.textContent('#error-text'), /Could not use your data: .+ Training data unchanged\./);
  assert.equal(await dataLen(), 50);
  await page.click('#builtin-data');
  assert.equal(await dataLen(), 10000);
  assert.match(await page.textContent('#data-source'), /built-in MNIST \(10,000 images\)/);
  await close(page);
});

test('a wasm trap shows the internal-error banner and stops training', async () => {
  const page = await open();
  await page.click('#train');
  await state(page, () => ganplay.guard('Testing', () => { throw new WebAssembly.RuntimeError('unreachable'); }));
  await page.waitForSelector('#error-banner:not([hidden])');
  assert.match(await page.textContent('#error-text'), /Internal error: Testing failed inside the wasm module \(unreachable\)/);
  assert.equal(await state(page, () => ganplay.state.running), false);
  const n = await steps(page);
  await page.waitForTimeout(200);
  assert.equal(await steps(page), n);
  await close(page);
});

test('narrow screen: one column, nothing wider than the screen', async () => {
  const page = await open(SMALL, { width: 390, height: 844 });
  const overflow = await state(page, () => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow} px wider than the screen`);
  const gridBox = await page.locator('#grid').boundingBox();
  assert.ok(gridBox.width > 300 && gridBox.x + gridBox.width <= 390, `grid at ${JSON.stringify(gridBox)}`);
  await shot(page, 'narrow.png', true);
  assert.deepEqual(page.problems, []);
  await close(page);
});

test(`the default networks train for ${LONG_TRAIN_S} s and the page stays responsive`, { timeout: (LONG_TRAIN_S + 60) * 1000 }, async () => {
  const page = await open('');
  await page.locator('#speed').fill('40');
  await page.click('#train');
  const t0 = Date.now();
  const lags = [];
  while (Date.now() - t0 < LONG_TRAIN_S * 1000) {
    await page.waitForTimeout(2000);
    // The page must keep answering and drawing while it trains: a loose bound that a
    // frozen page fails (how fast is for `make bench`).
    const s = Date.now();
    await page.evaluate(() => 0);
    lags.push(Date.now() - s);
    const frames = await page.evaluate(() => new Promise((resolve) => {
      let n = 0;
      const t0 = performance.now();
      const tick = () => (++n, performance.now() - t0 < 1000 ? requestAnimationFrame(tick) : resolve(n));
      requestAnimationFrame(tick);
    }));
    assert.ok(frames >= 2, `${frames} animation frames in a second while training`);
  }
  assert.ok(Math.max(...lags) < 2000, `the page took ${Math.max(...lags)} ms to answer while training`);
  console.log(`# ${LONG_TRAIN_S} s of training: the page answered in at most ${Math.max(...lags)} ms`);
  await shot(page, 'training-30s.png');
  await page.click('#train');
  const n = await steps(page);
  assert.ok(n > 0, `no steps in ${LONG_TRAIN_S} s`);
  assert.ok(lags.length > 0, 'the page was never asked');
  assert.ok(await state(page, () => ganplay.state.charts.rows) > 0);
  if (n >= 100) assert.ok(await page.locator('#film-strip .snap[data-step="100"]').count(), 'no snapshot at step 100');
  assert.deepEqual(page.problems, []);
  await close(page);
});
