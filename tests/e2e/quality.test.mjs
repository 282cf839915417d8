// The Quality panel (www/quality.js): the judge loads with the page, scores G at step 0 and
// again while training (histogram, Fréchet distance charted over steps), and "Load
// pretrained" puts a trained model in place whose samples the judge finds all ten digits
// in, where a collapsed G raises the mode-collapse warning. Writes a screenshot of the
// panel to $QUALITY_SCREENSHOT (default /tmp/ganplay-quality.png) and prints the
// evaluation's main-thread cost (not asserted: timings depend on the machine).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collapsedCheckpoint, fileBrowser, openPage } from './browser.mjs';

const SCREENSHOT = process.env.QUALITY_SCREENSHOT || '/tmp/ganplay-quality.png';

const browser = fileBrowser();

const state = (page, fn, arg) => page.evaluate(fn, arg);
const evaluations = (page) => state(page, () => ganplay.state.quality?.evaluations ?? 0);

async function open() {
  const page = await openPage(browser(), '', { viewport: { width: 1300, height: 1000 }, timeout: 90_000 });
  // The judge loads in the background and scores the fresh model once.
  await page.waitForFunction(() => ganplay.state.quality?.evaluations >= 1, null, { timeout: 60_000 });
  return page;
}

test('the Quality panel fills in while training', { timeout: 240_000 }, async () => {
  const page = await open();
  assert.match(await page.textContent('#quality-status'), /held-out digits/);
  assert.equal(await page.locator('#quality-hist .hist-bar').count(), 10);
  assert.match(await page.textContent('#quality-numbers'), /Fréchet distance \d/);
  // An untrained G: the judge sees few digit kinds, and says so.
  const first = await state(page, () => ({ fd: ganplay.state.quality.last.fd, rows: ganplay.state.quality.last.history.length / 4 }));
  assert.equal(first.rows, 1);
  assert.ok(first.fd > 0);
  // At step 0 G draws noise: no mode-collapse warning yet, and the panel says why.
  assert.match(await page.textContent('#quality-warning'), /^Mode-collapse warnings start at step 1,000: /);
  assert.equal(await page.locator('#quality-hist .hist-bar.vanished').count(), 0);

  await page.click('#train');
  await page.waitForFunction(() => ganplay.state.quality.last.history.length / 4 >= 3, null, { timeout: 180_000 });
  await page.click('#train');
  const after = await state(page, () => {
    const q = ganplay.state.quality;
    const rows = q.last.history;
    return {
      steps: Array.from({ length: rows.length / 4 }, (_, r) => rows[4 * r]),
      counts: q.last.counts,
      chartPoints: q.chart.data[0].length,
      timings: q.last.timings,
    };
  });
  // Evaluations at step 0 and then every 200 steps (give or take the frame it lands in).
  assert.equal(after.steps[0], 0);
  for (let i = 1; i < after.steps.length; i++) assert.ok(after.steps[i] - after.steps[i - 1] >= 200, `steps ${after.steps}`);
  assert.equal(after.counts.reduce((a, b) => a + b, 0), 500);
  assert.equal(after.chartPoints, after.steps.length);
  const ms = after.timings.map((t) => t.ms.toFixed(1));
  const slices = after.timings.map((t) => `${t.slices}×≤${t.maxSliceMs.toFixed(1)}`);
  console.log(`evaluation ms (in the engine's thread): ${ms.join(', ')}; slices: ${slices.join(', ')}`);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('Load pretrained loads a model that draws all ten digits', { timeout: 180_000 }, async () => {
  const page = await open();
  const before = await evaluations(page);
  await page.click('#load-pretrained');
  await page.waitForFunction(() => ganplay.state.view.steps > 0, null, { timeout: 60_000 });
  await page.waitForFunction((n) => ganplay.state.quality.evaluations > n, before, { timeout: 60_000 });
  const q = await state(page, () => {
    const j = ganplay.state.quality.last;
    return { counts: j.counts, fd: j.fd, steps: ganplay.state.view.steps, conditional: ganplay.state.flat.conditional };
  });
  assert.equal(q.conditional, false);
  assert.ok(q.steps >= 1000, `steps ${q.steps}`);
  assert.ok(q.counts.every((c) => c > 0), `counts ${q.counts}`);
  assert.ok(await page.locator('#quality-warning').isHidden(), 'no mode-collapse warning');
  assert.match(await page.textContent('#notice-text'), /pretrained unconditional/);
  // The grid was redrawn from the loaded model, and training goes on from there.
  await page.waitForFunction(() => ganplay.state.gridVersion === ganplay.state.modelVersion, null, { timeout: 10_000 });
  await page.locator('#quality').scrollIntoViewIfNeeded();
  await page.screenshot({ path: SCREENSHOT, fullPage: false });
  console.log(`screenshot: ${SCREENSHOT}; pretrained FD ${q.fd.toFixed(2)}, counts ${q.counts}`);
  await page.evaluate(() => ganplay.trainSteps(2));
  assert.equal(await state(page, () => ganplay.engine.steps()), q.steps + 2);

  // Conditional mode fetches the conditional model; the judge reports agreement.
  await page.evaluate(async () => {
    const config = JSON.parse(await ganplay.engine.configJson());
    await ganplay.state.replaceModel('Reset', 'step 0', () => ganplay.state.engine.reset(JSON.stringify({ ...config, conditional: true })));
  });
  await page.click('#load-pretrained');
  // Loading clears the verdicts; the first row after it is the loaded model's.
  await page.waitForFunction(() => ganplay.state.view.steps > 0 && ganplay.state.quality.last?.history?.length >= 4, null, { timeout: 60_000 });
  const agreement = await state(page, () => ganplay.state.quality.last.agreement);
  assert.ok(agreement > 0.5, `agreement ${agreement}`);
  assert.match(await page.textContent('#quality-numbers'), /label agreement/);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a G that draws only ones: the judge marks the nine other digits vanished and warns of mode collapse', { timeout: 120_000 }, async () => {
  const page = await open();
  const before = await evaluations(page);
  await page.setInputFiles('#load-model', { name: 'collapsed.safetensors', mimeType: 'application/octet-stream', buffer: collapsedCheckpoint() });
  await page.waitForFunction((n) => ganplay.state.view.steps === 5000 && ganplay.state.quality.evaluations > n && ganplay.state.quality.last?.status === 'ready', before, { timeout: 60_000 });
  const counts = await state(page, () => ganplay.state.quality.last.counts);
  assert.deepEqual(counts, [0, 500, 0, 0, 0, 0, 0, 0, 0, 0]);
  assert.match(await page.textContent('#quality-warning'), /^Mode collapse: digits 0, 2, 3, 4, 5, 6, 7, 8, 9 have vanished \(under \d+% of G’s samples\)\.$/);
  assert.ok(await page.locator('#quality-warning').isVisible());
  const vanished = await page.locator('#quality-hist .hist-bar.vanished').evaluateAll((bars) => bars.map((b) => Number(b.dataset.digit)));
  assert.deepEqual(vanished, [0, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('Show: G itself or the averaged G redraws the grid and the judge scores the G shown, stray specks beside the real digits’', { timeout: 180_000 }, async () => {
  const page = await open();
  await page.click('#load-pretrained');
  await page.waitForFunction(() => ganplay.state.view.steps > 0 && ganplay.state.quality.last?.history?.length >= 4, null, { timeout: 60_000 });
  const look = () =>
    state(page, async () => {
      await new Promise((r) => setTimeout(r, 50));
      const canvas = document.getElementById('grid');
      const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let sum = 0;
      for (let i = 0; i < pixels.length; i += 4) sum += pixels[i] * ((i / 4) % 97);
      const q = ganplay.state.quality.last;
      return { sum, average: ganplay.state.view.average, speckle: q.speckle, dataSpeckle: q.dataSpeckle, evaluations: ganplay.state.quality.evaluations };
    });
  const averaged = await look();
  assert.equal(averaged.average, true, 'the averaged G by default');
  assert.ok(averaged.dataSpeckle > 0 && averaged.dataSpeckle < 0.01, `real digits' specks ${averaged.dataSpeckle}`);
  assert.ok(averaged.speckle >= 0 && averaged.speckle < 0.5, `G's specks ${averaged.speckle}`);
  assert.match(await page.textContent('#quality-numbers'), /stray specks per sample [\d.]+ · in real digits 0\.00\d/);

  await page.check('#show-raw');
  await page.waitForFunction((n) => ganplay.state.view.average === false && ganplay.state.quality.evaluations > n, averaged.evaluations, { timeout: 60_000 });
  const raw = await look();
  assert.notEqual(raw.sum, averaged.sum, 'the grid shows another G');
  assert.notEqual(raw.speckle, averaged.speckle, 'the judge scored G itself');
  // Back to the average: the same grid as before, drawn again.
  await page.check('#show-average');
  await page.waitForFunction(() => ganplay.state.view.average === true, null, { timeout: 30_000 });
  assert.equal((await look()).sum, averaged.sum);
  // Training is unchanged by the choice, and the choice survives a reset.
  await page.check('#show-raw');
  await page.waitForFunction(() => ganplay.state.view.average === false, null, { timeout: 30_000 });
  await page.click('#reset');
  await page.waitForFunction(() => ganplay.state.view.steps === 0, null, { timeout: 30_000 });
  assert.equal(await state(page, async () => (await ganplay.engine.counters()).average), false);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
