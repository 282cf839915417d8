// The peer benchmark of `make bench`: ganplay's default GAN (batch 64) trained by
// TensorFlow.js 4.22 on its wasm backend (bench/tfjs.html, bench/tfjs-page.js) in headless
// Chromium, once with 1 thread and once with navigator.hardwareConcurrency threads (each in
// a fresh page: the thread count is fixed when the backend starts). Prints JSON lines:
//   steps_per_s        per thread count and step variant: "shared", one G forward per step,
//                      ganplay's work; "recompute", the idiomatic two minimize() calls;
//                      "explicit-transpose", shared with a matmul gradient that is not stock
//                      TF.js, whose products all take the backend's fast path. The mean over
//                      the timed seconds, as ganplay's figures, with the fastest and the
//                      median step's ms (on a busy machine the fastest is what it hid)
//   matmul_ms          one (64, 784)·(784, 512) product in the three forms of a dense layer
//   transposed_matmul_share  fraction of one step's kernel time in the transposed products
// and, on stderr, the set-up (threads, SIMD, isolation, which .wasm), a check that the
// step variants compute the same step, and the kernel profile of one step.
//
// Usage: GANPLAY_URL=http://127.0.0.1:PORT/ node bench/tfjs.mjs   (bench/run.sh does this)
// Env: TFJS_SECONDS (timed seconds per run, default 10), TFJS_WARMUP (steps, default 5),
//      TFJS_THREADS (comma list, default "1,max"), TFJS_VARIANTS (default all three),
//      TFJS_CPU_OVERRIDE=0 to skip the extra run with the page told twice the CPUs (made
//      when TF.js keeps fewer threads than asked; see openBench).
import { baseUrl, launchBrowser, newPage } from '../tests/e2e/chromium.mjs';

const SECONDS = Number(process.env.TFJS_SECONDS || 10);
const WARMUP = Number(process.env.TFJS_WARMUP || 5);
const MIN_STEPS = 10;
const THREADS = (process.env.TFJS_THREADS || '1,max').split(',');
const VARIANTS = (process.env.TFJS_VARIANTS || 'shared,recompute,explicit-transpose').split(',');
const OVERRIDE = process.env.TFJS_CPU_OVERRIDE !== '0';
const BUILD = 'tfjs-wasm';
const BATCH = 64;

const emit = (figure) => console.log(JSON.stringify({ build: BUILD, ...figure }));
const note = (...args) => console.error('[tfjs]', ...args);
const round = (v, digits = 2) => +v.toFixed(digits);

/**
 * A fresh page with the backend started on `threads` threads. `cpus`, when given, is the
 * CPU count the page is told (navigator.hardwareConcurrency, through Chromium's DevTools
 * emulation): TF.js sizes its thread pool at most hardwareConcurrency / 2, assuming two
 * hardware threads per core, so on a 2-CPU machine it keeps 1 thread whatever it is asked.
 */
async function openBench(browser, threads, cpus) {
  const page = await newPage(browser);
  if (cpus) {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Emulation.setHardwareConcurrencyOverride', { hardwareConcurrency: cpus });
  }
  const wasmFiles = [];
  page.on('response', (res) => {
    if (res.url().endsWith('.wasm')) wasmFiles.push(res.url().split('/').pop());
  });
  await page.goto(`${baseUrl()}bench/tfjs.html?threads=${threads}`);
  await page.waitForFunction(() => window.tfjsBenchLoaded === true, null, { timeout: 60_000 });
  const info = await page.evaluate(() => window.tfjsBench.init());
  info.wasm = wasmFiles.join(',');
  return { page, info };
}

const browser = await launchBrowser();
let failed = false;
try {
  // 'max': the page asks for navigator.hardwareConcurrency threads itself.
  const runs = THREADS.map((threads) => ({ threads }));

  for (let r = 0; r < runs.length; r++) {
    const { threads, cpus } = runs[r];
    const { page, info } = await openBench(browser, threads, cpus);
    const asked = info.threads_asked;
    note(`threads asked ${asked}${cpus ? `, page told ${cpus} CPUs` : ''}:`, JSON.stringify(info));
    if (!info.cross_origin_isolated) note('WARNING: the page is not cross-origin isolated: no threads for TF.js');
    if (asked > 1 && info.threads < asked) {
      note(`WARNING: asked for ${asked} threads, the backend reports ${info.threads}`);
      // TF.js caps its pool at hardwareConcurrency / 2: measure `asked` threads once more
      // with the page told twice the CPUs, so that the cap lets them all run.
      if (!cpus && OVERRIDE) runs.push({ threads: asked, cpus: 2 * info.hardware_concurrency });
    }
    const setup = {
      threads_asked: asked,
      threads: info.threads,
      ...(cpus ? { cpus_told: cpus } : {}),
      simd: info.simd,
      multithread_support: info.multithread_support,
      wasm: info.wasm,
    };

    if (r === 0) {
      const check = await page.evaluate(() => window.tfjsBench.selfCheck());
      note('self-check, every step variant against the shared one, same weights and inputs (SGD, 2 steps):', JSON.stringify(check));
      for (const [variant, d] of Object.entries(check.variants)) {
        for (const net of ['g', 'd']) {
          if (!(d[`${net}_max_diff`] <= 1e-3 * check[`${net}_moved`])) {
            note(`FAIL: the ${variant} step and the shared one disagree on ${net.toUpperCase()}'s weights`);
            failed = true;
          }
        }
      }
    }

    for (const variant of VARIANTS) {
      const r = await page.evaluate(
        ({ variant, opts }) => window.tfjsBench.time(variant, opts),
        { variant, opts: { warmup: WARMUP, seconds: SECONDS, minSteps: MIN_STEPS } },
      );
      note(`${variant}, ${info.threads} thread(s):`, JSON.stringify(r));
      if (r.tensors_leaked > 0) note(`WARNING: ${r.tensors_leaked} tensors leaked over ${r.steps} steps`);
      emit({
        figure: 'steps_per_s',
        batch: BATCH,
        variant,
        data: info.data,
        steps: r.steps,
        seconds: round(r.seconds, 3),
        step_ms_min: round(r.step_ms_min, 1),
        step_ms_median: round(r.step_ms_median, 1),
        ...setup,
        value: round(r.steps_per_s),
      });
    }

    for (const variant of VARIANTS.filter((v) => v !== 'recompute')) {
      const prof = await page.evaluate((v) => window.tfjsBench.profileStep(v), variant);
      note(`one ${variant} step profiled, ${info.threads} thread(s): wall ${prof.wall_ms.toFixed(0)} ms, kernels ${prof.kernel_ms.toFixed(0)} ms`);
      for (const k of prof.kinds.slice(0, 10)) note(`  ${k.ms.toFixed(1).padStart(7)} ms  ${String(k.calls).padStart(4)}×  ${k.kind}`);
      if (variant === 'shared') {
        const transposed = prof.kinds.filter((k) => k.kind.includes('transpose')).reduce((s, k) => s + k.ms, 0);
        emit({ figure: 'transposed_matmul_share', variant, ...setup, value: round(transposed / prof.kernel_ms, 3) });
      }
    }

    const mm = await page.evaluate(() => window.tfjsBench.probeMatmul());
    for (const form of ['none', 'transpose_a', 'transpose_b', 'explicit_transpose_then_none']) {
      emit({ figure: 'matmul_ms', shape: mm.shape, form, ...setup, value: round(mm[form], 3) });
    }

    if (page.problems.length) note('page problems:', page.problems.join('; '));
    await page.context().close();
  }
} finally {
  await browser.close();
}
if (failed) process.exit(1);
