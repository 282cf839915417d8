// Where training runs (www/engine/connect.js): on every core (threads), in one worker, or
// on the page's own thread, each forced by `?engine=` and each training, stepping and
// judging the same way; the page says which in its header; a hidden tab trains on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { drawStroke, fileBrowser, gridHash, openPage } from './browser.mjs';

const SMALL = 'noise_dim=16&g_hidden=64&d_hidden=64&batch_size=32';

const browser = fileBrowser();

const open = (query) => openPage(browser(), query, { viewport: { width: 1280, height: 800 } });

const state = (page, fn, arg) => page.evaluate(fn, arg);
const steps = (page) => state(page, () => ganplay.engine.steps());

for (const [path, label] of [['threads', /^\d+ threads? · relaxed SIMD$/], ['worker', /^1 worker · (relaxed SIMD|simd128)$/], ['main', /^main thread · (relaxed SIMD|simd128)$/]]) {
  test(`engine=${path}: trains, steps by hand, judges a drawing, and the header says where`, async () => {
    const page = await open(`${SMALL}&engine=${path}`);
    assert.equal(await state(page, () => ganplay.state.path), path);
    assert.match(await page.textContent('#engine-path'), label);
    if (path === 'threads') assert.ok(await state(page, () => ganplay.state.threads) >= 2, 'a pool of at least 2 threads');
    const hash = await gridHash(page);
    await page.click('#train');
    await page.waitForFunction(() => ganplay.state.view.steps >= 20, null, { timeout: 30_000 });
    await page.click('#train');
    assert.notEqual(await gridHash(page), hash);
    const at = await steps(page);
    await page.click('#step');
    assert.equal(await steps(page), at + 1);
    assert.equal(await page.textContent('#count-step'), (at + 1).toLocaleString('en-US'));
    await drawStroke(page);
    assert.match(await page.textContent('#score-value'), /^0\.\d{3}$|^1\.000$/);
    assert.deepEqual(await state(page, () => ganplay.state.errors), []);
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });
}

test('an unknown engine in the address falls back with a message', async () => {
  const page = await open(`${SMALL}&engine=gpu`);
  assert.match(await page.textContent('#notice-text'), /Unknown engine “gpu” in the address: known are threads, worker, main\./);
  assert.notEqual(await state(page, () => ganplay.state.path), 'main');
  await page.context().close();
});

/**
 * Hides the tab the way a browser does for the page: `visibilityState` turns 'hidden' and
 * animation frames stop (their callbacks wait until it is shown again). Headless Chromium
 * keeps every page visible, so the test does it by hand.
 */
const hide = (page) =>
  state(page, () => {
    const raf = window.requestAnimationFrame.bind(window);
    const waiting = [];
    window.requestAnimationFrame = (cb) => waiting.push(cb);
    const set = (v) => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => v });
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => v === 'hidden' });
    };
    set('hidden');
    document.dispatchEvent(new Event('visibilitychange'));
    window.showAgain = () => {
      set('visible');
      window.requestAnimationFrame = raf;
      waiting.splice(0).forEach((cb) => raf(cb));
      document.dispatchEvent(new Event('visibilitychange'));
    };
  });

test('a hidden tab trains on in the worker, autosaves, and shows the right step when it is back', { timeout: 120_000 }, async () => {
  const page = await open(`${SMALL}&engine=worker`);
  assert.equal(await page.isChecked('#train-hidden'), true);
  await page.click('#train');
  await page.waitForFunction(() => ganplay.state.view.steps >= 5, null, { timeout: 30_000 });
  const saves = await state(page, () => ganplay.state.autosave.saves);
  await hide(page);
  const frames = await state(page, () => ganplay.state.frameMs.length === 240 ? null : ganplay.state.frameMs.length);
  const hiddenAt = await steps(page);
  await page.waitForTimeout(3000);
  const later = await steps(page);
  assert.ok(later > hiddenAt + 20, `hidden: ${hiddenAt} → ${later} steps in 3 s`);
  if (frames != null) assert.equal(await state(page, () => ganplay.state.frameMs.length), frames, 'no frames ran while hidden');
  // The autosave goes on: once as the tab was hidden, and again every 3 s of training (the engine saves by itself).
  await page.waitForFunction((n) => ganplay.state.autosave.saves >= n + 2, saves, { timeout: 45_000, polling: 500 });
  await state(page, () => window.showAgain());
  await page.waitForFunction(() => !ganplay.state.free && ganplay.state.running);
  await page.click('#train');
  const final = await steps(page);
  assert.ok(final > later);
  await page.waitForFunction((n) => ganplay.state.view.steps === n, final);
  assert.equal(await page.textContent('#count-step'), final.toLocaleString('en-US'));
  assert.deepEqual(await state(page, () => ganplay.state.errors), []);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('with "Train while hidden" off, a hidden tab pauses training until it is back', async () => {
  const page = await open(`${SMALL}&engine=worker`);
  await page.uncheck('#train-hidden');
  await page.click('#train');
  await page.waitForFunction(() => ganplay.state.view.steps >= 5, null, { timeout: 30_000 });
  await hide(page);
  await page.waitForTimeout(300);
  const hiddenAt = await steps(page);
  await page.waitForTimeout(1500);
  assert.ok((await steps(page)) <= hiddenAt + 2, 'trained on while hidden');
  await state(page, () => window.showAgain());
  await page.waitForFunction((n) => ganplay.state.view.steps > n + 5, hiddenAt, { timeout: 30_000 });
  await page.click('#train');
  await page.context().close();
});

test('an engine that stops answering (a panic on a pool thread hangs the call) shows the internal-error banner', { timeout: 60_000 }, async () => {
  const page = await open(`${SMALL}&engine=worker`);
  // Every chunk of training from now on waits forever, as a call does after such a panic.
  await state(page, () => {
    const engine = ganplay.state.engine;
    ganplay.state.engine = new Proxy(engine, { get: (t, name) => (name === 'frame' ? () => new Promise(() => {}) : t[name]) });
  });
  await page.click('#train');
  await page.waitForSelector('#error-banner:not([hidden])', { timeout: 30_000 });
  assert.match(await page.textContent('#error-text'), /^Internal error: Training failed inside the wasm module \(the engine has not answered for 15 s\)/);
  assert.equal(await page.isVisible('#error-reload'), true);
  assert.equal(await state(page, () => ganplay.state.running), false);
  await page.context().close();
});
