#!/usr/bin/env bash
# The page's pretrained models (www/models/): the default recipe, seed 1, 10,000 steps,
# unconditional and conditional, trained by `ganplay train` side by side, then judged
# by `ganplay eval`. Takes a few minutes natively.
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
  cp "$work/$kind/checkpoint.safetensors" "www/models/$kind.safetensors"
  target/release/ganplay eval --checkpoint "www/models/$kind.safetensors"
done
