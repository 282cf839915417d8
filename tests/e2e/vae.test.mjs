// The lesson "Can G learn by itself?" (www/vae.js, src/vae/, src/wasm/vae.rs): from a
// teacher's link, a VAE or an auto-encoder trains in the engine beside the GAN (which it
// leaves untouched), draws its samples from G's grid codes and its reconstructions, is
// judged beside G, and the two edits at the same pixel distance are scored by D; the card
// speaks both languages, works from the keyboard and is the digits' (hidden in a world).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileBrowser, openPage } from './browser.mjs';

const SHOTS = process.env.SHOTS_DIR || '/tmp/shots';
fs.mkdirSync(SHOTS, { recursive: true });
const browser = fileBrowser();
const open = (query) => openPage(browser(), query);

const vae = (page) => page.evaluate(() => window.ganplay.state.vae);
/** Waits until the card is idle with the VAE at `steps` steps. */
const idleAt = (page, steps) =>
  page.waitForFunction((s) => window.ganplay.state.vae.steps === s && !window.ganplay.state.vae.busy, steps, { timeout: 120_000 });
/** How many distinct grey levels a canvas shows (a blank or one-grey canvas shows 1 or 2). */
const greys = (page, id) =>
  page.evaluate((id) => {
    const c = document.getElementById(id);
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const seen = new Set();
    for (let i = 0; i < d.length; i += 4) seen.add(d[i]);
    return seen.size;
  }, id);

test('a teacher’s link opens the lesson; the VAE trains beside the GAN and is judged beside G', async () => {
  const page = await open('show=vae');
  assert.equal(await page.isVisible('#vae'), true);
  assert.equal(await page.isVisible('#pad'), false);
  assert.match(await page.textContent('#vae-status'), /^Not trained yet\. Train runs 500 steps/);
  assert.equal(await page.isVisible('#vae-figures'), false);
  assert.equal(await page.textContent('#vae-train'), 'Train 500 steps');
  const ganSteps = await page.evaluate(() => window.ganplay.engine.steps());

  await page.click('#vae-train');
  await idleAt(page, 500);
  const state = await vae(page);
  assert.equal(state.stats.kind, 'vae');
  // After 500 steps the VAE reconstructs (a squared error summed over 784 pixels in
  // [-1, 1], 300+ for a blank guess) far better than at the start, and pays a KL.
  assert.ok(state.stats.recon < 200 && state.stats.kl > 1, JSON.stringify(state.stats));
  assert.match(await page.textContent('#vae-status'), /^VAE, step 500: loss [\d.,]+ \(reconstruction [\d.,]+, KL [\d.,]+\)$/);
  assert.equal(await page.getAttribute('#vae-samples', 'data-tiles'), '64');
  assert.equal(await page.getAttribute('#vae-recon', 'data-tiles'), '16');
  assert.ok((await greys(page, 'vae-samples')) > 20, 'the samples are images, not one grey');
  // The judge's verdict on 500 of its samples: a finite FD, shares, specks.
  assert.equal(state.verdict.n, 500);
  assert.ok(Number.isFinite(state.verdict.fd) && state.verdict.fd > 0, JSON.stringify(state.verdict));
  const rows = await page.locator('#vae-verdicts tbody tr').allTextContents();
  assert.equal(rows.length, 2);
  assert.match(rows[1], /^VAE, step 500/);
  assert.doesNotMatch(rows[1], /not judged yet/);
  // The GAN was left alone.
  assert.equal(await page.evaluate(() => window.ganplay.engine.steps()), ganSteps);
  await page.screenshot({ path: path.join(SHOTS, 'vae-en.png'), fullPage: true });

  // The auto-encoder: choosing it starts over, with no KL term.
  await page.selectOption('#vae-kind', 'autoencoder');
  await idleAt(page, 0);
  assert.match(await page.textContent('#vae-status'), /^Not trained yet/);
  await page.click('#vae-train');
  await idleAt(page, 500);
  const ae = await vae(page);
  assert.equal(ae.stats.kind, 'autoencoder');
  assert.equal(ae.stats.kl, 0);
  assert.ok(ae.stats.recon < state.stats.recon, 'the auto-encoder reconstructs better than the VAE');
  assert.match(await page.textContent('#vae-status'), /^auto-encoder, step 500: loss [\d.,]+ \(reconstruction only\)$/);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('the two edits are the same pixel loss away, and D scores them', async () => {
  // The pretrained D has an opinion; a fresh one has none.
  const page = await open('show=vae,quality');
  await page.click('#load-pretrained');
  await page.waitForFunction(() => window.ganplay.state.stepsShown > 0, null, { timeout: 60_000 });
  await page.click('#edits-score');
  await page.waitForFunction(() => window.ganplay.state.vae.edits && !window.ganplay.state.vae.busy, null, { timeout: 60_000 });
  const e = await page.evaluate(() => {
    const { images, ...rest } = window.ganplay.state.vae.edits;
    // Pixels each edit changed from the digit, and by how much (squared).
    const diff = (k) => {
      let n = 0;
      let d2 = 0;
      for (let i = 0; i < 784; i++) {
        const d = images[k * 784 + i] - images[i];
        if (d !== 0) n++;
        d2 += d * d;
      }
      return { n, d2 };
    };
    return { ...rest, stroke: diff(1), stray: diff(2) };
  });
  assert.deepEqual([e.count, e.squared_distance, e.n], [6, 24, 500]);
  assert.deepEqual(e.stroke, { n: 6, d2: 24 });
  assert.deepEqual(e.stray, { n: 6, d2: 24 });
  for (const k of ['d_original', 'd_stroke', 'd_stray', 'lower_stray']) assert.ok(e[k] >= 0 && e[k] <= 1, `${k} = ${e[k]}`);
  assert.match(await page.textContent('#edits-loss-stroke'), /^pixel loss 24$/);
  assert.match(await page.textContent('#edits-loss-stray'), /^pixel loss 24$/);
  assert.match(await page.textContent('#edits-status'), /^D’s mean scores over 500 digits, each edited by 6 pixels/);
  assert.equal(await page.isVisible('#edits-stray'), true);
  await page.locator('#vae').screenshot({ path: path.join(SHOTS, 'vae-edits-en.png') });
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('in Chinese, from the keyboard; hidden in a world of points', async () => {
  const page = await open('show=vae&lang=zh');
  assert.match(await page.textContent('#vae-h'), /生成器能自己学吗/);
  assert.match(await page.textContent('#vae-status'), /^还没有训练/);
  await page.focus('#vae-train');
  await page.keyboard.press('Enter');
  await idleAt(page, 500);
  assert.match(await page.textContent('#vae-status'), /^VAE，第 500 步：损失/);
  assert.match(await page.textContent('#vae-verdicts tbody tr:nth-child(2)'), /^VAE，第 500 步/);
  await page.focus('#edits-score');
  await page.keyboard.press('Space');
  await page.waitForFunction(() => window.ganplay.state.vae.edits && !window.ganplay.state.vae.busy, null, { timeout: 60_000 });
  assert.match(await page.textContent('#edits-status'), /^D 在 500 个数字上的平均分/);
  await page.locator('#vae').screenshot({ path: path.join(SHOTS, 'vae-zh.png') });
  assert.deepEqual(page.problems, []);
  await page.context().close();

  const world = await open('world=ring8');
  assert.equal(await world.isVisible('#vae'), false);
  await world.context().close();
});
