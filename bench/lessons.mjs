#!/usr/bin/env node
// docs/lessons.md's "D against D*" table: the page's 1-D worlds trained from their link
// (`?world=<name>&seed=<s>`), and at each step count the line under the view read back:
// V(G, D*), JS (both in nats, from the view's kernel estimates) and the learned D's mean
// distance from D* where there are points (www/worlds/bestd.js); and the minimax lesson's
// line (www/saturation.js): the fakes' mean D(G(z)), which is the minimax loss's push on
// G, for the minimax loss under the page's recipe and the textbook one. Prints Markdown.
//
//   node bench/lessons.mjs          # serves the repository itself; needs `make build`
import { startServer } from '../tests/e2e/server.mjs';
import { launchBrowser } from '../tests/e2e/chromium.mjs';

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
        const now = await page.evaluate(() => ganplay.engine.steps());
        // The tests' shortcut: exactly n steps, as many times Step would make them.
        if (n > now) await page.evaluate((k) => ganplay.trainSteps(k), n - now);
        await page.waitForFunction(() => ganplay.state.gridVersion === ganplay.state.modelVersion && !ganplay.state.inFlight, null, { timeout: 15_000 });
        const text = await page.textContent('#world-bestd-figures');
        const [, v, js, gap] = text.match(/= (-?\d+\.\d+)[^=]*?= (-?\d+\.\d+).*? is (\d+\.\d+) from/);
        const step = await page.evaluate(() => ganplay.engine.steps());
        if (step !== n) throw new Error(`${world} seed ${seed}: at step ${step}, not ${n}`);
        cells.push(`${v} · ${js} · ${gap}`);
      }
      console.log(`| ${world} | ${seed} | ${cells.join(' | ')} |`);
      await page.close();
    }
  }
  // The minimax lesson: the fakes' mean D(G(z)) under each recipe, the loss set to minimax.
  // D's sample of fakes is drawn with Math.random, so these move by a few hundredths per run.
  const SAT_COUNTS = [0, 50, 350, 1000];
  console.log('');
  console.log('| recipe, minimax loss | ' + SAT_COUNTS.map((n) => `${n} steps`).join(' | ') + ' |');
  console.log('|---|' + SAT_COUNTS.map(() => '---:|').join(''));
  for (const plain of [false, true]) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${server.url}?lang=en`);
    await page.waitForFunction(() => window.ganplay?.ready === true, null, { timeout: 60_000 });
    if (plain) await page.click('#recipe-plain');
    await page.selectOption('#generator-loss', 'minimax');
    await page.waitForFunction(() => ganplay.state.flat.generator_loss === 'minimax');
    const cells = [];
    let done = 0;
    for (const n of SAT_COUNTS) {
      if (n > done) await page.evaluate((k) => ganplay.trainSteps(k), n - done);
      done = n;
      // D's sample of fakes is re-taken at most every 2 s, once the model moved.
      await page.waitForTimeout(4000);
      cells.push((await page.textContent('#saturation-words')).match(/mean D\(G\(z\)\) = (\d\.\d+)/)[1]);
    }
    console.log(`| ${plain ? 'textbook' : 'the page’s (tuned)'} | ${cells.join(' | ')} |`);
    await page.close();
  }
} finally {  await browser.close();
  await server.stop();
}
