// The page's languages: Simplified Chinese and English. Every visible string is looked up
// by key in one catalogue per language (www/i18n/en.js, www/i18n/zh.js: the same keys);
// numbers go through Intl.NumberFormat in the chosen locale. Static markup carries its keys
// in data-i18n* attributes (applyTranslations); modules that write text themselves
// re-render when the language changes (onLangChange). No DOM is touched at import, so node
// tests can import this file and the modules that use it.
//
// The language is chosen from `?lang=zh|en` in the address, else the one saved with the
// autosave, else the browser's (navigator.languages): zh-* is Chinese, anything else English.
import en from './i18n/en.js';
import zh from './i18n/zh.js';

export const LANGS = ['en', 'zh'];
/** BCP 47 tags for `<html lang>` and Intl. */
export const LOCALES = { en: 'en-US', zh: 'zh-CN' };

const catalogues = { en: { ...en }, zh: { ...zh } };
let lang = 'en';
const listeners = new Set();
/**
 * When set, every string t() returns is added here, tags stripped: the tests' audit that
 * every text on the page comes from the catalogue (tests/e2e/i18n.test.mjs turns it on
 * with `globalThis.ganplayI18nAudit = true` before the page's scripts run).
 */
let audit = null;
if (globalThis.ganplayI18nAudit === true) globalThis.ganplayI18nSeen = audit = new Set();

/** 'zh' or 'en' for a language tag or the `lang` parameter; null if it is neither. */
export function normalise(tag) {
  if (typeof tag !== 'string') return null;
  const t = tag.trim().toLowerCase();
  if (t === 'zh' || t.startsWith('zh-') || t.startsWith('zh_')) return 'zh';
  if (t === 'en' || t.startsWith('en-') || t.startsWith('en_')) return 'en';
  return null;
}

/**
 * The language to start in: `search`'s `lang` parameter, else `saved` (the autosave's),
 * else the first of the browser's `languages` that is Chinese or English, else English.
 * Returns `{ lang, from }`, `from` one of 'url', 'saved', 'browser', 'default'.
 */
export function chooseLang({ search = '', saved = null, languages = [] } = {}) {
  const asked = normalise(new URLSearchParams(search).get('lang'));
  if (asked) return { lang: asked, from: 'url' };
  if (normalise(saved)) return { lang: normalise(saved), from: 'saved' };
  for (const l of languages) {
    const n = normalise(l);
    if (n) return { lang: n, from: 'browser' };
  }
  return { lang: 'en', from: 'default' };
}

export const getLang = () => lang;
export const locale = () => LOCALES[lang];

/**
 * Registers more messages for `code` ('en' or 'zh'), for modules that keep their own
 * strings (e.g. www/worlds/strings.js as `{ en: {...}, zh: {...} }`). Later keys win.
 */
export function addMessages(code, dict) {
  if (!LANGS.includes(code)) throw new Error(`unknown language “${code}”: known are ${LANGS.join(', ')}`);
  Object.assign(catalogues[code], dict);
}

/** Whether `key` is in the catalogue of the language in use. */
export const has = (key) => key in catalogues[lang];

/** Every key of a language's catalogue, and its raw message (for the tests). */
export const catalogue = (code) => catalogues[code];

const plurals = {};
const pluralOf = (n) => (plurals[lang] ??= new Intl.PluralRules(LOCALES[lang])).select(n);

/**
 * The message for `key` in the language in use, its `{name}` placeholders filled from
 * `params` (used as given: format numbers with num()/int() first). With a numeric
 * `params.count`, `key.one` is taken when the language calls that count singular and the
 * catalogue has it. A key missing in this language falls back to English, then to the key.
 */
export function t(key, params = {}) {
  let k = key;
  if (typeof params.count === 'number' && pluralOf(params.count) === 'one' && `${key}.one` in catalogues[lang]) k = `${key}.one`;
  const raw = catalogues[lang][k] ?? catalogues.en[k] ?? key;
  const out = raw.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
  if (audit) audit.add(out.replace(/<[^>]*>/g, ''));
  return out;
}

const formats = new Map();
function numberFormat(options) {
  const id = `${lang}|${JSON.stringify(options)}`;
  let f = formats.get(id);
  if (!f) formats.set(id, (f = new Intl.NumberFormat(LOCALES[lang], options)));
  return f;
}

/** `v` with `digits` decimals (and grouping) in the chosen locale. */
export const fixed = (v, digits) => numberFormat({ minimumFractionDigits: digits, maximumFractionDigits: digits }).format(v);

/** `share` (0–1) as a percentage with `digits` decimals: 0.123 → "12.3%". */
export const percent = (share, digits = 1) =>
  numberFormat({ style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(share);

/**
 * Fills the static markup under `root` from the catalogue: `data-i18n` sets the text,
 * `data-i18n-html` the inner HTML (the catalogue's own markup: <b>, <i>, <sub>…), and
 * `data-i18n-title`, `-aria-label`, `-placeholder`, `-alt`, `-content` those attributes.
 */
export function applyTranslations(root = document) {
  const each = (attr, fn) => {
    const els = root.querySelectorAll(`[${attr}]`);
    for (const el of els) fn(el, el.getAttribute(attr));
  };
  each('data-i18n', (el, key) => (el.textContent = t(key)));
  each('data-i18n-html', (el, key) => (el.innerHTML = t(key)));
  for (const name of ['title', 'aria-label', 'placeholder', 'alt', 'content']) {
    each(`data-i18n-${name}`, (el, key) => el.setAttribute(name, t(key)));
  }
}

/** Calls `fn(lang)` after every language change; returns a function that stops it. */
export function onLangChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/**
 * Switches to `code`: `<html lang>`, the static markup, then every module that listens.
 * Outside a browser only the language changes. Returns whether it changed.
 */
export function setLang(code) {
  const next = normalise(code) ?? 'en';
  const changed = next !== lang;
  lang = next;
  if (globalThis.document) {
    document.documentElement.lang = LOCALES[lang];
    applyTranslations(document);
  }
  if (changed) for (const fn of listeners) fn(lang);
  return changed;
}

/** Starts (or stops, with null) recording every string t() returns into `set`. */
export function auditInto(set) {
  audit = set;
}
