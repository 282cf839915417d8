// The 1-D and 2-D worlds (www/worlds/): switching worlds from the selector, training and
// stepping by hand (Step D moves D's map and not G's points, Step G the other way round),
// painting your own points, the world in the address and in the autosave, and back to the
// digits. Screenshots of each view go to SHOTS_DIR.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { baseUrl, fileBrowser, launchPersistent, openPage, steps, trainFor, watchPage } from './browser.mjs';

const SHOTS = process.env.SHOTS_DIR || '/tmp/shots';
fs.mkdirSync(SHOTS, { recursive: true });

const browser = fileBrowser();

const state = (page, fn, arg) => page.evaluate(fn, arg);
const ready = (page) => page.waitForFunction(() => window.ganplay?.ready === true, null, { timeout: 60_000 });

const open = (query = '') => openPage(browser(), query);

/** Waits until the world's view shows the current model. */
const viewFresh = (page) =>
  page.waitForFunction(() => ganplay.state.world.view && ganplay.state.gridVersion === ganplay.state.modelVersion && !ganplay.state.inFlight, null, { timeout: 15_000 });

/** An FNV-1a hash of the world canvas's pixels, once it shows the current model. */
async function viewHash(page) {
  await viewFresh(page);
  return page.evaluate(() => {
    const c = document.getElementById('world-view');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let h = 0x811c9dc5;
    for (let i = 0; i < d.length; i++) h = Math.imul(h ^ d[i], 16777619) >>> 0;
    return h;
  });
}

/** Picks `name` in the world selector and waits for its view. */
async function pickWorld(page, name) {
  await page.selectOption('#world', name);
  await page.waitForFunction((n) => (typeof ganplay.state.flat.world === 'object' ? 'drawn' : ganplay.state.flat.world) === n && ganplay.state.world.view?.name === n, name, { timeout: 20_000 });
  await viewFresh(page);
}

/** D's map and G's points as the page last drew them. */
const shown = (page) => state(page, () => ({ d: Array.from(ganplay.state.world.view.d), fake: Array.from(ganplay.state.world.view.fake) }));

test('2-D and 1-D worlds: switch, train, step by hand, the address, and back to the digits', async () => {
  const page = await open();
  assert.equal(await page.isHidden('#world-card'), true);
  await pickWorld(page, 'ring8');
  assert.equal(await page.isVisible('#world-card'), true);
  assert.equal(await page.isHidden('.card.samples'), true, 'the digit grid is put away');
  assert.equal(await page.isVisible('#explain-world'), true);
  assert.match(new URL(page.url()).search, /world=ring8/);
  assert.equal(await state(page, async () => (await ganplay.engine.counters()).dataDim), 2);
  assert.equal(await state(page, () => ganplay.state.flat.noise_dim), 2, "the world's defaults");

  const h0 = await viewHash(page);
  await trainFor(page, 300);
  const h1 = await viewHash(page);
  assert.notEqual(h1, h0, 'training changes the view');
  await page.waitForFunction(() => /modes covered \d of 8/.test(document.getElementById('world-metrics-now').textContent));

  // Step D moves D's verdict and leaves G's points; Step G the other way round.
  const a = await shown(page);
  // Counted before the click: read after it, the step may not have landed yet.
  const dUpdates = await state(page, () => ganplay.state.view.dUpdates);
  await page.click('#step-d');
  await page.waitForFunction((s) => ganplay.state.view.dUpdates > s, dUpdates);
  await viewFresh(page);
  const b = await shown(page);
  assert.notDeepEqual(b.d, a.d, 'Step D moves the map');
  assert.deepEqual(b.fake, a.fake, "Step D leaves G's points");
  assert.equal(await page.evaluate(() => document.getElementById('world-step-d').classList.contains('lit')), true);
  const gUpdates = await state(page, () => ganplay.state.view.gUpdates);
  await page.click('#step-g');
  await page.waitForFunction((s) => ganplay.state.view.gUpdates > s, gUpdates);
  await page.waitForFunction(() => document.getElementById('world-step-g').classList.contains('lit'));
  await viewFresh(page);
  const c = await shown(page);
  assert.deepEqual(c.d, b.d, 'Step G leaves the map');
  assert.notDeepEqual(c.fake, b.fake, "Step G moves G's points");
  const h2 = await viewHash(page);
  const before = await steps(page);
  await page.click('#step');
  await page.waitForFunction((s) => ganplay.state.view.steps > s, before);
  assert.notEqual(await viewHash(page), h2, 'a whole step redraws the view');
  await page.locator('#world-card').screenshot({ path: path.join(SHOTS, 'world-ring8.png') });
  await page.locator('#world-metrics-card').screenshot({ path: path.join(SHOTS, 'world-metrics-ring8.png') });

  // 1-D.
  await pickWorld(page, 'mixture2');
  assert.equal(await state(page, async () => (await ganplay.engine.counters()).dataDim), 1);
  assert.deepEqual(await state(page, () => [document.getElementById('world-view').width, document.getElementById('world-view').height]), [600, 320]);
  const m0 = await viewHash(page);
  await trainFor(page, 300);
  assert.notEqual(await viewHash(page), m0);
  await page.locator('#world-card').screenshot({ path: path.join(SHOTS, 'world-mixture2.png') });
  assert.match(await page.textContent('#explain-world-h'), /on a line/);

  // The address brings the world back.
  const url = page.url();
  assert.match(url, /world=mixture2/);
  const again = await open(new URL(url).search.slice(1));
  assert.equal(await state(again, () => ganplay.state.flat.world), 'mixture2');
  assert.equal(await again.isVisible('#world-card'), true);
  await again.context().close();

  // Back to the digits: the grid and the judge are back, the world's cards gone.
  await page.selectOption('#world', 'digits');
  await page.waitForFunction(() => ganplay.state.flat.world === 'digits' && !document.body.classList.contains('in-world'));
  assert.equal(await page.isVisible('.card.samples'), true);
  assert.equal(await page.isHidden('#world-card'), true);
  assert.equal(await state(page, async () => (await ganplay.engine.counters()).dataDim), 784);
  assert.doesNotMatch(new URL(page.url()).search, /world=/);
  assert.deepEqual(await state(page, () => ganplay.state.errors), []);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('draw your own points: strokes become the data, the address keeps them', async () => {
  const page = await open();
  await page.selectOption('#world', 'drawn');
  await page.waitForSelector('#world-card:not([hidden])');
  const box = await page.locator('#world-view').boundingBox();
  // Two strokes: a diagonal and a short arc.
  let had = 0;
  for (const [[x0, y0], [x1, y1]] of [[[0.2, 0.2], [0.8, 0.8]], [[0.2, 0.8], [0.45, 0.6]]]) {
    await page.mouse.move(box.x + x0 * box.width, box.y + y0 * box.height);
    await page.mouse.down();
    await page.mouse.move(box.x + x1 * box.width, box.y + y1 * box.height, { steps: 25 });
    await page.mouse.up();
    // The stroke's points are the data once the model trained on them is in.
    await page.waitForFunction(
      (n) => ganplay.state.flat.world?.drawn?.length > n && ganplay.state.world.painting == null && ganplay.state.world.view?.name === 'drawn',
      had,
    );
    had = await state(page, () => ganplay.state.flat.world.drawn.length);
  }
  const n = await state(page, () => ganplay.state.flat.world.drawn.length);
  assert.ok(n > 20, `${n} points painted`);
  assert.match(await page.textContent('#world-draw-count'), new RegExp(`${n} points`));
  const h0 = await viewHash(page);
  await trainFor(page, 300);
  assert.notEqual(await viewHash(page), h0);
  await page.locator('#world-card').screenshot({ path: path.join(SHOTS, 'world-drawn.png') });
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('world'), 'drawn');
  assert.equal(url.searchParams.get('points').split(';').length, n);
  const again = await open(url.search.slice(1));
  assert.equal(await state(again, () => ganplay.state.flat.world.drawn.length), n);
  await viewFresh(again);
  await again.context().close();
  assert.deepEqual(await state(page, () => ganplay.state.errors), []);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('the autosave brings a world back, drawn points included', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ganplay-profile-'));
  const context = await launchPersistent(dir);
  const page = watchPage(context.pages()[0] ?? (await context.newPage()));
  await page.goto(new URL('?world=drawn&points=0.5,0.5;-0.5,0.5;0,-0.5', baseUrl()).href);
  await ready(page);
  await trainFor(page, 40);
  const step = await steps(page);
  assert.equal(await state(page, () => ganplay.autosaveNow()), true);
  // Back on the digits' address: the offer puts the drawn world back.
  await page.goto(baseUrl());
  await ready(page);
  assert.equal(await state(page, () => ganplay.state.flat.world), 'digits');
  await page.waitForSelector('#autosave-banner:not([hidden])', { timeout: 10_000 });
  await page.click('#autosave-restore');
  await page.waitForSelector('#autosave-banner', { state: 'hidden' });
  // The run is read from the store, then restored.
  await page.waitForFunction((s) => ganplay.state.view.steps === s, step, { timeout: 15_000 });
  assert.equal(await steps(page), step);
  assert.deepEqual(await state(page, () => ganplay.state.flat.world), { drawn: [[0.5, 0.5], [-0.5, 0.5], [0, -0.5]] });
  await viewFresh(page);
  const visible = await page
    .waitForSelector('#world-card', { state: 'visible', timeout: 5_000 })
    .then(() => true, () => false);
  // What the page shows, for the message if the card is not there.
  const shown = await state(page, () => ({
    world: ganplay.state.flat.world,
    painting: ganplay.state.world.painting,
    hidden: document.getElementById('world-card').hidden,
    body: document.body.className,
    steps: ganplay.state.view.steps,
    notice: document.getElementById('notice')?.textContent,
  }));
  assert.equal(visible, true, JSON.stringify(shown));
  assert.match(page.url(), /world=drawn/);
  assert.deepEqual(page.problems, []);
  await context.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('every world string has a Chinese text, and the world markup follows a language switch', async () => {
  const page = await open();
  const r = await page.evaluate(async () => {
    const { STRINGS, tw } = await import('./www/worlds/strings.js');
    const missing = Object.keys(STRINGS.en).filter((k) => !STRINGS.zh[k]);
    const extra = Object.keys(STRINGS.zh).filter((k) => !STRINGS.en[k]);
    const placeholders = (t) => (t.match(/\{\w+\}/g) ?? []).sort().join();
    const mismatched = Object.keys(STRINGS.en).filter((k) => STRINGS.zh[k] && placeholders(STRINGS.en[k]) !== placeholders(STRINGS.zh[k]));
    const { setLang } = await import('./www/i18n.js');
    const en = tw('draw.count', { n: 3 });
    setLang('zh');
    const zh = tw('draw.count', { n: 3 });
    const label = document.querySelector('#world option[value="ring8"]').textContent;
    const group = document.querySelector('#world optgroup').label;
    setLang('en');
    return { missing, extra, mismatched, en, zh, label, group, back: document.querySelector('#world option[value="ring8"]').textContent };
  });
  assert.deepEqual([r.missing, r.extra, r.mismatched], [[], [], []]);
  assert.equal(r.en, '3 points drawn');
  assert.equal(r.zh, '已画 3 个点');
  assert.equal(r.label, '8 个高斯组成的环');
  assert.equal(r.group, '二维：平面上的点');
  assert.equal(r.back, 'ring of 8 Gaussians');
  await page.context().close();
});
