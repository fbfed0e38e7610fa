"""The acceptance experiment's workloads, none of them in experiments/drift or experiments/sensitivity.

Each does ``1 + SLOWDOWN`` times its base amount of the same work (``SLOWDOWN`` from the environment, a
fraction), so a comparison of SLOWDOWN=0.25 against SLOWDOWN=0 has a known true change of about +25%.
Per-iteration times (fastest of timeit's, at a load of 7 on the 2-core machine): about 0.3-0.5 ms each;
dict_big is 400 random lookups in a dict of a million keys (~100 MB, built once per worker, untimed): the
memory-heavier one.
"""

from __future__ import annotations

import os
import random
import struct
from decimal import Decimal, getcontext

SLOWDOWN = float(os.environ.get("SLOWDOWN", "0"))


def _scaled(n: int) -> int:
    return round(n * (1 + SLOWDOWN))


STR_N = _scaled(800)
STRUCT_N = _scaled(800)
FIB_CALLS = _scaled(4)
DECIMAL_N = _scaled(400)
SET_REPS = _scaled(4)
LOOKUPS = _scaled(400)

_RECORD = struct.Struct("<iqdh8s")
_PACKED = [(i, i * 7919, i * 0.5, i % 300, b"abcdefgh") for i in range(STRUCT_N)]
_PRICES = [Decimal(f"{i % 997}.{i % 89:02d}") for i in range(DECIMAL_N)]
_RATE = Decimal("1.0725")
_LEFT = list(range(0, 800, 2))
_RIGHT = list(range(0, 1200, 3))
_BIG: dict[int, int] = {}
_QUERIES: list[list[int]] = []
_turn = 0


def dict_big_setup() -> None:
    """Build the big dict and the lookups once per worker process, untimed (the bench function calls it)."""
    if _BIG:
        return
    _BIG.update((i * 2654435761 % 2**32, i) for i in range(1_000_000))
    keys = list(_BIG)
    rng = random.Random(1)
    _QUERIES.extend([keys[rng.randrange(len(keys))] for _ in range(LOOKUPS)] for _ in range(64))


def str_build() -> str:
    parts = []
    for i in range(STR_N):
        parts.append(f"{i}:{i * 3}")
    return ",".join(parts)


def struct_pack() -> int:
    pack, unpack = _RECORD.pack, _RECORD.unpack
    total = 0
    for record in _PACKED:
        total += unpack(pack(*record))[0]
    return total


def _fib(n: int) -> int:
    return n if n < 2 else _fib(n - 1) + _fib(n - 2)


def recursion() -> int:
    return sum(_fib(13) for _ in range(FIB_CALLS))


def decimal_sum() -> Decimal:
    getcontext().prec = 28
    total = Decimal(0)
    for price in _PRICES:
        total += (price * _RATE).quantize(Decimal("0.01"))
    return total


def set_ops() -> int:
    total = 0
    for _ in range(SET_REPS):  # fixed-size sets, so more work is exactly more of the same (no resizes)
        left, right = set(_LEFT), set(_RIGHT)
        total += len(left & right) + len(left | right) + len(left - right)
    return total


def dict_big() -> int:
    global _turn  # noqa: PLW0603 - which of the 64 query lists is next, per process
    _turn = (_turn + 1) % len(_QUERIES)
    big = _BIG
    total = 0
    for key in _QUERIES[_turn]:
        total += big[key]
    return total
