#!/usr/bin/env bash
# `make bench`: native and wasm training speed measured in one run on this machine (on
# 1 and 2 threads for the native and the threaded wasm build), plus the page's
# smoothness, payload and start-up figures, the time from Train to digits, and memory
# over a long run.
# Prints one JSON line per figure (also kept in bench/last.jsonl) and then a short table.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

out=bench/last.jsonl
# Built with the threads feature: --threads 1 is the single-thread path (the products
# are not split), --threads 2 splits them (docs/threads.md).
cargo build --release --quiet --features threads --bin ganplay
target/release/ganplay bench --batches 32,64,128 --steps 200 --threads 1 | tee "$out"
target/release/ganplay bench --batches 32,64,128 --steps 200 --threads 2 | tee -a "$out"
# Where a step's time goes (phases, products, updates), on 1 and 2 threads: docs/threads.md.
for threads in 1 2; do
  target/release/ganplay bench --batches 64 --steps 200 --threads "$threads" --phases | grep step_ms | tee -a "$out"
done
# The machine's peak multiply-add rate, one core and both (examples/peak.rs).
cargo run --release --quiet --example peak | tee -a "$out"

port_file=$(mktemp)
node scripts/serve.mjs --port 0 >"$port_file" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -f "$port_file"' EXIT
for _ in $(seq 50); do grep -qo 'http://[^ ]*' "$port_file" && break; sleep 0.1; done
url=$(grep -o 'http://[^ ]*' "$port_file" | head -1)
GANPLAY_URL="$url" node bench/page.mjs | tee -a "$out"
# Seconds from pressing Train to recognisable digits of every kind, page and native.
GANPLAY_URL="$url" node bench/time-to-digits.mjs | tee -a "$out"
GANPLAY_URL="$url" node bench/tfjs.mjs | tee -a "$out" # the same GAN in TF.js's wasm: docs/peer-bench.md
# The static site (dist/) from a plain static server: first visit, offline reload (docs/hosting.md).
node bench/hosting.mjs | tee -a "$out"
# 100,000 steps of a small model: wasm memory must stay flat (exits non-zero if it grew).
GANPLAY_URL="$url" node bench/memory.mjs | tee -a "$out"

table=$(node bench/table.mjs "$out")
grep '^{' <<<"$table" >>"$out" || true
echo "$table"
