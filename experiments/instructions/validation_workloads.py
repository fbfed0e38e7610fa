"""Twenty more workloads, written after the acceptance run to check the verdicts on code nothing was tuned on.

Same contract as acceptance_workloads.py (``make_*(scale)`` returns the routine, doing ``scale`` times the
unchanged work; ``make_batched_sort`` for ``iter_batched``, ``make_async_pipeline`` for ``iter_async``);
``acceptance.py --workloads-module validation_workloads`` runs them. Sizes are multiples of 100, so +1%, +2%
and +3% are whole numbers of items.
"""

from __future__ import annotations

import base64
import functools
import itertools
import math
import random
from collections import deque
from collections.abc import Callable
from typing import Any


def size(base: int, scale: float) -> int:
    return round(base * scale)


def make_str_join_split(scale: float) -> Callable[[], object]:
    words = [f"w{i % 97}" for i in range(size(3000, scale))]
    return lambda: ",".join(words).split(",")


def make_sort_strings(scale: float) -> Callable[[], object]:
    rng = random.Random(11)
    data = ["".join(rng.choice("abcdefgh") for _ in range(8)) for _ in range(size(2000, scale))]
    return lambda: sorted(data)


def make_dict_merge(scale: float) -> Callable[[], object]:
    n = size(2000, scale)
    left = {f"k{i}": i for i in range(n)}
    right = {f"k{i}": -i for i in range(0, 2 * n, 2)}
    return lambda: {**left, **right}


def make_int_parse(scale: float) -> Callable[[], object]:
    texts = [str(i * 7919) for i in range(size(2000, scale))]
    return lambda: [int(t) for t in texts]


def make_float_format(scale: float) -> Callable[[], object]:
    values = [i / 7 for i in range(size(1000, scale))]
    return lambda: [format(v, ".3e") for v in values]


def make_tuple_hash(scale: float) -> Callable[[], object]:
    items = [(i, i * 2, "x") for i in range(size(3000, scale))]
    return lambda: [hash(t) for t in items]


def make_gcd_loop(scale: float) -> Callable[[], object]:
    n = size(2000, scale)
    return lambda: sum(math.gcd(i, 360360) for i in range(1, n + 1))


def make_generator_filter(scale: float) -> Callable[[], object]:
    n = size(5000, scale)
    return lambda: sum(x * 3 for x in range(n) if x & 1)


class Account:
    def __init__(self) -> None:
        self.balance = 0

    def deposit(self, amount: int) -> None:
        self.balance += amount


def make_method_calls(scale: float) -> Callable[[], object]:
    n = size(3000, scale)

    def run() -> int:
        account = Account()
        for i in range(n):
            account.deposit(i)
        return account.balance

    return run


def make_str_replace(scale: float) -> Callable[[], object]:
    doc = "the quick brown fox jumps over the lazy dog " * size(300, scale)
    return lambda: doc.replace("fox", "cat").replace("dog", "cow")


def make_bytes_hex(scale: float) -> Callable[[], object]:
    data = bytes(range(256)) * size(100, scale)
    return lambda: bytes.fromhex(data.hex())


def make_base64_encode(scale: float) -> Callable[[], object]:
    data = bytes(range(256)) * size(100, scale)
    return lambda: base64.b64encode(data)


def make_deque_rotate(scale: float) -> Callable[[], object]:
    n = size(2000, scale)

    def run() -> int:
        queue: deque[int] = deque()
        for i in range(n):
            queue.append(i)
            if len(queue) > 50:
                queue.popleft()
        return len(queue)

    return run


def make_zip_loop(scale: float) -> Callable[[], object]:
    n = size(3000, scale)
    xs, ys = list(range(n)), list(range(n, 0, -1))

    def run() -> int:
        total = 0
        for x, y in zip(xs, ys, strict=True):
            total += x * y
        return total

    return run


def make_product_sum(scale: float) -> Callable[[], object]:
    n = size(100, scale)
    return lambda: sum(a * b for a, b in itertools.product(range(n), range(20)))


def make_startswith(scale: float) -> Callable[[], object]:
    names = [f"{'test' if i % 3 else 'prod'}_{i}" for i in range(size(3000, scale))]
    return lambda: sum(1 for name in names if name.startswith("test"))


def make_exceptions(scale: float) -> Callable[[], object]:
    n = size(500, scale)

    def run() -> int:
        caught = 0
        for i in range(n):
            try:
                if i % 2:
                    raise ValueError(i)
            except ValueError:
                caught += 1
        return caught

    return run


def make_reduce(scale: float) -> Callable[[], object]:
    values = list(range(size(3000, scale)))
    return lambda: functools.reduce(lambda a, b: (a + b) % 1_000_003, values, 0)


def make_batched_sort(scale: float) -> tuple[Callable[[], list[str]], Callable[[list[str]], object]]:
    """For ``iter_batched``: a fresh list of strings per iteration (setup, not counted), reversed in place."""
    base = [f"item{i:05d}" for i in range(size(1000, scale))]
    return (lambda: list(base)), (lambda xs: xs.reverse())


def make_async_pipeline(scale: float) -> Callable[[], Any]:
    """For ``iter_async``: a chain of awaited coroutines, one per item, and no suspension."""
    n = size(500, scale)

    async def step(i: int) -> int:
        return i * i % 7

    async def run() -> int:
        total = 0
        for i in range(n):
            total += await step(i)
        return total

    return run


PLAIN = [
    "str_join_split",
    "sort_strings",
    "dict_merge",
    "int_parse",
    "float_format",
    "tuple_hash",
    "gcd_loop",
    "generator_filter",
    "method_calls",
    "str_replace",
    "bytes_hex",
    "base64_encode",
    "deque_rotate",
    "zip_loop",
    "product_sum",
    "startswith",
    "exceptions",
    "reduce",
]
"""The workloads measured with ``iter``; with ``batched_sort`` (iter_batched) and ``async_pipeline``
(iter_async), twenty."""
