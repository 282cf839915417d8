// D's verdict on a drawing, read against the distributions it comes from (issue 11.4): a
// histogram of D's scores on real digits and on G's fakes with the drawing's score marked,
// a sentence on what it means, and "A real digit" to compare with.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { baseUrl, launchBrowser, newPage } from './browser.mjs';

test('the pad shows D’s score against its scores on real digits and fakes; a real digit can be put on the pad', async () => {
  const browser = await launchBrowser();
  const page = await newPage(browser);
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(new URL('?noise_dim=16&g_hidden=64&d_hidden=64&batch_size=32', baseUrl()).href);
  await page.waitForFunction(() => window.ganplay?.ready === true, null, { timeout: 60_000 });
  await page.waitForFunction(() => ganplay.state.pad.sample != null);
  const sample = await page.evaluate(() => ({ real: ganplay.state.pad.sample.real.length, fake: ganplay.state.pad.sample.fake.length, all: [...ganplay.state.pad.sample.real, ...ganplay.state.pad.sample.fake].every((p) => p >= 0 && p <= 1) }));
  assert.deepEqual(sample, { real: 200, fake: 200, all: true });
  assert.equal(await page.isVisible('#score-hist'), true);
  // An untrained D has not yet told them apart, or has: either way the sentence says which.
  assert.match(await page.textContent('#score-hist-words'), /heaps sit near ½|still tells them apart|average/);
  // The canvas is not blank: both colours are drawn.
  const colours = await page.evaluate(() => {
    const c = document.getElementById('score-hist');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let teal = 0, pink = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3] === 0) continue;
      if (d[i + 1] > d[i] + 20) teal++;
      if (d[i] > d[i + 1] + 40) pink++;
    }
    return { teal, pink };
  });
  assert.ok(colours.teal > 20 && colours.pink > 20, `histogram pixels ${JSON.stringify(colours)}`);
  // A real digit on the pad: scored, named, placed among the real digits' scores.
  await page.click('#pad-real');
  await page.waitForFunction(() => ganplay.state.pad.source === 'real' && ganplay.state.pad.score != null);
  assert.match(await page.textContent('#score-hist-mine'), /^the real \d \(#\d+\)$/);
  assert.match(await page.textContent('#score-hist-words'), /The real digit scores higher than \d+% of the real digits\./);
  // Training moves D, and the sample follows within a few seconds.
  const before = await page.evaluate(() => ganplay.state.pad.sample.version);
  await page.click('#train');
  await page.waitForFunction((v) => ganplay.state.pad.sample.version !== v, before, { timeout: 15_000 });
  await page.click('#train');
  assert.deepEqual(page.problems, []);
  await browser.close();
});
