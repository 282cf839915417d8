#!/usr/bin/env bash
# docs/quality.md's "How the recipe was found": the variants of the default recipe that
# were tried, each trained with `ganplay train --seed S` plus its flags (on the recipe as
# it was before them: G's lr 5e-4, D's 2e-4, instance noise 0.1, so the flags spell out
# every setting that differs), judged on 2,000 samples every 500 steps. Two runs at a
# time; prints one line per run: FD / smallest digit share / isolated bright pixels per
# sample at each 500 steps, then the training seconds.
#
#   bash bench/recipe.sh            # 13 runs of 3,000–5,000 steps: about 30 minutes here
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=${OUT:-/tmp/ganplay-recipe}
cargo build --release --quiet --bin ganplay
mkdir -p "$out"
n1="--d-input-noise 0.1"
runs=(
  "5000:before:--seed 1 --g-lr 5e-4 --d-lr 2e-4 $n1 --g-average 0"
  "5000:before-averaged:--seed 1 --g-lr 5e-4 --d-lr 2e-4 $n1"
  "3000:g-lr-1e-3:--seed 1 --g-lr 1e-3 --d-lr 2e-4 $n1"
  "3000:g-lr-1e-3-d-lr-4e-4:--seed 1 --g-lr 1e-3 --d-lr 4e-4 $n1"
  "3000:d-lr-5e-4:--seed 1 --g-lr 5e-4 --d-lr 5e-4 $n1"
  "3000:batch-32:--seed 1 --g-lr 5e-4 --d-lr 2e-4 $n1 --batch 32"
  "3000:g-lr-1e-3-batch-32:--seed 1 --g-lr 1e-3 --d-lr 2e-4 $n1 --batch 32"
  "5000:g-lr-2e-3-d-lr-4e-4:--seed 1 --g-lr 2e-3 --d-lr 4e-4 $n1"
  "5000:g-lr-2e-3-d-lr-8e-4:--seed 1 --g-lr 2e-3 --d-lr 8e-4 $n1"
  "5000:g-lr-3e-3-d-lr-6e-4:--seed 1 --g-lr 3e-3 --d-lr 6e-4 $n1"
  "5000:default-seed-1:--seed 1"
  "5000:default-seed-2:--seed 2"
  "5000:default-seed-3:--seed 3"
)
run() {
  local steps=${1%%:*} rest=${1#*:}
  local name=${rest%%:*} flags=${rest#*:}
  # shellcheck disable=SC2086 # $flags is a list of flags
  target/release/ganplay train --steps "$steps" $flags --out "$out/$name" --log-every 0 \
    --eval-every 500 --eval-n 2000 >"$out/$name.log" 2>&1
}
for ((i = 0; i < ${#runs[@]}; i += 2)); do
  run "${runs[i]}" &
  if ((i + 1 < ${#runs[@]})); then run "${runs[i + 1]}" & fi
  wait
done
for spec in "${runs[@]}"; do
  rest=${spec#*:}
  name=${rest%%:*}
  printf '%-24s' "$name"
  awk -F, 'NR > 1 && $6 != "" { printf " %gk: %.0f/%.1f%%/%.2f", $1 / 1000, $6, 100 * $7, $9 }
    END { printf "  (%.0f s)\n", $10 }' "$out/$name/metrics.csv"
done
