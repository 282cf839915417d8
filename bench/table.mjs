// Turns bench/run.sh's JSON lines into a short Markdown table, with wasm ÷ native.
import { readFileSync } from 'node:fs';

const rows = readFileSync(process.argv[2], 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const speed = (build, batch) => rows.find((r) => r.figure === 'steps_per_s' && r.build === build && r.batch === batch)?.value;
const figure = (name) => rows.find((r) => r.figure === name)?.value;

const batches = [32, 64, 128].map((batch) => ({ batch, n: speed('native', batch), w: speed('wasm', batch) }));
for (const { batch, n, w } of batches) {
  if (n && w) console.log(JSON.stringify({ figure: 'wasm_over_native', batch, value: +(w / n).toFixed(3) }));
}
console.log('\n| batch | native steps/s | wasm steps/s | wasm ÷ native |');
console.log('|---:|---:|---:|---:|');
for (const { batch, n, w } of batches) {
  console.log(`| ${batch} | ${n ?? '–'} | ${w ?? '–'} | ${n && w ? (w / n).toFixed(2) : '–'} |`);
}
console.log('\n| page figure | value |');
console.log('|---|---:|');
for (const [name, unit] of [
  ['training_steps_per_s_in_page', 'steps/s'],
  ['frame_ms_median', 'ms'],
  ['frame_ms_p95', 'ms'],
  ['longest_task_ms', 'ms'],
  ['wasm_bytes', 'bytes'],
  ['wasm_gzip_bytes', 'bytes'],
  ['ready_ms', 'ms'],
  ['first_step_ms', 'ms'],
]) {
  console.log(`| ${name} | ${figure(name) ?? '–'} ${unit} |`);
}
