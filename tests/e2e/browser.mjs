// Shared helpers for the page's end-to-end tests (imported by *.test.mjs): everything of
// chromium.mjs (launching the browser, opening and watching pages), one browser per test
// file, and the steps the tests share.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before } from 'node:test';
import { launchBrowser, openProfiles } from './chromium.mjs';

export * from './chromium.mjs';

// Each test file runs in its own process: once its tests are done, what they left open is
// closed, so that a failure is reported and the run goes on rather than hang on a browser.
after(async () => {
  await Promise.all([...openProfiles].map((c) => c.close().catch(() => {})));
});

/**
 * One browser for a test file: launched before its tests, closed after them. Returns a
 * function that gives it.
 */
export function fileBrowser() {
  let browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(() => browser?.close());
  return () => browser;
}

/** Waits until the page's grid shows the current model. */
export const gridFresh = (page) =>
  page.waitForFunction(() => ganplay.state.gridVersion === ganplay.state.modelVersion, null, { timeout: 10_000 });

/** An FNV-1a hash of the grid canvas's pixels, once it shows the current model. */
export async function gridHash(page) {
  await gridFresh(page);
  return page.evaluate(() => {
    const c = document.getElementById('grid');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let h = 0x811c9dc5;
    for (let i = 0; i < d.length; i++) h = Math.imul(h ^ d[i], 16777619) >>> 0;
    return h;
  });
}

/** The engine's step count. */
export const steps = (page) => page.evaluate(() => ganplay.engine.steps());

/** Trains by the Train button until `more` steps past now are done, then pauses; the step reached. */
export async function trainFor(page, more) {
  const from = await steps(page);
  await page.click('#train');
  await page.waitForFunction((n) => ganplay.state.stepsShown >= n, from + more, { timeout: 60_000 });
  await page.click('#train');
  return steps(page);
}

/** Draws one vertical stroke (a "1") on the drawing pad and waits for D's verdict on it. */
export async function drawStroke(page) {
  await page.locator('#pad').scrollIntoViewIfNeeded();
  const box = await page.locator('#pad').boundingBox();
  await page.mouse.move(box.x + 140, box.y + 60);
  await page.mouse.down();
  await page.mouse.move(box.x + 140, box.y + 220, { steps: 8 });
  await page.mouse.up();
  await page.waitForFunction(() => ganplay.state.pad.score != null && ganplay.state.pad.source === 'pad');
}

/**
 * A safetensors file's parts: its JSON header (tensor names to dtype, shape and
 * `data_offsets`; `__metadata__`) and its data, the bytes those offsets count from.
 */
export function safetensorsParts(bytes) {
  const len = Number(bytes.readBigUInt64LE(0));
  return { header: JSON.parse(bytes.subarray(8, 8 + len).toString('utf8')), data: bytes.subarray(8 + len) };
}

/**
 * The pretrained unconditional checkpoint (www/models/uncond.safetensors) made into a G
 * that has collapsed completely: its last layer (G's and the averaged G's) ignores the
 * noise and draws the same "1", a vertical bar, for every z. Mode collapse at its
 * extreme; the judge should see only ones. A Buffer, for `setInputFiles`.
 */
export function collapsedCheckpoint() {
  const file = fs.readFileSync(new URL('../../www/models/uncond.safetensors', import.meta.url));
  const { header, data } = safetensorsParts(file);
  const tensor = (name) => {
    const { dtype, data_offsets: [from, to] } = header[name];
    assert.equal(dtype, 'F16', `${name} is ${dtype}`);
    return data.subarray(from, to);
  };
  // In F16, ±2.5 is 0x4100 / 0xc100 (tanh(±2.5) = ±0.987: ink and paper).
  const INK = 0x4100;
  const PAPER = 0xc100;
  for (const g of ['g', 'g_avg']) {
    tensor(`${g}.2.weight`).fill(0);
    const bias = tensor(`${g}.2.bias`);
    for (let p = 0; p < 784; p++) {
      const [row, col] = [Math.floor(p / 28), p % 28];
      bias.writeUInt16LE(row >= 4 && row < 24 && col >= 13 && col < 16 ? INK : PAPER, 2 * p);
    }
  }
  return file;
}
