// The threaded wasm build's raw training speed (`make bench`): the default networks in a
// dedicated module worker (tests/e2e/threads-worker.js, as the page runs the engine),
// steps/s at batch 32/64/128 through the Playground handle, paused, for pkg-threads/ with
// `initThreadPool(1)` and `initThreadPool(2)`, and for pkg-relaxed/ (the single-thread
// build with the same arithmetic) in the same kind of worker; and pkg-threads/'s payload.
// One JSON line per figure; bench/table.mjs turns them into the speed-ups.
//
// Usage: GANPLAY_URL=http://127.0.0.1:PORT/ node bench/threads.mjs
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { baseUrl, launchBrowser, newPage } from '../tests/e2e/browser.mjs';

const BATCHES = [32, 64, 128];
const WARMUP_STEPS = 10;
const TIMED_STEPS = 100;

const RUNS = [
  { build: 'wasm-threads', pkg: 'pkg-threads', threads: 1 },
  { build: 'wasm-threads', pkg: 'pkg-threads', threads: 2 },
  { build: 'wasm-relaxed-simd', pkg: 'pkg-relaxed', threads: null },
];

const wasm = readFileSync(new URL('../pkg-threads/ganplay_bg.wasm', import.meta.url));
console.log(JSON.stringify({ build: 'wasm-threads', figure: 'wasm_bytes', value: wasm.length }));
console.log(JSON.stringify({ build: 'wasm-threads', figure: 'wasm_gzip_bytes', value: gzipSync(wasm, { level: 9 }).length }));

const browser = await launchBrowser();
try {
  const page = await newPage(browser);
  await page.goto(new URL('tests/e2e/threads.html', baseUrl()).href);
  await page.waitForFunction(() => window.threadsPageReady === true, null, { timeout: 10_000 });
  for (const { build, pkg, threads } of RUNS) {
    const { count, stepsPerS } = await page.evaluate(
      async ({ pkg, threads, batches, warmup, steps }) => {
        const engine = startEngine();
        try {
          const loaded = await engine.call({ cmd: 'load', pkg, threads });
          const { stepsPerS } = await engine.call({ cmd: 'speed', config: {}, batches, warmup, steps });
          return { count: loaded.threads, stepsPerS };
        } finally {
          engine.worker.terminate();
        }
      },
      { pkg, threads, batches: BATCHES, warmup: WARMUP_STEPS, steps: TIMED_STEPS },
    );
    if (threads && count !== threads) throw new Error(`${pkg}: asked for ${threads} threads, got ${count}`);
    BATCHES.forEach((batch, i) =>
      console.log(
        JSON.stringify({
          build,
          figure: 'steps_per_s_in_worker',
          threads: count,
          batch,
          steps: TIMED_STEPS,
          value: +stepsPerS[i].toFixed(1),
        }),
      ),
    );
  }
  if (page.problems.length) throw new Error(`the page reported problems:\n${page.problems.join('\n')}`);
} finally {
  await browser.close();
}
