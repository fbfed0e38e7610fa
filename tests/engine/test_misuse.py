"""Every misuse of a Bencher, reported the same way by ``run``, ``ab``'s pairs and ``smoke_run``.

The checks live once, in the API's Bencher; each test here runs one misuse through the three Benchers
(in-process, with the fake clock where a measurement would otherwise take real time).
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable
from typing import Any

import pytest

from critbench import Bencher, bench
from critbench.api import BenchInstance, collecting
from critbench.api._bencher import BencherMisuse, call_benchmark
from critbench.engine._core import TimingBencher
from critbench.engine._fake_timer import FakeTimer
from critbench.engine._paired import PairSide, Revision, measure_pair
from critbench.model import BenchmarkId, Settings
from critbench.testing import SmokeTestError, smoke_run

SETTINGS = Settings(warm_up_time=1e-4, measurement_time=1e-4, sample_size=3)


class Quiet:
    def warming_up(self, seconds: float) -> None:
        pass

    def collecting(self, samples: int, expected_ns: float, iterations: int) -> None:
        pass

    def warning(self, text: str) -> None:
        pass


def _run(function: Callable[..., Any], fake: bool) -> None:
    bencher = TimingBencher(BenchmarkId("g", "f"), SETTINGS, Quiet(), FakeTimer(1000.0, "k") if fake else None)
    call_benchmark(function, (bencher,))
    bencher.measured()


def _instance(function: Callable[..., Any]) -> BenchInstance:
    with collecting() as specs:
        bench(function)
    return specs[0].instances("g")[0]


def _ab(function: Callable[..., Any], fake: bool) -> None:
    instance = _instance(function)
    sides = [
        PairSide(Revision(label, []), instance, FakeTimer(1000.0, label) if fake else None) for label in ("a", "b")
    ]
    measure_pair(sides[0], sides[1], SETTINGS, rng=random.Random(0), progress=Quiet())


def _smoke(function: Callable[..., Any], fake: bool) -> None:
    smoke_run(function)


DRIVERS = {"run": _run, "ab": _ab, "smoke": _smoke}
EVERY_DRIVER = pytest.mark.parametrize("driver", sorted(DRIVERS))
MISUSE = (BencherMisuse, SmokeTestError)


@EVERY_DRIVER
def test_calling_two_iter_methods(driver: str) -> None:
    def twice(b: Bencher) -> None:
        b.iter(lambda: None)
        b.iter_batched(lambda: 1, lambda x: x)

    with pytest.raises(MISUSE, match=r"called iter_batched\(\) after iter\(\); call exactly one iter\* method"):
        DRIVERS[driver](twice, True)


@EVERY_DRIVER
def test_calling_no_iter_method(driver: str) -> None:
    def forgets(b: Bencher) -> None:
        pass

    with pytest.raises(MISUSE, match="returned without calling an iter\\* method of its Bencher"):
        DRIVERS[driver](forgets, True)


@EVERY_DRIVER
def test_not_awaiting_iter_async_in_an_async_benchmark(driver: str) -> None:
    async def never_awaits(b: Bencher) -> None:
        async def nothing() -> None:
            pass

        b.iter_async(nothing)
        await asyncio.sleep(0)

    with pytest.raises(MISUSE, match=r"iter_async\(\) was called inside an async benchmark but never awaited"):
        DRIVERS[driver](never_awaits, True)


@EVERY_DRIVER
@pytest.mark.parametrize("size", [0, -3, True, "tiny", 2.5])
def test_a_batch_size_that_is_not_one(driver: str, size: Any) -> None:
    def batched(b: Bencher) -> None:
        b.iter_batched(lambda: 1, lambda x: x, batch_size=size)

    with pytest.raises(MISUSE, match="batch_size must be 'small', 'large', 'per_iteration' or a positive int"):
        DRIVERS[driver](batched, True)


@EVERY_DRIVER
@pytest.mark.parametrize("returned", [None, "12", True, -1.0, float("nan"), float("inf")])
def test_iter_custom_returning_something_other_than_nanoseconds(driver: str, returned: Any) -> None:
    def custom(b: Bencher) -> None:
        b.iter_custom(lambda iters: returned)

    with pytest.raises(MISUSE, match="iter_custom's routine must return nanoseconds"):
        DRIVERS[driver](custom, True)


@pytest.mark.parametrize("driver", ["run", "ab"])
def test_iter_custom_returning_a_timestamp(driver: str) -> None:
    """Only a measurement can tell (the smoke run times nothing); the first call of the warm-up fails."""

    def stamped(b: Bencher) -> None:
        b.iter_custom(lambda iters: time.time_ns())

    with pytest.raises(BencherMisuse, match="more time than the call can have taken"):
        DRIVERS[driver](stamped, False)


@pytest.mark.parametrize("driver", ["run", "ab"])
def test_a_routine_that_measures_no_time_fails_in_the_first_warm_up_steps(driver: str) -> None:
    """Doubling would never end (0 + 0 never reaches the warm-up time); the routine runs a few thousand times."""
    calls: list[int] = []

    def routine(iters: int) -> float:
        calls.append(iters)
        return 0

    def zero(b: Bencher) -> None:
        b.iter_custom(routine)

    with pytest.raises(BencherMisuse, match="measured 0 ns over its first 4,095 iterations"):
        DRIVERS[driver](zero, False)
    assert sum(calls) < 10_000
