// The lecture's lessons in the page: the best discriminator D* beside the learned D in a
// 1-D world, with V(G, D*) = −log 4 + 2·JS (www/worlds/bestd.js), and G's loss as a curve
// of D(G(z)) for the minimax and the non-saturating losses, G's fakes as dots on it
// (www/saturation.js). Each opens from a teacher's link and speaks both languages; the
// formulas are checked in Node against cases worked by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bestD, bestDFigures } from '../../www/worlds/bestd.js';
import { pushes } from '../../www/saturation.js';
import { fileBrowser, openPage, trainFor } from './browser.mjs';

const LOG4 = Math.log(4);
const N = 200;
/** A normal density with mean m and deviation s on the views' grid of N points over [-1, 1]. */
const normal = (m, s) => Float64Array.from({ length: N }, (_, i) => {
  const x = -1 + (2 * i) / (N - 1);
  return Math.exp(-0.5 * ((x - m) / s) ** 2) / (s * Math.sqrt(2 * Math.PI));
});

test('D* and V(G, D*): −log 4 when G matches the data, 0 when they do not overlap', () => {
  const a = normal(0, 0.1);
  const same = bestDFigures(a, a, new Float64Array(64).fill(0.5));
  assert.ok(Math.abs(same.value + LOG4) < 1e-9, `V = ${same.value}`);
  assert.ok(Math.abs(same.js) < 1e-9);
  assert.ok(same.gap < 1e-9, 'D = ½ is the best D when G matches the data');
  assert.ok(bestD(a, a).every((v) => Number.isNaN(v) || Math.abs(v - 0.5) < 1e-12));

  const apart = bestDFigures(normal(-0.5, 0.05), normal(0.5, 0.05), new Float64Array(64).fill(0.5));
  assert.ok(Math.abs(apart.value) < 1e-6, `V = ${apart.value}`);
  assert.ok(Math.abs(apart.js - Math.log(2)) < 1e-6, 'JS reaches log 2 for disjoint densities');
  assert.ok(Math.abs(apart.gap - 0.5) < 1e-6, 'D = ½ is ½ away from a D* of 0 or 1');

  // In between: V lies strictly between, and a D equal to D* has no gap.
  const p = normal(0, 0.1);
  const q = normal(0.1, 0.1);
  const star = bestD(p, q);
  const cells = Float64Array.from({ length: 100 }, (_, c) => {
    const i = Math.round(((c + 0.5) / 100) * (N - 1));
    return Number.isNaN(star[i]) ? 0.5 : star[i];
  });
  const mid = bestDFigures(p, q, cells);
  assert.ok(mid.value > -LOG4 && mid.value < 0, `V = ${mid.value}`);
  assert.ok(mid.gap < 0.02, `gap ${mid.gap}`);
  assert.equal(bestDFigures(new Float64Array(N), p, cells), null, 'an empty density has no figures');
});

test('the push each loss gives G: mean D for minimax, mean 1 − D for non-saturating', () => {
  assert.deepEqual(pushes([0.02, 0.04]), { minimax: 0.03, non_saturating: 0.97 });
  assert.equal(pushes([]), null);
});

const browser = fileBrowser();

async function open(query) {
  const page = await openPage(browser(), query);
  return { page, problems: page.problems };
}

/** V(G, D*) and JS as the line under the 1-D view prints them. */
async function figures(page) {
  await page.waitForFunction(() => ganplay.state.gridVersion === ganplay.state.modelVersion && !ganplay.state.inFlight, null, { timeout: 15_000 });
  const text = await page.textContent('#world-bestd-figures');
  const m = text.match(/= (-?\d+\.\d+)[^=]*?= (-?\d+\.\d+)/);
  assert.ok(m, text);
  return { text, value: Number(m[1]), js: Number(m[2]) };
}

test('the best D: a link to a 1-D world draws D* and V(G, D*) falls towards −log 4 as G learns', async () => {
  const { page, problems } = await open('world=mixture2&show=world,metrics');
  assert.equal(await page.isVisible('#world-bestd-label'), true);
  const before = await figures(page);
  assert.match(before.text, /D\*\(x\) = p_data\(x\) \/ \(p_data\(x\) \+ p_g\(x\)\)/);
  for (const f of [before]) {
    assert.ok(f.value >= -LOG4 - 1e-3 && f.value <= 1e-3, `V = ${f.value}`);
    assert.ok(Math.abs(f.value - (-LOG4 + 2 * f.js)) < 2e-3, 'V = −log 4 + 2·JS');
  }
  await trainFor(page, 1500);
  const afterTraining = await figures(page);
  assert.ok(afterTraining.value < before.value - 0.3, `V ${before.value} → ${afterTraining.value}: G moving onto the data lowers V(G, D*)`);

  // Unticked, D* and its line go; the language switch speaks of 最优判别器.
  await page.uncheck('#world-bestd');
  assert.equal(await page.isHidden('#world-bestd-figures'), true);
  await page.check('#world-bestd');
  await page.click('#lang-zh');
  await page.waitForFunction(() => /最优的判别器/.test(document.getElementById('world-bestd-figures').textContent));
  // Another world: the line goes with the 1-D view (the plane has no D* drawn).
  page.once('dialog', (d) => d.accept());
  await page.selectOption('#world', 'ring8');
  await page.waitForFunction(() => ganplay.state.world.view?.name === 'ring8' && ganplay.state.gridVersion === ganplay.state.modelVersion, null, { timeout: 20_000 });
  assert.equal(await page.isHidden('#world-bestd-figures'), true, 'no best-D line under the plane');
  assert.equal(await page.isHidden('#world-bestd-label'), true);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the best D is the 1-D worlds’: not offered on the digits or in the plane', async () => {
  const { page, problems } = await open('world=ring8');
  assert.equal(await page.isHidden('#world-bestd-label'), true);
  assert.equal(await page.isHidden('#world-bestd-figures'), true);
  assert.deepEqual(problems, []);
  await page.close();
});

test('minimax against non-saturating: the curve, with G’s fakes on it, from a link, in both languages', async () => {
  const { page, problems } = await open('generator_loss=minimax&show=samples,explain,pad,settings');
  assert.equal(await page.isVisible('#saturation'), true);
  await trainFor(page, 60);
  await page.waitForFunction(() => /^200 fakes, mean D\(G\(z\)\) = 0\.\d\d/.test(document.getElementById('saturation-words').textContent), null, { timeout: 30_000 });
  const text = await page.textContent('#saturation-words');
  const [, d, mm, ns] = text.match(/= (0\.\d+)\D+(0\.\d+)\D+(0\.\d+)/).map(Number);
  assert.equal(mm, d, 'the minimax push is the mean of D(G(z))');
  assert.ok(Math.abs(ns - (1 - d)) < 0.011, 'the non-saturating push is 1 − D(G(z))');
  // The fakes are drawn: dots of both curves' colours away from the curves' own pixels are
  // hard to tell apart, so compare the canvas with and without them.
  const hash = () => page.evaluate(() => {
    const c = document.getElementById('saturation');
    const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let h = 0x811c9dc5;
    for (let i = 0; i < px.length; i++) h = Math.imul(h ^ px[i], 16777619) >>> 0;
    return h;
  });
  const withMinimax = await hash();
  await page.selectOption('#generator-loss', 'non_saturating');
  assert.notEqual(await hash(), withMinimax, 'the curve in use is drawn thicker');
  await page.click('#lang-zh');
  await page.waitForFunction(() => /个假样本/.test(document.getElementById('saturation-words').textContent));
  assert.deepEqual(problems, []);
  await page.close();
});
