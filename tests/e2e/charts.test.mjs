// The training charts stay readable for any value (issue 11: on divergence the loss
// chart's y labels were clipped to “0,000” and its legend printed
// “6.048393209505099e+30”). A history with such a loss is put into the playground, and
// the chart's legend, tick labels and axis width are read back. Screenshot in
// $SHOTS_DIR (/tmp/shots).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileBrowser, openPage } from './browser.mjs';

const SHOTS = process.env.SHOTS_DIR || '/tmp/shots';
const SMALL = 'noise_dim=16&g_hidden=64&d_hidden=64&batch_size=32';

const browser = fileBrowser();
before(() => {
  fs.mkdirSync(SHOTS, { recursive: true });
});

test('a diverging loss of 6.05e30: short legend, readable y ticks, an axis as wide as its labels', async () => {
  const page = await openPage(browser(), SMALL, { viewport: { width: 1280, height: 800 } });
  await page.evaluate(async () => {
    const huge = 6.048393209505099e30;
    // [records, stride, last d_loss, g_loss, d_real, d_fake], then rows of 5.
    // 8,000 rows kept of 16,000 steps (stride 2); the last ten diverge.
    const history = [16000, 2, huge, 4e6, 1, 0];
    for (let r = 2; r <= 16000; r += 2) {
      const late = r > 15980;
      history.push(r, late ? huge * (r - 15980) / 20 : 0.7, late ? 4e6 : 0.8, 0.6, 0.4);
    }
    await ganplay.engine.importHistory(new Float64Array(history));
    await ganplay.sync(); // redraw the views now
  });
  await page.waitForFunction(() => ganplay.state.charts.rows === 8000, null, { timeout: 10_000 });

  const loss = await page.evaluate(() => {
    const u = ganplay.state.charts.loss;
    const measure = document.createElement('canvas').getContext('2d');
    measure.font = u.axes[1].font[0];
    const ticks = u.axes[1]._values;
    return {
      legend: [...u.root.querySelectorAll('.u-legend .u-value')].map((e) => e.textContent),
      xTicks: u.axes[0]._values,
      ticks,
      // Label widths in CSS px (the axis font is scaled by the device pixel ratio).
      widest: Math.max(...ticks.map((t) => measure.measureText(t).width)) / devicePixelRatio,
      size: u.axes[1]._size,
    };
  });
  // The raw D loss shows the last value as it is: 6.05e30, not 6048393209505099000….
  assert.ok(loss.legend.includes('6.05e30'), `legend: ${loss.legend.join(' | ')}`);
  assert.ok(loss.legend.includes('16,000'), `the step, with a separator: ${loss.legend.join(' | ')}`);
  for (const v of loss.legend) assert.ok(v.length <= 12, `legend value “${v}” is too long`);
  assert.ok(loss.ticks.length >= 2, `ticks: ${loss.ticks}`);
  for (const t of loss.ticks) assert.match(t, /^(0|-?\d(\.\d+)?e\d+)$/, `y tick “${t}”`);
  for (const t of loss.xTicks) assert.match(t, /^\d{1,3}(,\d{3})*$/, `x tick “${t}”`);
  // uPlot draws a label right of the tick and gap (15 px); the axis holds all of it.
  assert.ok(loss.size >= loss.widest + 15, `axis ${loss.size} px for labels ${loss.widest} px wide`);

  const chart = page.locator('#chart-loss');
  await chart.scrollIntoViewIfNeeded();
  await chart.screenshot({ path: path.join(SHOTS, 'chart-diverged.png') });
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
