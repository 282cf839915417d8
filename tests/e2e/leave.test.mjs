// Leaving a page that is training, as a returning visitor does, in on-disk profiles: a
// reload, following a link away and coming Back (with the back/forward cache and
// without), two tabs of one browser then a browser restart, and a tab closed. Each time
// the next visit offers the run at a step within the bound of the step reached: the
// engine saves every AUTOSAVE_EVERY_MS of training (www/autosave.js), so what is lost is
// at most that much training and the write; the tests allow twice that. Each case prints
// a line `leave: {...}` with the steps reached and offered (docs/robustness.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AUTOSAVE_EVERY_MS } from '../../www/autosave.js';
import { baseUrl, launchPersistent, steps, watchPage } from './browser.mjs';

const profileDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'ganplay-profile-'));
const ready = (page) => page.waitForFunction(() => window.ganplay?.ready === true, null, { timeout: 60_000 });
/** The default page: the default networks (a 13 MB checkpoint each save). */
const url = () => new URL('?lang=en', baseUrl()).href;

async function open(page) {
  watchPage(page);
  await page.goto(url());
  await ready(page);
  return page;
}

/** Presses Train and lets it train `ms`; the step reached as the page last heard it, and the speed. */
async function trainWhile(page, ms) {
  await page.waitForFunction(() => !ganplay.state.autosave.reading);
  const from = await steps(page);
  await page.click('#train');
  await page.waitForFunction((n) => ganplay.state.view.steps > n, from, { timeout: 30_000 });
  const t0 = Date.now();
  const s0 = await steps(page);
  await page.waitForTimeout(ms);
  const reached = await steps(page); // the engine's own count (a hidden tab's page hears it late)
  return { reached, sps: (reached - s0) / ((Date.now() - t0) / 1000) };
}

/** The runs the banner offers: `[{ id, step, savedAt }]`, newest first. */
async function offered(page) {
  await page.waitForSelector('#autosave-banner:not([hidden])', { timeout: 15_000 });
  return page.evaluate(() => ganplay.state.autosave.offered.map(({ id, step, savedAt }) => ({ id, step, savedAt })));
}

/**
 * The step offered is at most a moment past the step reached (chunks under way when it
 * was read) and at most two save intervals of training behind it.
 */
function withinBound(name, offeredStep, { reached, sps }) {
  const behind = Math.ceil((sps * 2 * AUTOSAVE_EVERY_MS) / 1000) + 20;
  const ahead = Math.ceil(sps) + 10;
  console.log(`leave: ${JSON.stringify({ case: name, reached, offered: offeredStep, lost: reached - offeredStep, sps: +sps.toFixed(1), lostS: +((reached - offeredStep) / sps).toFixed(2) })}`);
  assert.ok(offeredStep >= reached - behind, `${name}: offered step ${offeredStep}, reached ${reached}: more than ${behind} steps lost`);
  assert.ok(offeredStep <= reached + ahead, `${name}: offered step ${offeredStep} is past the step reached, ${reached}`);
}

/** Restore the newest run: the step is the one offered, and training goes on from it. */
async function restoreNewest(page, step) {
  await page.click('#autosave-restore');
  await page.waitForSelector('#autosave-banner', { state: 'hidden' });
  await page.waitForFunction((s) => ganplay.state.view.steps === s, step, { timeout: 15_000 });
}

test('reload while training: the offer has the run at most a few seconds behind', { timeout: 180_000 }, async () => {
  const dir = profileDir();
  const context = await launchPersistent(dir);
  const page = await open(context.pages()[0]);
  const run = await trainWhile(page, 9_000);
  await page.reload();
  await ready(page);
  const [newest, ...rest] = await offered(page);
  assert.equal(rest.length, 0);
  withinBound('reload', newest.step, run);
  await restoreNewest(page, newest.step);
  assert.deepEqual(page.problems, []);
  await context.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a link away and Back while training: a new load offers the latest run; from the back/forward cache the page goes on', { timeout: 240_000 }, async () => {
  // Playwright turns the back/forward cache off: Back loads the page anew.
  let dir = profileDir();
  let context = await launchPersistent(dir);
  let page = await open(context.pages()[0]);
  let run = await trainWhile(page, 8_000);
  await page.goto(new URL('README.md', baseUrl()).href);
  await page.goBack();
  await ready(page);
  const [newest] = await offered(page);
  withinBound('back, new load', newest.step, run);
  assert.deepEqual(page.problems, []);
  await context.close();
  fs.rmSync(dir, { recursive: true, force: true });

  // With the cache, as a browser keeps it: the page comes back as it was, still training.
  // scripts/serve.mjs says `Cache-Control: no-cache`, which allows it; the page's document
  // is served here with that header whatever the server sends (another static host may
  // say `no-store`, which keeps a page out of the cache).
  dir = profileDir();
  context = await launchPersistent(dir, { ignoreDefaultArgs: ['--disable-back-forward-cache'] });
  await context.route((u) => u.pathname === new URL(baseUrl()).pathname, async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, headers: { ...response.headers(), 'cache-control': 'no-cache' } });
  });
  page = await open(context.pages()[0]);
  await page.evaluate(() => window.addEventListener('pageshow', (e) => (window.shownAgain = e.persisted)));
  run = await trainWhile(page, 4_000);
  await page.goto(new URL('README.md', baseUrl()).href);
  await page.goBack({ waitUntil: 'commit' });
  await page.waitForFunction(() => window.shownAgain !== undefined, null, { timeout: 15_000 });
  assert.equal(await page.evaluate(() => window.shownAgain), true, 'restored from the back/forward cache');
  assert.equal(await page.evaluate(() => ganplay.state.running), true);
  await page.waitForFunction((n) => ganplay.state.view.steps > n + 20, run.reached, { timeout: 30_000 });
  assert.equal(await page.isHidden('#autosave-banner'), true);
  assert.deepEqual(page.problems, []);
  await context.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('two tabs train, the browser closes: both runs are offered, newest first, neither overwritten', { timeout: 300_000 }, async () => {
  const dir = profileDir();
  let context = await launchPersistent(dir);
  const first = await open(context.pages()[0]);
  await trainWhile(first, 6_000);
  // A second tab while the first trains: it offers the first's run, marked open in another tab.
  const second = await open(await context.newPage());
  const seen = await offered(second);
  assert.equal(seen.length, 1);
  await second.waitForFunction(() => /open in another tab/.test(document.getElementById('autosave-text').textContent), null, { timeout: 10_000 });
  assert.equal(await second.isHidden('#autosave-discard'), true, 'a run open in another tab cannot be discarded here');
  const runSecond = await trainWhile(second, 7_000);
  const runFirst = { reached: await steps(first), sps: await first.evaluate(() => ganplay.state.sps) };
  const ids = [await first.evaluate(() => ganplay.state.autosave.id), await second.evaluate(() => ganplay.state.autosave.id)];
  assert.notEqual(ids[0], ids[1]);
  await context.close(); // both still training

  context = await launchPersistent(dir);
  const page = await open(context.pages()[0]);
  const runs = await offered(page);
  assert.equal(runs.length, 2, JSON.stringify(runs));
  assert.ok(runs[0].savedAt >= runs[1].savedAt, 'newest first');
  const byId = Object.fromEntries(runs.map((r) => [r.id, r]));
  // The first tab's speed as the page measured it last (both tabs shared two cores).
  withinBound('two tabs, first', byId[ids[0]].step, { ...runFirst, sps: Math.max(runFirst.sps, runSecond.sps) });
  withinBound('two tabs, second', byId[ids[1]].step, runSecond);
  assert.equal(await page.locator('#autosave-older-list li').count(), 1);
  await restoreNewest(page, runs[0].step);
  assert.deepEqual(page.problems, []);
  await context.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a tab closed while training: the next tab offers its run, Restore continues it under its own id', { timeout: 180_000 }, async () => {
  const dir = profileDir();
  const context = await launchPersistent(dir);
  const keep = context.pages()[0]; // the browser stays open
  const page = await open(await context.newPage());
  const id = await page.evaluate(() => ganplay.state.autosave.id);
  const run = await trainWhile(page, 9_000);
  await page.close();
  const next = await open(keep);
  const [newest, ...rest] = await offered(next);
  assert.equal(rest.length, 0);
  assert.equal(newest.id, id);
  withinBound('tab closed', newest.step, run);
  assert.equal(await next.isHidden('#autosave-discard'), false, 'the closed tab no longer holds the run');
  await restoreNewest(next, newest.step);
  assert.equal(await next.evaluate(() => ganplay.state.autosave.id), id);
  assert.deepEqual(next.problems, []);
  await context.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
