// Turns bench/run.sh's JSON lines into short Markdown tables, with wasm ÷ native for
// each wasm build (the ratio lines are printed first, as JSON, for bench/last.jsonl).
import { readFileSync } from 'node:fs';

const rows = readFileSync(process.argv[2], 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const find = (pred) => rows.find(pred)?.value;
const speed = (build, batch) => find((r) => r.figure === 'steps_per_s' && r.build === build && r.batch === batch);
const BUILDS = ['wasm-simd128', 'wasm-relaxed-simd'];
const BATCHES = [32, 64, 128];

for (const build of BUILDS) {
  for (const batch of BATCHES) {
    const n = speed('native', batch);
    const w = speed(build, batch);
    if (n && w) console.log(JSON.stringify({ figure: 'wasm_over_native', build, batch, value: +(w / n).toFixed(3) }));
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

console.log('\n| page figure | build | value |');
console.log('|---|---|---:|');
for (const [name, unit] of [
  ['training_steps_per_s_in_page', 'steps/s'],
  ['frame_ms_median', 'ms'],
  ['frame_ms_p95', 'ms'],
  ['longest_task_ms', 'ms'],
  ['ready_ms', 'ms'],
  ['first_step_ms', 'ms'],
  ['wasm_bytes', 'bytes'],
  ['wasm_gzip_bytes', 'bytes'],
]) {
  for (const r of rows.filter((r) => r.figure === name)) {
    console.log(`| ${name} | ${r.build} | ${r.value} ${unit} |`);
  }
}
