// Findings of the hands-on audit of issue 23, each as the visitor met it: a benign browser
// message (a ResizeObserver loop) never reaches the error banner while real errors still
// do; a link's out-of-range setting gives the default, and an engine request the page
// cannot read leaves the address.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { baseUrl, launchBrowser, newPage } from './browser.mjs';

const ready = (page) => page.waitForFunction(() => window.ganplay?.ready === true, null, { timeout: 60_000 });

test('a ResizeObserver loop is not an error; an uncaught error still is', async () => {
  const browser = await launchBrowser();
  const page = await newPage(browser);
  await page.goto(new URL('?lang=en&noise=16&g_hidden=64&d_hidden=64', baseUrl()).href);
  await ready(page);
  await page.click('#train');
  // A real loop: an observer that changes its own box's size, so the browser reports the
  // notifications it could not deliver in this frame.
  const reported = await page.evaluate(() => new Promise((resolve) => {
    const box = document.createElement('div');
    document.body.append(box);
    let n = 0;
    window.addEventListener('error', (e) => /ResizeObserver loop/.test(e.message) && resolve(e.message), { once: false });
    new ResizeObserver(() => { box.style.height = `${10 + (++n % 50)}px`; }).observe(box);
    setTimeout(() => resolve(null), 5000);
  }));
  assert.match(reported ?? '', /ResizeObserver loop/, 'the browser reported the loop');
  await page.setViewportSize({ width: 700, height: 800 });
  await page.waitForTimeout(500);
  assert.equal(await page.isHidden('#error-banner'), true, await page.textContent('#error-text'));
  await page.evaluate(() => setTimeout(() => { throw new Error('a real bug'); }, 0));
  await page.waitForSelector('#error-banner:not([hidden])');
  assert.match(await page.textContent('#error-text'), /a real bug/);
  await browser.close();
});

test('a link with batch=-5 trains at the default batch size and says so; engine=bogus leaves the address', async () => {
  const browser = await launchBrowser();
  const page = await newPage(browser);
  await page.goto(new URL('?lang=en&batch=-5&engine=bogus', baseUrl()).href);
  await ready(page);
  const [batch, defaults] = await page.evaluate(() => [ganplay.state.flat.batch_size, ganplay.state.defaults.batch_size]);
  assert.equal(batch, defaults);
  const notice = await page.textContent('#notice-text');
  assert.match(notice, new RegExp(`batch size in the link, -5, is outside 1–\\d+: the default, ${defaults}, is used\\.`));
  assert.match(notice, /bogus/, 'the start says the engine request was not followed');
  assert.doesNotMatch(page.url(), /engine=/);
  assert.doesNotMatch(page.url(), /batch=/);
  await browser.close();
});
