// Page end-to-end tests (run by tests/e2e/run.mjs through `node --test`).
//
// Contract with the page (index.html at the repository root):
//   - it loads without console errors, uncaught exceptions or failed requests;
//   - once the wasm module is initialised and the UI is usable it sets
//     `window.ganplayReady = true` (a Promise resolving to anything but
//     `false` is accepted too); a page without that hook fails, it is not skipped.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { baseUrl, launchBrowser, newPage } from './browser.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const indexHtml = path.join(repo, 'index.html');
const hasIndex = fs.existsSync(indexHtml);
const hasReadyFlag = hasIndex && fs.readFileSync(indexHtml, 'utf8').includes('ganplayReady');
const readyTimeoutMs = Number(process.env.E2E_READY_TIMEOUT_MS || 90_000);

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('wasm package from pkg/ loads and instantiates in Chromium', async () => {
  const pkgJson = path.join(repo, 'pkg', 'package.json');
  assert.ok(fs.existsSync(pkgJson), 'pkg/ is missing: build it first (make build)');
  const meta = JSON.parse(fs.readFileSync(pkgJson, 'utf8'));
  const entry = meta.module || meta.main;
  assert.ok(entry, 'pkg/package.json names no entry module');

  const page = await newPage(browser);
  // Any same-origin document will do as the context for the dynamic import.
  await page.goto(new URL('pkg/package.json', baseUrl()).href);
  const wasmResponse = page.waitForResponse((r) => r.url().endsWith('.wasm'));
  const exportsList = await page.evaluate(async (src) => {
    const mod = await import(src);
    await mod.default(); // wasm-bindgen --target web init(): fetch + instantiateStreaming
    return Object.keys(mod);
  }, new URL(`pkg/${entry}`, baseUrl()).href);
  const res = await wasmResponse;
  assert.equal(res.headers()['content-type'], 'application/wasm');
  assert.ok(exportsList.length > 1, `module exports: ${exportsList.join(', ')}`);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('index.html loads without console errors', async () => {
  assert.ok(hasIndex, 'index.html is missing');
  const page = await newPage(browser);
  const res = await page.goto(baseUrl(), { waitUntil: 'load' });
  assert.equal(res.status(), 200);
  // Give module scripts / wasm init a moment to report problems.
  await page.waitForLoadState('networkidle', { timeout: 30_000 }).catch(() => {});
  assert.notEqual(await page.title(), '', 'page has no <title>');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test(
  'page signals window.ganplayReady',
  { timeout: readyTimeoutMs + 30_000 },
  async () => {
    assert.ok(hasReadyFlag, 'index.html does not mention window.ganplayReady');
    const page = await newPage(browser);
    await page.goto(baseUrl());
    // Wait (synchronously polled: a Promise returned to waitForFunction would
    // count as truthy at once) until the flag is true or a thenable...
    // Any recorded problem (uncaught error, 404, console.error) fails at once
    // instead of waiting out the whole timeout.
    let poll;
    const failFast = new Promise((_, reject) => {
      poll = setInterval(() => {
        if (page.problems.length) reject(new Error(`page problems while waiting:\n${page.problems.join('\n')}`));
      }, 250);
    });
    try {
      await Promise.race([
        page.waitForFunction(
          () => window.ganplayReady === true || typeof window.ganplayReady?.then === 'function',
          null,
          { timeout: readyTimeoutMs },
        ),
        failFast,
      ]);
    } finally {
      clearInterval(poll);
    }
    // ...then resolve it (evaluate awaits a Promise) and require it not be false.
    const ready = await page.evaluate(async () => (await window.ganplayReady) !== false);
    assert.ok(ready, 'window.ganplayReady resolved to false');
    assert.deepEqual(page.problems, []);
    await page.context().close();
  },
);

test('both single-thread wasm builds: relaxed SIMD by default in one worker, simd128 on request, both train', { timeout: 120_000 }, async () => {
  const stats = {};
  for (const [query, build] of [['?engine=worker', 'relaxed-simd'], ['?engine=worker&wasm=simd128', 'simd128']]) {
    const page = await newPage(browser);
    await page.goto(new URL(query, baseUrl()).href);
    await page.waitForFunction(() => window.ganplay?.ready === true, null, { timeout: readyTimeoutMs });
    assert.equal(await page.evaluate(() => window.ganplay.state.build), build);
    assert.match(await page.textContent('#wasm-build'), build === 'simd128' ? /simd128/ : /relaxed/);
    stats[build] = await page.evaluate(async () => {
      await window.ganplay.trainSteps(3);
      const { steps, stats } = await window.ganplay.engine.counters();
      return { steps, last: Array.from(stats) };
    });
    // The override is kept in the address the page writes back.
    if (build === 'simd128') assert.match(await page.evaluate(() => location.search), /wasm=simd128/);
    assert.deepEqual(page.problems, []);
    await page.context().close();
  }
  // Same seed, same steps: the builds differ only in rounding (fused multiply-add).
  assert.equal(stats['relaxed-simd'].steps, 3);
  assert.equal(stats.simd128.steps, 3);
  stats.simd128.last.forEach((v, i) => {
    const w = stats['relaxed-simd'].last[i];
    assert.ok(Math.abs(v - w) <= 1e-3 * Math.max(1, Math.abs(v)), `stat ${i}: simd128 ${v} vs relaxed ${w}`);
  });
});

test('an unknown wasm build in the address falls back with a message', async () => {
  const page = await newPage(browser);
  await page.goto(new URL('?engine=worker&wasm=avx9000', baseUrl()).href);
  await page.waitForFunction(() => window.ganplay?.ready === true, null, { timeout: readyTimeoutMs });
  assert.equal(await page.evaluate(() => window.ganplay.state.build), 'relaxed-simd');
  assert.match(await page.textContent('#notice-text'), /Unknown wasm build “avx9000”/);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
