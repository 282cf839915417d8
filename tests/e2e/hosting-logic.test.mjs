// The static site's pure parts in Node, no browser: which panels a teacher's link shows
// (www/layout.js), why the header says training is on one core (www/engine/connect.js),
// and scripts/dist.mjs's own checks (a missing package is refused with the command to run).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PANELS, layoutFromQuery, layoutQuery, shownPanels } from '../../www/layout.js';
import { whyOneCore } from '../../www/engine/connect.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

test('layout: no layout in the address shows every panel, and writes nothing back', () => {
  const l = layoutFromQuery('?g_lr=0.001&lang=zh');
  assert.deepEqual(l, { show: null, hide: [], present: false, messages: [] });
  assert.deepEqual(shownPanels(l), PANELS);
  assert.equal(layoutQuery(l), '');
});

test('layout: show= keeps the page order, hide= takes panels away, present=1 drops the side panels', () => {
  const l = layoutFromQuery('?show=charts,samples,explain');
  assert.deepEqual(shownPanels(l), ['samples', 'charts', 'explain']);
  assert.equal(layoutQuery(l), 'show=samples,charts,explain');
  const h = layoutFromQuery('?hide=settings,files');
  assert.deepEqual(shownPanels(h), PANELS.filter((p) => p !== 'settings' && p !== 'files'));
  assert.equal(layoutQuery(h), 'hide=settings,files');
  const p = layoutFromQuery('?present=1');
  assert.equal(p.present, true);
  assert.deepEqual(shownPanels(p), PANELS.filter((x) => !['strip', 'settings', 'files'].includes(x)));
  assert.equal(layoutQuery(p), 'present=1');
  // present with a side panel asked for by name
  const ps = layoutFromQuery('?present=1&show=samples,settings');
  assert.deepEqual(shownPanels(ps), ['samples', 'settings']);
  assert.equal(layoutQuery(ps), 'show=samples,settings&present=1');
});

test('layout: a link written by layoutQuery reads back as the same panels', () => {
  for (const search of ['?show=pad', '?hide=quality', '?present=1&hide=explore', '?show=world,metrics,explain&present=1', '?show=samples,strip,quality,pad,charts,explain,explore,settings,files']) {
    const l = layoutFromQuery(search);
    assert.deepEqual(shownPanels(layoutFromQuery(`?${layoutQuery(l)}`)), shownPanels(l), search);
  }
});

test('layout: unknown panels and a bad present are refused with a message, the rest kept', () => {
  const l = layoutFromQuery('?show=samples,bogus,charts&present=maybe');
  assert.deepEqual(shownPanels(l), ['samples', 'charts']);
  assert.equal(l.present, false);
  assert.deepEqual(l.messages.map((m) => m.key), ['layout.unknown', 'layout.badPresent']);
  assert.equal(l.messages[0].params.names, 'bogus');
  // Nothing but unknown names: the whole page, not an empty one.
  const none = layoutFromQuery('?show=nothing');
  assert.deepEqual(shownPanels(none), PANELS);
  assert.equal(none.messages.length, 1);
});

test('whyOneCore: the header names the host\'s reason only when isolation is what is missing', () => {
  const had = globalThis.crossOriginIsolated;
  try {
    globalThis.crossOriginIsolated = false;
    const none = { threads: false, relaxedSimd: true, simd: true };
    assert.equal(whyOneCore(none, 'no-worker'), 'host.why.no-worker');
    assert.equal(whyOneCore(none, 'dev'), 'host.why.dev');
    assert.equal(whyOneCore(none, 'headers'), 'host.why.notIsolated');
    globalThis.crossOriginIsolated = true;
    assert.equal(whyOneCore(none, 'worker'), 'host.why.noThreads');
    assert.equal(whyOneCore({ ...none, threads: true }, 'worker'), null); // the address chose one worker
  } finally {
    globalThis.crossOriginIsolated = had;
  }
});

test('dist.mjs refuses to make a site without the wasm packages, and says what to run', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ganplay-dist-'));
  try {
    // A copy of the scripts and the page with no pkg*/ beside them.
    for (const d of ['scripts', 'www']) fs.cpSync(path.join(repo, d), path.join(tmp, d), { recursive: true });
    fs.copyFileSync(path.join(repo, 'index.html'), path.join(tmp, 'index.html'));
    const r = spawnSync(process.execPath, [path.join(tmp, 'scripts', 'dist.mjs')], { encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /pkg\/ganplay\.js is missing: run `make build` first/);
    assert.equal(fs.existsSync(path.join(tmp, 'dist')), false);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
