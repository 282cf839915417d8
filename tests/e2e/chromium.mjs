// Launching Debian's /usr/bin/chromium through npm `playwright-core` (`executablePath`;
// never `npx playwright install`: our machines cannot download browser builds), and the
// pages the tests and the benches open. No node:test here, so that a bench (bench/*.mjs)
// can import it without printing a test report. Override the binary with CHROMIUM.
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Base URL of the served repository root, always ending in '/'. */
export function baseUrl() {
  const url = process.env.GANPLAY_URL;
  if (!url) {
    throw new Error('GANPLAY_URL is not set: run the suite through `node tests/e2e/run.mjs` (or `make e2e`)');
  }
  return url.endsWith('/') ? url : url + '/';
}

/** Launches headless Chromium. Close it with `await browser.close()`. */
export async function launchBrowser(extra = {}) {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 60_000,
    ...extra,
  });
}

/**
 * Launches headless Chromium on an on-disk profile in `dir`, as an everyday browser runs
 * (IndexedDB on disk, kept across a close and a new launch on the same directory); an
 * in-memory context once hid a page that died for every returning visitor. Returns the
 * context: close it with `await context.close()`.
 */
export async function launchPersistent(dir, extra = {}) {
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 60_000,
    viewport: { width: 1280, height: 800 },
    ...extra,
  });
  openProfiles.add(context);
  context.on('close', () => openProfiles.delete(context));
  return context;
}

/** The on-disk profiles still open (browser.mjs closes them when a test file ends). */
export const openProfiles = new Set();

/**
 * A fresh page (in its own context, watched as `newPage` does) at the address `?query`,
 * once the page says it is ready (within `timeout` ms). `viewport` defaults to 1280 × 900.
 */
export async function openPage(browser, query = '', { viewport = { width: 1280, height: 900 }, timeout = 60_000 } = {}) {
  const page = await newPage(browser);
  await page.setViewportSize(viewport);
  await page.goto(new URL(query ? `?${query}` : '', baseUrl()).href);
  await page.waitForFunction(() => window.ganplay?.ready === true, null, { timeout });
  return page;
}

/**
 * Opens a fresh page that records console errors, uncaught exceptions and
 * failed requests into `page.problems` (an array of strings).
 */
export async function newPage(browser) {
  const context = await browser.newContext();
  return watchPage(await context.newPage());
}

/** Records `page`'s console errors, uncaught exceptions and failed requests into `page.problems`. */
export function watchPage(page) {
  const problems = [];
  // Chromium asks for /favicon.ico on its own; a missing one is not a page bug.
  const favicon = (url) => /\/favicon\.ico(\?|$)/.test(url || '');
  page.on('console', (msg) => {
    if (msg.type() !== 'error' || favicon(msg.location()?.url)) return;
    const where = msg.location()?.url ? ` (${msg.location().url})` : '';
    problems.push(`console.error: ${msg.text()}${where}`);
  });
  page.on('pageerror', (err) => problems.push(`uncaught: ${err.stack || err.message}`));
  page.on('requestfailed', (req) => {
    if (!favicon(req.url())) problems.push(`request failed: ${req.url()} (${req.failure()?.errorText})`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400 && !favicon(res.url())) problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  page.problems = problems;
  return page;
}

