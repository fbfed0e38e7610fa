"""The two workloads of the sensitivity experiment, slowed down by exactly SLOWDOWN (a fraction) of work.

``loop_20us`` is a pure-Python loop of about 20 µs; ``json_1ms`` a JSON round trip of about 1 ms. A
slowdown of 0.05 makes each do 5% more of the same work, so the true change is known.
"""

from __future__ import annotations

import json
import os

SLOWDOWN = float(os.environ.get("SLOWDOWN", "0"))

LOOP_N = round(800 * (1 + SLOWDOWN))
DOC = {
    "items": [
        {"id": i, "name": f"item{i}", "tags": ["a", "b"], "value": i * 0.5} for i in range(round(1000 * (1 + SLOWDOWN)))
    ]
}


def loop_20us() -> int:
    total = 0
    for i in range(LOOP_N):
        total += i * i
    return total


def json_1ms() -> object:
    return json.loads(json.dumps(DOC))
