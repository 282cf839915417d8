#!/usr/bin/env bash
# docs/worlds.md's table: ring8 and grid25, the worlds' default recipe against the textbook
# one (`--recipe plain`, with the same small networks), seeds 1–3, measured by
# `ganplay eval` (2,500 of G's points from fixed noise) at 1,000, 2,000, 5,000 and 10,000
# steps. Each run trains to 1,000 steps and is resumed from its checkpoint to the next
# count (a resumed run continues bit for bit as if it had not stopped). Runs go to $OUT
# (default /tmp/ganplay-worlds); the table is printed as Markdown.
#
#   bash bench/worlds.sh      # 24 runs of 10,000 steps, one at a time: about 3 minutes here
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=${OUT:-/tmp/ganplay-worlds}
cargo build --release --quiet --bin ganplay
mkdir -p "$out"
bin=target/release/ganplay
counts=(1000 2000 5000 10000)

echo "| world | recipe | seed | $(printf '%s steps | ' "${counts[@]}" | sed 's/ | $//') |"
echo "|---|---|---:|$(printf -- '---:|%.0s' "${counts[@]}")"
for world in ring8 grid25; do
  for recipe in tuned plain; do
    for seed in 1 2 3; do
      dir="$out/$world-$recipe-$seed"
      rm -rf "$dir"
      cells=()
      done_steps=0
      for at in "${counts[@]}"; do
        more=$((at - done_steps))
        if [ "$done_steps" -eq 0 ]; then
          $bin train --world "$world" --recipe "$recipe" --seed "$seed" --steps "$more" \
            --out "$dir/$at" --log-every 0 >/dev/null
        else
          $bin train --resume "$dir/$done_steps/checkpoint.safetensors" --steps "$more" \
            --out "$dir/$at" --log-every 0 >/dev/null
        fi
        json=$($bin eval --checkpoint "$dir/$at/checkpoint.safetensors" | tail -1)
        cells+=("$(node -e 'const m = JSON.parse(process.argv[1]);
          console.log(`${m.modes_covered}/${m.modes}, ${(100 * m.high_quality).toFixed(0)}%`)' "$json")")
        done_steps=$at
      done
      name=$([ "$recipe" = tuned ] && echo default || echo textbook)
      echo "| $world | $name | $seed | $(printf '%s | ' "${cells[@]}" | sed 's/ | $//') |"
    done
  done
done
