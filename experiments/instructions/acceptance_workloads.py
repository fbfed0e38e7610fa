"""Twenty workloads for the acceptance experiment of ``--measure instructions`` (acceptance.py).

None of them was used to design or tune the method (the prototype's were a pure-Python loop, json.loads and
sorted() of floats). Each ``make_*(scale)`` returns the routine to benchmark, doing ``scale`` times the work
of the unchanged one: sizes are multiples of 200, so +0.5%, +1%, +2% and +5% are whole numbers of items.
Inputs are built from seeded generators, so every run and every process benchmarks the same data.

acceptance.py writes a bench target that declares every workload once per change level (groups ``p0``,
``p0.5``, ``p1``, ``p2``, ``p5``), with the scales of the run written into the file: a changed run is a
changed file, as a real code change is (environment variables do not reach a counting worker).
"""

from __future__ import annotations

import asyncio
import bisect
import hashlib
import heapq
import json
import random
import re
import struct
import textwrap
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, getcontext
from fractions import Fraction
from operator import itemgetter
from typing import Any

WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet", "kilo"]
WORDS += ["running", "jumping", "walking", "singing", "coding", "testing"]


def size(base: int, scale: float) -> int:
    return round(base * scale)


def text(n: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) for _ in range(n))


def make_regex_findall(scale: float) -> Callable[[], object]:
    doc = text(size(1000, scale))
    pattern = re.compile(r"\b\w+ing\b")
    return lambda: pattern.findall(doc)


def make_fstring_format(scale: float) -> Callable[[], object]:
    n = size(600, scale)
    return lambda: [f"{i}:{i * 2:08x}:{i / 3:.2f}" for i in range(n)]


def make_dict_comprehension(scale: float) -> Callable[[], object]:
    n = size(2000, scale)
    return lambda: {i: i * i for i in range(n)}


def make_sort_tuples(scale: float) -> Callable[[], object]:
    rng = random.Random(2)
    data = [(i, rng.random()) for i in range(size(2000, scale))]
    return lambda: sorted(data, key=itemgetter(1))


def make_heapq_pushpop(scale: float) -> Callable[[], object]:
    rng = random.Random(3)
    values = [rng.random() for _ in range(size(2000, scale))]

    def run() -> float:
        heap: list[float] = []
        for value in values:
            heapq.heappush(heap, value)
        total = 0.0
        while heap:
            total += heapq.heappop(heap)
        return total

    return run


def make_bisect_insort(scale: float) -> Callable[[], object]:
    rng = random.Random(4)
    values = [rng.randrange(1_000_000) for _ in range(size(2000, scale))]

    def run() -> list[int]:
        ordered: list[int] = []
        for value in values:
            bisect.insort(ordered, value)
        return ordered

    return run


def make_fraction_sum(scale: float) -> Callable[[], object]:
    terms = [Fraction(1, 1 + (i % 20)) for i in range(size(400, scale))]
    return lambda: sum(terms, Fraction(0))


def make_decimal_arith(scale: float) -> Callable[[], object]:
    getcontext().prec = 28
    values = [Decimal(i) / Decimal(7) for i in range(1, size(1000, scale) + 1)]

    def run() -> Decimal:
        total = Decimal(0)
        for value in values:
            total += value * value
        return total

    return run


def make_json_dumps(scale: float) -> Callable[[], object]:
    doc = [{"id": i, "name": f"n{i}", "ok": i % 2 == 0, "score": i * 0.25} for i in range(size(400, scale))]
    return lambda: json.dumps(doc)


def make_re_sub(scale: float) -> Callable[[], object]:
    doc = text(size(1000, scale), seed=5)
    pattern = re.compile(r"(\w+)ing")
    return lambda: pattern.sub(r"\1ed", doc)


def make_textwrap_fill(scale: float) -> Callable[[], object]:
    doc = text(size(400, scale), seed=6)
    return lambda: textwrap.fill(doc, width=60)


def make_zlib_compress(scale: float) -> Callable[[], object]:
    data = text(size(4000, scale), seed=7).encode()
    return lambda: zlib.compress(data, 6)


def make_sha256(scale: float) -> Callable[[], object]:
    data = bytes(range(256)) * size(200, scale)
    return lambda: hashlib.sha256(data).digest()


def make_struct_roundtrip(scale: float) -> Callable[[], object]:
    n = size(1000, scale)
    packer = struct.Struct("<iid")

    def run() -> float:
        total = 0.0
        for i in range(n):
            a, b, c = packer.unpack(packer.pack(i, -i, 1.5))
            total += a + b + c
        return total

    return run


def fib(k: int) -> int:
    return k if k < 2 else fib(k - 1) + fib(k - 2)


def make_fib_calls(scale: float) -> Callable[[], object]:
    n = size(200, scale)
    return lambda: [fib(10) for _ in range(n)]


def make_set_ops(scale: float) -> Callable[[], object]:
    n = size(2000, scale)
    left, right = set(range(0, 2 * n, 2)), set(range(0, 3 * n, 3))
    return lambda: (len(left | right), len(left & right), len(left - right))


def make_counter(scale: float) -> Callable[[], object]:
    words = text(size(2000, scale), seed=8).split()
    return lambda: Counter(words).most_common(3)


@dataclass
class Point:
    x: int
    y: int


def make_dataclass_create(scale: float) -> Callable[[], object]:
    n = size(1000, scale)
    return lambda: [Point(i, -i) for i in range(n)]


def make_batched_sort(scale: float) -> tuple[Callable[[], list[int]], Callable[[list[int]], object]]:
    """For ``iter_batched``: a fresh shuffled list per iteration (setup, not counted), sorted in place."""
    n = size(1000, scale)
    rng = random.Random(9)
    base = list(range(n))
    rng.shuffle(base)
    return (lambda: list(base)), (lambda xs: xs.sort())


def make_async_pipeline(scale: float) -> Callable[[], Any]:
    """For ``iter_async``: a coroutine that awaits a helper per chunk of a generator pipeline."""
    n = size(1000, scale)

    async def chunk(start: int) -> int:
        return sum(x * x for x in range(start, min(start + 100, n)) if x % 3)

    async def run() -> int:
        total = 0
        for start in range(0, n, 100):
            total += await chunk(start)
        await asyncio.sleep(0)
        return total

    return run


PLAIN = [
    "regex_findall",
    "fstring_format",
    "dict_comprehension",
    "sort_tuples",
    "heapq_pushpop",
    "bisect_insort",
    "fraction_sum",
    "decimal_arith",
    "json_dumps",
    "re_sub",
    "textwrap_fill",
    "zlib_compress",
    "sha256",
    "struct_roundtrip",
    "fib_calls",
    "set_ops",
    "counter",
    "dataclass_create",
]
"""The workloads measured with ``iter``; with ``batched_sort`` (iter_batched) and ``async_pipeline``
(iter_async), twenty."""
