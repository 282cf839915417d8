// The one seam between the page and the engine. It picks where the engine runs — the best
// this browser and page allow — and hands the page an object whose methods all return
// promises, wherever it runs:
//   threads  a worker with the threaded build, its matrix products spread over every core
//            (needs wasm threads and a cross-origin-isolated page);
//   worker   a worker with the fastest single-thread build (relaxed SIMD, else simd128);
//   main     the page's own thread (where a module worker cannot start), as before workers.
// `?engine=threads|worker|main` in the address forces a path (where the browser can take
// it), `?wasm=simd128|relaxed-simd` a single-thread build, `?threads=N` the pool's size.
import * as Comlink from '../vendor/comlink/comlink.mjs';
import { BUILDS, detectFeatures, singleThreadBuild } from '../wasm-build.js';
import { fetchBytes } from '../util.js';

export const PATHS = ['threads', 'worker', 'main'];
const DATA = {
  images: 'www/data/mnist-10k-images-idx3-ubyte.gz',
  labels: 'www/data/mnist-10k-labels-idx1-ubyte.gz',
};

/**
 * The path and build for these features and the address's requests: `{ path, build,
 * messages }`, `messages` saying why a request was not followed.
 */
export function choosePath(features, requestedPath, requestedBuild) {
  const messages = [];
  let path = features.threads ? 'threads' : 'worker';
  if (requestedPath != null) {
    if (!PATHS.includes(requestedPath)) {
      messages.push(`Unknown engine “${requestedPath}” in the address: known are ${PATHS.join(', ')}.`);
    } else if (requestedPath === 'threads' && !features.threads) {
      messages.push('This page cannot use wasm threads here (it needs a browser with them and a cross-origin-isolated page): training in one worker.');
    } else {
      path = requestedPath;
    }
  }
  let build = singleThreadBuild(features);
  if (requestedBuild != null) {
    if (!(requestedBuild in BUILDS) || requestedBuild === 'threads') {
      messages.push(`Unknown wasm build “${requestedBuild}” in the address: using ${BUILDS[build].label}. Known: simd128, relaxed-simd.`);
    } else if (requestedBuild === 'relaxed-simd' && !features.relaxedSimd) {
      messages.push('This browser has no relaxed SIMD: using the simd128 build.');
    } else {
      build = requestedBuild;
      if (path === 'threads' && requestedPath !== 'threads') path = 'worker'; // the build asked for
    }
  }
  if (path === 'threads') build = 'threads';
  return { path, build, messages };
}

/** Methods of an engine on this thread, each returning a promise as a worker's would. */
function local(engine) {
  return new Proxy(engine, {
    get: (target, name) => {
      const v = target[name];
      return typeof v === 'function' ? async (...args) => v.apply(target, args) : v;
    },
  });
}

/** An engine in a module worker; rejects if the worker cannot start. */
function inWorker() {
  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name: 'ganplay engine' });
  const failed = new Promise((_, reject) => {
    worker.addEventListener('error', (e) => reject(new Error(`the training worker could not start (${e.message || 'a script error'})`)), { once: true });
  });
  return { engine: Comlink.wrap(worker), worker, failed };
}

async function onMainThread() {
  const { Engine } = await import('./engine.js');
  return local(new Engine());
}

let started = null;

/**
 * Starts the engine once, as early in the boot as possible: probes the browser, picks
 * the path, starts the worker and loads the wasm build and the digits there. Resolves to
 * `{ engine, path, build, threads, label, defaults, messages }`. A path that fails to
 * start falls back to the next (threads, then one worker, then this thread), and
 * `messages` says so.
 */
export function startEngine() {
  if (started) return started;
  started = (async () => {
    const params = new URLSearchParams(location.search);
    const features = await detectFeatures();
    const { path, build, messages } = choosePath(features, params.get('engine'), params.get('wasm'));
    const data = Promise.all([fetchBytes(DATA.images), fetchBytes(DATA.labels)]);
    const single = build === 'threads' ? singleThreadBuild(features) : build;
    const attempts = [
      { path, build },
      ...(path === 'threads' ? [{ path: 'worker', build: single }] : []),
      ...(path !== 'main' ? [{ path: 'main', build: single }] : []),
    ];
    for (const [i, attempt] of attempts.entries()) {
      const threads = attempt.path === 'threads' ? poolSize(params.get('threads'), messages) : 0;
      const worker = attempt.path === 'main' ? null : inWorker();
      const engine = worker ? worker.engine : await onMainThread();
      try {
        const [images, labels] = await data;
        const loading = engine.load({ build: attempt.build, threads, images, labels });
        const { defaults, threads: pool } = await (worker ? Promise.race([loading, worker.failed]) : loading);
        return describePath({ engine, worker: worker?.worker ?? null, ...attempt, threads: pool, defaults, messages });
      } catch (err) {
        if (i === attempts.length - 1) throw err;
        worker?.worker.terminate();
        const next = attempts[i + 1].path === 'main' ? "on the page's own thread" : 'in one worker';
        messages.push(`Training could not start ${WHERE[attempt.path]} (${String(err?.message ?? err).replace(/[.!?]$/, '')}): it runs ${next}.`);
      }
    }
  })();
  started.catch(() => {}); // reported where main.js awaits it
  return started;
}

/** The threaded build's pool: one thread per core, or `?threads=N` (1–16). */
function poolSize(requested, messages) {
  const cores = Math.max(1, navigator.hardwareConcurrency || 1);
  if (requested == null) return cores;
  const n = Number(requested);
  if (Number.isInteger(n) && n >= 1 && n <= 16) return n;
  messages.push(`The address asks for ${requested} threads: a whole number from 1 to 16 is needed; using ${cores}, one per core.`);
  return cores;
}

const WHERE = { threads: 'on threads', worker: 'in a worker', main: "on the page's own thread" };

function describePath(p) {
  const where = p.path === 'threads' ? `${p.threads} thread${p.threads === 1 ? '' : 's'}` : p.path === 'worker' ? '1 worker' : 'main thread';
  return { ...p, label: `${where} · ${BUILDS[p.build].label}` };
}
