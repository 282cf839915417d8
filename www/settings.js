// The settings: one table maps each field of the Rust GanConfig to its form control and
// its URL parameter, with the range it must be in. Values from the form or the URL are
// parsed here; out-of-range values are clamped and unreadable ones refused, each with a
// message for the page to show, so NaN never reaches the model.
//
// Messages are in the page's language (www/i18n.js): each field's `label` is looked up
// when a message is made, so a message follows a language switch.
//
// One spelling per setting: the page keeps the settings "flat" (one key per control, both
// optimisers' fields side by side), and that key is also the URL parameter (`g_lr=0.001`)
// and, with `_` as `-`, the control's id (`#g-lr`: controlId). Older links' names
// (`lr_g`, `batch`, …) are each field's `aliases`: read, never written. The nested JSON
// that Playground takes is the Rust core's own format, and `toConfig` / `fromConfig` turn
// one into the other: `g_lr` is `g_optimizer.lr`, `g_kind` is `g_optimizer.kind`, and so on
// for `d_` and the momentum, betas and ε.

import { t } from './i18n.js';

/** The largest seed a JavaScript number holds exactly (the Rust side takes any u64). */
export const MAX_SEED = Number.MAX_SAFE_INTEGER;

const ADAM = { lr: 2e-4, beta1: 0.5, beta2: 0.999, eps: 1e-8 };
const SGD = { lr: 0.01, momentum: 0.9 };
/** A learning rate must be in (0, 10]; this is the smallest the page lets through. */
const MIN_LR = 1e-6;
/** Momentum and Adam's betas must be below 1. */
const BELOW_ONE = 0.9999;

/** No hidden layers, as a list of widths is written (an empty field is refused instead). */
const NO_LAYERS = 'none';

/**
 * One row per setting. key: the flat key, which is the URL parameter too; aliases: the
 * names older links used for it (read as the key); type: int | float | list | bool | enum;
 * arch: changes the networks' shape (so applying it re-initialises the weights); example:
 * a list's, for its message.
 */
export const FIELDS = [
  { key: 'seed', type: 'int', min: 0, max: MAX_SEED },
  { key: 'noise_dim', aliases: ['noise'], type: 'int', min: 1, max: 4096, arch: true },
  { key: 'g_hidden', type: 'list', min: 1, max: 4096, maxLen: 6, example: '256, 512', arch: true },
  { key: 'd_hidden', type: 'list', min: 1, max: 4096, maxLen: 6, example: '512, 256', arch: true },
  { key: 'conditional', type: 'bool', arch: true },
  { key: 'leaky_slope', aliases: ['slope'], type: 'float', min: 0, max: 0.99, arch: true },
  { key: 'batch_size', aliases: ['batch'], type: 'int', min: 1, max: 1024 },
  { key: 'd_steps', type: 'int', min: 1, max: 20 },
  { key: 'generator_loss', aliases: ['loss'], type: 'enum', options: ['non_saturating', 'minimax'] },
  { key: 'label_smoothing', aliases: ['smoothing'], type: 'float', min: 0, max: 0.5 },
  { key: 'd_input_noise', aliases: ['instance_noise'], type: 'float', min: 0, max: 1 },
  { key: 'd_mismatch', aliases: ['wrong_labels'], type: 'float', min: 0, max: 4 },
  { key: 'g_average', aliases: ['average'], type: 'float', min: 0, max: BELOW_ONE },
  ...['g', 'd'].flatMap((n) => {
    return [
      { key: `${n}_kind`, aliases: [`opt_${n}`], type: 'enum', options: ['adam', 'sgd'] },
      { key: `${n}_lr`, aliases: [`lr_${n}`], type: 'float', min: MIN_LR, max: 10 },
      { key: `${n}_momentum`, aliases: [`momentum_${n}`], type: 'float', min: 0, max: BELOW_ONE },
      { key: `${n}_beta1`, aliases: [`beta1_${n}`], type: 'float', min: 0, max: BELOW_ONE },
      { key: `${n}_beta2`, aliases: [`beta2_${n}`], type: 'float', min: 0, max: BELOW_ONE },
      { key: `${n}_eps`, aliases: [`eps_${n}`], type: 'float', min: 1e-12, max: 1 },
    ];
  }),
];

/** A field's form control's id: its key with `_` as `-` (`g_lr` → `g-lr`). */
export const controlId = (field) => field.key.replaceAll('_', '-');

/** Each field's `label`, for messages, in the page's language: "batch size", "G's learning rate". */
for (const f of FIELDS) {
  const [, n, rest] = f.key.match(/^([gd])_(kind|lr|momentum|beta1|beta2|eps)$/) ?? [];
  Object.defineProperty(f, 'label', {
    get: () => (n ? t(`field.${rest}`, { who: n.toUpperCase() }) : t(`field.${f.key}`)),
    enumerable: true,
  });
}

export const FIELD_BY_KEY = Object.fromEntries(FIELDS.map((f) => [f.key, f]));

/** The learning rate to start from when `n` ('g' or 'd') switches to optimiser `kind`: the
 * default settings' own when they use that kind, else the kind's usual one. */
export const defaultLr = (kind, defaults, n) =>
  defaults[`${n}_kind`] === kind ? defaults[`${n}_lr`] : kind === 'sgd' ? SGD.lr : ADAM.lr;

/**
 * The two recipes: every training setting (the architecture and the weights stay).
 * "tuned" is the default settings; "textbook" is GanConfig::plain() in src/gan/config.rs:
 * batch 64, one D step, the non-saturating loss, Adam 2e-4, β1 0.5 for both networks, no
 * label smoothing, no instance noise, no wrong labels, no averaging of G.
 */
export function recipe(name, defaults) {
  const keys = ['batch_size', 'd_steps', 'generator_loss', 'label_smoothing', 'd_input_noise', 'd_mismatch', 'g_average', ...['g', 'd'].flatMap((n) => ['kind', 'lr', 'beta1', 'beta2', 'eps'].map((k) => `${n}_${k}`))];
  if (name === 'tuned') return Object.fromEntries(keys.map((k) => [k, defaults[k]]));
  const plain = { batch_size: 64, d_steps: 1, generator_loss: 'non_saturating', label_smoothing: 0, d_input_noise: 0, d_mismatch: 0, g_average: 0 };
  for (const n of ['g', 'd']) Object.assign(plain, { [`${n}_kind`]: 'adam', [`${n}_lr`]: ADAM.lr, [`${n}_beta1`]: ADAM.beta1, [`${n}_beta2`]: ADAM.beta2, [`${n}_eps`]: ADAM.eps });
  return plain;
}

/** Flat settings from a GanConfig (as parsed from Playground's JSON). */
export function fromConfig(config) {
  const flat = {
    seed: config.seed,
    noise_dim: config.noise_dim,
    g_hidden: [...config.g_hidden],
    d_hidden: [...config.d_hidden],
    conditional: config.conditional,
    leaky_slope: config.leaky_slope,
    batch_size: config.batch_size,
    d_steps: config.d_steps,
    generator_loss: config.generator_loss,
    label_smoothing: config.label_smoothing,
    d_input_noise: config.d_input_noise,
    d_mismatch: config.d_mismatch,
    g_average: config.g_average,
    // The 1-D or 2-D world (www/worlds/world.js keeps it in the address), or 'digits'.
    world: config.world ?? 'digits',
  };
  for (const n of ['g', 'd']) {
    const opt = config[`${n}_optimizer`];
    flat[`${n}_kind`] = opt.kind;
    flat[`${n}_lr`] = opt.lr;
    flat[`${n}_momentum`] = opt.momentum ?? SGD.momentum;
    flat[`${n}_beta1`] = opt.beta1 ?? ADAM.beta1;
    flat[`${n}_beta2`] = opt.beta2 ?? ADAM.beta2;
    flat[`${n}_eps`] = opt.eps ?? ADAM.eps;
  }
  return flat;
}

/** The GanConfig object for flat settings (JSON.stringify it for Playground). */
export function toConfig(flat) {
  const optimizer = (n) =>
    flat[`${n}_kind`] === 'sgd'
      ? { kind: 'sgd', lr: flat[`${n}_lr`], momentum: flat[`${n}_momentum`] }
      : { kind: 'adam', lr: flat[`${n}_lr`], beta1: flat[`${n}_beta1`], beta2: flat[`${n}_beta2`], eps: flat[`${n}_eps`] };
  return {
    seed: flat.seed,
    noise_dim: flat.noise_dim,
    g_hidden: flat.g_hidden,
    d_hidden: flat.d_hidden,
    conditional: flat.conditional,
    leaky_slope: flat.leaky_slope,
    batch_size: flat.batch_size,
    d_steps: flat.d_steps,
    generator_loss: flat.generator_loss,
    label_smoothing: flat.label_smoothing,
    d_input_noise: flat.d_input_noise,
    d_mismatch: flat.d_mismatch,
    g_average: flat.g_average,
    g_optimizer: optimizer('g'),
    d_optimizer: optimizer('d'),
    world: flat.world ?? 'digits',
  };
}

export const toJson = (flat) => JSON.stringify(toConfig(flat));

/** Whether two flat settings build networks of different shapes. */
export const archDiffers = (a, b) => FIELDS.some((f) => f.arch && format(f, a[f.key]) !== format(f, b[f.key]));


/** A value as text in a sentence: "0.0005", "[256, 512]", "on", "Adam". */
function say(field, value) {
  if (field.type === 'list') return `[${value.join(', ')}]`;
  if (field.type === 'bool') return t(value ? 'value.on' : 'value.off');
  if (field.type === 'enum') return t(`value.${value}`);
  return format(field, value);
}

/**
 * The settings that differ from `before` to `after` (both flat), in the table's order, as
 * phrases such as "batch size 32 → 64". An optimiser's momentum, betas and ε count only
 * where it is of their kind both before and after (a change of kind is named as such).
 */
export function describeChanges(before, after) {
  const out = [];
  for (const f of FIELDS) {
    const used = f.key.match(/^([gd])_(momentum|beta1|beta2|eps)$/);
    const ofKind = (flat) => (flat[`${used[1]}_kind`] === 'sgd') === (used[2] === 'momentum');
    if (used && !(ofKind(before) && ofKind(after))) continue;
    const [a, b] = [say(f, before[f.key]), say(f, after[f.key])];
    if (a !== b) out.push(t('change', { label: f.label, from: a, to: b }));
  }
  return out;
}

/** A value as text, for the form and the URL. */
export function format(field, value) {
  switch (field.type) {
    case 'list':
      return value.length ? value.join(',') : NO_LAYERS;
    case 'bool':
      return value ? '1' : '0';
    case 'float':
      // f32 values from Rust print with float noise otherwise (0.0002 → 0.00019999999).
      return String(Number(Number(value).toPrecision(6)));
    default:
      return String(value);
  }
}

/** A value as the form shows it: as `format`, but widths spaced out (“256, 512”). */
export const controlText = (field, value) =>
  field.type === 'list' && value.length ? value.join(', ') : format(field, value);

/**
 * Parses `text` for `field`. Returns `{ value }` (maybe clamped, with `message`) or
 * `{ error }` when the text cannot be read (the caller keeps the old value).
 */
export function parse(field, text) {
  const { label } = field;
  const raw = String(text ?? '').trim();
  const range = `${field.min}–${field.max}`;
  const clampNum = (v) => {
    if (v < field.min || v > field.max) {
      const c = Math.min(field.max, Math.max(field.min, v));
      return { value: c, clamped: true, message: t('parse.clamped', { label, range, raw, value: c }) };
    }
    return { value: v };
  };
  // A number field holding text the browser cannot read as a number (“e”, “1e”, “-”)
  // gives '' exactly as an empty one does, so the message says both.
  const number = t(field.type === 'int' ? 'parse.aWhole' : 'parse.aNumber');
  if ((field.type === 'int' || field.type === 'float') && raw === '') {
    return { error: t('parse.empty', { label, number, range }) };
  }
  switch (field.type) {
    case 'bool': {
      const word = raw.toLowerCase();
      if (['1', 'true', 'on', 'yes'].includes(word)) return { value: true };
      if (['0', 'false', 'off', 'no', ''].includes(word)) return { value: false };
      return { error: t('parse.bool', { label, raw }) };
    }
    case 'enum':
      if (field.options.includes(raw)) return { value: raw };
      return { error: t('parse.enum', { label, options: field.options.join(', '), raw }) };
    case 'int': {
      if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(raw)) return { error: t('parse.int', { label, raw }) };
      const v = Number(raw);
      if (!Number.isFinite(v)) return { error: t('parse.int', { label, raw }) };
      const r = clampNum(Math.round(v));
      if (!Number.isInteger(v) && !r.message) r.message = t('parse.rounded', { label, raw, value: r.value });
      return r;
    }
    case 'float': {
      if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(raw)) return { error: t('parse.float', { label, raw }) };
      const v = Number(raw);
      if (!Number.isFinite(v)) return { error: t('parse.float', { label, raw }) };
      return clampNum(v);
    }
    case 'list': {
      // Empty is refused rather than read as no hidden layers (the field's grey
      // placeholder shows an example, which an empty field does not build); “none” asks
      // for none.
      if (raw === '') {
        return { error: t('parse.listEmpty', { label, example: field.example, none: NO_LAYERS }) };
      }
      if (raw.toLowerCase() === NO_LAYERS) return { value: [] };
      const parts = raw.split(/[\s,;x×]+/).filter(Boolean);
      if (parts.length > field.maxLen) return { error: t('parse.listLong', { label, max: field.maxLen, n: parts.length }) };
      const values = [];
      const messages = [];
      for (const p of parts) {
        if (!/^\d+$/.test(p)) return { error: t('parse.listBad', { label, raw }) };
        const v = Number(p);
        const c = Math.min(field.max, Math.max(field.min, v));
        if (c !== v) messages.push(`${v} → ${c}`);
        values.push(c);
      }
      const r = { value: values };
      if (messages.length) r.message = t('parse.listClamped', { label, range, list: messages.join(', ') });
      return r;
    }
    default:
      throw new Error(`unknown field type ${field.type}`);
  }
}

/**
 * Address parameters that are not training settings: where the engine runs
 * (engine/connect.js), the language (i18n.js), the world (worlds/world.js), and the panels
 * shown (layout.js).
 */
const PAGE_PARAMS = new Set(['wasm', 'engine', 'threads', 'lang', 'world', 'points', 'show', 'hide', 'present']);

/** Each field under its key and under each of its aliases, for reading an address. */
const BY_NAME = Object.fromEntries(FIELDS.flatMap((f) => [f.key, ...(f.aliases ?? [])].map((name) => [name, f])));

/**
 * Reads settings from a URL query string on top of `defaults` (flat). Returns
 * `{ flat, messages }`; unknown parameters and bad values are reported and ignored.
 */
export function fromQuery(search, defaults) {
  const flat = structuredClone(defaults);
  const messages = [];
  for (const [name, text] of new URLSearchParams(search)) {
    const field = BY_NAME[name];
    if (PAGE_PARAMS.has(name)) continue;
    if (!field) {
      messages.push(t('parse.unknown', { name }));
      continue;
    }
    const r = parse(field, text);
    if (r.error) {
      messages.push(t('notice.kept', { error: r.error, value: format(field, flat[field.key]) }));
      continue;
    }
    // Out of range in a link is a mistake, not a wish for the nearest edge: the default.
    if (r.clamped) {
      messages.push(t('parse.linkRange', { label: field.label, raw: text.trim(), range: `${field.min}–${field.max}`, value: format(field, flat[field.key]) }));
      continue;
    }
    if (r.message) messages.push(r.message);
    flat[field.key] = r.value;
  }
  return { flat, messages };
}

/** A query string holding the settings that differ from `defaults` (seed always), under their keys. */
export function toQuery(flat, defaults) {
  const params = new URLSearchParams();
  for (const f of FIELDS) {
    const used = f.key.match(/^([gd])_(momentum|beta1|beta2|eps)$/);
    // Optimiser fields of the kind not in use do not matter: leave them out.
    if (used && (flat[`${used[1]}_kind`] === 'sgd') !== (used[2] === 'momentum')) continue;
    const v = format(f, flat[f.key]);
    if (f.key === 'seed' || v !== format(f, defaults[f.key])) params.set(f.key, v);
  }
  return params.toString();
}
