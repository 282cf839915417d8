// The static site's figures, part of `make bench` (docs/hosting.md): dist/ copied alone
// into a temporary folder and served by a plain static server (scripts/serve.mjs --plain:
// no COOP/COEP), opened in Chromium on a new on-disk profile, as a newcomer's first visit:
//   - dist/'s size, and the bytes the first visit fetches before the page is ready (what a
//     slow network pays before the first step);
//   - seconds from opening the link to the page being ready (the service worker's one
//     reload included) and to the first trained step after Train;
//   - seconds until the service worker keeps every file for offline use;
//   - with the server stopped and the browser offline, a reload: seconds to ready and to
//     the first step again.
// Prints one JSON line per figure. Needs `make dist` first (make bench does).
//
// Usage: node bench/hosting.mjs
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchPersistent } from '../tests/e2e/chromium.mjs';
import { startServer } from '../tests/e2e/server.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(repo, 'dist');
if (!fs.existsSync(path.join(dist, 'sw.js'))) {
  console.error('bench/hosting.mjs: dist/ is missing: run `make dist` first');
  process.exit(1);
}
const emit = (figure) => console.log(JSON.stringify({ bench: 'hosting', ...figure }));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ganplay-hosting-bench-'));
const site = path.join(tmp, 'site');
fs.cpSync(dist, site, { recursive: true });

const sizeOf = (dir) => fs.readdirSync(dir, { withFileTypes: true }).reduce((s, e) => s + (e.isDirectory() ? sizeOf(path.join(dir, e.name)) : fs.statSync(path.join(dir, e.name)).size), 0);
emit({ figure: 'dist_mb', value: +(sizeOf(site) / 1e6).toFixed(2) });

const server = await startServer(['--plain', '--root', site]);
const url = server.url;

const context = await launchPersistent(path.join(tmp, 'profile'));
try {
  const page = context.pages()[0] ?? (await context.newPage());
  const seconds = (t0) => +((performance.now() - t0) / 1000).toFixed(2);
  const ready = () => page.waitForFunction(() => window.ganplay?.ready === true, null, { timeout: 120_000, polling: 20 });
  const firstStep = async () => {
    const t0 = performance.now();
    await page.click('#train');
    await page.waitForFunction(() => ganplay.state.stepsShown >= 1 || ganplay.state.view?.steps >= 1, null, { timeout: 60_000, polling: 10 });
    const s = seconds(t0);
    await page.click('#train');
    return s;
  };
  // Bytes fetched from the server before the page is ready (responses' bodies, by the page and its workers).
  let bytes = 0;
  let counting = true;
  context.on('response', async (res) => {
    if (!counting || res.fromServiceWorker()) return;
    const body = await res.body().catch(() => null);
    if (counting && body) bytes += body.length;
  });

  let t0 = performance.now();
  await page.goto(url);
  await ready();
  const toReady = seconds(t0);
  counting = false;
  emit({ figure: 'first_visit_ready_s', value: toReady, path: await page.evaluate(() => ganplay.state.path) });
  emit({ figure: 'first_visit_mb_before_ready', value: +(bytes / 1e6).toFixed(2) });
  emit({ figure: 'first_visit_first_step_s', value: +(toReady + (await firstStep())).toFixed(2), note: 'from opening the link, Train pressed when ready' });
  t0 = performance.now();
  await page.waitForFunction(() => /\(/.test(document.getElementById('offline-state').textContent), null, { timeout: 120_000, polling: 50 });
  emit({ figure: 'kept_offline_s', value: seconds(t0), note: 'after the first step' });

  await server.stop();
  await context.setOffline(true);
  t0 = performance.now();
  await page.reload();
  await ready();
  const offlineReady = seconds(t0);
  emit({ figure: 'offline_reload_ready_s', value: offlineReady, path: await page.evaluate(() => ganplay.state.path) });
  emit({ figure: 'offline_reload_first_step_s', value: +(offlineReady + (await firstStep())).toFixed(2) });
} finally {
  await context.close();
  await server.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
}
