"""Sensitivity: each workload at 0, +0.5%, +1%, +2% and +5% more work (a loop bound or a size that grows).

Three kinds of work: a pure-Python loop, json.loads (C code that allocates thousands of objects), sorted()
of floats (C code, n log n).
"""

import json
import random

from critbench import bench

EXTRA = {"+0%": 0.0, "+0.5%": 0.005, "+1%": 0.01, "+2%": 0.02, "+5%": 0.05}


def kernel(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i % 7
    return total


@bench(params=EXTRA)
def py_loop(b, extra):
    n = round(2_000 * (1 + extra))
    b.iter(lambda: kernel(n))


@bench(params=EXTRA)
def json_loads(b, extra):
    n = round(2_000 * (1 + extra))
    doc = json.dumps({"items": list(range(n)), "names": [f"name-{i}" for i in range(n // 10)]})
    b.iter(lambda: json.loads(doc))


@bench(params=EXTRA)
def sort_floats(b, extra):
    rng = random.Random(1)
    data = [rng.random() for _ in range(round(20_000 * (1 + extra)))]
    b.iter(lambda: sorted(data))
