// Long runs and the cost of not losing things, in headless Chromium through the real page:
//
// 1. 100,000 steps of a small model (noise 16, hidden 32, batch 8, so that they take
//    minutes, not hours) trained by the page's own frame loop (Train, speed 40 ms/frame),
//    grid, charts, restore points and autosaves all running. wasm linear memory and
//    the JS heap (after a forced GC, over CDP) are sampled after a 5,000-step warm-up (and
//    a first autosave) and every 10,000 steps; the run passes if wasm memory did not grow
//    after warm-up.
// 2. With the default networks: the cost of keeping a restore point
//    (keep_restore_point_now) and of an autosave's checkpoint (save_checkpoint), median of 20.
//
// Usage: GANPLAY_URL=http://127.0.0.1:PORT/ node bench/memory.mjs [steps] [query]
// (query: the page's settings, e.g. '' for the default networks; the default is the small
// model above). Prints one JSON line per figure; exits 1 if wasm memory grew after warm-up.
import { baseUrl, launchBrowser, newPage } from '../tests/e2e/chromium.mjs';

const STEPS = Number(process.argv[2] || 100_000);
const WARMUP = Math.min(5_000, STEPS / 10);
const SAMPLE_EVERY = Math.min(10_000, STEPS / 5);
const SMALL = 'noise_dim=16&g_hidden=32&d_hidden=32&batch_size=8';
const MODEL = process.argv[3] ?? SMALL;

const emit = (figure) => console.log(JSON.stringify({ build: 'wasm', ...figure }));

async function open(browser, query) {
  const page = await newPage(browser);
  await page.goto(new URL(query ? `?${query}` : '', baseUrl()).href);
  await page.waitForFunction(() => window.ganplay?.ready === true, null, { timeout: 60_000 });
  return page;
}

async function memory(page, cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  const [steps, wasm] = await page.evaluate(async () => [await ganplay.engine.steps(), await ganplay.state.engine.memoryBytes()]);
  return { steps, wasm_bytes: wasm, js_heap_bytes: usedSize };
}

const browser = await launchBrowser();
let grew = false;
try {
  const page = await open(browser, MODEL);
  const cdp = await page.context().newCDPSession(page);
  await page.evaluate(() => {
    const speed = document.getElementById('speed');
    speed.value = speed.max;
    speed.dispatchEvent(new Event('input'));
  });
  const t0 = Date.now();
  await page.click('#train');
  const trainUntil = (n) => page.waitForFunction((n) => ganplay.state.view.steps >= n, n, { timeout: 0, polling: 1000 });
  await trainUntil(WARMUP);
  // The first autosave allocates the checkpoint's buffers (about 35 MB of wasm memory for
  // the default networks), which later saves reuse: part of the warm-up.
  await page.evaluate(() => ganplay.autosaveNow());
  const warm = await memory(page, cdp);
  emit({ figure: 'memory_sample', ...warm });
  let last = warm;
  for (let at = SAMPLE_EVERY; at <= STEPS; at += SAMPLE_EVERY) {
    if (at <= WARMUP) continue;
    await trainUntil(at);
    last = await memory(page, cdp);
    emit({ figure: 'memory_sample', ...last });
  }
  await page.click('#train');
  const seconds = (Date.now() - t0) / 1000;
  const frames = await page.evaluate(() => {
    const f = [...ganplay.state.frameMs].sort((a, b) => a - b);
    return { median: f[f.length >> 1], max: f[f.length - 1] };
  });
  const errors = await page.evaluate(() => ganplay.state.errors);
  grew = last.wasm_bytes > warm.wasm_bytes;
  emit({
    figure: 'long_run',
    model: MODEL || 'default',
    steps: last.steps,
    seconds: Math.round(seconds),
    wasm_bytes_after_warmup: warm.wasm_bytes,
    wasm_bytes_end: last.wasm_bytes,
    js_heap_bytes_after_warmup: warm.js_heap_bytes,
    js_heap_bytes_end: last.js_heap_bytes,
    frame_work_ms_median_last_240: +frames.median.toFixed(1),
    frame_work_ms_max_last_240: +frames.max.toFixed(1),
    page_errors: errors.length,
    value: grew ? 'grew' : 'flat',
  });
  await page.context().close();

  // The default networks: what keeping a restore point and autosaving cost.
  // On the page's own thread, where the playground can be called directly and timed alone.
  const big = await open(browser, 'engine=main');
  const costs = await big.evaluate(() => {
    const pg = ganplay.state.engine.pg;
    pg.train_steps(3);
    const median = (fn) => {
      const t = [];
      for (let i = 0; i < 20; i++) {
        const s = performance.now();
        fn();
        t.push(performance.now() - s);
      }
      return t.sort((a, b) => a - b)[10];
    };
    const step = median(() => pg.train_steps(1));
    const keep = median(() => pg.keep_restore_point_now());
    const save = median(() => pg.save_checkpoint());
    return { step, keep, save, bytes: pg.save_checkpoint().length };
  });
  emit({ figure: 'default_step_ms', value: +costs.step.toFixed(2) });
  emit({ figure: 'keep_restore_point_ms', value: +costs.keep.toFixed(2) });
  emit({ figure: 'autosave_checkpoint_ms', bytes: costs.bytes, value: +costs.save.toFixed(2) });
} finally {
  await browser.close();
}
process.exit(grew ? 1 : 0);
