#!/usr/bin/env bash
# Runs, or continues (--resume skips finished trials), the MAXIM denoising comparison of grid.json (or of
# <sub>/grid.json with an argument) as one process with one OpenBLAS thread, copying results.jsonl next to the grid
# after every finished trial. From the repository root, after `pnpm install && pnpm build`:
#   docs/results/maxim-denoise/run.sh && docs/results/maxim-denoise/run.sh mlp-full
# The CLI finds the plugin from the package's own folder (its name resolves to itself there).
set -euo pipefail
base="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$base/../../.." && pwd)"
here="$base${1:+/$1}"
runs="${RUNS:-$root/runs/maxim-denoise${1:+-$1}}"
mkdir -p "$runs"
if [ ! -s "$runs/results.jsonl" ] && [ -s "$here/results.jsonl" ]; then cp "$here/results.jsonl" "$runs/results.jsonl"; fi
cd "$root/packages/blocks-maxim"
OPENBLAS_NUM_THREADS=1 node "$root/packages/cli/dist/cli.js" sweep --plugin @mlp-blocks/maxim --grid "$here/grid.json" \
  --out "$runs" --resume --backend blas --progress log 2>&1 | while IFS= read -r line; do
    printf '%s %s\n' "$(date -u +%FT%TZ)" "$line"
    [ -s "$runs/results.jsonl" ] && cp "$runs/results.jsonl" "$here/results.jsonl.tmp" && mv "$here/results.jsonl.tmp" "$here/results.jsonl"
  done
[ -s "$runs/results.jsonl" ] && cp "$runs/results.jsonl" "$here/results.jsonl"
