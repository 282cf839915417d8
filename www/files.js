// Keep and share: save the model as a safetensors checkpoint and load one back (a bad
// file is refused with its reason and the model stays), export the grid as PNG, and
// train on your own IDX files (or go back to the built-in MNIST sample).
import { EXPORT_SCALE, exportGrid } from './grid.js';
import { $, download, fmtInt, gunzipIfNeeded } from './util.js';

export function setupFiles(app) {
  $('save-model').addEventListener('click', () => app.guard('Saving the model', () => saveModel(app)));
  $('load-model').addEventListener('change', async (e) => {
    const input = e.target;
    const file = input.files?.[0];
    input.value = ''; // so choosing the same file again fires `change` again
    if (file) await loadModel(app, file);
  });
  $('export-png').addEventListener('click', () => app.guard('Exporting the grid', () => exportGrid(app, 1)));
  $('export-png-4x').addEventListener('click', () => app.guard('Exporting the grid', () => exportGrid(app, EXPORT_SCALE)));
  $('load-idx').addEventListener('change', async (e) => {
    const input = e.target;
    const files = [...(input.files ?? [])];
    input.value = '';
    if (files.length) await loadIdx(app, files);
  });
  $('builtin-data').addEventListener('click', () =>
    app.guard('Switching to the built-in data', async () => {
      const n = await app.engine.loadData(null, null);
      app.dataSource = 'built-in MNIST';
      showDataSource(app, n);
      app.notify(`Training on the built-in MNIST sample again (${fmtInt(n)} images).`);
    }),
  );
}

async function saveModel(app) {
  const bytes = await app.engine.saveCheckpoint();
  if (!bytes.length) throw new Error('this build cannot save checkpoints yet (the checkpoint module returned no bytes)');
  const name = `ganplay-${app.view.steps}.safetensors`;
  download(new Blob([bytes], { type: 'application/octet-stream' }), name);
  app.notify(`Saved ${name} (${(bytes.length / 1e6).toFixed(1)} MB).`);
}

function loadModel(app, file) {
  return app.replaceModel('Loading the model', 'loaded', async () => app.engine.loadCheckpoint(new Uint8Array(await file.arrayBuffer())), {
    notice: (r) => `Loaded “${file.name}”: step ${fmtInt(r.steps)}.`,
    undo: true,
    failed: (err) => `Could not load “${file.name}”: ${app.describe(err)} The model is unchanged.`,
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
      else throw new Error(`“${file.name}” is not an IDX file of unsigned bytes (it should start 00 00 08 01 for labels or 00 00 08 03 for images).`);
    }
  } catch (err) {
    app.showError(`Could not read your data: ${app.describe(err)} Training data unchanged.`, err);
    return;
  }
  if (!images || !labels) {
    app.showError(`Pick both files at once: an images file (IDX3) and a labels file (IDX1). Got ${files.map((f) => `“${f.name}”`).join(', ')}. Training data unchanged.`);
    return;
  }
  let n;
  try {
    n = await app.engine.loadData(images.bytes, labels.bytes);
  } catch (err) {
    if (app.isPanic(err)) return app.onPanic('Loading your data', err);
    app.showError(`Could not use your data: ${app.describe(err)} Training data unchanged.`, err);
    return;
  }
  app.dataSource = `${images.file.name} + ${labels.file.name}`;
  showDataSource(app, n);
  app.notify(`Training on your data now: ${fmtInt(n)} images.`);
}

/** Names the training data and its size (`n`, or as the engine last reported). */
export function showDataSource(app, n = app.view.dataLen) {
  if (app.view) app.view.dataLen = n;
  $('data-source').textContent = `${app.dataSource} (${fmtInt(n)} images)`;
}
