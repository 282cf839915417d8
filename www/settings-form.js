// The settings form on the page: shows the settings in force (app.flat), takes a changed
// control or a recipe to the engine one change at a time, asks before a change that makes
// new networks, and keeps the address in step (writeUrl: a shared link opens the same).
// Also the samples' "Show" choice (G's average or G), which goes in turn with the settings.
// settings.js is the pure part (fields, parsing, the address's text); this file is its DOM.
// Owns the order of changes (inTurn); app.flat is written here and by main.js's apply.
// May call settings.js, layout.js and worlds/world.js (their part of the address),
// engine/connect.js and wasm-build.js (what the address may ask of the engine), messages.js,
// i18n.js and util.js; through `app`: the engine, replaceModel (replace.js), apply, notify,
// guard, onPanic.
// Its panel object, `settings` (main.js's PANELS): state (app.writeUrl), start (G's and D's
// optimiser fields, from one template), setup.
import { PATHS } from './engine/connect.js';
import { applyTranslations, getLang, t } from './i18n.js';
import { currentLayout, layoutQuery } from './layout.js';
import { render, sentences } from './messages.js';
import { FIELDS, FIELD_BY_KEY, archDiffers, controlId, controlText, defaultLr, describeChanges, format, fromConfig, parse, recipe, toJson, toQuery } from './settings.js';
import { $ } from './util.js';
import { BUILDS } from './wasm-build.js';
import { worldQuery } from './worlds/world.js';

/** The address holds the settings, the language, the panels shown and where the engine runs: a shared link opens the same. */
export function writeUrl(app) {
  const params = new URLSearchParams(location.search);
  const parts = [];
  if (app.flat) {
    parts.push(toQuery(app.flat, app.defaults), worldQuery(app.flat.world), layoutQuery(currentLayout()));
    // Where the engine runs, as asked; a request it could not read (the start said so) is dropped.
    const known = { engine: (v) => PATHS.includes(v), wasm: (v) => v in BUILDS && v !== 'threads', threads: () => true };
    for (const key of ['engine', 'wasm', 'threads']) if (params.has(key) && known[key](params.get(key))) parts.push(`${key}=${encodeURIComponent(params.get(key))}`);
  } else {
    // Still starting (the settings not read yet): the address keeps what it asks for.
    for (const key of ['lang', 'show', 'hide', 'present']) params.delete(key);
    parts.push(layoutQuery(currentLayout()));
    parts.push(params.toString());
  }
  parts.push(`lang=${getLang()}`);
  history.replaceState(null, '', `${location.pathname}?${parts.filter(Boolean).join('&')}${location.hash}`);
}

function writeControl(app, field) {
  const el = $(controlId(field));
  const value = app.flat[field.key];
  if (field.type === 'bool') el.checked = value;
  else el.value = controlText(field, value);
}

/**
 * Shows the settings in force; the seed field only when asked (it may hold a seed typed
 * for the next Reset). A control being typed into keeps what is typed: its change comes
 * next, in its turn, and the form is shown again after it (an optimiser switched to SGD
 * must not overwrite a learning rate typed just after).
 */
export function syncForm(app, { seed = false } = {}) {
  for (const f of FIELDS) if ((seed || f.key !== 'seed') && !$(controlId(f)).dataset.typing) writeControl(app, f);
  for (const n of ['g', 'd']) {
    const sgd = app.flat[`${n}_kind`] === 'sgd';
    $(`${n}-kind`).closest('fieldset').classList.toggle('is-sgd', sgd);
  }
  const wrongLabels = app.flat.conditional && app.flat.d_mismatch > 0;
  $('gan-step-1-wrong').hidden = !wrongLabels;
  $('value-fn-wrong').hidden = !wrongLabels;
}

/** The seed field's value, or null (with a message) when it cannot be read. */
export function readSeed(app) {
  const f = FIELD_BY_KEY.seed;
  const text = $('seed').value;
  const kept = app.flat.seed;
  const r = parse(f, text);
  // Messages are made again in the new language after a switch: parse is pure.
  if (r.error) {
    app.notify(() => t('notice.kept', { error: parse(f, text).error, value: kept }));
    writeControl(app, f);
    return null;
  }
  if (r.message) app.notify(() => parse(f, text).message);
  return r.value;
}

/** New training settings (the weights stay); the form shows what the engine took. */
async function setHyperparameters(app, what, next) {
  const ok = await app.guard(what, async () => {
    app.flat = fromConfig(JSON.parse(await app.engine.setHyperparameters(toJson(next))));
  });
  syncForm(app);
  if (ok) writeUrl(app);
  return ok;
}

/**
 * Runs settings changes one at a time, in the order they were made: each starts from the
 * settings the one before left (two controls changed in quick succession would otherwise
 * both start from the old settings, and the later answer would undo the earlier change).
 */
let settingsTurn = Promise.resolve();
function inTurn(change) {
  settingsTurn = settingsTurn.then(change, change);
  return settingsTurn;
}

/** Applies a recipe: every training setting it names (the weights stay); says what changed. */
async function applyRecipe(app, name) {
  const before = app.flat;
  const ok = await setHyperparameters(app, 'what.recipe', { ...app.flat, ...recipe(name, app.defaults) });
  if (!ok) return;
  const after = app.flat;
  app.notify(() => {
    const changes = describeChanges(before, after);
    return sentences([t(name === 'tuned' ? 'notice.recipe.tuned' : 'notice.recipe.plain'), changes.length ? t('notice.changed', { list: changes.join(t('list.sep')) }) : t('notice.unchanged')]);
  });
}

/** A settings control changed: check it, then apply it (asking first if it re-initialises). */
async function applyField(app, field, text) {
  const r = parse(field, text);
  if (r.error) {
    const kept = format(field, app.flat[field.key]);
    app.notify(() => t('notice.kept', { error: parse(field, text).error, value: kept }));
    writeControl(app, field);
    return;
  }
  const next = structuredClone(app.flat);
  next[field.key] = r.value;
  // Functions that make each message in the page's language (again after a switch).
  const messages = r.message ? [() => parse(field, text).message] : [];
  const kind = field.key.match(/^([gd])_kind$/);
  if (kind && r.value !== app.flat[field.key]) {
    const lr = defaultLr(r.value, app.defaults, kind[1]);
    next[`${kind[1]}_lr`] = lr;
    messages.push(() => t('notice.lrSet', { who: kind[1].toUpperCase(), lr, kind: t(`value.${r.value}`) }));
  }
  if (field.arch && archDiffers(next, app.flat)) {
    const seed = readSeed(app);
    if (seed == null) return writeControl(app, field);
    next.seed = seed;
    const ok = window.confirm(t('notice.confirmArch', { label: field.label, seed }));
    if (!ok) return writeControl(app, field);
    const done = await app.replaceModel(() => t('what.changing', { label: field.label }), 'reset', () => app.engine.reset(toJson(next)), {
      notice: () => sentences([...messages.map(render), t('notice.newNetworks', { seed })]),
      undo: true,
    });
    if (!done) writeControl(app, field);
    return;
  }
  await setHyperparameters(app, () => t('what.changing', { label: field.label }), next);
  if (messages.length) app.notify(() => sentences(messages.map(render)));
}

/** The grid, samples and judge from the averaged G or from G itself, as the "Show" choice says. */
async function showAverage(app) {
  const on = $('show-average').checked;
  try {
    app.apply(await app.engine.setSamplesFromAverage(on));
  } catch (err) {
    if (app.isPanic(err)) return app.onPanic('what.show', err);
    app.showError(() => t('error.what', { what: app.say('what.show'), reason: app.describe(err) }), err);
  }
}

/** Every settings control, the recipes and the "Show" choice, each change in its turn. */
function wireSettings(app) {
  for (const f of FIELDS) {
    if (f.key === 'seed') continue;
    const el = $(controlId(f));
    // Being typed into: redraws pass it by until its change.
    el.addEventListener('input', () => (el.dataset.typing = '1'));
    // Left with no change (typed back to what it was): it shows the settings in force again.
    el.addEventListener('blur', () => {
      if (!el.dataset.typing) return;
      delete el.dataset.typing;
      writeControl(app, f);
    });
    // The text as it is now: by the time its turn comes, the form may have been redrawn
    // from the settings an earlier change left.
    el.addEventListener('change', () => {
      delete el.dataset.typing;
      const text = f.type === 'bool' ? (el.checked ? '1' : '0') : el.value;
      inTurn(() => applyField(app, f, text));
    });
  }
  for (const id of ['show-average', 'show-raw']) $(id).addEventListener('change', () => inTurn(() => showAverage(app)));
  $('recipe-tuned').addEventListener('click', () => inTurn(() => applyRecipe(app, 'tuned')));
  $('recipe-plain').addEventListener('click', () => inTurn(() => applyRecipe(app, 'plain')));
}

/**
 * G's and D's optimiser fieldsets, from the one template in index.html: each field's
 * control gets its id from its key (`g_lr` → `#g-lr`), in the page's language.
 */
function fillOptimisers() {
  const fields = $('optimiser-fields').content;
  for (const fieldset of document.querySelectorAll('fieldset[data-optimiser]')) {
    const n = fieldset.dataset.optimiser;
    const copy = fields.cloneNode(true);
    for (const el of copy.querySelectorAll('[data-field]')) {
      el.id = controlId(FIELD_BY_KEY[`${n}_${el.dataset.field}`]);
      el.removeAttribute('data-field');
    }
    fieldset.append(copy);
    applyTranslations(fieldset);
  }
}

/** The settings form's face as a panel of the page (main.js's PANELS). */
export const settings = {
  state: (app) => ({ writeUrl: () => writeUrl(app) }),
  /** Before the engine: the address's settings are shown in the form once it is up. */
  start: fillOptimisers,
  setup: wireSettings,
};
