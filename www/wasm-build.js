// The wasm builds of the core, and which one this browser can run. All come from
// the same Rust source: `pkg/` with simd128; `pkg-relaxed/` adding relaxed SIMD, whose
// matmul micro-kernel uses f32x4.relaxed_madd (a fused multiply-add where the machine has
// one); `pkg-threads/`, pkg-relaxed/ with its matrix products spread over a rayon thread
// pool in shared wasm memory (docs/threads.md), which needs relaxed SIMD, wasm threads and
// a cross-origin-isolated page (SharedArrayBuffer); and `pkg-test/`, the tests' pkg/ with
// a deliberate panic. Features are probed
// with wasm-feature-detect. Plain module code: a worker imports it as well as the page.
import { relaxedSimd, simd, threads } from './vendor/wasm-feature-detect/index.js';

/** Each build's folder; the header names a build by its key (i18n `build.<key>`). */
export const BUILDS = {
  threads: { dir: 'pkg-threads' },
  'relaxed-simd': { dir: 'pkg-relaxed' },
  simd128: { dir: 'pkg' },
  // pkg/ with the core's test hooks (cargo feature `test-hooks`, `make build-test`), for the
  // e2e tests only (`?wasm=test-hooks`); the static site does not ship it.
  'test-hooks': { dir: 'pkg-test' },
};

/**
 * What this browser and page can run: `{ simd, relaxedSimd, threads }`; `threads`: the
 * threaded build can run (wasm threads, relaxed SIMD and a cross-origin-isolated page).
 */
export async function detectFeatures() {
  const [s, r, t] = await Promise.all([simd(), relaxedSimd(), threads()]);
  return { simd: s, relaxedSimd: r, threads: t && r && globalThis.crossOriginIsolated === true };
}

/** The best single-thread build for `features`. */
export const singleThreadBuild = (features) => (features.relaxedSimd ? 'relaxed-simd' : 'simd128');

/**
 * Imports and instantiates `build`; with the threaded build, starts a pool of `threadCount`
 * threads. Returns the module's exports (`wasm`, `Playground`, `QualityJudge`) and `threads`,
 * the pool's size (0 for a single-thread build).
 */
export async function loadBuild(build, threadCount = 0) {
  if (!(build in BUILDS)) throw new Error(`unknown wasm build “${build}”`);
  // The pool's threads are workers started from here: inside the engine's worker that
  // needs nested workers, which some browsers lack (Squoosh checks the same).
  if (build === 'threads' && !('Worker' in globalThis)) throw new Error('this browser cannot start workers from a worker, which the thread pool needs');
  const glue = await import(new URL(`../${BUILDS[build].dir}/ganplay.js`, import.meta.url).href);
  const wasm = await glue.default();
  let pool = 0;
  if (build === 'threads') {
    pool = Math.max(1, threadCount);
    await glue.initThreadPool(pool);
  }
  return { wasm, Playground: glue.Playground, QualityJudge: glue.QualityJudge, threads: pool };
}
