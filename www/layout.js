// Which panels the page shows, and the "present" layout: a teacher's link opens just the
// lesson they are giving, on a projector. The address says it:
//   show=samples,charts,explain   only these panels (in the page's order)
//   hide=settings,files           every panel but these
//   present=1                     larger type for a projector, no side panels (settings,
//                                 files, film strip) unless `show` names them
// The header's "Share this view" opens a dialog that picks the panels and the layout, shows
// them at once and writes the link (the settings, the world and the language come with
// it: the address holds them already). Each <section> of the page names its panel in
// data-panel. The pure part (layoutFromQuery, layoutQuery, shownPanels) has no DOM, so node
// tests import it.
// Its panel object, `layout` (main.js's PANELS): start (the address's layout, before
// the engine; returns its messages for the first notice).
import { t } from './i18n.js';

/** The panels, in the page's order; each is a `<section data-panel="…">` (explain is two: digits and worlds). */
export const PANELS = ['world', 'metrics', 'samples', 'strip', 'quality', 'pad', 'charts', 'explain', 'explore', 'vae', 'dalone', 'settings', 'files'];
/** What the present layout leaves out unless `show` names it. */
export const SIDE_PANELS = ['strip', 'settings', 'files'];

/**
 * The layout the address asks for: `{ show, hide, present, messages }`, `show` null (every
 * panel) or the panels named, `hide` those named, `messages` ({ key, params }) for names
 * that are not panels and a `present` that is not 0 or 1.
 */
export function layoutFromQuery(search) {
  const params = new URLSearchParams(search);
  const messages = [];
  const names = (key) => {
    if (!params.has(key)) return null;
    const list = params.get(key).split(',').map((s) => s.trim()).filter(Boolean);
    const unknown = list.filter((n) => !PANELS.includes(n));
    if (unknown.length) messages.push({ key: 'layout.unknown', params: { names: unknown.join(', '), known: PANELS.join(', ') } });
    return PANELS.filter((p) => list.includes(p));
  };
  const show = names('show');
  const hide = names('hide') ?? [];
  let present = false;
  if (params.has('present')) {
    const v = params.get('present');
    if (v === '1' || v === '' || v === 'true') present = true;
    else if (v !== '0' && v !== 'false') messages.push({ key: 'layout.badPresent', params: { value: v } });
  }
  return { show: show && show.length ? show : null, hide, present, messages };
}

/** The panels `layout` shows. */
export function shownPanels(layout) {
  const base = layout.show ?? PANELS.filter((p) => !(layout.present && SIDE_PANELS.includes(p)));
  return base.filter((p) => !layout.hide.includes(p));
}

/** The address's part for `layout` ('' for the whole page): the shortest of show/hide that says it. */
export function layoutQuery(layout) {
  const parts = [];
  const shown = shownPanels(layout);
  const byDefault = shownPanels({ show: null, hide: [], present: layout.present });
  if (shown.length !== byDefault.length || shown.some((p, i) => p !== byDefault[i])) {
    const hidden = byDefault.filter((p) => !shown.includes(p));
    const extra = shown.filter((p) => !byDefault.includes(p));
    if (!extra.length && hidden.length < shown.length) parts.push(`hide=${hidden.join(',')}`);
    else parts.push(`show=${shown.join(',')}`);
  }
  if (layout.present) parts.push('present=1');
  return parts.join('&');
}

let current = { show: null, hide: [], present: false, messages: [] };

/** The layout in force. */
export const currentLayout = () => current;

/** Shows the panels `next` asks for, in its layout. */
export function applyLayout(next) {
  current = next;
  const shown = new Set(shownPanels(next));
  for (const el of document.querySelectorAll('[data-panel]')) el.classList.toggle('panel-off', !shown.has(el.dataset.panel));
  const chosen = next.present || shown.size < PANELS.length;
  document.body.classList.toggle('present', next.present);
  // Some panels left out: they flow in one grid rather than leave their columns empty.
  document.body.classList.toggle('chosen-panels', chosen);
}

/**
 * Reads the address's layout, applies it and wires the "Share this view" dialog;
 * `writeUrl` rewrites the address (which asks layoutQuery for this part). Returns the
 * address's messages ({ key, params }) for the notice line.
 */
function setupLayout(writeUrl) {
  const first = layoutFromQuery(location.search);
  applyLayout(first);
  const dialog = document.getElementById('share-dialog');
  const list = document.getElementById('share-panels');
  const link = document.getElementById('share-link');
  const present = document.getElementById('share-present');
  for (const name of PANELS) {
    const label = document.createElement('label');
    label.className = 'check';
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.value = name;
    const text = document.createElement('span');
    text.dataset.i18n = `layout.panel.${name}`;
    text.textContent = t(`layout.panel.${name}`);
    label.append(box, ' ', text);
    list.append(label);
  }
  const boxes = () => [...list.querySelectorAll('input')];
  const fill = () => {
    const shown = new Set(shownPanels(current));
    for (const box of boxes()) box.checked = shown.has(box.value);
    present.checked = current.present;
    link.value = location.href;
  };
  const change = () => {
    const show = boxes().filter((b) => b.checked).map((b) => b.value);
    applyLayout({ show: show.length ? show : null, hide: [], present: present.checked, messages: [] });
    writeUrl();
    link.value = location.href;
  };
  list.addEventListener('change', change);
  present.addEventListener('change', () => {
    // Into the present layout the side panels go out (and come back out of it), as a link's would.
    for (const box of boxes()) if (SIDE_PANELS.includes(box.value)) box.checked = !present.checked;
    change();
  });
  document.getElementById('share-view').addEventListener('click', () => {
    fill();
    dialog.showModal();
    link.select();
  });
  document.getElementById('share-all').addEventListener('click', () => {
    applyLayout({ show: null, hide: [], present: false, messages: [] });
    writeUrl();
    fill();
  });
  const status = document.getElementById('share-status');
  document.getElementById('share-copy').addEventListener('click', async () => {
    link.select();
    try {
      await navigator.clipboard.writeText(link.value);
      status.textContent = t('layout.copied');
    } catch {
      status.textContent = t('layout.copyByHand');
    }
  });
  document.getElementById('share-close').addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => (status.textContent = ''));
  return first.messages;
}

/** The layout's face as a panel of the page (main.js's PANELS). */
export const layout = { start: (app) => setupLayout(app.writeUrl) };
