#!/usr/bin/env bash
# The page's pretrained models (www/models/): the default recipe, seed 1, 10,000 steps,
# unconditional and conditional, trained by `ganplay train` side by side, made compact
# for the page to fetch (`ganplay compact`: weights in 16-bit floats, no optimiser state;
# about 3.4 MB instead of 15), then judged by `ganplay eval`. Takes a few minutes natively.
#
#   bash bench/pretrain.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
steps=${STEPS:-10000}
work=${OUT:-/tmp/ganplay-pretrain}
cargo build --release --quiet --bin ganplay
mkdir -p "$work" www/models
target/release/ganplay train --steps "$steps" --seed 1 --out "$work/uncond" --log-every 0 \
  --eval-every 1000 --eval-n 2000 >"$work/uncond.log" 2>&1 &
target/release/ganplay train --steps "$steps" --seed 1 --conditional --out "$work/cond" \
  --log-every 0 --eval-every 1000 --eval-n 2000 >"$work/cond.log" 2>&1 &
wait
for kind in uncond cond; do
  target/release/ganplay compact --checkpoint "$work/$kind/checkpoint.safetensors" \
    --out "www/models/$kind.safetensors"
  target/release/ganplay eval --checkpoint "www/models/$kind.safetensors"
done
# Training goes on from a compact model: 1,000 more steps from the compact file and from
# the full checkpoint it was made from, judged every 200 steps (docs/quality.md).
for from in "www/models/uncond.safetensors" "$work/uncond/checkpoint.safetensors"; do
  name=$(basename "$(dirname "$from")")-$(basename "$from" .safetensors)
  target/release/ganplay train --resume "$from" --steps 1000 --out "$work/on-$name" \
    --log-every 0 --eval-every 200 --eval-n 2000 >"$work/on-$name.log" 2>&1
  echo "trained on from $from:"
  awk -F, '$6 != "" { printf "  step %s: FD %.1f, smallest share %.1f%%, speckle %.3f\n", $1, $6, 100 * $7, $9 }' \
    "$work/on-$name/metrics.csv"
done
