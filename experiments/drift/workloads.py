"""The benchmarks and the reference workloads of the drift experiment (standard library only).

Each entry of :data:`WORKLOADS` and :data:`REFERENCES` is a function that builds its data once and returns
the routine to time (a callable without arguments). The benchmarks are chosen to differ in what limits
them: the interpreter loop, C code inside the standard library, allocation, memory latency, call overhead.
The references are fixed code a tool could ship and time beside any benchmark.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import zlib
from collections.abc import Callable

Routine = Callable[[], object]

SLOWDOWN = float(os.environ.get("DRIFT_SLOWDOWN", "0"))
"""A true change for validation runs: the benchmarks (not the references) do this fraction more work."""


def _more(n: int) -> int:
    return round(n * (1 + SLOWDOWN))


def loop_20us() -> Routine:
    """A tight pure-Python integer loop (the sensitivity experiment's loop_20us)."""

    n = _more(800)

    def run() -> int:
        total = 0
        for i in range(n):
            total += i * i
        return total

    return run


def json_1ms() -> Routine:
    """json.dumps then json.loads of a 1000-item document (C code, allocation)."""
    doc = {"items": [{"id": i, "name": f"item{i}", "tags": ["a", "b"], "value": i * 0.5} for i in range(_more(1000))]}
    return lambda: json.loads(json.dumps(doc))


def regex() -> Routine:
    """re.findall of a key=value pattern over a 20 kB log text (the regex engine, in C)."""
    rng = random.Random(1)
    words = ["alpha", "beta", "gamma", "delta", "status", "user", "path", "took"]
    lines = []
    for i in range(_more(300)):
        parts = [f"{rng.choice(words)}={rng.randint(0, 10**6)}" for _ in range(4)]
        lines.append(f"2026-12-01T10:{i % 60:02d}:00 INFO request " + " ".join(parts))
    text = "\n".join(lines)
    pattern = re.compile(r"(\w+)=(\d+)(?=\s|$)")
    return lambda: pattern.findall(text)


def sort() -> Routine:
    """sorted() of 10,000 shuffled strings (comparisons in C, pointer chasing)."""
    rng = random.Random(2)
    data = [f"key{rng.randint(0, 10**9):010d}" for _ in range(_more(10_000))]
    return lambda: sorted(data)


def dict_str() -> Routine:
    """Word counting in a dict, f-strings and a join: typical dict/str-heavy application code."""
    rng = random.Random(3)
    vocab = [f"w{i}" for i in range(500)]
    words = [rng.choice(vocab) for _ in range(_more(3000))]

    def run() -> str:
        counts: dict[str, int] = {}
        for w in words:
            counts[w] = counts.get(w, 0) + 1
        return ",".join(f"{k}:{v}" for k, v in counts.items() if v > 5)

    return run


class _Node:
    def __init__(self, key: int, value: float) -> None:
        self.key = key
        self.value = value
        self.children: list[_Node] = []


def alloc() -> Routine:
    """Builds and drops 2,000 small objects with their dicts and lists (allocator and GC)."""
    n = _more(2000)

    def run() -> int:
        nodes = [_Node(i, i * 0.5) for i in range(n)]
        for i in range(1, n):
            nodes[i // 2].children.append(nodes[i])
        pairs = [(n.key, n.value, len(n.children)) for n in nodes]
        return len(pairs)

    return run


def memwalk() -> Routine:
    """Sums 2,000 scattered items of a 4-million-int list (about 160 MB, far beyond the 32 MB L3).

    Each call reads the next 2,000 positions of a 2-million-long scattered index, so calls do not reuse
    each other's cache lines (a fixed set of 2,000 items would sit in L2 after the first call).
    """
    size = 4_000_000
    data = [i * 3 for i in range(size)]  # distinct int objects, each 32 bytes, laid out in order
    index = [(i * 2_654_435_761) % size for i in range(2_000_000)]
    cursor = [0]
    step = _more(2_000)

    def run() -> int:
        start = cursor[0]
        cursor[0] = (start + step) % len(index)
        total = 0
        for i in index[start : start + step]:
            total += data[i]
        return total

    return run


def call_tiny() -> Routine:
    """A call to an empty function: nothing but call overhead (about 30-50 ns)."""

    def nothing() -> None:
        return None

    return nothing


def zlib_text() -> Routine:
    """zlib.compress of about 50 kB of text at level 6 (pure C compute, branchy)."""
    rng = random.Random(5)
    text = " ".join(
        rng.choice(["lorem", "ipsum", "dolor", "sit", "amet", str(rng.random())]) for _ in range(_more(8_000))
    )
    blob = text.encode()
    return lambda: zlib.compress(blob, 6)


WORKLOADS: dict[str, Callable[[], Routine]] = {
    "loop_20us": loop_20us,
    "json_1ms": json_1ms,
    "regex": regex,
    "sort": sort,
    "dict_str": dict_str,
    "alloc": alloc,
    "memwalk": memwalk,
    "call_tiny": call_tiny,
    "zlib": zlib_text,
}


# ---------------------------------------------------------------- references


def ref_py() -> Routine:
    """A mixed interpreter workload (calls, attributes, a dict, str, int and float arithmetic), ~50 µs."""

    class Point:
        __slots__ = ("x", "y")

        def __init__(self, x: float, y: float) -> None:
            self.x = x
            self.y = y

    def norm(p: Point) -> float:
        return p.x * p.x + p.y * p.y

    def run() -> int:
        table: dict[str, float] = {}
        acc = 0
        for i in range(120):
            p = Point(i * 0.5, i - 3.0)
            key = "k" + str(i % 17)
            table[key] = table.get(key, 0.0) + norm(p)
            acc += (i * 7) % 13
        return acc + len(table)

    return run


def ref_c() -> Routine:
    """md5 of 64 kB (pure C compute inside the interpreter's process), ~100 µs."""
    blob = bytes(range(256)) * 256
    return lambda: hashlib.md5(blob).digest()


def ref_mem() -> Routine:
    """Reads 1,000 scattered bytes of a 64 MB bytearray, the next 1,000 of a 1-million-long index per call."""
    size = 64 * 1024 * 1024
    data = bytearray(range(256)) * (size // 256)  # written, so every page is real memory
    index = [(i * 2_654_435_761) % size for i in range(1_000_000)]
    cursor = [0]

    def run() -> int:
        start = cursor[0]
        cursor[0] = (start + 1_000) % len(index)
        total = 0
        for i in index[start : start + 1_000]:
            total += data[i]
        return total

    return run


REFERENCES: dict[str, Callable[[], Routine]] = {"ref_py": ref_py, "ref_c": ref_c, "ref_mem": ref_mem}
