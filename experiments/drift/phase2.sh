#!/bin/bash
# Phase 2 of the drift experiment (README, section 7): reference samples as long as the benchmark's (5 ms),
# runs alternating unchanged code and code doing 10% more work (DRIFT_SLOWDOWN=0.1), two of them beside two
# CPU-bound neighbours. On 2026-12-06 it was stopped after its first 6 runs (the machine's load was 6-12).
set -e
cd "$(dirname "$0")"
PYTHON=../../.venv/bin/python
for i in 0 1 2 3 4 5 6 7 8 9; do
  slow=0; [ $(( i % 2 )) -eq 1 ] && slow=0.1
  DRIFT_SLOWDOWN=$slow $PYTHON drive.py --runs 1 --first-index $i --schedule QQQ2QQ2QQQ \
    --inter-ref-ms 5 --only loop_20us json_1ms dict_str alloc memwalk zlib --out results/phase2
done
