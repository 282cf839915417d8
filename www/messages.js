// The page's two message lines, the error banner and the notice, and the one way every
// module runs something that may fail (guard). Owns what the banners show (app.errors and
// app.notices are the tests' record of it); the Undo offer in the notice is replace.js's
// (app.undo), this module only hides it. Installed on `app` before the engine starts
// (messagesOn), because an error while it starts is shown the same way. May call i18n.js,
// core-errors.js and util.js, and through `app` errors.js's onPanic.
// Its panel object, `messages` (main.js's PANELS): state (app.errors, app.notices
// and the callbacks), setup, relabel.
import { coreMessage } from './core-errors.js';
import { getLang, t } from './i18n.js';
import { $ } from './util.js';

/**
 * The text of a banner: `message` is a string, or a function that makes it in the page's
 * language (called again on a language switch, so the banner follows it).
 */
export const render = (message) => (typeof message === 'function' ? message() : message);

/** Sentences one after another: a space between them in English, none in Chinese. */
export const sentences = (list) => list.filter(Boolean).join(t('sentence.sep'));

/** What each banner shows now, as given (a function is made again in a new language). */
const shown = { error: null, notice: null };

/**
 * The callbacks every module reaches through `app`: isPanic, describe, say, showError,
 * notify, guard. Returns them, for the panel's `state` (main.js puts it on `app`).
 */
function messagesOn(app) {
  /** A wasm trap (a Rust panic), on this thread or passed on from a worker. */
  const isPanic = (err) => err instanceof WebAssembly.RuntimeError || err?.name === 'RuntimeError';

  /**
   * A readable message for anything thrown, wasm traps included, in the page's language:
   * the core's errors carry a code the catalogue translates (core-errors.js).
   */
  const describe = (err) => {
    if (isPanic(err)) return t('error.panicDescribe', { message: err.message });
    const msg = coreMessage(err?.message ?? String(err));
    return /[.!?。！？]$/.test(msg) ? msg : `${msg}${getLang() === 'zh' ? '。' : '.'}`;
  };

  /**
   * What was being done, for the start of an error ("Step: …"): a catalogue key 'what.…', or
   * a function or a string as for a message.
   */
  const say = (what) => (typeof what === 'string' && what.startsWith('what.') ? t(what) : render(what));

  const showError = (message, err) => {
    const text = render(message);
    app.errors.push(text);
    shown.error = message;
    $('error-text').textContent = text;
    $('error-banner').hidden = false;
    if (err) console.warn(text, err);
  };

  /**
   * Shows `message` (as for showError) in the notice line; with `undo`, an Undo button that
   * puts back the run the last replacement replaced. Any other message withdraws the offer.
   */
  const notify = (message, { undo = false } = {}) => {
    const text = render(message);
    app.notices.push(text);
    shown.notice = message;
    $('notice-text').textContent = text;
    $('notice-undo').hidden = !undo;
    if (!undo) app.undo = null;
    $('notice').hidden = false;
  };

  /**
   * Runs `fn` (sync or async), showing any error in the banner as "`what`: reason". A wasm
   * trap (a panic) leaves the engine unusable, so it also stops training for good. Resolves
   * to true on success (returns true at once when `fn` is sync).
   */
  const guard = (what, fn) => {
    const fail = (err) => {
      if (isPanic(err)) app.onPanic(what, err); // errors.js
      else showError(() => t('error.what', { what: say(what), reason: describe(err) }), err);
      return false;
    };
    try {
      const r = fn();
      if (r && typeof r.then === 'function') return r.then(() => true, fail);
      return true;
    } catch (err) {
      return fail(err);
    }
  };

  return { isPanic, describe, say, showError, notify, guard };
}

/** The banners in a new language. */
function relabelMessages() {
  if (shown.error != null) $('error-text').textContent = render(shown.error);
  if (shown.notice != null) $('notice-text').textContent = render(shown.notice);
}

/** The banners' close buttons (closing the notice withdraws its Undo). */
function wireMessages(app) {
  $('error-close').addEventListener('click', () => ($('error-banner').hidden = true));
  $('notice-close').addEventListener('click', () => {
    $('notice').hidden = true;
    app.undo = null;
  });
}

/** The message lines' face as a panel of the page (main.js's PANELS). */
export const messages = {
  /** `errors` and `notices`: every text shown, in order, for the tests. */
  state: (app) => ({ errors: [], notices: [], ...messagesOn(app) }),
  setup: wireMessages,
  relabel: relabelMessages,
};
