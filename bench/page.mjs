// The browser half of `make bench`: drives the real page in headless Chromium and prints
// one JSON line per figure:
//   - payload sizes of the wasm builds;
//   - raw training speed of each build in the engine's own thread, no page in between
//     (Engine.benchmark): the single-thread builds in a worker (`?engine=worker&wasm=…`),
//     and the threaded build with 1 and with 2 threads (`?engine=threads&threads=N`),
//     at batch 32/64/128, and at batch 64 each phase's time (the steps run a phase at a time);
//   - for each engine path (threads, worker, main): steps/s of the default page trained
//     by pressing Train, over 20 s, and the main thread meanwhile: frame time median and
//     p95, the longest task; then, training on, pad-to-score latency (a pointer move on
//     the drawing pad to D's score on screen) while a stroke is drawn;
//   - ready and first-step times of the default page;
//   - the 2-D world (ring8, www/worlds/) on each path: steps/s, frame time median and p95,
//     the longest task, and the view's drawing time per redraw, over WORLD_SECONDS of
//     training.
//
// Usage: GANPLAY_URL=http://127.0.0.1:PORT/ node bench/page.mjs
//        (BENCH_ONLY=worlds: the 2-D world's figures alone; BENCH_ONLY=raw: the payload and
//        the raw speeds with each phase's time, skipping the page's figures)
import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { baseUrl, launchBrowser, newPage } from '../tests/e2e/chromium.mjs';

const TIMED_STEPS = 100;
const TRAIN_SECONDS = 20;
/** After those, a stroke on the pad while training goes on: pad-to-score is timed then. */
const STROKE_SECONDS = 4;
const BATCHES = [32, 64, 128];
const DIRS = { simd128: 'pkg', 'relaxed-simd': 'pkg-relaxed', threads: 'pkg-threads' };
const emit = (figure) => console.log(JSON.stringify(figure));
const WORLD_SECONDS = 10;
const ONLY_WORLDS = process.env.BENCH_ONLY === 'worlds';
const ONLY_RAW = process.env.BENCH_ONLY === 'raw';
/** The phases of a step, in order (src/gan/phases.rs). */
const PHASES = ['real', 'sample', 'fake', 'through_d', 'generator'];

for (const [build, dir] of Object.entries(DIRS)) {
  const file = new URL(`../${dir}/ganplay_bg.wasm`, import.meta.url);
  if (!existsSync(file)) continue;
  const wasm = readFileSync(file);
  emit({ build: `wasm-${build}`, figure: 'wasm_bytes', value: wasm.length });
  emit({ build: `wasm-${build}`, figure: 'wasm_gzip_bytes', value: gzipSync(wasm, { level: 9 }).length });
}

const browser = await launchBrowser();

/**
 * Put in the page before it loads (addInitScript): what the timed runs report of the main
 * thread, from the frames' timestamps and the long tasks seen — the frame gaps' median and
 * p95, the longest task and how many took over 50 ms — and the steps per second.
 */
function pageFigures() {
  const at = (xs, q) => xs[Math.min(xs.length - 1, Math.floor(q * xs.length))];
  const mainThread = (stamps, longTasks, steps, elapsed) => {
    const gaps = stamps.slice(1).map((t, i) => t - stamps[i]).sort((a, b) => a - b);
    return {
      median: at(gaps, 0.5),
      p95: at(gaps, 0.95),
      longest: longTasks.length ? Math.max(...longTasks) : 0,
      longTasks: longTasks.filter((d) => d > 50).length,
      sps: (steps * 1000) / elapsed,
    };
  };
  window.benchFigures = { at, mainThread };
}

async function open(query, { waitUntil = 'load' } = {}) {
  const page = await newPage(browser);
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.addInitScript(pageFigures);
  await page.goto(`${baseUrl()}${query}`, { waitUntil });
  return page;
}
const ready = (page) => page.waitForFunction(() => window.ganplay?.ready === true, null, { timeout: 60_000 });

/**
 * The 2-D world's page on each path: Train for WORLD_SECONDS, the main thread watched as
 * for the digits (frame gaps, long tasks), plus what drawing the view cost per redraw.
 */
async function benchWorld() {
  for (const path of ['threads', 'worker', 'main']) {
    const page = await open(`?world=ring8&engine=${path}`);
    await ready(page);
    const got = await page.evaluate(() => window.ganplay.state.path);
    const build = `page-${path}-ring8`;
    if (got !== path) {
      emit({ build, figure: 'unavailable', value: 0, ran: got });
      await page.context().close();
      continue;
    }
    await page.locator('#world-card').scrollIntoViewIfNeeded();
    const f = await page.evaluate(async (seconds) => {
      const longTasks = [];
      const observer = new PerformanceObserver((list) => longTasks.push(...list.getEntries().map((e) => e.duration)));
      observer.observe({ type: 'longtask' });
      const app = window.ganplay.state;
      const before = app.view.steps;
      const draws = [];
      let lastView = null;
      const stamps = [];
      const t0 = performance.now();
      document.getElementById('train').click();
      await new Promise((resolve) => {
        const tick = (t) => {
          stamps.push(t);
          if (app.world.view !== lastView) {
            lastView = app.world.view;
            draws.push(app.gridCost);
          }
          if (t < t0 + seconds * 1000) requestAnimationFrame(tick);
          else resolve();
        };
        requestAnimationFrame(tick);
      });
      const steps = app.view.steps - before;
      const elapsed = performance.now() - t0;
      document.getElementById('train').click();
      observer.disconnect();
      const { at, mainThread } = window.benchFigures;
      draws.sort((a, b) => a - b);
      return {
        ...mainThread(stamps, longTasks, steps, elapsed),
        drawMedian: at(draws, 0.5),
        drawP95: at(draws, 0.95),
        redraws: draws.length,
        build: app.build,
      };
    }, WORLD_SECONDS);
    emit({ build, figure: 'training_steps_per_s_in_page', seconds: WORLD_SECONDS, wasm: f.build, value: +f.sps.toFixed(1) });
    emit({ build, figure: 'frame_ms_median', value: +f.median.toFixed(1) });
    emit({ build, figure: 'frame_ms_p95', value: +f.p95.toFixed(1) });
    emit({ build, figure: 'longest_task_ms', tasks_over_50ms: f.longTasks, value: Math.round(f.longest) });
    emit({ build, figure: 'view_draw_ms_p95', redraws: f.redraws, median: +f.drawMedian.toFixed(1), value: +f.drawP95.toFixed(1) });
    await page.context().close();
  }
}

try {
  if (ONLY_WORLDS) {
    await benchWorld();
    process.exit(0);
  }
  // Time to the first trained step: navigate, press Train the moment the page is ready
  // (from inside the page, so no round trip to this script falls in between), and note
  // when the step counter first moves (ms since navigation start).
  {
    const page = await open('', { waitUntil: 'commit' });
    const { readyMs, firstStepMs } = await page.evaluate(
      () =>
        new Promise((resolve) => {
          let readyMs = null;
          const poll = () => {
            if (readyMs == null && window.ganplay?.ready === true) {
              readyMs = performance.now();
              document.getElementById('train').click();
            }
            if (readyMs != null && window.ganplay.state.view.steps >= 1) resolve({ readyMs, firstStepMs: performance.now() });
            else setTimeout(poll, 1);
          };
          poll();
        }),
    );
    const path = await page.evaluate(() => window.ganplay.state.path);
    emit({ build: `page-${path}`, figure: 'ready_ms', value: Math.round(readyMs) });
    emit({ build: `page-${path}`, figure: 'first_step_ms', value: Math.round(firstStepMs) });
    await page.context().close();
  }

  // Raw training speed in the engine's thread, per build (and thread count).
  const raw = [
    ...['simd128', 'relaxed-simd'].map((b) => ({ query: `?engine=worker&wasm=${b}`, build: `wasm-${b}`, path: 'worker', threads: undefined })),
    ...(existsSync(new URL('../pkg-threads/ganplay_bg.wasm', import.meta.url))
      ? [1, 2].map((n) => ({ query: `?engine=threads&threads=${n}`, build: 'wasm-threads', path: 'threads', threads: n }))
      : []),
  ];
  for (const { query, build, path, threads } of raw) {
    const page = await open(query);
    await ready(page);
    const got = await page.evaluate(() => [window.ganplay.state.path, window.ganplay.state.threads]);
    if (got[0] !== path || (threads && got[1] !== threads)) throw new Error(`asked for ${query}, the page runs ${got}`);
    for (const batch of BATCHES) {
      const value = await page.evaluate(({ batch, steps }) => window.ganplay.state.engine.benchmark({ batch, steps }), { batch, steps: TIMED_STEPS });
      emit({ build, figure: 'steps_per_s', batch, steps: TIMED_STEPS, ...(threads ? { threads } : {}), value: +value.toFixed(1) });
    }
    // Where a step's time goes, at batch 64: the steps a phase at a time (docs/threads.md).
    const { ms } = await page.evaluate((steps) => window.ganplay.state.engine.benchmark({ batch: 64, steps, phases: true }), TIMED_STEPS);
    for (const [i, part] of PHASES.entries()) {
      emit({ build, figure: 'step_ms', batch: 64, ...(threads ? { threads } : {}), part: `phase:${part}`, value: +ms[i].toFixed(3) });
    }
    emit({ build, figure: 'step_ms', batch: 64, ...(threads ? { threads } : {}), part: 'phases', value: +ms.reduce((a, b) => a + b).toFixed(3) });
    await page.context().close();
  }
  if (ONLY_RAW) process.exit(0);

  // The default page on each path: press Train, train for TRAIN_SECONDS, and watch the
  // main thread meanwhile; then a stroke on the pad times pad-to-score.
  for (const path of ['threads', 'worker', 'main']) {
    const page = await open(`?engine=${path}`);
    await ready(page);
    const got = await page.evaluate(() => window.ganplay.state.path);
    if (got !== path) {
      emit({ build: `page-${path}`, figure: 'unavailable', value: 0, ran: got });
      await page.context().close();
      continue;
    }
    await page.locator('#pad').scrollIntoViewIfNeeded();
    const pad = await page.locator('#pad').boundingBox();
    const watching = page.evaluate(async ([seconds, stroke]) => {
      const longTasks = [];
      const observer = new PerformanceObserver((list) => longTasks.push(...list.getEntries().map((e) => e.duration)));
      observer.observe({ type: 'longtask' });
      const moves = [];
      const onMove = (e) => moves.push(e.timeStamp);
      document.getElementById('pad').addEventListener('pointermove', onMove);
      const before = window.ganplay.state.view.steps;
      const t0 = performance.now();
      document.getElementById('train').click();
      let steps = null;
      let elapsed = null;
      setTimeout(() => {
        steps = window.ganplay.state.view.steps - before;
        elapsed = performance.now() - t0;
      }, seconds * 1000);
      const stamps = [];
      await new Promise((resolve) => {
        const end = t0 + (seconds + stroke) * 1000;
        const tick = (t) => {
          stamps.push(t);
          if (t < end) requestAnimationFrame(tick);
          else resolve();
        };
        requestAnimationFrame(tick);
      });
      document.getElementById('train').click();
      observer.disconnect();
      document.getElementById('pad').removeEventListener('pointermove', onMove);
      const training = stamps.filter((t) => t <= t0 + seconds * 1000);
      const { at, mainThread } = window.benchFigures;
      // A move's score is on screen at the first frame after a scoring that began after it.
      const scored = window.ganplay.state.pad.scoreLog;
      const latencies = moves
        .map((m) => {
          const s = scored.find(([started]) => started >= m);
          if (!s) return null;
          const frame = stamps.find((t) => t >= s[1]);
          return (frame ?? s[1]) - m;
        })
        .filter((v) => v != null)
        .sort((a, b) => a - b);
      return {
        ...mainThread(training, longTasks, steps, elapsed),
        padP95: latencies.length ? at(latencies, 0.95) : null,
        padMedian: latencies.length ? at(latencies, 0.5) : null,
        padMoves: latencies.length,
        build: window.ganplay.state.build,
        threads: window.ganplay.state.threads,
      };
    }, [TRAIN_SECONDS, STROKE_SECONDS]);
    // Then a stroke on the pad: 60 moves, one every 50 ms.
    await page.waitForTimeout(TRAIN_SECONDS * 1000 + 300);
    await page.mouse.move(pad.x + 80, pad.y + 60);
    await page.mouse.down();
    for (let i = 0; i < 60; i++) {
      await page.mouse.move(pad.x + 80 + i * 2, pad.y + 60 + i * 3);
      await page.waitForTimeout(50);
    }
    await page.mouse.up();
    const f = await watching;
    const build = `page-${path}`;
    const extra = { wasm: f.build, ...(f.threads ? { threads: f.threads } : {}) };
    emit({ build, figure: 'training_steps_per_s_in_page', seconds: TRAIN_SECONDS, ...extra, value: +f.sps.toFixed(1) });
    emit({ build, figure: 'frame_ms_median', value: +f.median.toFixed(1) });
    emit({ build, figure: 'frame_ms_p95', value: +f.p95.toFixed(1) });
    emit({ build, figure: 'longest_task_ms', tasks_over_50ms: f.longTasks, value: Math.round(f.longest) });
    if (f.padP95 != null) {
      emit({ build, figure: 'pad_to_score_ms_p95', moves: f.padMoves, median: +f.padMedian.toFixed(1), value: +f.padP95.toFixed(1) });
    }
    await page.context().close();
  }
  await benchWorld();
} finally {
  await browser.close();
}
