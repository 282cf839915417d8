// The one seam between the page and the engine. It picks where the engine runs — the best
// this browser and page allow — and hands the page an object whose methods all return
// promises, wherever it runs:
//   threads  a worker with the threaded build, its matrix products spread over every core
//            (needs wasm threads and a cross-origin-isolated page);
//   worker   a worker with the fastest single-thread build (relaxed SIMD, else simd128);
//   main     the page's own thread (where a module worker cannot start), as before workers.
// `?engine=threads|worker|main` in the address forces a path (where the browser can take
// it), `?wasm=simd128|relaxed-simd` a single-thread build, `?threads=N` the pool's size.
// Its messages are catalogue keys with their parameters ({ key, params }), which the page
// puts in its language (www/i18n.js) when it shows them: this module starts before the
// page has chosen one.
import * as Comlink from '../vendor/comlink/comlink.mjs';
import { BUILDS, detectFeatures, singleThreadBuild } from '../wasm-build.js';
import { fetchBytes } from '../util.js';

export const PATHS = ['threads', 'worker', 'main'];
// Beside the page's modules, wherever the site is served from (docs/hosting.md).
const DATA = {
  images: new URL('../data/mnist-10k-images-idx3-ubyte.gz', import.meta.url).href,
  labels: new URL('../data/mnist-10k-labels-idx1-ubyte.gz', import.meta.url).href,
};

/**
 * The path and build for these features and the address's requests: `{ path, build,
 * messages }`, `messages` ({ key, params }) saying why a request was not followed.
 */
export function choosePath(features, requestedPath, requestedBuild) {
  const messages = [];
  let path = features.threads ? 'threads' : 'worker';
  if (requestedPath != null) {
    if (!PATHS.includes(requestedPath)) {
      messages.push({ key: 'engine.unknownPath', params: { path: requestedPath, known: PATHS.join(', ') } });
    } else if (requestedPath === 'threads' && !features.threads) {
      messages.push({ key: 'engine.noThreads' });
    } else {
      path = requestedPath;
    }
  }
  let build = singleThreadBuild(features);
  if (requestedBuild != null) {
    if (!(requestedBuild in BUILDS) || requestedBuild === 'threads') {
      messages.push({ key: 'engine.unknownBuild', params: { build: requestedBuild, using: `build.${build}` } });
    } else if (requestedBuild === 'relaxed-simd' && !features.relaxedSimd) {
      messages.push({ key: 'engine.noRelaxed' });
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
 * `{ engine, path, build, threads, defaults, core, messages, why }` (`core`: the core's
 * facts, `Playground.constants()`; `why`: whyOneCore's key, or null). It waits first for
 * www/host.js's word. A path that fails to start falls back to the next (threads, then
 * one worker, then this thread), and `messages` says so.
 */
export function startEngine() {
  if (started) return started;
  started = (async () => {
    const params = new URLSearchParams(location.search);
    // www/host.js: the static site's first visit reloads once, through its service worker.
    const host = globalThis.ganplayHost ?? { isolation: 'headers' };
    await host.ready;
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
        const { defaults, core, threads: pool } = await (worker ? Promise.race([loading, worker.failed]) : loading);
        const why = attempt.path === 'threads' ? null : whyOneCore(features, host.isolation);
        return { engine, worker: worker?.worker ?? null, ...attempt, threads: pool, defaults, core, messages, why };
      } catch (err) {
        if (i === attempts.length - 1) throw err;
        worker?.worker.terminate();
        const next = attempts[i + 1].path === 'main' ? 'main' : 'worker';
        const reason = String(err?.message ?? err).replace(/[.!?]$/, '');
        messages.push({ key: 'engine.fellBack', params: { where: `engine.where.${attempt.path}`, next: `engine.next.${next}`, reason } });
      }
    }
  })();
  started.catch(() => {}); // reported where main.js awaits it
  return started;
}

/**
 * Why training is not on every core, as a catalogue key ('host.why.…'), or null where it
 * is the address's choice or a start that fell back (`messages` says those).
 */
export function whyOneCore(features, isolation) {
  if (!globalThis.crossOriginIsolated) return ['headers', 'worker'].includes(isolation) ? 'host.why.notIsolated' : `host.why.${isolation}`;
  if (!features.threads) return 'host.why.noThreads';
  return null;
}

/** The threaded build's pool: one thread per core, or `?threads=N` (1–16). */
function poolSize(requested, messages) {
  const cores = Math.max(1, navigator.hardwareConcurrency || 1);
  if (requested == null) return cores;
  const n = Number(requested);
  if (Number.isInteger(n) && n >= 1 && n <= 16) return n;
  messages.push({ key: 'engine.badThreads', params: { n: requested, cores } });
  return cores;
}

