// The lesson "Can D generate?" (www/dalone.js, src/dalone/): from a teacher's link, rounds
// of D alone run in the engine beside the GAN (which they leave untouched), draw D's best
// images and its scores, work from the keyboard, speak both languages, start over, and the
// card is the digits' (hidden in a 2-D world).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileBrowser, openPage } from './browser.mjs';

const SHOTS = process.env.SHOTS_DIR || '/tmp/shots';
fs.mkdirSync(SHOTS, { recursive: true });
const browser = fileBrowser();
const open = (query) => openPage(browser(), query);

const rounds = (page) => page.evaluate(() => window.ganplay.state.dalone.rounds);
const idle = (page, n) =>
  page.waitForFunction((n) => window.ganplay.state.dalone.rounds.length === n && !window.ganplay.state.dalone.busy, n, { timeout: 60_000 });

test('a teacher’s link opens the lesson; rounds train D alone and draw its best images', async () => {
  const page = await open('show=dalone');
  // The link shows this card alone (with the header's controls).
  assert.equal(await page.isVisible('#dalone'), true);
  assert.equal(await page.isVisible('#pad'), false);
  assert.match(await page.textContent('#dalone-status'), /No round yet/);
  assert.equal(await page.isVisible('#dalone-negatives'), false);

  await page.click('#dalone-round');
  await idle(page, 1);
  const [first] = await rounds(page);
  assert.equal(first.round, 1);
  // D learned to reject the noise it was trained against, and its search beat the noise.
  assert.ok(first.d_real > 0.9 && first.d_old_negatives < 0.1, JSON.stringify(first));
  assert.ok(first.d_new_negatives > first.d_noise + 0.3, JSON.stringify(first));
  assert.match(await page.textContent('#dalone-status'), /^Round 1: D\(real\) /);
  assert.equal(await page.getAttribute('#dalone-negatives', 'data-tiles'), '64');
  assert.equal(await page.locator('#dalone-table tbody tr').count(), 1);
  // The canvas shows the engine's negatives: not all one grey.
  const spread = await page.evaluate(() => {
    const c = document.getElementById('dalone-negatives');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const seen = new Set();
    for (let i = 0; i < d.length; i += 4) seen.add(d[i]);
    return seen.size;
  });
  assert.ok(spread > 50, `${spread} grey levels`);

  // From the keyboard: the 5-round button, then Enter.
  await page.focus('#dalone-round5');
  await page.keyboard.press('Enter');
  await idle(page, 6);
  assert.deepEqual((await rounds(page)).map((r) => r.round), [6, 5, 4, 3, 2, 1]);
  assert.equal(await page.locator('#dalone-table tbody tr').count(), 6);
  await page.locator('#dalone').screenshot({ path: path.join(SHOTS, 'dalone-en.png') });

  // The GAN was not touched: no step, no update.
  assert.deepEqual(await page.evaluate(() => [window.ganplay.state.view.steps, window.ganplay.state.view.dUpdates]), [0, 0]);

  // In Chinese: the status line and the table's head.
  await page.evaluate(() => window.ganplay.setLang('zh'));
  assert.match(await page.textContent('#dalone-status'), /^第 6 轮：D\(真实\) /);
  assert.equal(await page.textContent('#dalone-table th'), '轮');
  await page.locator('#dalone').screenshot({ path: path.join(SHOTS, 'dalone-zh.png') });
  await page.evaluate(() => window.ganplay.setLang('en'));

  // Start over: a new D, noise again, no rounds.
  await page.click('#dalone-reset');
  await idle(page, 0);
  assert.match(await page.textContent('#dalone-status'), /No round yet/);
  assert.equal(await page.isVisible('#dalone-table'), false);
  assert.equal(await page.isVisible('#dalone-negatives'), true, 'the new noise is drawn');
  assert.deepEqual(await page.evaluate(() => window.ganplay.state.errors), []);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('the lesson is the digits’: hidden in a 2-D world', async () => {
  const page = await open('world=ring8');
  assert.equal(await page.isVisible('#dalone'), false);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
