#!/usr/bin/env bash
# docs/lessons.md's "Can G learn by itself?" at length: the GAN (the default recipe), the
# VAE and the plain auto-encoder, seeds 1–3, 5,000 steps each, each judged on the way by
# www/data/judge.safetensors on 1,000 samples at steps 1,000, 2,000 and 5,000
# (`--eval-every 1000 --eval-n 1000`; metrics.csv's fd, min_class_share, speckle). Then
# `ganplay edits` on the GAN's checkpoints: D's scores of the two edits, and the same for
# a GAN trained without instance noise (`--d-input-noise 0`). Runs go to $OUT (default
# /tmp/ganplay-vae), two at a time; the tables are printed as Markdown.
#
#   bash bench/vae.sh            # 12 runs of 5,000 steps: about 25 minutes here
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=${OUT:-/tmp/ganplay-vae}
steps=${STEPS:-5000}
cargo build --release --quiet --bin ganplay
mkdir -p "$out"

runs=()
for seed in 1 2 3; do
  runs+=("gan-$seed:--seed $seed" "vae-$seed:--model vae --seed $seed" "ae-$seed:--model autoencoder --seed $seed")
done
runs+=("gan-no-instance-noise-1:--seed 1 --d-input-noise 0")
train() {
  local name=${1%%:*} extra=${1#*:}
  # shellcheck disable=SC2086 # $extra is a list of flags
  target/release/ganplay train --steps "$steps" $extra --out "$out/$name" \
    --log-every 0 --eval-every 1000 --eval-n 1000 >"$out/$name.log" 2>&1
}
for ((i = 0; i < ${#runs[@]}; i += 2)); do
  train "${runs[i]}" &
  if ((i + 1 < ${#runs[@]})); then train "${runs[i + 1]}" & fi
  wait
done

# The column of a metrics.csv by its header's name, at step `at`.
col() { awk -F, -v at="$2" -v name="$3" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i; next } $1 == at { print $c }' "$out/$1/metrics.csv"; }

echo "| seed | step | GAN FD | VAE FD | auto-encoder FD | smallest digit share: GAN / VAE / AE | specks per sample: GAN / VAE / AE |"
echo "|---:|---:|---:|---:|---:|---|---|"
for seed in 1 2 3; do
  for at in 1000 2000 "$steps"; do
    fd=() share=() speck=()
    for m in gan vae ae; do
      fd+=("$(printf '%.1f' "$(col "$m-$seed" "$at" fd)")")
      share+=("$(awk -v v="$(col "$m-$seed" "$at" min_class_share)" 'BEGIN { printf "%.1f%%", 100 * v }')")
      speck+=("$(printf '%.3f' "$(col "$m-$seed" "$at" speckle)")")
    done
    echo "| $seed | $at | ${fd[0]} | ${fd[1]} | ${fd[2]} | ${share[0]} / ${share[1]} / ${share[2]} | ${speck[0]} / ${speck[1]} / ${speck[2]} |"
  done
done

echo
echo "| D of | D's mean score: original / stroke edit / stray edit | stray scored lower | specks: original / stroke / stray |"
echo "|---|---|---:|---|"
for name in gan-1 gan-2 gan-3 gan-no-instance-noise-1; do
  json=$(target/release/ganplay edits --checkpoint "$out/$name/checkpoint.safetensors" | tail -n 1)
  node -e '
    const j = JSON.parse(process.argv[1]);
    const f = (v) => v.toFixed(3);
    console.log(`| ${process.argv[2]} | ${f(j.d_original)} / ${f(j.d_stroke)} / ${f(j.d_stray)} | ${(100 * j.lower_stray).toFixed(1)}% | ${j.specks.map((v) => v.toFixed(2)).join(" / ")} |`);
  ' "$json" "$name"
done
