#!/bin/bash
# Wall time of default runs of the example workspace, settling (the default) against --all-processes.
# Usage: experiments/budget/time_runs.sh [critbench run arguments...]   (from the repository root)
# Each mode writes to its own output root under $OUT (default /tmp/critbench-budget) and prints
# "mode seconds load-average".
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CB="$ROOT/.venv/bin/critbench"
OUT=${OUT:-/tmp/critbench-budget}
mkdir -p "$OUT"
cd "$ROOT/examples/llmspell"
for mode in settle all; do
  extra=()
  [ "$mode" = all ] && extra=(--all-processes)
  start=$(date +%s.%N)
  "$CB" --output-dir "$OUT/$mode" run "$@" "${extra[@]}" --json "$OUT/$mode.json" > "$OUT/$mode.log" 2>&1
  end=$(date +%s.%N)
  echo "$mode $(echo "$end - $start" | bc) $(cut -d' ' -f1 /proc/loadavg)"
done
