// Keep and share: save the model as a safetensors checkpoint and load one back (a bad
// file is refused with its reason and the model stays), export the grid as PNG, and
// train on your own IDX files (or go back to the built-in MNIST sample).
// Its panel object, `files` (main.js's PANELS): setup.
import { noteDataSource } from './autosave.js';
import { EXPORT_SCALE, exportGrid } from './grid.js';
import { fixed, onLangChange, t } from './i18n.js';
import { $, download, fmtInt, gunzipIfNeeded } from './util.js';

function setupFiles(app) {
  $('save-model').addEventListener('click', () => app.guard('what.saveModel', () => saveModel(app)));
  $('load-model').addEventListener('change', async (e) => {
    const input = e.target;
    const file = input.files?.[0];
    input.value = ''; // so choosing the same file again fires `change` again
    if (file) await loadModel(app, file);
  });
  $('export-png').addEventListener('click', () => app.guard('what.export', () => exportGrid(app, 1)));
  $('export-png-4x').addEventListener('click', () => app.guard('what.export', () => exportGrid(app, EXPORT_SCALE)));
  $('load-idx').addEventListener('change', async (e) => {
    const input = e.target;
    const files = [...(input.files ?? [])];
    input.value = '';
    if (files.length) await loadIdx(app, files);
  });
  $('builtin-data').addEventListener('click', () =>
    app.guard('what.builtin', async () => {
      const n = await app.engine.loadData(null, null);
      app.dataSource = 'built-in MNIST';
      noteDataSource(app);
      showDataSource(app, n);
      app.notify(() => t('files.builtinAgain', { n: fmtInt(n) }));
    }),
  );
  onLangChange(() => app.view && showDataSource(app));
}

async function saveModel(app) {
  const bytes = await app.engine.saveCheckpoint();
  if (!bytes.length) throw new Error(t('files.noSave'));
  const name = `ganplay-${app.view.steps}.safetensors`;
  download(new Blob([bytes], { type: 'application/octet-stream' }), name);
  app.notify(() => t('files.saved', { name, mb: fixed(bytes.length / 1e6, 1) }));
}

function loadModel(app, file) {
  return app.replaceModel('what.loadModel', 'loaded', async () => app.engine.loadCheckpoint(new Uint8Array(await file.arrayBuffer())), {
    notice: (r) => t('files.loaded', { name: file.name, step: fmtInt(r.steps) }),
    undo: true,
    failed: (err) => t('files.loadFailed', { name: file.name, reason: app.describe(err) }),
  });
}

/** Element type 0x08 (unsigned byte) and dimension count of an IDX file, or null. */
function idxKind(bytes) {
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== 0x08) return null;
  return bytes[3];
}

async function loadIdx(app, files) {
  let images = null;
  let labels = null;
  try {
    for (const file of files) {
      const bytes = await gunzipIfNeeded(new Uint8Array(await file.arrayBuffer()));
      const dims = idxKind(bytes);
      if (dims === 3) images = { file, bytes };
      else if (dims === 1) labels = { file, bytes };
      else throw Object.assign(new Error(t('files.notIdx', { name: file.name })), { i18n: ['files.notIdx', { name: file.name }] });
    }
  } catch (err) {
    // Made again in the new language after a switch (an error of ours carries its key).
    const reason = () => (err.i18n ? t(...err.i18n) : app.describe(err));
    app.showError(() => t('files.readFailed', { reason: reason() }), err);
    return;
  }
  if (!images || !labels) {
    app.showError(() => t('files.pickBoth', { names: files.map((f) => t('files.name', { name: f.name })).join(t('list.sep')) }));
    return;
  }
  let n;
  try {
    n = await app.engine.loadData(images.bytes, labels.bytes);
  } catch (err) {
    if (app.isPanic(err)) return app.onPanic('what.loadData', err);
    app.showError(() => t('files.useFailed', { reason: app.describe(err) }), err);
    return;
  }
  app.dataSource = `${images.file.name} + ${labels.file.name}`;
  noteDataSource(app);
  showDataSource(app, n);
  app.notify(() => t('files.yours', { n: fmtInt(n) }));
}

/** Names the training data and its size (`n`, or as the engine last reported). */
export function showDataSource(app, n = app.view.dataLen) {
  if (app.view) app.view.dataLen = n;
  const source = app.dataSource === 'built-in MNIST' ? t('files.source.builtin') : app.dataSource;
  $('data-source').textContent = t('files.source', { source, n: fmtInt(n) });
}

/** Keep and share's face as a panel of the page (main.js's PANELS). */
export const files = { setup: setupFiles };
