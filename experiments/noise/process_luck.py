#!/usr/bin/env python3
"""How much does a process's luck move the fastest time of the same code, and do neighbours share it?

Runs PAIRS pairs of processes back to back; each times a ~20 µs loop (40 samples of 50 calls after warm-up)
and reports its fastest sample. Prints the spread across processes and of the log ratio within a pair:
if the luck were a slow drift, neighbours would share it and the pair ratio would be tight; if it is drawn
afresh per process, the pair ratio spreads √2 times as much as the processes.

    python3 experiments/noise/process_luck.py 20                 # plain
    python3 experiments/noise/process_luck.py 20 --no-aslr       # address-space randomisation off (setarch -R)
"""

from __future__ import annotations

import math
import os
import platform
import statistics
import subprocess
import sys

CHILD = r"""
import time
def work():
    s = 0
    for i in range(800):
        s += i * i
    return s
for _ in range(3000):
    work()
res = []
for _ in range(40):
    t0 = time.perf_counter_ns()
    for _ in range(50):
        work()
    res.append((time.perf_counter_ns() - t0) / 50)
print(min(res))
"""


def one(no_aslr: bool) -> float:
    command = [sys.executable, "-c", CHILD]
    if no_aslr:
        command = ["setarch", platform.machine(), "-R", *command]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    return float(subprocess.run(command, capture_output=True, text=True, env=env, check=True).stdout)


def main() -> int:
    pairs = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    no_aslr = "--no-aslr" in sys.argv
    ratios, values = [], []
    for _ in range(pairs):
        a, b = one(no_aslr), one(no_aslr)
        ratios.append(math.log(b / a))
        values += [a, b]
    mean = statistics.mean(values)
    print(f"processes: {len(values)}, fastest time {mean / 1e3:.2f} µs on average")
    print(f"spread across processes (sd): {statistics.stdev(values) / mean * 100:.1f}%")
    print(f"spread of the log ratio within back-to-back pairs (sd): {statistics.stdev(ratios) * 100:.1f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
