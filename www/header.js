// The page's header: its height for what sticks under it (--sticky-top), the words for where
// the engine runs and which build (also in the footer), and the language: the one the page
// starts in, and the switch. Owns no state of its own: it reads app.path, app.build,
// app.threads, app.why and app.offline, which boot (main.js) sets. May call settings-form.js
// (the address keeps the language), autosave-store.js (so does the autosave), i18n.js and
// util.js.
// Its panel object, `header` (main.js's PANELS): state (app.switchLang), start (the
// language, before the engine), relabel.
import { readSavedLang, writeSavedLang } from './autosave-store.js';
import { chooseLang, fixed, getLang, onLangChange, setLang, t } from './i18n.js';
import { writeUrl } from './settings-form.js';
import { $ } from './util.js';

/**
 * Keeps `--sticky-top` (style.css) at the sticky header's height, 0 where the header
 * scrolls away (narrow or short screens): the alerts stick under it, and cards scrolled
 * into view stop below it.
 */
function trackStickyHeader() {
  const header = document.querySelector('.top');
  const set = () => {
    const px = getComputedStyle(header).position === 'sticky' ? Math.ceil(header.getBoundingClientRect().height) : 0;
    document.documentElement.style.setProperty('--sticky-top', `${px}px`);
  };
  new ResizeObserver(set).observe(header);
  window.addEventListener('resize', set);
  set();
}

/** The header's and the footer's words for where the engine runs and which build. */
export function showEnginePath(app) {
  if (!app.path) {
    $('engine-path').textContent = t('header.engine.starting');
    return;
  }
  const where = app.path === 'threads' ? t('engine.threads', { count: app.threads, n: app.threads }) : t(`engine.${app.path}`);
  const label = `${where} · ${t(`build.${app.build}`)}`;
  $('engine-path').textContent = label;
  $('wasm-build').textContent = label;
  // The header says why training is not on every core (www/host.js, engine/connect.js).
  $('engine-why').textContent = app.why ? t('host.why', { why: t(app.why) }) : '';
  $('offline-state').textContent = app.offline ? t(app.offline.missing.length ? 'host.offline.partial' : 'host.offline.ready', { mb: fixed(app.offline.bytes / 1e6, 1), missing: app.offline.missing.length }) : '';
}

/** The header in a new language: the engine's words, and which language button is pressed. */
function relabelHeader(app) {
  showEnginePath(app);
  for (const btn of document.querySelectorAll('.lang-switch button')) btn.setAttribute('aria-pressed', String(btn.dataset.lang === getLang()));
}

/** The language switch: everything redraws in the new language; training goes on; the address and the autosave keep it. */
async function switchLang(app, code) {
  if (!setLang(code)) return;
  writeUrl(app);
  try {
    await writeSavedLang(getLang());
  } catch (err) {
    console.warn('autosave: cannot save the language', err);
  }
}

/**
 * Picks the language (address, then the autosave's, then the browser's) and fills the static
 * markup; app.relabel redraws the page's own texts, now and after every switch.
 */
function startLang(app) {
  onLangChange(app.relabel);
  const first = chooseLang({ search: location.search, languages: navigator.languages ?? [navigator.language] });
  setLang(first.lang); // fills the static markup (applyTranslations) in either language
  app.relabel();
  for (const btn of document.querySelectorAll('.lang-switch button')) btn.addEventListener('click', () => switchLang(app, btn.dataset.lang));
  // The autosave's language counts when the address names none; it is read while the engine starts.
  if (first.from !== 'url') {
    readSavedLang().then((saved) => {
      const again = chooseLang({ search: location.search, saved, languages: navigator.languages ?? [navigator.language] });
      if (again.from === 'saved' && setLang(again.lang) && app.flat) writeUrl(app);
    }, (err) => console.warn('autosave: cannot read the language', err));
  }
}

/** The header's face as a panel of the page (main.js's PANELS). */
export const header = {
  state: (app) => ({ switchLang: (code) => switchLang(app, code) }),
  start(app) {
    trackStickyHeader();
    startLang(app);
  },
  relabel: relabelHeader,
};
