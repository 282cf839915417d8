#!/usr/bin/env bash
# docs/quality.md's table: the plain recipe against the default at 2,000 and 5,000
# steps (seed 1, unconditional), and the conditional default with and without the wrong
# labels (`--d-mismatch 0`), each judged by
# www/data/judge.safetensors on 2,000 samples. Each run trains once to 5,000 steps and is
# judged on the way, at steps 2,000 and 5,000 (`--eval-every 1000 --eval-n 2000`, the
# metrics.csv columns fd, min_class_share, agreement, speckle). Runs go to $OUT (default
# /tmp/ganplay-quality); the table is printed as Markdown.
#
#   bash bench/quality.sh            # 4 × 5,000 steps side by side: about 7 minutes here
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=${OUT:-/tmp/ganplay-quality}
steps=5000
cargo build --release --quiet --bin ganplay
mkdir -p "$out"

runs=("plain:--recipe plain" "default:" "default-conditional:--conditional"
  "conditional-without-wrong-labels:--conditional --d-mismatch 0")
for spec in "${runs[@]}"; do
  name=${spec%%:*}
  extra=${spec#*:}
  # shellcheck disable=SC2086 # $extra is a list of flags
  target/release/ganplay train --steps "$steps" --seed 1 $extra --out "$out/$name" \
    --log-every 0 --eval-every 1000 --eval-n 2000 >"$out/$name.log" 2>&1 &
done
wait

echo "| recipe | steps | Fréchet distance | smallest digit share | label agreement | isolated bright pixels per sample |"
echo "|---|---:|---:|---:|---:|---:|"
for spec in "${runs[@]}"; do
  name=${spec%%:*}
  for at in 2000 5000; do
    awk -F, -v at="$at" -v name="$name" '$1 == at {
      agreement = ($8 == "") ? "–" : sprintf("%.1f%%", 100 * $8)
      printf "| %s | %d | %.1f | %.1f%% | %s | %.3f |\n", name, at, $6, 100 * $7, agreement, $9
    }' "$out/$name/metrics.csv"
  done
done
