// Picks and loads one of the two wasm builds of the core. Both come from the same Rust
// source: `pkg/` with simd128, and `pkg-relaxed/` with simd128 plus relaxed SIMD, whose
// matmul micro-kernel uses f32x4.relaxed_madd (a fused multiply-add on machines that
// have one). The relaxed build is used where the browser validates a relaxed_madd
// instruction; `?wasm=simd128` (or `?wasm=relaxed-simd`) in the address forces a build.

/** A module whose one function runs f32x4.relaxed_madd on three zero vectors. */
const RELAXED_MADD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version 1
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // types: () -> v128
  0x03, 0x02, 0x01, 0x00, // functions: one, of type 0
  0x0a, 0x3d, 0x01, 0x3b, 0x00, // code: one body of 59 bytes, no locals
  ...[0, 1, 2].flatMap(() => [0xfd, 0x0c, ...new Array(16).fill(0)]), // v128.const 0, three times
  0xfd, 0x85, 0x02, // f32x4.relaxed_madd (0xfd 0x105)
  0x0b, // end
]);

export const BUILDS = {
  'relaxed-simd': { dir: 'pkg-relaxed', label: 'relaxed SIMD (fused multiply-add)' },
  simd128: { dir: 'pkg', label: 'SIMD (simd128)' },
};

/** Whether this browser runs relaxed SIMD. */
export const hasRelaxedSimd = () => WebAssembly.validate(RELAXED_MADD_PROBE);

/**
 * The build to load: `requested` (from the address) when it names one this browser can
 * run, else the fastest it can. Returns `{ build, message }`; `message` says why a
 * request was not followed.
 */
export function chooseBuild(requested) {
  const best = hasRelaxedSimd() ? 'relaxed-simd' : 'simd128';
  if (requested == null) return { build: best, message: null };
  if (!(requested in BUILDS)) {
    return { build: best, message: `Unknown wasm build “${requested}” in the address: using ${BUILDS[best].label}. Known: ${Object.keys(BUILDS).join(', ')}.` };
  }
  if (requested === 'relaxed-simd' && best !== 'relaxed-simd') {
    return { build: best, message: 'This browser has no relaxed SIMD: using the simd128 build.' };
  }
  return { build: requested, message: null };
}

/** Imports and instantiates a build: `{ wasm, Playground, QualityJudge }` (wasm: the module's exports). */
export async function loadBuild(build) {
  const glue = await import(`../${BUILDS[build].dir}/ganplay.js`);
  const wasm = await glue.default();
  return { wasm, Playground: glue.Playground, QualityJudge: glue.QualityJudge };
}

let started = null;

/**
 * Chooses the build for this address and starts loading it, once: `{ requested, build,
 * message, loaded }` (`requested`: the address's `wasm` parameter; `loaded`: loadBuild's
 * promise). A script at the top of index.html calls it as soon as this module arrives,
 * so that the wasm downloads and compiles while the style sheets and the rest of the
 * page's modules are still arriving; main.js then gets the same load.
 */
export function startBuild() {
  if (!started) {
    const requested = new URLSearchParams(location.search).get('wasm');
    const { build, message } = chooseBuild(requested);
    const loaded = loadBuild(build);
    loaded.catch(() => {}); // reported where main.js awaits it
    started = { requested, build, message, loaded };
  }
  return started;
}
