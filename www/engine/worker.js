// The training worker: one Engine (engine.js) in a dedicated module Web Worker, exposed to
// the page through Comlink. Results go back with their buffers transferred, not copied:
// everything the engine returns was copied out of wasm memory already.
import * as Comlink from '../vendor/comlink/comlink.mjs';
import { Engine } from './engine.js';

const engine = new Engine();

/** The ArrayBuffers behind the typed arrays in `value` and the objects it holds (two levels). */
function buffers(value, depth = 0, out = new Set()) {
  if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer) out.add(value.buffer);
  } else if (value && typeof value === 'object' && depth < 2) {
    for (const v of Object.values(value)) buffers(v, depth + 1, out);
  }
  return out;
}

const transferred = (value) => (value && typeof value === 'object' ? Comlink.transfer(value, [...buffers(value)]) : value);

const api = {};
for (const name of Object.getOwnPropertyNames(Engine.prototype)) {
  if (name === 'constructor') continue;
  api[name] = (...args) => {
    const out = engine[name](...args);
    return out instanceof Promise ? out.then(transferred) : transferred(out);
  };
}
Comlink.expose(api);
