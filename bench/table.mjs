// Turns bench/run.sh's JSON lines into short Markdown tables, with wasm ÷ native for
// each wasm build (the ratio lines are printed first, as JSON, for bench/last.jsonl).
import { readFileSync } from 'node:fs';

// Only the figures: a line that is not a JSON object (a tool's own output) is passed over.
const rows = readFileSync(process.argv[2], 'utf8')
  .split('\n')
  .filter((l) => l.startsWith('{'))
  .map((l) => JSON.parse(l));
const find = (pred) => rows.find(pred)?.value;
// Single-thread figures: lines without `threads` are from before there were threads.
const speed = (build, batch) =>
  find((r) => r.figure === 'steps_per_s' && r.build === build && r.batch === batch && (r.threads ?? 1) === 1);
// [build, figure] of the runs on 1 and 2 threads.
const THREADED = [
  ['native', 'steps_per_s'],
  ['wasm-threads', 'steps_per_s'],
];
const onThreads = ([build, figure], batch, threads) =>
  find((r) => r.figure === figure && r.build === build && r.batch === batch && r.threads === threads);
const BUILDS = ['wasm-simd128', 'wasm-relaxed-simd'];
const BATCHES = [32, 64, 128];

for (const build of BUILDS) {
  for (const batch of BATCHES) {
    const n = speed('native', batch);
    const w = speed(build, batch);
    if (n && w) console.log(JSON.stringify({ figure: 'wasm_over_native', build, batch, value: +(w / n).toFixed(3) }));
  }
}

for (const run of THREADED) {
  for (const batch of BATCHES) {
    const [one, two] = [onThreads(run, batch, 1), onThreads(run, batch, 2)];
    if (one && two) console.log(JSON.stringify({ figure: 'threads_speedup', build: run[0], threads: 2, batch, value: +(two / one).toFixed(3) }));
  }
}

// The peer benchmark (bench/tfjs.mjs): ganplay ÷ TensorFlow.js at batch 64, against stock
// TF.js's fastest 1-thread run and its fastest run overall (either way of writing the step:
// the ratio is never flattered by picking TF.js's slower one), and against the fastest run
// with the matmul gradient rewritten (not stock TF.js). Every ganplay batch-64 speed in the
// file counts (native, each wasm build, threaded builds with a `threads` field, in-page
// figures); whichever is missing is skipped.
const TFJS = 'tfjs-wasm';
const TUNED = 'explicit-transpose';
const tfjsRuns = rows.filter((r) => r.build === TFJS && r.figure === 'steps_per_s');
const fastest = (runs) => runs.reduce((b, r) => (b && b.value >= r.value ? b : r), undefined);
const stock = tfjsRuns.filter((r) => r.variant !== TUNED);
const tfjsOne = fastest(stock.filter((r) => r.threads_asked === 1));
const tfjsBest = fastest(stock);
const tfjsTuned = fastest(tfjsRuns.filter((r) => r.variant === TUNED));
const tfjsPeers = [...new Set([tfjsOne, tfjsBest, tfjsTuned])].filter(Boolean);
const tfjsThreads = (r) =>
  r.threads === r.threads_asked
    ? `${r.threads} thread${r.threads === 1 ? '' : 's'}${r.cpus_told ? ` (page told ${r.cpus_told} CPUs)` : ''}`
    : `${r.threads_asked} asked, ${r.threads} running`;
const tfjsLabel = (r) => `${r.variant}, ${tfjsThreads(r)}`;
const ganplayRuns = rows
  .filter((r) => r.build !== TFJS && !r.figure.endsWith('_over_tfjs'))
  // The 2-D world's page (page-<path>-ring8) trains other networks: no peer for it.
  .filter((r) => !r.build?.endsWith('-ring8'))
  .filter((r) => (r.figure === 'steps_per_s' && r.batch === 64) || r.figure === 'training_steps_per_s_in_page')
  .map((r) => ({
    ...r,
    label: `${r.build}${r.threads ? `, ${r.threads} threads` : ''}${r.figure === 'training_steps_per_s_in_page' ? ', in page' : ''}`,
  }));
for (const g of ganplayRuns) {
  for (const t of tfjsPeers) {
    console.log(JSON.stringify({ figure: 'ganplay_over_tfjs', ganplay: g.label, tfjs: tfjsLabel(t), batch: 64, value: +(g.value / t.value).toFixed(1) }));
  }
}

const fmt = (v, digits = 1) => (v === undefined ? '–' : v.toFixed(digits));
console.log('\n| batch | native steps/s | wasm simd128 steps/s (÷ native) | wasm relaxed-simd steps/s (÷ native) |');
console.log('|---:|---:|---:|---:|');
for (const batch of BATCHES) {
  const n = speed('native', batch);
  const cells = BUILDS.map((b) => {
    const w = speed(b, batch);
    return w === undefined ? '–' : `${fmt(w)} (${n ? (w / n).toFixed(2) : '–'})`;
  });
  console.log(`| ${batch} | ${fmt(n)} | ${cells.join(' | ')} |`);
}

console.log('\n| batch | native 1 thread | native 2 threads (speed-up) | wasm-threads 1 thread, in a worker | wasm-threads 2 threads (speed-up) | wasm relaxed-simd, in a worker |');
console.log('|---:|---:|---:|---:|---:|---:|');
for (const batch of BATCHES) {
  const cells = THREADED.flatMap((run) => {
    const [one, two] = [onThreads(run, batch, 1), onThreads(run, batch, 2)];
    return [fmt(one), two === undefined ? '–' : `${fmt(two)} (${one ? (two / one).toFixed(2) : '–'})`];
  });
  console.log(`| ${batch} | ${cells.join(' | ')} | ${fmt(speed('wasm-relaxed-simd', batch))} |`);
}

// The page on each path, against native on one thread and against the same wasm build
// trained alone in the engine's thread, in the same run.
const inPage = (path) => rows.find((r) => r.figure === 'training_steps_per_s_in_page' && r.build === `page-${path}`);
const native64 = speed('native', 64);
console.log('\n| page path | steps/s in the page (batch 64, 20 s) | ÷ native 1 thread | ÷ its wasm build alone |');
console.log('|---|---:|---:|---:|');
for (const path of ['threads', 'worker', 'main']) {
  const r = inPage(path);
  if (!r) continue;
  const alone = path === 'threads' ? onThreads(THREADED[1], 64, r.threads) : speed(`wasm-${r.wasm}`, 64);
  const overNative = native64 ? r.value / native64 : undefined;
  const overWasm = alone ? r.value / alone : undefined;
  if (overNative) console.log(JSON.stringify({ figure: 'page_over_native', path, value: +overNative.toFixed(3) }));
  if (overWasm) console.log(JSON.stringify({ figure: 'page_over_wasm', path, value: +overWasm.toFixed(3) }));
  console.log(`| ${path} (${r.wasm}${r.threads ? `, ${r.threads} threads` : ''}) | ${fmt(r.value)} | ${overNative ? overNative.toFixed(2) : '–'} | ${overWasm ? overWasm.toFixed(2) : '–'} |`);
}

// Against the machine's peak (examples/peak.rs: fused multiply-add chains, one core and
// every core): a step of the default networks at batch 64 is 326.9 M multiply-adds
// (docs/speed.md), 0.654 GFLOP. The wasm builds run 128-bit vectors, native 256-bit.
const STEP_GFLOP = 0.6538;
const peak = (bits, threads) => find((r) => r.figure === 'peak_gflops' && r.bits === bits && r.threads === threads);
const peakRuns = [
  ['native, 1 thread', speed('native', 64), 256, 1],
  ['native, 2 threads', onThreads(THREADED[0], 64, 2), 256, 2],
  ['wasm relaxed-simd, 1 thread', speed('wasm-relaxed-simd', 64), 128, 1],
  ['wasm-threads, 2 threads', onThreads(THREADED[1], 64, 2), 128, 2],
  ['the page, threads path', inPage('threads')?.value, 128, 2],
];
if (peak(128, 1)) {
  console.log('\n| batch 64 | steps/s | GFLOP/s | peak GFLOP/s (vector bits, cores) | share of peak |');
  console.log('|---|---:|---:|---:|---:|');
  for (const [label, sps, bits, threads] of peakRuns) {
    const top = peak(bits, threads);
    if (!sps || !top) continue;
    const gflops = sps * STEP_GFLOP;
    console.log(JSON.stringify({ figure: 'share_of_peak', run: label, gflops: +gflops.toFixed(1), peak: top, value: +(gflops / top).toFixed(3) }));
    console.log(`| ${label} | ${fmt(sps)} | ${fmt(gflops)} | ${fmt(top)} (${bits}, ${threads}) | ${(100 * gflops / top).toFixed(0)} % |`);
  }
}

console.log('\n| page figure | build | value |');
console.log('|---|---|---:|');
for (const [name, unit] of [
  ['training_steps_per_s_in_page', 'steps/s'],
  ['frame_ms_median', 'ms'],
  ['frame_ms_p95', 'ms'],
  ['longest_task_ms', 'ms'],
  ['pad_to_score_ms_p95', 'ms'],
  ['view_draw_ms_p95', 'ms'],
  ['ready_ms', 'ms'],
  ['first_step_ms', 'ms'],
  ['wasm_bytes', 'bytes'],
  ['wasm_gzip_bytes', 'bytes'],
]) {
  for (const r of rows.filter((r) => r.figure === name)) {
    console.log(`| ${name} | ${r.build} | ${r.value} ${unit} |`);
  }
}

if (tfjsRuns.length) {
  console.log('\n| TF.js 4.22 wasm, batch 64: the step written as | threads | steps/s | fastest step, ms |');
  console.log('|---|---|---:|---:|');
  const STEP = {
    shared: 'shared: one G forward per step, as ganplay',
    recompute: 'recompute: two minimize() calls, G forward twice',
    [TUNED]: `${TUNED}: shared, matmul gradient rewritten (not stock TF.js)`,
  };
  for (const r of tfjsRuns) {
    console.log(`| ${STEP[r.variant] ?? r.variant} | ${tfjsThreads(r)} | ${fmt(r.value, 2)} | ${fmt(r.step_ms_min)} |`);
  }
  if (ganplayRuns.length && tfjsPeers.length) {
    console.log(`\n| ganplay, batch 64 | steps/s | ${tfjsPeers.map((t) => `÷ TF.js ${tfjsLabel(t)}`).join(' | ')} |`);
    console.log(`|---|---:|${tfjsPeers.map(() => '---:').join('|')}|`);
    for (const g of ganplayRuns) {
      const cells = tfjsPeers.map((t) => `${(g.value / t.value).toFixed(1)}×`);
      console.log(`| ${g.label} | ${fmt(g.value)} | ${cells.join(' | ')} |`);
    }
  }
  const mm = rows.filter((r) => r.build === TFJS && r.figure === 'matmul_ms');
  if (mm.length) {
    const runs = [...new Set(mm.map(tfjsThreads))];
    console.log(`\n| TF.js, one ${mm[0].shape} matmul, ms | ${runs.join(' | ')} |`);
    console.log(`|---|${runs.map(() => '---:').join('|')}|`);
    for (const form of [...new Set(mm.map((r) => r.form))]) {
      const cells = runs.map((l) => fmt(mm.find((r) => r.form === form && tfjsThreads(r) === l)?.value, 2));
      console.log(`| ${form} | ${cells.join(' | ')} |`);
    }
    const shares = rows.filter((r) => r.build === TFJS && r.figure === 'transposed_matmul_share');
    const cells = runs.map((l) => fmt(shares.find((r) => tfjsThreads(r) === l)?.value, 2));
    console.log(`| share of one step's kernel time in transposed matmuls | ${cells.join(' | ')} |`);
  }
}
