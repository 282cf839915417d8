// The browser half of `make bench`: drives the real page in headless Chromium and
// prints one JSON line per figure: steps/s through the page's Playground at batch
// 32/64/128 for each wasm build (`wasm-simd128`: pkg/, `wasm-relaxed-simd`:
// pkg-relaxed/, each forced with `?wasm=`), then, with the build the page picks itself,
// frame times and the longest main-thread task while training at the default speed, and
// the time from navigation to the first trained step; the payload sizes of both builds.
//
// Usage: GANPLAY_URL=http://127.0.0.1:PORT/ node bench/page.mjs
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { baseUrl, launchBrowser, newPage } from '../tests/e2e/browser.mjs';

const TIMED_STEPS = 100;
const FRAME_SECONDS = 10;

const BUILDS = { 'simd128': 'pkg', 'relaxed-simd': 'pkg-relaxed' };
const emit = (build, figure) => console.log(JSON.stringify({ build: `wasm-${build}`, ...figure }));

for (const [build, dir] of Object.entries(BUILDS)) {
  const wasm = readFileSync(new URL(`../${dir}/ganplay_bg.wasm`, import.meta.url));
  emit(build, { figure: 'wasm_bytes', value: wasm.length });
  emit(build, { figure: 'wasm_gzip_bytes', value: gzipSync(wasm, { level: 9 }).length });
}

const browser = await launchBrowser();
try {
  const page = await newPage(browser);

  // Time to the first trained step: navigate, press Train the moment the page is ready
  // (from inside the page, so no round trip to this script falls in between), and note
  // when the step counter first moves (ms since navigation start).
  await page.goto(baseUrl(), { waitUntil: 'commit' });
  const { readyMs, firstStepMs } = await page.evaluate(
    () =>
      new Promise((resolve) => {
        let readyMs = null;
        const poll = () => {
          if (readyMs == null && window.ganplay?.ready === true) {
            readyMs = performance.now();
            document.getElementById('train').click();
          }
          if (readyMs != null && window.ganplay.playground.steps() >= 1) resolve({ readyMs, firstStepMs: performance.now() });
          else setTimeout(poll, 1);
        };
        poll();
      }),
  );
  await page.click('#train'); // pause
  const chosen = await page.evaluate(() => window.ganplay.state.build);
  emit(chosen, { figure: 'ready_ms', value: Math.round(readyMs) });
  emit(chosen, { figure: 'first_step_ms', value: Math.round(firstStepMs) });

  // Raw training speed through the page's own Playground handle, paused, per build.
  for (const build of Object.keys(BUILDS)) {
    const forced = await newPage(browser);
    await forced.goto(`${baseUrl()}?wasm=${build}`);
    await forced.waitForFunction(() => window.ganplay?.ready === true, null, { timeout: 60_000 });
    const got = await forced.evaluate(() => window.ganplay.state.build);
    if (got !== build) throw new Error(`asked for the ${build} build, the page loaded ${got}`);
    for (const batch of [32, 64, 128]) {
      const stepsPerS = await forced.evaluate(
        ({ batch, n }) => {
          const pg = window.ganplay.playground;
          const config = JSON.parse(pg.config_json());
          pg.set_hyperparameters(JSON.stringify({ ...config, batch_size: batch }));
          pg.train_steps(10);
          const t0 = performance.now();
          pg.train_steps(n);
          return (n * 1000) / (performance.now() - t0);
        },
        { batch, n: TIMED_STEPS },
      );
      emit(build, { figure: 'steps_per_s', batch, steps: TIMED_STEPS, value: +stepsPerS.toFixed(1) });
    }
    await forced.close();
  }
  await page.evaluate(() => {
    const pg = window.ganplay.playground;
    pg.set_hyperparameters(JSON.stringify({ ...JSON.parse(pg.config_json()), batch_size: 64 }));
  });

  // Smoothness while training at the page's default speed setting.
  const frames = await page.evaluate(async (seconds) => {
    const longTasks = [];
    const observer = new PerformanceObserver((list) => longTasks.push(...list.getEntries().map((e) => e.duration)));
    observer.observe({ type: 'longtask' });
    const before = window.ganplay.playground.steps();
    document.getElementById('train').click();
    const stamps = [];
    await new Promise((resolve) => {
      const end = performance.now() + seconds * 1000;
      const tick = (t) => {
        stamps.push(t);
        if (t < end) requestAnimationFrame(tick);
        else resolve();
      };
      requestAnimationFrame(tick);
    });
    document.getElementById('train').click();
    observer.disconnect();
    const gaps = stamps.slice(1).map((t, i) => t - stamps[i]).sort((a, b) => a - b);
    const at = (q) => gaps[Math.min(gaps.length - 1, Math.floor(q * gaps.length))];
    return {
      median: at(0.5),
      p95: at(0.95),
      longest: longTasks.length ? Math.max(...longTasks) : 0,
      longTasks: longTasks.length,
      steps: window.ganplay.playground.steps() - before,
      budget: window.ganplay.state.budgetMs,
    };
  }, FRAME_SECONDS);
  emit(chosen, { figure: 'frame_ms_median', budget_ms: frames.budget, value: +frames.median.toFixed(1) });
  emit(chosen, { figure: 'frame_ms_p95', budget_ms: frames.budget, value: +frames.p95.toFixed(1) });
  emit(chosen, { figure: 'longest_task_ms', tasks_over_50ms: frames.longTasks, value: Math.round(frames.longest) });
  emit(chosen, { figure: 'training_steps_per_s_in_page', value: +(frames.steps / FRAME_SECONDS).toFixed(1) });
} finally {
  await browser.close();
}
