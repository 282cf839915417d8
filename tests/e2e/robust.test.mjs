// Nothing lost, nothing crashes (issue 6), end to end in headless Chromium: divergence
// pauses with a plain message and one click restores the last good state; the autosave
// brings a run back exactly after a reload; bad files and bad settings are refused with a
// message and change nothing; a Rust panic shows a banner with a reload button.
// Screenshots of the banners go to $SHOTS_DIR (/tmp/shots).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileBrowser, gridHash, openPage, safetensorsParts } from './browser.mjs';

const SHOTS = process.env.SHOTS_DIR || '/tmp/shots';
const SMALL = 'noise_dim=16&g_hidden=64&d_hidden=64&batch_size=32';

const browser = fileBrowser();
before(() => {
  fs.mkdirSync(SHOTS, { recursive: true });
});

const open = (query = SMALL) => openPage(browser(), query, { viewport: { width: 1280, height: 800 } });

const state = (page, fn, arg) => page.evaluate(fn, arg);
const steps = (page) => state(page, () => ganplay.engine.steps());
const shot = (page, name) => page.screenshot({ path: path.join(SHOTS, name) });

/** Trains `n` steps at once in the engine; the views catch up. */
const trainSteps = (page, n) => state(page, (n) => ganplay.trainSteps(n), n);

async function setField(page, selector, value) {
  await page.fill(selector, String(value));
  await page.press(selector, 'Tab');
}

// The case: the settings change (both optimisers to SGD, learning rates 10) at
// step 195; the newest periodic restore point, 200, is then taken with them in force, and
// training diverges. The banner must offer step 195, from before the change, name the
// change, and restore its settings with its weights.
test('divergence: training pauses with a plain message; one click restores the state from before the change', async () => {
  const page = await open(`${SMALL}&engine=worker`);
  await trainSteps(page, 195);
  const goodHash = await gridHash(page);
  const goodConfig = await state(page, () => ganplay.engine.configJson());
  const goodHistory = await state(page, () => ganplay.engine.exportHistory());
  assert.equal(await state(page, async () => (await ganplay.engine.restorePoints()).offered), 0);
  // A learning rate far too high.
  for (const n of ['g', 'd']) {
    await page.selectOption(`#${n}-kind`, 'sgd');
    await setField(page, `#${n}-lr`, 10);
  }
  // The four changes apply one after another, each from the settings the last left.
  await page.waitForFunction(() => ganplay.state.flat.d_lr === 10);
  const bad = await state(page, async () => JSON.parse(await ganplay.engine.configJson()));
  assert.deepEqual([bad.g_optimizer, bad.d_optimizer].map((o) => [o.kind, o.lr]), [['sgd', 10], ['sgd', 10]]);
  await page.click('#train');
  await page.waitForSelector('#diverge-banner:not([hidden])', { timeout: 30_000 });
  const text = await page.textContent('#diverge-text');
  assert.match(text, /^Training paused: (D|G)'s (loss|weights)[^.]* became (NaN|inf|-inf)/);
  assert.match(text, /at step \d+ \(phase: (D on real digits|G making fakes|D on fakes|G's fakes through D|G's update)\) — the learning rate may be too high/);
  assert.match(
    text,
    /The last healthy state is from step 195, before G's learning rate went from 0\.002 to 10 and D's learning rate from 0\.0004 to 10, and 2 more changes: restore it, with the settings it had then/,
  );
  assert.equal(await page.textContent('#restore-good'), 'Restore step 195');
  const divergedAt = Number(text.match(/at step (\d+)/)[1]);
  const points = await state(page, async () => (await ganplay.engine.restorePoints()).steps);
  console.log(`diverged at step ${divergedAt}; restore points ${points.join(', ')}`);
  if (divergedAt > 200) assert.ok(points.includes(200), 'the periodic point of step 200, with the bad settings, was kept and passed over');
  assert.equal(await state(page, () => ganplay.state.running), false);
  assert.equal(await state(page, async () => (await ganplay.engine.counters()).diverged), true);
  await page.locator('#diverge-banner').scrollIntoViewIfNeeded();
  await shot(page, 'robust-diverged.png');
  // A diverged run is not autosaved over the last good save.
  assert.equal(await state(page, () => ganplay.autosaveNow()), false);
  // Training on is refused with the same message, not silently.
  await page.click('#step');
  assert.match(await page.textContent('#diverge-text'), /the learning rate may be too high/);
  assert.equal(await page.isHidden('#error-banner'), true);
  assert.equal(await page.isHidden('#error-reload'), true);

  await page.click('#restore-good');
  await page.waitForSelector('#diverge-banner', { state: 'hidden' });
  assert.equal(await steps(page), 195);
  assert.equal(await state(page, async () => (await ganplay.engine.counters()).diverged), false);
  assert.equal(await state(page, () => ganplay.engine.configJson()), goodConfig);
  assert.deepEqual(await state(page, () => ganplay.engine.exportHistory()), goodHistory);
  assert.equal(await gridHash(page), goodHash, 'the grid of step 195, before the change');
  // The form shows the settings from before the change.
  for (const [n, lr] of [['g', '0.002'], ['d', '0.0004']]) {
    assert.equal(await page.inputValue(`#${n}-kind`), 'adam');
    assert.equal(await page.inputValue(`#${n}-lr`), lr);
  }
  const notice = await page.textContent('#notice-text');
  assert.match(notice, /Restored step 195/);
  assert.match(notice, /Settings changed: .*G's optimiser SGD → Adam, G's learning rate 10 → 0\.002/);
  assert.equal(await page.isHidden('#notice-undo'), true, 'no Undo back to a diverged run');
  await shot(page, 'robust-restored.png');
  // And it trains on, finitely.
  await trainSteps(page, 20);
  assert.equal(await steps(page), 215);
  const stats = await state(page, async () => (await ganplay.engine.counters()).stats);
  assert.ok(stats.every((v) => Number.isFinite(v)), `stats ${stats}`);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

/** Safetensors bytes with the header's metadata `config` replaced (offsets are relative to the data, so they stay right). */
function withConfig(bytes, config) {
  const { header, data } = safetensorsParts(bytes);
  header.__metadata__.config = config;
  const json = Buffer.from(JSON.stringify(header));
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([prefix, json, data]);
}

/** The metadata `config` of safetensors bytes. */
const configOf = (bytes) => safetensorsParts(bytes).header.__metadata__.config;

// (A checkpoint of another architecture whose tensors fit its configuration is a good
// file: loading it replaces the model, as "Load" should. What must be refused is one whose
// tensors do not fit the architecture it claims.)
test('bad files: empty, truncated, a PNG, a huge IDX header, shapes that do not fit; nothing changes', async () => {
  const page = await open();
  await trainSteps(page, 5);
  // A checkpoint of another architecture, made in the page and the model put back.
  const [mine, other] = await state(page, async () => {
    const engine = ganplay.engine;
    const mine = await engine.saveCheckpoint();
    const config = await engine.config();
    await engine.reset(JSON.stringify({ ...config, g_hidden: [32, 32] }));
    const other = await engine.saveCheckpoint();
    await engine.loadCheckpoint(mine);
    await ganplay.sync();
    return [Array.from(mine), Array.from(other)];
  });
  const hash = await gridHash(page);
  const n = await steps(page);
  const png = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]);
  const cases = [
    ['empty.safetensors', Buffer.alloc(0), /: this file is not a ganplay checkpoint: the file is empty\./],
    ['truncated.safetensors', Buffer.from(mine).subarray(0, mine.length >> 1), /: this checkpoint file is incomplete: .*truncated/],
    // Its first eight bytes read as a header length are a number that means nothing to a
    // learner: the page says only what the file is not.
    ['photo.safetensors', png, /: this file is not a ganplay checkpoint\. The model is unchanged\./],
    ['mismatch.safetensors', withConfig(Buffer.from(mine), configOf(Buffer.from(other))), /shape|another model/i],
  ];
  let tried = 0;
  for (const [name, buffer, why] of cases) {
    await page.setInputFiles('#load-model', { name, mimeType: 'application/octet-stream', buffer });
    await page.waitForSelector('#error-banner:not([hidden])', { timeout: 5000 }).catch(async (e) => {
      throw new Error(`${name}: ${e.message} ${await page.textContent('#status')} ${page.problems}`);
    });
    const text = await page.textContent('#error-text');
    assert.match(text, new RegExp(`Could not load “${name.replace('.', '\\.')}”`));
    assert.match(text, why);
    assert.match(text, /The model is unchanged\./);
    await page.click('#error-close');
    assert.equal(await steps(page), n);
    assert.equal(await gridHash(page), hash);
    tried++;
  }
  // IDX files with lying headers: huge dimensions, and an empty file.
  const huge = Buffer.alloc(16);
  huge.writeUInt32BE(0x803, 0);
  huge.writeUInt32BE(0xffffffff, 4);
  huge.writeUInt32BE(0xffffffff, 8);
  huge.writeUInt32BE(0xffffffff, 12);
  const labels = Buffer.alloc(8 + 3);
  labels.writeUInt32BE(0x801, 0);
  labels.writeUInt32BE(3, 4);
  for (const [images, why] of [
    [huge, /dimensions|limit|elements/i],
    [Buffer.alloc(0), /not an IDX file/],
  ]) {
    await page.setInputFiles('#load-idx', [
      { name: 'images.idx3-ubyte', mimeType: 'application/octet-stream', buffer: images },
      { name: 'labels.idx1-ubyte', mimeType: 'application/octet-stream', buffer: labels },
    ]);
    await page.waitForSelector('#error-banner:not([hidden])');
    const text = await page.textContent('#error-text');
    assert.match(text, why);
    assert.match(text, /Training data unchanged\./);
    await page.click('#error-close');
    assert.equal(await state(page, async () => (await ganplay.engine.counters()).dataLen), 10000);
    tried++;
  }
  assert.equal(tried, 6);
  assert.equal(await gridHash(page), hash);
  await page.context().close();
});

test('bad settings: NaN and out-of-range values in the URL and the controls never reach the model', async () => {
  const page = await open(`${SMALL}&g_lr=NaN&d_lr=1e9&d_steps=-3&label_smoothing=abc&g_eps=0`);
  const notice = await page.textContent('#notice-text');
  assert.match(notice, /G's learning rate must be a number, got “NaN”/);
  // Out of range in a link is a mistake, not a wish for the nearest edge: the default.
  assert.match(notice, /D's learning rate in the link, 1e9, is outside .*: the default, 0\.0004, is used/);
  assert.match(notice, /D steps per G step in the link, -3, is outside 1–20: the default, 1, is used/);
  assert.match(notice, /label smoothing must be a number/);
  const config = await state(page, async () => JSON.parse(await ganplay.engine.configJson()));
  assert.equal(config.d_optimizer.lr, 0.0004);
  assert.equal(config.d_steps, 1);
  for (const v of [config.g_optimizer.lr, config.g_optimizer.eps, config.label_smoothing]) assert.ok(Number.isFinite(v) && v > -1);
  // The batch control: text, negative, too big.
  // (A number input cannot even hold "NaN": the browser empties it, which is refused.)
  for (const [typed, expected] of [['NaN', 32], ['', 32], ['-5', 1], ['99999', 1024]]) {
    await state(page, (v) => {
      const el = document.getElementById('batch-size');
      el.value = v;
      el.dispatchEvent(new Event('change'));
    }, typed);
    assert.equal(await state(page, async () => JSON.parse(await ganplay.engine.configJson()).batch_size), expected);
  }
  // Defence in depth: the core refuses what the page would never send.
  for (const bad of ['{"g_optimizer":{"kind":"adam","lr":1e30}}', '{"batch_size":-5}', '{"label_smoothing":null}', '{"d_input_noise":1e999}']) {
    const err = await state(page, async (json) => {
      try {
        await ganplay.engine.setHyperparameters(json);
        return null;
      } catch (e) {
        return e.message;
      }
    }, bad);
    assert.ok(err, `${bad} was accepted`);
  }
  assert.equal(await state(page, async () => JSON.parse(await ganplay.engine.configJson()).batch_size), 1024);
  await page.context().close();
});

test('a long run keeps wasm memory flat after warm-up', { timeout: 300_000 }, async () => {
  const page = await open('noise_dim=16&g_hidden=32&d_hidden=32&batch_size=8');
  await state(page, () => {
    const speed = document.getElementById('speed');
    speed.value = speed.max;
    speed.dispatchEvent(new Event('input'));
  });
  const memory = () => state(page, () => ganplay.state.engine.memoryBytes());
  const trainUntil = (n) => page.waitForFunction((n) => ganplay.state.view.steps >= n, n, { timeout: 240_000, polling: 500 });
  await page.click('#train');
  await trainUntil(5_000);
  await state(page, () => ganplay.autosaveNow()); // its buffers are allocated once
  const warm = await memory();
  await trainUntil(25_000);
  await page.click('#train');
  assert.equal(await memory(), warm, 'wasm memory grew between step 5,000 and 25,000');
  assert.deepEqual(await state(page, () => ganplay.state.errors), []);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('the page’s builds have no test hook: asking for the deliberate panic does nothing', async () => {
  const page = await open();
  assert.equal(await state(page, () => ganplay.engine.debugPanic()), false);
  await page.click('#step');
  await page.waitForFunction(() => ganplay.state.view.steps === 1);
  assert.equal(await state(page, () => ganplay.state.broken), false);
  assert.equal(await page.isVisible('#error-banner'), false);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a Rust panic shows a banner with a reload button, and training stops', async () => {
  // pkg-test/: pkg/ with the core's test hooks (`make build-test`).
  const page = await open(`${SMALL}&wasm=test-hooks`);
  assert.equal(await state(page, () => ganplay.state.build), 'test-hooks');
  await page.click('#train');
  await page.waitForFunction(() => ganplay.state.view.steps > 2);
  // The documented test hook, called outside any handler: the uncaught trap must still show.
  await state(page, () => setTimeout(() => ganplay.engine.debugPanic(), 0));
  await page.waitForSelector('#error-banner:not([hidden])');
  const text = await page.textContent('#error-text');
  assert.match(text, /Internal error: .* failed inside the wasm module \(unreachable\)/);
  assert.match(text, /Rust said: panicked at .*debug_panic: a deliberate panic from the test hook\. Training is stopped/);
  assert.equal(await page.isVisible('#error-reload'), true);
  assert.equal(await state(page, () => ganplay.state.running), false);
  assert.equal(await state(page, () => ganplay.state.broken), true);
  await shot(page, 'robust-panic.png');
  await page.context().close();
});
