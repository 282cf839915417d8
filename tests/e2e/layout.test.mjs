// Teacher links (www/layout.js) in the page: the address chooses the panels and the present
// layout, the settings and the language come along, "Share this view" writes the link that
// opens the same, a bad name is refused in the notice line, and the dialog works by keyboard.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileBrowser, openPage, trainFor } from './browser.mjs';

const SHOTS = process.env.SHOTS_DIR || '/tmp/shots';
const browser = fileBrowser();
before(() => {
  fs.mkdirSync(SHOTS, { recursive: true });
});

const open = (query, viewport = { width: 1280, height: 720 }) => openPage(browser(), query, { viewport });

/** The panels on show, by data-panel, in the page's order. */
const visiblePanels = (page) =>
  page.evaluate(() => [...new Set([...document.querySelectorAll('[data-panel]')].filter((el) => el.offsetParent !== null).map((el) => el.dataset.panel))]);

test('a teacher link shows only its panels, in the present layout, with its settings and language, and still trains', async () => {
  const page = await open('show=samples,charts,explain&present=1&g_lr=0.001&lang=zh');
  assert.deepEqual(await visiblePanels(page), ['samples', 'charts', 'explain']);
  assert.equal(await page.evaluate(() => document.body.classList.contains('present')), true);
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
  assert.equal(await page.evaluate(() => ganplay.state.flat.g_lr), 0.001);
  // Larger type than the whole page's 15px.
  assert.ok(await page.evaluate(() => parseFloat(getComputedStyle(document.querySelector('.card')).fontSize)) > 17);
  assert.ok((await trainFor(page, 5)) >= 5);
  // The address keeps the layout after the page rewrites it.
  const search = await page.evaluate(() => location.search);
  assert.match(search, /show=samples,charts,explain/);
  assert.match(search, /present=1/);
  assert.equal(await page.isHidden('#notice'), true, await page.textContent('#notice-text'));
  await page.screenshot({ path: path.join(SHOTS, 'layout-present-zh.png') });
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('Share this view: ticking panels changes the page at once, and the link it writes opens the same view', async () => {
  const page = await open('lang=en');
  assert.equal((await visiblePanels(page)).length, 11); // every digits panel (the worlds' two are hidden)
  // Keyboard alone: focus the button, open with Enter, tab to a box, toggle with Space, Escape closes.
  await page.focus('#share-view');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#share-dialog[open]');
  await page.uncheck('#share-panels input[value="settings"]');
  await page.uncheck('#share-panels input[value="files"]');
  await page.focus('#share-present');
  await page.keyboard.press('Space');
  assert.equal(await page.isChecked('#share-present'), true);
  const link = await page.inputValue('#share-link');
  assert.match(link, /present=1/);
  assert.deepEqual(await visiblePanels(page), ['samples', 'quality', 'pad', 'charts', 'explain', 'explore', 'vae', 'dalone']);
  await page.screenshot({ path: path.join(SHOTS, 'layout-share-dialog.png') });
  await page.keyboard.press('Escape');
  assert.equal(await page.isVisible('#share-dialog'), false);
  const shared = await open(new URL(link).search.slice(1));
  assert.deepEqual(await visiblePanels(shared), ['samples', 'quality', 'pad', 'charts', 'explain', 'explore', 'vae', 'dalone']);
  await shared.close();
  // "Whole page" puts everything back, and the address loses the layout.
  await page.click('#share-view');
  await page.click('#share-all');
  assert.equal((await visiblePanels(page)).length, 11);
  assert.doesNotMatch(await page.evaluate(() => location.search), /show=|hide=|present=/);
  await page.close();
});

test('a bad panel name in a link is refused in the notice line, and the rest of the link is kept', async () => {
  const page = await open('show=samples,bogus&lang=en');
  assert.deepEqual(await visiblePanels(page), ['samples']);
  await page.waitForSelector('#notice:not([hidden])');
  assert.match(await page.textContent('#notice-text'), /panels that do not exist \(bogus\)/);
  await page.close();
});
