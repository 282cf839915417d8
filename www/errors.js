// Errors nobody caught, and panics: every uncaught error or rejected promise shows in the
// error banner instead of dying silently. A Rust panic (console_error_panic_hook logs it,
// then the wasm code traps: `RuntimeError: unreachable`, passed on by name from a worker)
// leaves the wasm instance unusable,
// so the page stops training for good and offers a reload; the autosave (autosave.js) was
// written before the panic and is offered again after the reload.
// Its panel object, `errors` (main.js's PANELS): start (first in PANELS: an error
// while the page starts is shown too).
import { t } from './i18n.js';
import { $ } from './util.js';

/**
 * What browsers report as an error though nothing is wrong: a ResizeObserver whose
 * callback changed a size (the charts follow their box) has its last notifications
 * delivered in the next frame. Never for the banner.
 */
const BENIGN = /^(ResizeObserver loop completed with undelivered notifications|ResizeObserver loop limit exceeded)/;

/** The last panic message console_error_panic_hook logged (it logs through console.error). */
let panicMessage = null;

function setupErrors(app) {
  const consoleError = console.error.bind(console);
  console.error = (...args) => {
    const text = args.map(String).join(' ');
    if (/panicked at/.test(text)) panicMessage = text.split('\n').slice(0, 2).join(' ');
    consoleError(...args);
  };
  const uncaught = (err) => {
    if (app.isPanic(err)) app.onPanic('what.page', err);
    else app.showError(() => t('error.unexpected', { reason: app.describe(err) }));
  };
  window.addEventListener('error', (e) => {
    if (!e.error && BENIGN.test(e.message ?? '')) return;
    uncaught(e.error ?? e.message);
  });
  window.addEventListener('unhandledrejection', (e) => uncaught(e.reason));
  $('error-reload').addEventListener('click', () => location.reload());

  /** `what` (as app.guard takes it) hit a wasm trap: the playground is unusable from here on. */
  app.onPanic = (what, err) => {
    if (app.broken) return;
    app.broken = true;
    app.setRunning(false);
    document.body.classList.add('broken');
    // Rust's own panic message stays as Rust wrote it (it is for whoever fixes the bug).
    const show = (panic) => {
      app.showError(() => {
        const detail = panic ? t('error.panic.rust', { panic: panic.replace(/[.!?]?$/, '.') }) : '';
        return t('error.panic', { what: app.say(what), message: err.message, detail });
      }, err);
    };
    show(panicMessage);
    $('error-reload').hidden = false;
    // In a worker, Rust's panic message was logged there: ask for it.
    if (!panicMessage && app.engine) app.engine.lastPanic().then((panic) => panic && show(panic), () => {});
  };
}

/** The errors' face as a panel of the page (main.js's PANELS). */
export const errors = { start: setupErrors };
