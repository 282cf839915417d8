// A phone (390×844, touch): the first things a newcomer needs are on the first screen,
// the hints speak of tapping, and nothing is wider than the screen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { baseUrl, launchBrowser, watchPage } from './browser.mjs';

const SHOTS = process.env.SHOTS_DIR || '/tmp/shots';

test('phone: Train, Step and Load pretrained on the first screen; touch hints; taps train', async () => {
  const browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 });
  const page = watchPage(await context.newPage());
  await page.goto(new URL('?noise_dim=16&g_hidden=64&d_hidden=64&batch_size=32', baseUrl()).href);
  await page.waitForFunction(() => window.ganplay?.ready === true, null, { timeout: 60_000 });
  for (const id of ['train', 'step', 'load-pretrained']) {
    const box = await page.locator(`#${id}`).boundingBox();
    assert.ok(box && box.y + box.height <= 844, `#${id} is at y ${box?.y}, below the first screen`);
  }
  assert.equal(await page.isVisible('.samples .for-touch'), true);
  assert.equal(await page.isVisible('.samples .for-mouse'), false);
  assert.doesNotMatch(await page.innerText('body'), /shift-click|Right: the closest/);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow} px wider than the screen`);
  await page.tap('#train');
  await page.waitForFunction(() => ganplay.state.view.steps >= 5, null, { timeout: 30_000 });
  await page.tap('#train');
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, 'phone-first-screen.png') });
  assert.deepEqual(page.problems, []);
  await browser.close();
});
