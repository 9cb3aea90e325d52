#!/usr/bin/env bash
# Runs, or continues, issue 23's full-protocol sweeps (denoise, lift, lr, superres, genclass: <name>-grid.json in turn)
# as two shards, one per core: each shard is one process with one OpenBLAS thread, which keeps both cores busy
# (a third of a training step is single-threaded kernels, so two threads in one process would idle a core).
# Each shard works through the three grids in turn and resumes wherever it stopped. The shards' results.jsonl
# are copied back into shards/ after every finished trial, so committing shards/ is all a later session needs:
# it runs this script again and finished trials are skipped.
#
#   docs/results/full/run.sh            # from the repository root, after `pnpm install && pnpm build`
#   MLP_BLOCKS_CLI=/path/to/cli.js RUNS=/elsewhere docs/results/full/run.sh   # a frozen copy of the CLI
#
# Then `docs/results/full/merge.sh` merges the shards and draws the reports.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
cli="${MLP_BLOCKS_CLI:-$root/packages/cli/dist/cli.js}"
runs="${RUNS:-$root/runs/full}"
backend="${BACKEND:-blas}"
mkdir -p "$here/shards"

shard() {
  local k="$1" grid dir committed
  for grid in denoise lift lr superres genclass; do
    dir="$runs/$grid-$k"
    committed="$here/shards/$grid-$k.jsonl"
    mkdir -p "$dir"
    if [ ! -s "$dir/results.jsonl" ] && [ -s "$committed" ]; then cp "$committed" "$dir/results.jsonl"; fi
    # --progress none: one line per trial; the copy after the sweep catches its last trial.
    OPENBLAS_NUM_THREADS=1 node "$cli" sweep --grid "$here/$grid-grid.json" --out "$dir" --shard "$k/2" \
      --resume --backend "$backend" --progress none 2>&1 | while IFS= read -r line; do
        printf '%s %s\n' "$(date -u +%FT%TZ)" "$line"
        [ -s "$dir/results.jsonl" ] && cp "$dir/results.jsonl" "$committed.tmp" && mv "$committed.tmp" "$committed"
      done
    [ -s "$dir/results.jsonl" ] && cp "$dir/results.jsonl" "$committed"
  done
}

shard 0 >>"$runs.shard-0.log" 2>&1 &
shard 1 >>"$runs.shard-1.log" 2>&1 &
wait
