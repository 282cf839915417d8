#!/usr/bin/env node
// docs/lessons.md's "D against D*" table: the page's 1-D worlds trained from their link
// (`?world=<name>&seed=<s>`), and at each step count the line under the view read back:
// V(G, D*), JS (both in nats, from the view's kernel estimates) and the learned D's mean
// distance from D* where there are points (www/worlds/bestd.js). Prints Markdown.
//
//   node bench/lessons.mjs          # serves the repository itself; needs `make build`
import { startServer } from '../tests/e2e/server.mjs';
import { launchBrowser } from '../tests/e2e/browser.mjs';

const WORLDS = ['mixture2', 'mixture3'];
const SEEDS = [1, 2, 3];
const COUNTS = [0, 250, 1000, 4000];

const server = await startServer();
const browser = await launchBrowser();
console.log('| world | seed | ' + COUNTS.map((n) => `${n} steps: V(G, D*) · JS · D–D*`).join(' | ') + ' |');
console.log('|---|---:|' + COUNTS.map(() => '---|').join(''));
try {
  for (const world of WORLDS) {
    for (const seed of SEEDS) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(`${server.url}?world=${world}&seed=${seed}&lang=en`);
      await page.waitForFunction(() => window.ganplay?.ready === true, null, { timeout: 60_000 });
      const cells = [];
      for (const n of COUNTS) {
        const now = await page.evaluate(() => ganplay.playground.steps());
        // The tests' shortcut: exactly n steps, as many times Step would make them.
        if (n > now) await page.evaluate((k) => ganplay.trainSteps(k), n - now);
        await page.waitForFunction(() => ganplay.state.gridVersion === ganplay.state.modelVersion && !ganplay.state.inFlight, null, { timeout: 15_000 });
        const text = await page.textContent('#world-bestd-figures');
        const [, v, js, gap] = text.match(/= (-?\d+\.\d+)[^=]*?= (-?\d+\.\d+).*? is (\d+\.\d+) from/);
        const step = await page.evaluate(() => ganplay.playground.steps());
        if (step !== n) throw new Error(`${world} seed ${seed}: at step ${step}, not ${n}`);
        cells.push(`${v} · ${js} · ${gap}`);
      }
      console.log(`| ${world} | ${seed} | ${cells.join(' | ')} |`);
      await page.close();
    }
  }
} finally {
  await browser.close();
  await server.stop();
}
