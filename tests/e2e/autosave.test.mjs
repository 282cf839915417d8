// The autosave as people meet it: in a browser with an ordinary on-disk profile
// (launchPersistentContext), across reloads and a browser restart, and with a saved-run
// store that throws, hangs, is blocked, is full or holds something else. An in-memory
// context once hid a page that died for every returning visitor (issue 11): the store's
// read failed only on disk, and the boot waited for it forever.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { baseUrl, gridHash, launchPersistent, steps, trainFor, watchPage } from './browser.mjs';

const SMALL = 'noise_dim=16&g_hidden=64&d_hidden=64&batch_size=32';
const SHOTS = process.env.SHOTS_DIR || '/tmp/shots';

const profileDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'ganplay-profile-'));
const state = (page, fn, arg) => page.evaluate(fn, arg);
const ready = (page) => page.waitForFunction(() => window.ganplay?.ready === true, null, { timeout: 60_000 });

async function open(context, query = SMALL) {
  const page = watchPage(context.pages()[0] ?? (await context.newPage()));
  await page.goto(new URL(query ? `?${query}` : '', baseUrl()).href);
  await ready(page);
  return page;
}

/** The step counter as shown. */
const shownStep = (page) => page.textContent('#count-step');

/** Waits until the run in the page is in the store (the paused-change save, within a second). */
const saved = (page) =>
  page.waitForFunction(() => ganplay.state.autosave.savedVersion === ganplay.state.modelVersion && !ganplay.state.autosave.saving && !ganplay.state.autosave.reading, null, { timeout: 10_000 });

async function expectOffer(page, step) {
  await page.waitForSelector('#autosave-banner:not([hidden])', { timeout: 10_000 });
  assert.match(await page.textContent('#autosave-text'), new RegExp(`\\(step ${step.toLocaleString('en-US')}\\)\\?`));
  assert.equal(await page.isHidden('#error-banner'), true, await page.textContent('#error-text'));
}

/** Presses Restore on the offer's newest run and waits until the run is in (it is read from the store first). */
async function restore(page) {
  await page.click('#autosave-restore');
  await page.waitForSelector('#autosave-banner', { state: 'hidden' });
  await page.waitForFunction(() => /^Restored your run at step /.test(document.getElementById('notice-text').textContent), null, { timeout: 15_000 });
}

/** The page works: Train moves the step and the charts, Pause stops it. */
async function expectWorking(page) {
  const rows = await state(page, () => ganplay.state.charts.rows);
  const to = await trainFor(page, 3);
  assert.ok(to >= 3);
  await page.waitForFunction((r) => ganplay.state.charts.rows > r, rows, { timeout: 10_000 });
  assert.equal(await shownStep(page), to.toLocaleString('en-US'));
}

test('autosave in an on-disk profile: two reloads and a browser restart each offer the run back, and the page works', async () => {
  const dir = profileDir();
  let context = await launchPersistent(dir);
  let page = await open(context);
  await page.click('#step');
  await page.click('#step');
  assert.equal(await steps(page), 2);
  await saved(page);
  const hash = await gridHash(page);

  // Reload 1: the offer, and Restore brings back the same run.
  await page.reload();
  await ready(page);
  await expectOffer(page, 2);
  await restore(page);
  assert.equal(await steps(page), 2);
  assert.equal(await gridHash(page), hash);
  await expectWorking(page);
  await saved(page);
  const step = await steps(page);

  // Reload 2.
  await page.reload();
  await ready(page);
  await expectOffer(page, step);
  assert.deepEqual(page.problems, []);

  // A browser restart on the same profile.
  await context.close();
  context = await launchPersistent(dir);
  page = await open(context);
  await expectOffer(page, step);
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, 'autosave-offer-after-restart.png') });
  await restore(page);
  assert.equal(await steps(page), step);
  await expectWorking(page);
  assert.deepEqual(page.problems, []);
  await context.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('autosave: Restore gives the same grid, step and charts; leaving saves; Discard forgets', async () => {
  const dir = profileDir();
  const context = await launchPersistent(dir);
  const page = await open(context);
  await state(page, () => ganplay.trainSteps(57));
  const before = { steps: await steps(page), hash: await gridHash(page) };
  const history = await state(page, async () => Array.from(await ganplay.engine.exportHistory()));
  assert.equal(await state(page, () => ganplay.autosaveNow()), true);
  await page.reload();
  await ready(page);
  await expectOffer(page, 57);
  assert.match(await page.textContent('#autosave-text'), /This visit's run is saved on its own and replaces none of the saved runs\./);
  assert.equal(await steps(page), 0);
  await restore(page);
  assert.equal(await steps(page), before.steps);
  assert.equal(await gridHash(page), before.hash);
  assert.deepEqual(await state(page, async () => Array.from(await ganplay.engine.exportHistory())), history);

  // Leaving the page saves at once (beforeunload, and pagehide where that does not fire).
  // The events are sent here so that the test waits for the write instead of racing the
  // unload; the page's own reload then has nothing new to save.
  for (const [type, step] of [['beforeunload', 62], ['pagehide', 67]]) {
    await state(page, () => ganplay.trainSteps(5));
    const wrote = await state(page, (type) => {
      window.dispatchEvent(new Event(type));
      return ganplay.state.autosave.saving;
    }, type);
    assert.equal(wrote, true, type);
    assert.equal(await steps(page), step);
  }
  await page.reload();
  await ready(page);
  await expectOffer(page, 67);

  // Discard: the offer goes, and the next visit has nothing to offer.
  await page.click('#autosave-discard');
  await page.waitForFunction(() => document.getElementById('notice-text').textContent === 'Discarded the saved run.');
  await page.reload();
  await ready(page);
  await page.waitForFunction(() => !ganplay.state.autosave.reading);
  assert.equal(await page.isHidden('#autosave-banner'), true);
  assert.deepEqual(page.problems.filter((p) => !/autosave/.test(p)), []);
  await context.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Scripts run before the page's own, each making the store misbehave one way. */
const BROKEN_STORES = {
  throws: `indexedDB.open = () => { throw new DOMException('The operation failed for reasons unrelated to the database itself', 'UnknownError'); };`,
  hangs: `indexedDB.open = () => ({});`,
  blocked: `indexedDB.open = () => { const req = {}; setTimeout(() => req.onblocked?.(), 10); return req; };`,
  missing: `Object.defineProperty(globalThis, 'indexedDB', { value: undefined });`,
};

/**
 * Runs `script` in the context's pages before their own scripts, and in their workers as
 * they start: the engine writes the run from its worker, with that worker's IndexedDB.
 */
async function breakStore(context, script) {
  await context.addInitScript(script);
  const inWorkers = (page) => page.on('worker', (worker) => worker.evaluate(script).catch(() => {}));
  context.pages().forEach(inWorkers);
  context.on('page', inWorkers);
}

for (const [how, script] of Object.entries(BROKEN_STORES)) {
  test(`a saved-run store that ${how === 'missing' ? 'is missing' : how}: the page boots, works and says so in one line`, async () => {
    const dir = profileDir();
    const context = await launchPersistent(dir);
    await breakStore(context, script);
    const page = await open(context);
    await page.waitForFunction(() => !ganplay.state.autosave.reading, null, { timeout: 15_000 });
    const notice = await page.textContent('#notice-text');
    assert.match(notice, /^Your saved run could not be read \(.+\)\. This visit's run is saved on its own\.$/);
    await expectWorking(page);
    // A save fails too, and says so once; nothing stops.
    await page.click('#step');
    assert.equal(await state(page, () => ganplay.autosaveNow()), false);
    assert.match(await page.textContent('#notice-text'), /^Autosave could not save your run: /);
    await expectWorking(page);
    assert.equal(await page.isHidden('#error-banner'), true);
    await context.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
}

test('a full saved-run store: the save fails with a one-line notice and the page trains on', async () => {
  const dir = profileDir();
  const context = await launchPersistent(dir);
  await breakStore(context, `IDBObjectStore.prototype.put = function () { throw new DOMException('The quota has been exceeded.', 'QuotaExceededError'); };`);
  const page = await open(context);
  await page.waitForFunction(() => !ganplay.state.autosave.reading);
  await page.click('#step');
  await page.waitForFunction(() => /^Autosave could not save your run: The quota has been exceeded\./.test(document.getElementById('notice-text').textContent), null, { timeout: 10_000 });
  await expectWorking(page);
  assert.equal(await page.isHidden('#error-banner'), true);
  await context.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * Writes `record` as the one saved run of a page from before run ids (the key `run`),
 * with IndexedDB itself (a value the page did not write).
 */
const plant = (page, record) =>
  state(page, (record) => new Promise((resolve, reject) => {
    const req = indexedDB.open('ganplay', 1);
    req.onupgradeneeded = () => req.result.createObjectStore('autosave');
    req.onsuccess = () => {
      const tx = req.result.transaction('autosave', 'readwrite');
      tx.objectStore('autosave').put(record.kind === 'junk-checkpoint'
        ? { version: 1, checkpoint: new TextEncoder().encode('hello, not a checkpoint'), history: new Float64Array(0), step: 5, savedAt: Date.now() }
        : record.value, 'run');
      tx.oncomplete = () => { req.result.close(); resolve(); };
      tx.onerror = () => reject(tx.error);
    };
    req.onerror = () => reject(req.error);
  }), record);

test('a saved run of another shape or version is not offered; one that cannot load is refused and changes nothing', async () => {
  const dir = profileDir();
  const context = await launchPersistent(dir);
  // The page changes nothing, so it saves no run of its own to offer beside the planted one.
  const page = await open(context);
  for (const [value, message] of [
    ['a string', /^The saved run is not a ganplay run and was not restored\./],
    [{ version: 0, checkpoint: new Uint8Array(4) }, /^The saved run has another layout \(version 0, this page reads 1\) and was not restored\./],
    [{ version: 1, step: 3 }, /^The saved run is incomplete and was not restored\./],
  ]) {
    await plant(page, { value });
    await page.reload();
    await ready(page);
    await page.waitForFunction(() => !ganplay.state.autosave.reading);
    assert.match(await page.textContent('#notice-text'), message);
    assert.equal(await page.isHidden('#autosave-banner'), true);
  }
  await plant(page, { kind: 'junk-checkpoint' });
  await page.reload();
  await ready(page);
  await expectOffer(page, 5);
  await page.click('#autosave-restore');
  await page.waitForSelector('#error-banner:not([hidden])');
  assert.match(await page.textContent('#error-text'), /^Restoring your run: /);
  assert.equal(await steps(page), 0);
  await expectWorking(page);
  await context.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
