// The threaded wasm build (pkg-threads/, docs/threads.md) in headless Chromium, served by
// scripts/serve.mjs: the server's headers make the page cross-origin isolated; in a
// dedicated module worker, as the page runs the engine, `initThreadPool(2)` starts two
// threads and training the default networks from the same seed saves the same checkpoint,
// byte for byte, as the single-thread relaxed-SIMD build (pkg-relaxed/, whose arithmetic
// the threaded build shares) and as the threaded build on one thread; the same on the
// page's main thread.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { baseUrl, launchBrowser, newPage } from './browser.mjs';

/** Training steps per comparison: enough that every layer's weights moved. */
const STEPS = 5;

let browser;
let page;
before(async () => {
  browser = await launchBrowser();
  page = await newPage(browser);
  await page.goto(new URL('tests/e2e/threads.html', baseUrl()).href);
  await page.waitForFunction(() => window.threadsPageReady === true, null, { timeout: 10_000 });
});
after(() => browser?.close());

/**
 * Trains `steps` steps of `config` in a fresh module worker holding `pkg` (on `threads`
 * threads when given); keeps the checkpoint in the page as `checkpoints[key]` and
 * returns `{ threads, sha256, length }`.
 */
function trainInWorker(key, { pkg, threads, config, steps }) {
  return page.evaluate(
    async ({ key, pkg, threads, config, steps }) => {
      const engine = startEngine();
      try {
        const loaded = await engine.call({ cmd: 'load', pkg, threads });
        const { checkpoint } = await engine.call({ cmd: 'train', config, steps });
        (window.checkpoints ??= {})[key] = checkpoint;
        return { threads: loaded.threads, sha256: await sha256(checkpoint), length: checkpoint.length };
      } finally {
        engine.worker.terminate();
      }
    },
    { key, pkg, threads, config, steps },
  );
}

/** Where two kept checkpoints first differ, and in how many bytes (null when equal). */
const difference = (a, b) =>
  page.evaluate(
    ([a, b]) => {
      const [x, y] = [checkpoints[a], checkpoints[b]];
      if (x.length !== y.length) return `lengths ${x.length} and ${y.length}`;
      let first = -1;
      let count = 0;
      for (let i = 0; i < x.length; i++) {
        if (x[i] !== y[i]) {
          if (first < 0) first = i;
          count++;
        }
      }
      return count ? `${count} of ${x.length} bytes differ, the first at ${first}` : null;
    },
    [a, b],
  );

/** HTTP headers of a GET of `path` on the server, and its status. */
const headersOf = (path) =>
  new Promise((resolve, reject) => {
    const req = http.get(new URL(path, baseUrl()), (res) => {
      res.resume();
      resolve({ status: res.statusCode, headers: res.headers });
    });
    req.on('error', reject);
  });

test('every response of the server carries the cross-origin isolation headers', async () => {
  for (const [path, status] of [
    ['tests/e2e/threads.html', 200],
    ['pkg-threads/ganplay_bg.wasm', 200],
    ['www/data/mnist-10k-labels-idx1-ubyte.gz', 200],
    ['www', 301],
    ['no-such-file', 404],
  ]) {
    const r = await headersOf(path);
    assert.equal(r.status, status, path);
    assert.equal(r.headers['cross-origin-opener-policy'], 'same-origin', path);
    assert.equal(r.headers['cross-origin-embedder-policy'], 'require-corp', path);
  }
  assert.equal(await page.evaluate(() => window.crossOriginIsolated), true);
});

for (const [name, config, steps] of [
  ['the default networks', {}, STEPS],
  ['the conditional default networks', { conditional: true }, STEPS - 2],
]) {
  test(`${name}: 2 threads in a module worker train bit-identically to pkg-relaxed`, async () => {
    const threaded = await trainInWorker('threads-2', { pkg: 'pkg-threads', threads: 2, config, steps });
    assert.equal(threaded.threads, 2, 'initThreadPool(2) gave the products two threads');
    const single = await trainInWorker('relaxed', { pkg: 'pkg-relaxed', config, steps });
    assert.equal(single.threads, 1);
    assert.equal(await difference('threads-2', 'relaxed'), null, 'pkg-threads on 2 threads vs pkg-relaxed');
    assert.equal(threaded.sha256, single.sha256);

    const one = await trainInWorker('threads-1', { pkg: 'pkg-threads', threads: 1, config, steps });
    assert.equal(one.threads, 1);
    assert.equal(await difference('threads-1', 'relaxed'), null, 'pkg-threads on 1 thread vs pkg-relaxed');

    // The steps moved the weights: a comparison of two untrained models would prove nothing.
    await trainInWorker('untrained', { pkg: 'pkg-relaxed', config, steps: 0 });
    assert.notEqual(await difference('relaxed', 'untrained'), null);
  });
}

test('initThreadPool on the main thread works too, with the same result', async () => {
  const main = await page.evaluate(async (steps) => {
    const glue = await import('/pkg-threads/ganplay.js');
    await glue.default();
    await glue.initThreadPool(2);
    const { fetchGz } = await import('/www/util.js');
    const [images, labels] = await Promise.all([
      fetchGz('/www/data/mnist-10k-images-idx3-ubyte.gz'),
      fetchGz('/www/data/mnist-10k-labels-idx1-ubyte.gz'),
    ]);
    const pg = new glue.Playground(images, labels, '{}');
    pg.train_steps(steps);
    checkpoints.main = pg.save_checkpoint();
    pg.free();
    return { threads: glue.threadCount() };
  }, STEPS);
  assert.equal(main.threads, 2);
  await trainInWorker('relaxed', { pkg: 'pkg-relaxed', config: {}, steps: STEPS });
  assert.equal(await difference('main', 'relaxed'), null);
});

test('the page reported no errors', () => {
  assert.deepEqual(page.problems, []);
});
