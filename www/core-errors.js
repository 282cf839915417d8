// The wasm core's words in the page's language. The core writes English (the CLI shares
// it); what crosses to the page also carries a stable code (src/wasm/codes.rs): an error's
// message starts "[code key=value …] ", a divergence comes with divergence_code(), and the
// reason a restore point was kept with restore_point_reason_json(). In English the page
// shows the core's own text (the most detailed) unless it is too technical to help; in
// another language it says the catalogue's `core.<code>` with the parameters, falling back
// to the English where the catalogue has no such key.
import { catalogue, getLang, has, t } from './i18n.js';
import { fmtInt } from './util.js';

const CODED = /^\[([a-z][a-z0-9_.]*)((?: [a-z_]+=\S*)*)\] ([\s\S]*)$/;

/** `"code k=v k=v"` as `{ code, params }`. */
export function parseCode(text) {
  const [code, ...pairs] = text.trim().split(/\s+/);
  const params = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at > 0) params[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return { code, params };
}

/** A coded message as `{ code, params, english }`, or null when it has no code. */
export function parseCoded(message) {
  const m = CODED.exec(String(message ?? ''));
  if (!m) return null;
  return { ...parseCode(`${m[1]}${m[2]}`), english: m[3] };
}

/** Parameters that are themselves words: said in the page's language. */
function localParams(params) {
  const p = { ...params };
  if (p.idx) p.idx = t(`core.idx.${p.idx}`);
  if (p.phase) p.phase = t(`core.phase.${p.phase}`);
  if (p.part) p.part = t(`core.part.${p.part}`);
  for (const n of ['step', 'images', 'labels', 'index']) if (p[n] != null && /^\d+$/.test(p[n])) p[n] = fmtInt(Number(p[n]));
  return p;
}

/**
 * English details of the core's that mean nothing to a learner ("its header claims
 * 2338328219631577204 bytes", what a file of text gives): the catalogue's plain sentence
 * is said instead, in English too. (The CLI keeps the detail.)
 */
const TECHNICAL = /\bheader claims \d+ bytes\b/;

/** The words for `code` (with its `params`) in the page's language, else `english`. */
export function coreText(code, params, english) {
  if ((getLang() === 'en' && !TECHNICAL.test(english)) || !has(`core.${code}`)) return english;
  return t(`core.${code}`, localParams(params));
}

/** A message that may come from the core ("[code …] English"), in the page's language. */
export function coreMessage(message) {
  const c = parseCoded(message);
  return c ? coreText(c.code, c.params, c.english) : String(message ?? '');
}

/** Why training diverged: the engine's `divergence` ({ message, code }), in the page's language. */
export function divergenceText(d) {
  if (!d.code) return d.message;
  const { code, params } = parseCode(d.code);
  return coreText(code, params, d.message);
}

/** English words of the core (setting names, values) → catalogue keys with the same English. */
let reverse = null;
function keyOfEnglish(prefix, english) {
  reverse ??= Object.entries(catalogue('en')).reduce((map, [key, text]) => map.set(text, [...(map.get(text) ?? []), key]), new Map());
  const hit = (reverse.get(english) ?? []).find((k) => k.startsWith(prefix));
  if (hit) return hit;
  const who = /^([GD])'s (.+)$/.exec(english); // "G's learning rate" → field.lr with who G
  if (who) {
    const generic = (reverse.get(`{who}'s ${who[2]}`) ?? []).find((k) => k.startsWith(prefix));
    if (generic) return [generic, { who: who[1] }];
  }
  return null;
}

/** A setting's name as the core writes it ("G's learning rate"), in the page's language. */
function settingName(english) {
  const k = keyOfEnglish('field.', english);
  return k == null ? english : Array.isArray(k) ? t(k[0], k[1]) : t(k);
}

/** A setting's value as the core writes it ("Adam", "on", "0.0005"), in the page's language. */
function settingValue(english) {
  const k = keyOfEnglish('value.', english);
  return typeof k === 'string' ? t(k) : english;
}

/**
 * Why the offered restore point was kept, to follow "from step N, ": from the engine's
 * `restoreReasonJson` (restore_point_reason_json), in the page's language; `english` (the
 * core's restore_point_reason) in English or when the data cannot be read.
 */
export function restoreReason(json, english) {
  if (getLang() === 'en' || !json) return english;
  let r;
  try {
    r = JSON.parse(json);
  } catch {
    return english;
  }
  if (r.kind === 'start') return has(`core.restore.start.${r.how}`) ? t(`core.restore.start.${r.how}`) : english;
  if (r.kind === 'periodic') return t('core.restore.periodic');
  if (r.kind !== 'before') return english;
  const changes = (r.changes ?? []).map((c) => t('core.restore.change', { name: settingName(c.name), from: settingValue(c.from), to: settingValue(c.to) }));
  if (!changes.length) return t('core.restore.undone');
  const shown = changes.slice(0, 2).join(t('list.sep'));
  const more = changes.length - 2;
  return more > 0 ? t('core.restore.beforeMore', { list: shown, count: more, n: more }) : t('core.restore.before', { list: shown });
}
