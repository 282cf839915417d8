// Nothing replaced without a way back (issue 11.3), end to end in headless Chromium: Reset,
// Load pretrained (paused or training), Load model and an architecture change each say in
// their notice which settings changed and offer Undo, which brings back the same grid,
// step, settings, charts and film strip. A failed load keeps the offer; a second
// replacement replaces it; Undo is not offered again after an Undo.
// (`engine=worker`: the threaded build is not rebuilt by `make build`.)
// Screenshots of the notice go to $SHOTS_DIR (/tmp/shots).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileBrowser, gridHash, openPage } from './browser.mjs';

const SHOTS = process.env.SHOTS_DIR || '/tmp/shots';

const SMALL = 'noise_dim=16&g_hidden=64&d_hidden=64&batch_size=32&engine=worker';

const browser = fileBrowser();
before(() => {
  fs.mkdirSync(SHOTS, { recursive: true });
});

const open = () => openPage(browser(), SMALL, { viewport: { width: 1280, height: 800 } });

const state = (page, fn, arg) => page.evaluate(fn, arg);
const steps = (page) => state(page, () => ganplay.engine.steps());
const trainSteps = (page, n) => state(page, (n) => ganplay.trainSteps(n), n);

/** Sets a training setting through its control and waits until it is in force. */
async function setSetting(page, selector, key, value) {
  await page.fill(selector, String(value));
  await page.press(selector, 'Tab');
  await page.waitForFunction(([key, value]) => ganplay.state.flat[key] === value, [key, value]);
}

/** Everything Undo must bring back: grid pixels, step, settings (engine and form), charts, film strip. */
async function run(page) {
  return {
    grid: await gridHash(page),
    ...(await state(page, async () => ({
      steps: await ganplay.engine.steps(),
      config: await ganplay.engine.configJson(),
      history: Array.from(await ganplay.engine.exportHistory()),
      charts: ganplay.state.history.length,
      strip: [...document.querySelectorAll('#film-strip figcaption')].map((c) => c.textContent),
    }))),
    form: {
      batch: await page.inputValue('#batch-size'),
      gLr: await page.inputValue('#g-lr'),
      gHidden: await page.inputValue('#g-hidden'),
      seed: await page.inputValue('#seed'),
    },
  };
}

/** Waits for the notice to match `re`; returns its text. */
async function noticeMatching(page, re) {
  await page.waitForFunction((src) => new RegExp(src).test(document.getElementById('notice-text').textContent), re.source, { timeout: 60_000 });
  return page.textContent('#notice-text');
}

async function undo(page) {
  assert.equal(await page.isVisible('#notice-undo'), true, 'Undo is offered');
  await page.click('#notice-undo');
  const text = await noticeMatching(page, /^Undone: back to step/);
  assert.equal(await page.isHidden('#notice-undo'), true, 'no Undo of the Undo');
  return text;
}

test('Reset offers Undo, names the seed it changed, and Undo brings the run back exactly', async () => {
  const page = await open();
  await setSetting(page, '#batch-size', 'batch_size', 48);
  await setSetting(page, '#g-lr', 'g_lr', 0.001);
  await trainSteps(page, 30);
  const before = await run(page);
  await page.fill('#seed', '7');
  await page.click('#reset');
  assert.equal(await noticeMatching(page, /^Reset/), 'Reset: new networks from seed 7, at step 0. Settings changed: seed 1 → 7.');
  assert.equal(await steps(page), 0);
  assert.notEqual(await gridHash(page), before.grid);
  assert.equal(await undo(page), 'Undone: back to step 30. Settings changed: seed 7 → 1.');
  assert.deepEqual(await run(page), before);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('Load pretrained offers Undo and names the settings it reset, paused or while training', { timeout: 180_000 }, async () => {
  const page = await open();
  await setSetting(page, '#g-lr', 'g_lr', 0.001);
  await trainSteps(page, 40);
  const before = await run(page);
  await page.click('#load-pretrained');
  const text = await noticeMatching(page, /^Loaded the pretrained/);
  assert.equal(
    text,
    'Loaded the pretrained unconditional model (step 5,000). Train to keep going from there. ' +
      "Settings changed: noise size 16 → 100, G's hidden widths [64] → [256, 512], D's hidden widths [64] → [512, 256], " +
      "batch size 32 → 64, G's learning rate 0.001 → 0.002.",
  );
  assert.equal(await steps(page), 5_000);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(SHOTS, 'undo-offer.png') });
  await undo(page);
  assert.deepEqual(await run(page), before);

  // While training: it pauses, and Undo brings back the step it had reached.
  await page.click('#train');
  await page.waitForFunction((n) => ganplay.state.view.steps >= n + 20, before.steps, { timeout: 60_000 });
  await page.click('#load-pretrained');
  await noticeMatching(page, /^Loaded the pretrained/);
  assert.equal(await state(page, () => ganplay.state.running), false);
  const reached = await state(page, () => ganplay.state.undo.step);
  assert.ok(reached >= before.steps + 20, `replaced at step ${reached}`);
  await undo(page);
  assert.equal(await steps(page), reached);
  assert.equal(await state(page, () => ganplay.engine.configJson()), before.config);
  assert.equal(await state(page, () => ganplay.state.history.length), reached * 5);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('Load model offers Undo, a failed load keeps the offer, and Undo brings the run back', async () => {
  const page = await open();
  await trainSteps(page, 25);
  const saved = Buffer.from(await state(page, async () => Array.from(await ganplay.engine.saveCheckpoint())));
  await setSetting(page, '#batch-size', 'batch_size', 48);
  await setSetting(page, '#g-lr', 'g_lr', 0.001);
  await trainSteps(page, 15);
  const before = await run(page);
  await page.setInputFiles('#load-model', { name: 'run-25.safetensors', mimeType: 'application/octet-stream', buffer: saved });
  assert.equal(
    await noticeMatching(page, /^Loaded “run-25/),
    "Loaded “run-25.safetensors”: step 25. Settings changed: batch size 48 → 32, G's learning rate 0.001 → 0.002.",
  );
  assert.equal(await steps(page), 25);
  // A bad file changes nothing, the Undo on offer included.
  await page.setInputFiles('#load-model', { name: 'empty.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.alloc(0) });
  await page.waitForSelector('#error-banner:not([hidden])');
  assert.match(await page.textContent('#error-text'), /Could not load “empty\.safetensors”: .* The model is unchanged\./);
  await page.click('#error-close');
  assert.equal(await steps(page), 25);
  assert.equal(await undo(page), "Undone: back to step 40. Settings changed: batch size 32 → 48, G's learning rate 0.002 → 0.001.");
  assert.deepEqual(await run(page), before);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('an architecture change offers Undo; a second replacement replaces the offer', async () => {
  const page = await open();
  page.on('dialog', (d) => d.accept());
  await trainSteps(page, 20);
  const first = await run(page);
  await page.fill('#g-hidden', '32');
  await page.press('#g-hidden', 'Tab');
  assert.equal(
    await noticeMatching(page, /^New networks/),
    "New networks from seed 1: G and D start again from random weights. Settings changed: G's hidden widths [64] → [32].",
  );
  await trainSteps(page, 10);
  const second = await run(page);
  assert.notDeepEqual(second.config, first.config);
  await page.click('#reset');
  await noticeMatching(page, /^Reset/);
  assert.equal(await steps(page), 0);
  // Undo goes back one replacement: to the run the Reset replaced, not the first one.
  await undo(page);
  assert.deepEqual(await run(page), second);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
