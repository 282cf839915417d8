// Findings of the hands-on audit of issue 23, each as the visitor met it: a benign browser
// message (a ResizeObserver loop) never reaches the error banner while real errors still
// do; a link's out-of-range setting gives the default, and an engine request the page
// cannot read leaves the address. Then what the learner sees where they are: a divergence
// seen at the settings, a projector's short screen, each step's own line in the
// explanation, the explorer coming into view, a world switched whole, a world's words and
// the histogram's width in both languages, and plain words for newcomers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { baseUrl, launchBrowser, newPage } from './browser.mjs';

const ready = (page) => page.waitForFunction(() => window.ganplay?.ready === true, null, { timeout: 60_000 });

test('a ResizeObserver loop is not an error; an uncaught error still is', async () => {
  const browser = await launchBrowser();
  const page = await newPage(browser);
  await page.goto(new URL('?lang=en&noise_dim=16&g_hidden=64&d_hidden=64', baseUrl()).href);
  await ready(page);
  await page.click('#train');
  // A real loop: an observer that changes its own box's size, so the browser reports the
  // notifications it could not deliver in this frame.
  const reported = await page.evaluate(() => new Promise((resolve) => {
    const box = document.createElement('div');
    document.body.append(box);
    let n = 0;
    window.addEventListener('error', (e) => /ResizeObserver loop/.test(e.message) && resolve(e.message), { once: false });
    new ResizeObserver(() => { box.style.height = `${10 + (++n % 50)}px`; }).observe(box);
    setTimeout(() => resolve(null), 5000);
  }));
  assert.match(reported ?? '', /ResizeObserver loop/, 'the browser reported the loop');
  await page.setViewportSize({ width: 700, height: 800 });
  await page.waitForTimeout(500);
  assert.equal(await page.isHidden('#error-banner'), true, await page.textContent('#error-text'));
  await page.evaluate(() => setTimeout(() => { throw new Error('a real bug'); }, 0));
  await page.waitForSelector('#error-banner:not([hidden])');
  assert.match(await page.textContent('#error-text'), /a real bug/);
  await browser.close();
});

test('a link with batch=-5 trains at the default batch size and says so; engine=bogus leaves the address', async () => {
  const browser = await launchBrowser();
  const page = await newPage(browser);
  await page.goto(new URL('?lang=en&batch_size=-5&engine=bogus', baseUrl()).href);
  await ready(page);
  const [batch, defaults] = await page.evaluate(() => [ganplay.state.flat.batch_size, ganplay.state.defaults.batch_size]);
  assert.equal(batch, defaults);
  const notice = await page.textContent('#notice-text');
  assert.match(notice, new RegExp(`batch size in the link, -5, is outside 1–\\d+: the default, ${defaults}, is used\\.`));
  assert.match(notice, /bogus/, 'the start says the engine request was not followed');
  assert.doesNotMatch(page.url(), /engine=/);
  assert.doesNotMatch(page.url(), /batch_size=/);
  await browser.close();
});

// ---- the rest of the audit: what the learner sees where they are -------------------------

const SMALL = 'noise_dim=16&g_hidden=64&d_hidden=64&batch_size=32';

/** Opens the page at `query` in a `width`×`height` window (en unless the query says). */
async function openAt(browser, query, { width = 1280, height = 800 } = {}) {
  const page = await newPage(browser);
  await page.setViewportSize({ width, height });
  await page.goto(new URL(`?${query}`, baseUrl()).href);
  await ready(page);
  return page;
}

async function setField(page, selector, value) {
  await page.fill(selector, String(value));
  await page.press(selector, 'Tab');
}

/** `selector`'s box in the window, and the bottom of the header (negative once it scrolled away). */
const boxes = (page, selector) => page.evaluate((sel) => {
  const r = document.querySelector(sel).getBoundingClientRect();
  return { top: r.top, bottom: r.bottom, left: r.left, right: r.right, header: document.querySelector('.top').getBoundingClientRect().bottom, height: innerHeight };
}, selector);

/** Whether a select is as wide as the same select needs to show its chosen option whole. */
const selectFits = (page, selector) => page.evaluate((sel) => {
  const el = document.querySelector(sel);
  const probe = el.cloneNode(true);
  probe.removeAttribute('id');
  probe.style.maxWidth = 'none';
  for (const o of [...probe.options]) if (o.value !== el.value) o.remove();
  el.after(probe);
  const need = probe.getBoundingClientRect().width;
  probe.remove();
  return { have: el.getBoundingClientRect().width, need, text: el.selectedOptions[0].textContent };
}, selector);

test('a divergence while the learner is at the settings: the banner is in sight there, and "SGD + momentum" fits its box', async (t) => {
  const browser = await launchBrowser();
  t.after(() => browser.close());
  const page = await openAt(browser, `lang=en&${SMALL}&engine=worker`);
  await page.evaluate(() => ganplay.trainSteps(20));
  await page.locator('#d-lr').scrollIntoViewIfNeeded();
  for (const n of ['g', 'd']) {
    await page.selectOption(`#${n}-kind`, 'sgd');
    await setField(page, `#${n}-lr`, 10);
  }
  await page.waitForFunction(() => ganplay.state.flat.d_lr === 10 && ganplay.state.flat.g_lr === 10);
  for (const lang of ['en', 'zh']) {
    await page.evaluate((l) => ganplay.setLang(l), lang);
    for (const n of ['g', 'd']) {
      const fit = await selectFits(page, `#${n}-kind`);
      assert.ok(fit.have >= fit.need - 0.5, `${lang}: “${fit.text}” needs ${fit.need} px, has ${fit.have}`);
    }
  }
  await page.evaluate(() => ganplay.setLang('en'));
  await page.locator('#d-lr').scrollIntoViewIfNeeded();
  const scrolled = await page.evaluate(() => scrollY);
  assert.ok(scrolled > 400, `at the settings (scrolled ${scrolled} px)`);
  await page.click('#train');
  await page.waitForSelector('#diverge-banner:not([hidden])', { timeout: 30_000 });
  assert.equal(await page.evaluate(() => ganplay.state.running), false, 'training paused');
  const field = await boxes(page, '#d-lr');
  assert.ok(field.top >= 0 && field.bottom <= field.height, 'the page stayed where the learner was');
  const b = await boxes(page, '#diverge-banner');
  assert.ok(b.top >= b.header - 1 && b.bottom <= b.height, `the banner is in sight below the header: ${JSON.stringify(b)}`);
  const onTop = await page.evaluate(() => {
    const r = document.getElementById('diverge-banner').getBoundingClientRect();
    return document.getElementById('diverge-banner').contains(document.elementFromPoint(r.left + 20, (r.top + r.bottom) / 2));
  });
  assert.equal(onTop, true, 'nothing covers it');
  assert.equal(await page.getAttribute('#diverge-banner', 'role'), 'alert');
  assert.match(await page.textContent('#diverge-text'), /learning rate may be too high/);
  await page.focus('#restore-good');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'restore-good');
  await page.click('#restore-good');
  await page.waitForSelector('#diverge-banner', { state: 'hidden' });
  assert.deepEqual(page.problems, []);
});

test('a projector (1280×720 at 150%: 853×480): the header takes at most a quarter, and a chart card scrolled to is not under it', async (t) => {
  const browser = await launchBrowser();
  t.after(() => browser.close());
  for (const lang of ['en', 'zh']) {
    const page = await openAt(browser, `lang=${lang}&${SMALL}`, { width: 853, height: 480 });
    const header = await page.evaluate(() => document.querySelector('.top').getBoundingClientRect().height);
    assert.ok(header <= 0.25 * 480, `${lang}: the header is ${header} px of 480`);
    for (const card of ['.card.charts', '.card.explore', '.card.settings']) {
      await page.evaluate((sel) => document.querySelector(sel).scrollIntoView(), card);
      const h = await boxes(page, `${card} h2`);
      assert.ok(h.top >= Math.max(0, h.header) && h.bottom <= h.height, `${lang}: ${card}'s title in sight, not under the header: ${JSON.stringify(h)}`);
    }
    // The grid can be seen whole.
    await page.evaluate(() => document.getElementById('grid').scrollIntoView({ block: 'end' }));
    const g = await boxes(page, '#grid');
    assert.ok(g.top >= Math.max(0, g.header) && g.bottom <= g.height + 1, `${lang}: the grid fits: ${JSON.stringify(g)}`);
    assert.deepEqual(page.problems, []);
    await page.close();
  }
});

test('Step D changes the lines of steps 1–2 only, Step G the line of step 3 only', async (t) => {
  const browser = await launchBrowser();
  t.after(() => browser.close());
  const page = await openAt(browser, `lang=en&${SMALL}`);
  await page.evaluate(() => ganplay.trainSteps(10));
  const lines = () => page.evaluate(() => [1, 2, 3].map((n) => document.getElementById(`live-${n}`).textContent));
  const before = await lines();
  assert.ok(before.every((s) => /Last batch/.test(s)), before.join(' | '));
  const d = await page.evaluate(() => ganplay.state.view.dUpdates);
  await page.click('#step-d');
  await page.waitForFunction((n) => ganplay.state.view.dUpdates > n, d);
  const afterD = await lines();
  assert.notEqual(afterD[0] + afterD[1], before[0] + before[1], 'Step D ran steps 1–2: their numbers are new');
  assert.equal(afterD[2], before[2], 'step 3 did not run: its line is as it was');
  const g = await page.evaluate(() => ganplay.state.view.gUpdates);
  await page.click('#step-g');
  await page.waitForFunction((n) => ganplay.state.view.gUpdates > n, g);
  const afterG = await lines();
  assert.deepEqual(afterG.slice(0, 2), afterD.slice(0, 2), 'steps 1–2 did not run: their lines are as they were');
  assert.notEqual(afterG[2], afterD[2], 'Step G ran step 3');
  // A full step changes all three; a new model starts them over (Reset: no step yet).
  await page.click('#step');
  await page.waitForFunction((n) => ganplay.state.view.gUpdates > n + 1, g);
  const full = await lines();
  for (let i = 0; i < 3; i++) assert.notEqual(full[i], afterG[i], `a full step changes line ${i + 1}`);
  await page.click('#reset');
  await page.waitForFunction(() => ganplay.state.view.steps === 0 && ganplay.state.view.gUpdates === 0);
  assert.deepEqual(await lines(), ['', '', '']);
  assert.deepEqual(page.problems, []);
});

test('clicking a digit of the grid brings "Explore G\'s noise" into view and gives it the focus; the keyboard stays on the grid', async (t) => {
  const browser = await launchBrowser();
  t.after(() => browser.close());
  const page = await openAt(browser, `lang=en&${SMALL}`, { width: 1280, height: 720 });
  await page.evaluate(() => ganplay.trainSteps(5));
  const inSight = () => page.evaluate(() => {
    const r = document.querySelector('.card.explore').getBoundingClientRect();
    const top = Math.max(0, document.querySelector('.top').getBoundingClientRect().bottom);
    return r.top >= top - 1 && r.top + 60 <= innerHeight;
  });
  assert.equal(await inSight(), false, 'the explore panel starts out of sight at 1280×720');
  const grid = await page.locator('#grid').boundingBox();
  await page.mouse.click(grid.x + grid.width * 0.35, grid.y + grid.height * 0.25);
  await page.waitForFunction(() => ganplay.state.explore.z != null);
  await page.waitForFunction(() => {
    const r = document.querySelector('.card.explore').getBoundingClientRect();
    return r.top >= Math.max(0, document.querySelector('.top').getBoundingClientRect().bottom) - 1 && r.top + 60 <= innerHeight;
  }, null, { timeout: 5_000 });
  assert.equal(await page.evaluate(() => document.activeElement.id), 'explore-h', 'the focus is on the panel');
  assert.equal(await page.isVisible('#explore-body'), true);
  // Arrows on the grid move the pick without moving the page (once the smooth scroll is over).
  const settled = () => page.waitForFunction(() => new Promise((resolve) => {
    const y = scrollY;
    setTimeout(() => resolve(scrollY === y), 300);
  }), null, { timeout: 10_000 });
  await settled();
  await page.evaluate(() => scrollTo(0, 0));
  await page.focus('#grid');
  await settled();
  const y = await page.evaluate(() => scrollY);
  const at = await page.evaluate(() => ganplay.state.explore.index);
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction((n) => ganplay.state.explore.index === n + 1, at);
  await settled();
  assert.equal(await page.evaluate(() => scrollY), y, 'an arrow key does not scroll the page');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'grid', 'the focus stays on the grid');
  assert.deepEqual(page.problems, []);
});

test('from a trained 1-D world to "draw your own": the plane, its title and no figure of the old run', async (t) => {
  const browser = await launchBrowser();
  t.after(() => browser.close());
  const page = await openAt(browser, 'lang=en&world=mixture2');
  await page.evaluate(() => ganplay.trainSteps(200));
  await page.waitForFunction(() => /modes covered 2 of 2|modes covered [01] of 2/.test(document.getElementById('world-metrics-now').textContent));
  assert.equal(await page.textContent('#world-title'), 'D’s verdict on the line');
  await page.selectOption('#world', 'drawn');
  await page.waitForFunction(() => ganplay.state.world.painting != null);
  assert.equal(await page.textContent('#world-title'), 'D’s verdict on the plane');
  assert.deepEqual(await page.evaluate(() => [document.getElementById('world-view').width, document.getElementById('world-view').height]), [560, 560]);
  const box = await page.locator('#world-view').boundingBox();
  assert.ok(Math.abs(box.width - box.height) < 2, `a square plane to paint on, ${box.width}×${box.height}`);
  assert.equal(await page.isHidden('#world-metrics-card'), true, 'the old run\'s modes and JS divergence are gone');
  assert.equal(await page.textContent('#explain-world-h'), 'How a GAN learns, in the plane');
  assert.equal(await page.isVisible('#world-mesh-label'), true);
  assert.equal(await page.evaluate(() => document.body.classList.contains('world-1d')), false);
  for (const id of ['#train', '#step', '#step-d', '#step-g']) assert.equal(await page.isDisabled(id), true, `${id}: nothing to train before the first stroke`);
  // The first stroke makes the world: new networks at step 0, the figures of this world.
  await page.locator('#world-view').scrollIntoViewIfNeeded();
  const v = await page.locator('#world-view').boundingBox();
  await page.mouse.move(v.x + v.width * 0.3, v.y + v.height * 0.3);
  await page.mouse.down();
  await page.mouse.move(v.x + v.width * 0.7, v.y + v.height * 0.6, { steps: 20 });
  await page.mouse.up();
  await page.waitForFunction(() => ganplay.state.flat.world?.drawn?.length > 5 && ganplay.state.world.painting == null && ganplay.state.world.view?.name === 'drawn', null, { timeout: 20_000 });
  assert.equal(await page.textContent('#count-step'), '0');
  assert.equal(await page.isVisible('#world-metrics-card'), true);
  assert.doesNotMatch(await page.textContent('#world-metrics-now'), /of 2\b/);
  assert.equal(await page.isDisabled('#train'), false);
  assert.deepEqual(page.problems, []);
});

test('a world speaks of points in both languages (tagline, counter, chart legends); the D-score histogram has room at 1440 px', async (t) => {
  const browser = await launchBrowser();
  t.after(() => browser.close());
  for (const lang of ['en', 'zh']) {
    const page = await openAt(browser, `lang=${lang}&${SMALL}`, { width: 1440, height: 900 });
    await page.waitForSelector('#score-hist-box:not([hidden])');
    const hist = await page.evaluate(() => document.getElementById('score-hist-box').getBoundingClientRect().width);
    assert.ok(hist >= 300, `${lang}: the histogram and its caption are ${hist} px wide`);
    const digits = { tagline: await page.textContent('#tagline'), images: await page.textContent('#count-images-label') };
    await page.selectOption('#world', 'ring8');
    await page.waitForFunction(() => ganplay.state.flat.world === 'ring8');
    await page.evaluate(() => ganplay.trainSteps(20));
    const tagline = await page.textContent('#tagline');
    const images = await page.textContent('#count-images-label');
    const legends = await page.evaluate(() => [...document.querySelectorAll('#chart-world-js .u-legend, #chart-world-modes .u-legend')].map((l) => l.textContent).join(' '));
    const hint = await page.textContent('#charts-hint');
    if (lang === 'en') {
      assert.match(tagline, /points in the plane/);
      assert.doesNotMatch(tagline + images + hint, /digit|image/i);
      assert.equal(images, 'samples seen');
      assert.match(legends, /step/);
    } else {
      assert.match(tagline, /平面上的一团点/);
      assert.doesNotMatch(tagline + images + hint, /数字|图像/);
      assert.equal(images, '已看样本');
      assert.match(legends, /步数/);
      assert.doesNotMatch(legends, /step/i);
    }
    // 1-D: numbers on a line.
    await page.selectOption('#world', 'gaussian');
    await page.waitForFunction(() => ganplay.state.flat.world === 'gaussian');
    assert.match(await page.textContent('#tagline'), lang === 'en' ? /numbers on a line/ : /直线上的数/);
    // Back to the digits: their words again, in the language switched to as well.
    await page.selectOption('#world', 'digits');
    await page.waitForFunction(() => ganplay.state.flat.world === 'digits');
    assert.equal(await page.textContent('#tagline'), digits.tagline);
    assert.equal(await page.textContent('#count-images-label'), digits.images);
    assert.deepEqual(page.problems, []);
    await page.close();
  }
});

test('words for newcomers: the status line without phases, an empty chart says why, a file of text is "not a checkpoint" in plain English', async (t) => {
  const browser = await launchBrowser();
  t.after(() => browser.close());
  const page = await openAt(browser, `lang=en&${SMALL}&engine=worker`);
  assert.equal(await page.textContent('#charts-empty'), 'Nothing to chart yet: press Train or Step.');
  await page.click('#train');
  await page.waitForFunction(() => ganplay.state.view.steps >= 20);
  // The step time is shown once measured ("–" before): wait for a number, whatever it is.
  await page.waitForFunction(() => /\d ms\.$/.test(document.getElementById('status').textContent), null, { timeout: 30_000 });
  const status = await page.textContent('#status');
  assert.match(status, /^Training in a worker: a step takes [\d.]+ ms\.$/);
  assert.doesNotMatch(status, /phase|chunk/);
  // The charts' history comes with the next charts redraw (4 times a second) after Train.
  await page.waitForSelector('#charts-empty', { state: 'hidden', timeout: 10_000 });
  await page.click('#train');
  assert.equal(await page.isHidden('#charts-empty'), true, 'the charts keep their history when paused');
  await page.click('#load-pretrained');
  await page.waitForFunction(() => ganplay.state.view.steps === 5000, null, { timeout: 60_000 });
  await page.waitForSelector('#charts-empty:not([hidden])');
  assert.equal(await page.textContent('#charts-empty'), 'This model came without its training history (it is at step 5,000): the charts start with the next step.');
  await page.evaluate(() => ganplay.setLang('zh'));
  assert.equal(await page.textContent('#charts-empty'), '这个模型没有附带训练历史（它已训练到第 5,000 步）：曲线从下一步开始。');
  await page.evaluate(() => ganplay.setLang('en'));
  await page.click('#step');
  await page.waitForFunction(() => ganplay.state.view.steps === 5001);
  await page.waitForSelector('#charts-empty', { state: 'hidden' });
  await page.setInputFiles('#load-model', { name: 'notes.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from('a file of text, not a checkpoint') });
  await page.waitForSelector('#error-banner:not([hidden])');
  const error = await page.textContent('#error-text');
  assert.match(error, /^Could not load “notes\.safetensors”: this file is not a ganplay checkpoint\./);
  assert.doesNotMatch(error, /\d{6,}|header claims/);
  assert.equal(await page.evaluate(() => ganplay.state.view.steps), 5001, 'the model stays');
  assert.deepEqual(page.problems, []);
});
