// Two builds of the page, side by side: each is opened in turn in one headless Chromium,
// Train pressed, and its steps per second read over 15 s (after 3 s of warm-up), with
// the p95 of the page's own work per frame. Runs A, B, A, B for each query, so a machine
// whose speed drifts shows as spread within a column rather than as a difference.
//
// Usage: node bench/ab.mjs URL_A URL_B [QUERY,QUERY…]   (default ?engine=threads)
//   e.g. an older commit's checkout served with `node scripts/serve.mjs --port 8201`
//   beside this one's on 8202.
import { launchBrowser } from '../tests/e2e/chromium.mjs';

const [a, b, queries = '?engine=threads'] = process.argv.slice(2);
if (!a || !b) {
  console.error('usage: node bench/ab.mjs URL_A URL_B [QUERY,QUERY…]');
  process.exit(2);
}
const WARM_MS = 3000;
const TIMED_MS = 15_000;
const browser = await launchBrowser();

async function run(name, url, query) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(new URL(query, url).href);
  await page.waitForFunction(() => window.ganplay?.ready === true, null, { timeout: 60_000 });
  await page.click('#train');
  await page.waitForTimeout(WARM_MS);
  const s0 = await page.evaluate(() => ganplay.engine.steps());
  const t0 = Date.now();
  await page.waitForTimeout(TIMED_MS);
  const s1 = await page.evaluate(() => ganplay.engine.steps());
  const seconds = (Date.now() - t0) / 1000;
  const frames = await page.evaluate(() => ganplay.state.frameMs.slice().sort((x, y) => x - y));
  const p95 = frames[Math.floor(frames.length * 0.95)];
  console.log(JSON.stringify({ figure: 'ab_steps_per_s', build: name, url, query, value: +((s1 - s0) / seconds).toFixed(1), frame_work_ms_p95: +p95.toFixed(2) }));
  await page.context().close();
}

for (const query of queries.split(',')) {
  for (const [name, url] of [['A', a], ['B', b], ['A', a], ['B', b]]) await run(name, url, query);
}
await browser.close();
