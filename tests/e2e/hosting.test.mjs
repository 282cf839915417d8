// The static site (`make dist`, scripts/dist.mjs) as a newcomer meets it: dist/ copied
// alone into an empty folder, served by a plain static server that sends no COOP/COEP
// headers (scripts/serve.mjs --plain, as GitHub Pages or `python3 -m http.server`), in
// Chromium with an on-disk profile: the service worker and its cache are what is under
// test. The first visit reloads once through the service worker and trains on every core;
// with the server gone and the network cut a reload still opens the page, trains and loads
// the pretrained model; a redeploy replaces the cache; where no service worker can run the
// page trains on one core and the header says why; opened as a file it says how to open it.
// Builds nothing: `make e2e` makes dist/ first.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './server.mjs';
import { launchPersistent, steps, trainFor, watchPage } from './browser.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const DIST = path.join(repo, 'dist');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ganplay-hosting-'));
const site = path.join(tmp, 'site');
const SHOTS = process.env.SHOTS_DIR || '/tmp/shots';

let server = null;
let url = null;

/** Serves `site` with no special headers on `port` (0: any free one); resolves to its address. */
async function serve(port = 0) {
  server = await startServer(['--plain', '--root', site, '--port', String(port)]);
  return server.url;
}

async function stopServer() {
  await server?.stop();
  server = null;
}

const ready = (page) => page.waitForFunction(() => window.ganplay?.ready === true, null, { timeout: 90_000 });
/** The build the page was loaded from (dist/index.html's meta tag). */
const buildOf = (page) => page.evaluate(() => document.querySelector('meta[name="ganplay-build"]')?.content);
const engineText = (page) => page.evaluate(() => `${document.getElementById('engine-path').textContent}${document.getElementById('engine-why').textContent}`);
const cacheNames = (page) => page.evaluate(() => caches.keys());
/** Waits for the footer's word that every file of the build is kept for offline use. */
const keptOffline = (page) => page.waitForFunction(() => /kept for offline use \(/.test(document.getElementById('offline-state').textContent), null, { timeout: 60_000 });

/**
 * Loads of the page, counted by their requests (the one automatic reload comes before the
 * first load's DOMContentLoaded; history.replaceState requests nothing).
 */
function countLoads(page) {
  const loads = [];
  page.on('request', (r) => {
    if (r.isNavigationRequest() && r.frame() === page.mainFrame()) loads.push(r.url());
  });
  return loads;
}

/** A new deploy of the same site: the build renamed (as a changed file would), index.html and sw.js pointing at it. */
function redeploy(from, to) {
  fs.renameSync(path.join(site, 'v', from), path.join(site, 'v', to));
  for (const f of ['index.html', 'sw.js']) {
    const file = path.join(site, f);
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replaceAll(from, to));
  }
}

before(async () => {
  for (const f of ['index.html', 'sw.js']) {
    assert.ok(fs.existsSync(path.join(DIST, f)), `dist/${f} is missing: run \`make dist\` (make e2e does) before this test`);
  }
  fs.cpSync(DIST, site, { recursive: true });
  url = await serve();
});

after(async () => {
  await stopServer();
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('static site: the first visit reloads once through the service worker and trains on every core; offline, a reload still trains and loads the pretrained model; a redeploy replaces the cache', async () => {
  const profile = path.join(tmp, 'profile');
  let context = await launchPersistent(profile);
  try {
    let page = watchPage(context.pages()[0] ?? (await context.newPage()));
    const loads = countLoads(page);
    await page.goto(url);
    await ready(page);
    assert.equal(loads.length, 2, `the page loaded ${loads.length} times: ${loads.join(', ')}`);
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    assert.deepEqual(
      await page.evaluate(() => ({ isolated: crossOriginIsolated, how: ganplayHost.isolation, controlled: Boolean(navigator.serviceWorker.controller), path: ganplay.state.path })),
      { isolated: true, how: 'worker', controlled: true, path: 'threads' },
    );
    assert.equal(await page.evaluate(() => ganplay.state.threads), cores);
    assert.equal(await engineText(page), `${cores} threads · relaxed SIMD`);
    assert.ok((await trainFor(page, 20)) >= 20);
    await keptOffline(page);
    const build = await buildOf(page);
    assert.deepEqual(await cacheNames(page), [`ganplay-${build}`]);
    fs.mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, 'hosting-online.png') });

    // The network gone: the server stopped and the browser offline. A reload opens the
    // page from the service worker's copy, still isolated, and everything works.
    await stopServer();
    await context.setOffline(true);
    page.problems.length = 0;
    await page.reload();
    await ready(page);
    assert.deepEqual(
      await page.evaluate(() => ({ isolated: crossOriginIsolated, path: ganplay.state.path, online: navigator.onLine })),
      { isolated: true, path: 'threads', online: false },
    );
    // The reload may offer the autosaved run back; the page trains either way.
    const from = await steps(page);
    assert.ok((await trainFor(page, 10)) >= from + 10);
    await page.click('#load-pretrained');
    await page.waitForFunction(() => ganplay.state.view?.steps === 5000, null, { timeout: 30_000 });
    assert.equal(await page.isHidden('#error-banner'), true, await page.textContent('#error-text'));
    assert.deepEqual(page.problems, []);
    await page.screenshot({ path: path.join(SHOTS, 'hosting-offline.png') });

    // A redeploy: the network back, a new build on the server. One reload shows the new
    // page (the page is asked for from the network first); its service worker takes over
    // and keeps the new build, and a browser restart opens the new build.
    await context.setOffline(false);
    redeploy(build, 'redeployed01');
    url = await serve(new URL(url).port);
    await page.reload();
    await ready(page);
    assert.equal(await buildOf(page), 'redeployed01');
    assert.match(await page.evaluate(() => document.querySelector('script[src*="host.js"]').src), /\/v\/redeployed01\/www\/host\.js$/);
    await keptOffline(page);
    assert.ok((await cacheNames(page)).includes('ganplay-redeployed01'));
    await context.close();
    context = await launchPersistent(profile);
    page = watchPage(context.pages()[0] ?? (await context.newPage()));
    await page.goto(url);
    await ready(page);
    assert.equal(await buildOf(page), 'redeployed01');
    assert.equal(await page.evaluate(() => ganplay.state.path), 'threads');
    // A second redeploy: the first build's cache goes, the one before the newest stays.
    redeploy('redeployed01', 'redeployed02');
    await page.reload();
    await ready(page);
    await keptOffline(page);
    let names = [];
    for (let i = 0; i < 50; i++) {
      names = (await cacheNames(page)).sort();
      if (names.length === 2) break;
      await page.waitForTimeout(200);
    }
    assert.deepEqual(names, ['ganplay-redeployed01', 'ganplay-redeployed02']);
    redeploy('redeployed02', build);
  } finally {
    await context.close();
  }
});

test('static site where no service worker may run: one automatic load, one worker, and the header says why', async () => {
  const context = await launchPersistent(path.join(tmp, 'profile-no-sw'), { serviceWorkers: 'block' });
  try {
    const page = watchPage(context.pages()[0] ?? (await context.newPage()));
    const loads = countLoads(page);
    await page.goto(`${url}?lang=en`);
    await ready(page);
    await page.waitForTimeout(1000); // a reload, were one coming, would have come by now
    assert.equal(loads.length, 1, `the page loaded ${loads.length} times`);
    assert.deepEqual(await page.evaluate(() => ({ isolated: crossOriginIsolated, path: ganplay.state.path })), { isolated: false, path: 'worker' });
    assert.match(await engineText(page), /^1 worker · relaxed SIMD · one core: (no service worker in this window|the service worker could not start)/);
    assert.ok((await trainFor(page, 5)) >= 5);
    await page.goto(`${url}?lang=zh`);
    await ready(page);
    assert.match(await engineText(page), /单核：/);
  } finally {
    await context.close();
  }
});

test('static site opened as a file: one sentence in both languages says how to open it', async () => {
  const context = await launchPersistent(path.join(tmp, 'profile-file'));
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`file://${site}/index.html`);
    await page.waitForSelector('#file-notice');
    const text = await page.textContent('#file-notice');
    assert.ok(text.includes(`python3 -m http.server --directory "${site}" 8000`), text);
    assert.match(text, /cannot run from a file/);
    assert.match(text, /不能直接以文件方式打开/);
    assert.equal(await page.evaluate(() => window.ganplay?.ready ?? null), null);
    await page.screenshot({ path: path.join(SHOTS, 'hosting-file.png') });
  } finally {
    await context.close();
  }
});
