// The catalogues and the language logic (www/i18n.js, www/i18n/*.js, www/core-errors.js),
// in node, without a browser: both languages have exactly the same keys and the same
// placeholders; index.html names only keys that exist and holds no words of its own; the
// language is chosen from the address, then the autosave, then the browser; the core's
// coded errors are said in the page's language.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import en from '../../www/i18n/en.js';
import zh from '../../www/i18n/zh.js';
import { addMessages, catalogue, chooseLang, fixed, getLang, normalise, percent, setLang, t } from '../../www/i18n.js';
import { coreMessage, divergenceText, parseCoded, restoreReason } from '../../www/core-errors.js';
// The worlds keep their strings in their own module, which adds them to the catalogue as worlds.*.
import '../../www/worlds/strings.js';
import { FIELD_BY_KEY, describeChanges, parse } from '../../www/settings.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const placeholders = (text) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

test('both catalogues have exactly the same keys', () => {
  const [e, z] = [Object.keys(en), Object.keys(zh)];
  assert.deepEqual(e.filter((k) => !(k in zh)), [], 'keys in en.js missing from zh.js');
  assert.deepEqual(z.filter((k) => !(k in en)), [], 'keys in zh.js missing from en.js');
  assert.ok(e.length > 300, `${e.length} keys`);
});

test('every placeholder appears in both languages, and every value is non-empty text', () => {
  for (const key of Object.keys(en)) {
    assert.equal(typeof en[key], 'string', key);
    assert.equal(typeof zh[key], 'string', key);
    // Separators may be blank (Chinese puts no space between sentences).
    if (!key.endsWith('.sep')) assert.ok(en[key].trim() && zh[key].trim(), `empty message ${key}`);
    assert.deepEqual(placeholders(zh[key]), placeholders(en[key]), `placeholders of ${key}`);
  }
});

test('the Chinese catalogue is Chinese: no English words outside names, units and formulas', () => {
  // What may stay in Latin letters in the Chinese text: the allowlist of the issue (G, D,
  // z, FD, PNG, IDX, Adam, SGD, MNIST, formulas) and proper names and file formats.
  const allowed = new Set(['G', 'D', 'z', 'x', 'y', 'w', 's', 'k', 'V', 'FD', 'PNG', 'IDX', 'IDX1', 'IDX3', 'Adam', 'SGD', 'MNIST', 'ganplay',
    'log', 'min', 'max', 'data', 'p', 'GAN', 'DCGAN', 'VAE', 'KL', 'N', 'Goodfellow', 'Fréchet', 'MLP', 'LeakyReLU', 'Rust', 'WebAssembly', 'wasm',
    'SIMD', 'simd128', 'relaxed', 'simd', 'uPlot', 'MIT', 'LeCun', 'Cortes', 'Burges', 'CC', 'BY', 'SA', 'HTTP', 'NaN', 'safetensors',
    'gzip', 'one', 'hot', 'px', 'MB', 'k', 'A', 'B', 'P', 'Shift', 'English',
    // `ganplay train` and its folder www/models/: a command and a path.
    'train', 'www', 'models',
    // The static site (www/host.js, www/layout.js): a web API's name, a command, an address key.
    'Service', 'Worker', 'https', 'localhost', 'make', 'serve', 'present']);
  for (const [key, text] of Object.entries(zh)) {
    const words = text.replace(/\{\w+\}/g, '').replace(/<[^>]*>/g, '').match(/[A-Za-zé]+/g) ?? [];
    const stray = words.filter((w) => !allowed.has(w));
    assert.deepEqual(stray, [], `${key}: ${text}`);
  }
});

test('index.html names only keys that exist, and holds no words outside them', () => {
  const html = fs.readFileSync(path.join(repo, 'index.html'), 'utf8');
  const keys = [...html.matchAll(/data-i18n(?:-[a-z-]+)?="([^"]+)"/g)].map((m) => m[1]);
  assert.ok(keys.length > 100, `${keys.length} keys`);
  for (const key of keys) assert.ok(key in en || key in catalogue('en'), `index.html names an unknown key ${key}`);
  // Text between tags in the body, less scripts and comments: only symbols, numbers and formulas.
  const body = html.slice(html.indexOf('<body>')).replace(/<!--[\s\S]*?-->/g, '').replace(/<script[\s\S]*?<\/script>/g, '');
  const texts = [...body.matchAll(/>([^<]+)</g)].map((m) => m[1].trim()).filter(Boolean);
  // The value function's letters, the options' Adam, the brand.
  const formula = new Set(['min', 'max', 'V', 'D', 'G', 'log', 'x', 'z', 'data', 'p', 'Adam', 'ganplay']);
  for (const text of texts) {
    const words = text.match(/[A-Za-z]+/g) ?? [];
    assert.deepEqual(words.filter((w) => !formula.has(w)), [], `index.html has words of its own: “${text}”`);
  }
});

test('the language: the address first, then the autosave, then the browser, else English', () => {
  assert.deepEqual(chooseLang({ search: '?lang=zh', saved: 'en', languages: ['en-US'] }), { lang: 'zh', from: 'url' });
  assert.deepEqual(chooseLang({ search: '?seed=1&lang=en', saved: 'zh', languages: ['zh-CN'] }), { lang: 'en', from: 'url' });
  assert.deepEqual(chooseLang({ search: '?lang=fr', saved: 'zh', languages: ['en-US'] }), { lang: 'zh', from: 'saved' });
  assert.deepEqual(chooseLang({ search: '', saved: null, languages: ['zh-TW', 'en'] }), { lang: 'zh', from: 'browser' });
  assert.deepEqual(chooseLang({ search: '', saved: null, languages: ['fr-FR', 'en-GB'] }), { lang: 'en', from: 'browser' });
  assert.deepEqual(chooseLang({ search: '', saved: null, languages: ['fr-FR'] }), { lang: 'en', from: 'default' });
  assert.equal(normalise('zh-Hans-CN'), 'zh');
  assert.equal(normalise('EN_us'), 'en');
  assert.equal(normalise('de'), null);
});

test('t(): placeholders, singulars, numbers in the locale, fallbacks, and messages added later', () => {
  setLang('en');
  assert.equal(t('engine.threads', { count: 1, n: '1' }), '1 thread');
  assert.equal(t('engine.threads', { count: 2, n: '2' }), '2 threads');
  assert.equal(t('status.main', { ms: '3.2' }), 'Training: a step takes 3.2 ms.');
  assert.equal(fixed(1234.5, 2), '1,234.50');
  assert.equal(percent(0.973), '97.3%');
  assert.equal(t('no.such.key'), 'no.such.key');
  addMessages('en', { 'worlds.title': 'Worlds {n}' });
  addMessages('zh', { 'worlds.title': '世界 {n}' });
  assert.equal(t('worlds.title', { n: 2 }), 'Worlds 2');
  setLang('zh');
  assert.equal(getLang(), 'zh');
  assert.equal(t('worlds.title', { n: 2 }), '世界 2');
  assert.equal(t('status.main', { ms: '3.2' }), '训练中：每一步用时 3.2 毫秒。');
  assert.equal(fixed(1234.5, 2), '1,234.50');
  // A key only English has falls back to it.
  addMessages('en', { 'only.en': 'English only' });
  assert.equal(t('only.en'), 'English only');
  assert.throws(() => addMessages('fr', {}), /unknown language/);
  delete catalogue('en')['only.en'];
  setLang('en');
});

test('settings messages follow the language', () => {
  setLang('zh');
  assert.equal(FIELD_BY_KEY.g_lr.label, 'G 的学习率');
  assert.equal(parse(FIELD_BY_KEY.batch_size, 'x').error, '批大小必须是整数，收到的是“x”。');
  assert.equal(parse(FIELD_BY_KEY.conditional, 'maybe').error, '条件模式只能是开或关（1 或 0），收到的是“maybe”。');
  const before = { ...Object.fromEntries(Object.keys(FIELD_BY_KEY).map((k) => [k, 0])), g_kind: 'adam', d_kind: 'adam', g_hidden: [], d_hidden: [], generator_loss: 'minimax', conditional: false };
  assert.deepEqual(describeChanges(before, { ...before, generator_loss: 'non_saturating', conditional: true }), ['条件模式 关 → 开', '生成器损失 极小极大 → 非饱和']);
  setLang('en');
  assert.equal(FIELD_BY_KEY.g_lr.label, "G's learning rate");
  assert.equal(parse(FIELD_BY_KEY.batch_size, 'x').error, 'batch size must be a whole number, got “x”.');
});

test("the core's coded errors: the English as the core wrote it, or the catalogue's words", () => {
  const msg = '[checkpoint.not_safetensors] this file is not a ganplay checkpoint: it is empty';
  assert.deepEqual(parseCoded(msg), { code: 'checkpoint.not_safetensors', params: {}, english: 'this file is not a ganplay checkpoint: it is empty' });
  assert.equal(parseCoded('no code here'), null);
  setLang('en');
  assert.equal(coreMessage(msg), 'this file is not a ganplay checkpoint: it is empty');
  assert.equal(coreMessage('plain words'), 'plain words');
  // A file of text read as a header length: the catalogue's plain words, in English too.
  const lying = "[checkpoint.not_safetensors] this file is not a ganplay checkpoint: its header claims 2338328219631577204 bytes; a checkpoint's is under 100000000";
  assert.equal(coreMessage(lying), 'this file is not a ganplay checkpoint');
  setLang('zh');
  assert.equal(coreMessage(lying), '这个文件不是 ganplay 检查点');
  assert.equal(coreMessage(msg), '这个文件不是 ganplay 检查点');
  assert.equal(coreMessage('[data.images idx=gzipped] images file: …'), '图像文件：仍是 gzip 压缩的');
  assert.equal(coreMessage('[data.count images=10000 labels=3] …'), '有 10,000 张图像，却有 3 个标签');
  // An unknown code falls back to the English.
  assert.equal(coreMessage('[new.code] brand new words'), 'brand new words');
  const d = { message: "D's loss became NaN at step 12 (phase: D on fakes) — the learning rate may be too high", code: 'train.diverged step=12 phase=fake who=D part=loss value=NaN' };
  assert.equal(divergenceText(d), 'D 的损失在第 12 步变成了 NaN（阶段：D 看假样本）——学习率可能太高');
  const json = JSON.stringify({ kind: 'before', changes: [{ name: "G's learning rate", from: '0.0005', to: '10' }, { name: "D's optimiser", from: 'Adam', to: 'SGD' }, { name: 'batch size', from: '32', to: '64' }] });
  assert.equal(restoreReason(json, 'english'), '在 G 的学习率从 0.0005 改为 10、D 的优化器从 Adam 改为 SGD 以及另外 1 项更改之前');
  assert.equal(restoreReason(JSON.stringify({ kind: 'periodic' }), 'kept automatically'), '自动保留');
  setLang('en');
  assert.equal(divergenceText(d), d.message);
  assert.equal(restoreReason(json, 'english'), 'english');
});
