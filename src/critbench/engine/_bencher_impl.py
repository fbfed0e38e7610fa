"""The timing ``Bencher`` that worker processes hand to benchmark functions.

Each ``iter*`` method reduces its routine to one function, ``run(iters) -> nanoseconds``, and lets the
shared sampler (``_sampling``) decide how many iterations to ask for. Timing loops are kept as bare as
Python allows (``for _ in repeat(None, n)``) so the harness adds as little as possible to each iteration.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import math
import random
import statistics
import tracemalloc
import zlib
from collections.abc import Awaitable, Callable, Coroutine, Generator, Iterator
from dataclasses import dataclass
from itertools import repeat
from time import perf_counter_ns
from typing import Any, Protocol

from critbench.api import BatchSize, Bencher
from critbench.api._bencher import I
from critbench.engine import _sampling
from critbench.engine._sampling import SampledRun
from critbench.model import BenchmarkId, Settings


class BencherMisuse(Exception):
    """The benchmark function used its Bencher in a way that cannot produce a measurement."""


class Progress(Protocol):
    def warming_up(self, seconds: float) -> None: ...
    def collecting(self, samples: int, expected_ns: float, iterations: int) -> None: ...
    def warning(self, text: str) -> None: ...


@dataclass(frozen=True)
class FakeTimer:
    """A deterministic stand-in for the clock, for golden-output tests of the whole pipeline.

    Each timed call still runs the routine once (so the benchmark's code is exercised), but reports
    ``iters × cost_ns`` scaled by a small seeded jitter instead of the real elapsed time.
    """

    cost_ns: float
    key: str

    def timer(self) -> Callable[[int], float]:
        rng = random.Random(zlib.crc32(self.key.encode()))

        def fake_time(iters: int) -> float:
            return iters * self.cost_ns * (1.0 + 0.02 * rng.gauss(0.0, 1.0))

        return fake_time


def _measurement(settings: Settings, progress: Progress) -> Generator[int, float, SampledRun]:
    if settings.quick:
        return (yield from _sampling.quick(settings))
    progress.warming_up(settings.warm_up_time)
    warm_iters, warm_ns = yield from _sampling.warm_up(settings)
    plan = _sampling.plan_samples(settings, warm_ns / warm_iters)
    if plan.warning:
        progress.warning(plan.warning)
    progress.collecting(len(plan.iters), plan.expected_ns, sum(plan.iters))
    times = yield from _sampling.sample(settings, plan)
    return SampledRun(plan.mode, plan.iters, times, warm_iters, warm_ns, plan.warning)


_CALIBRATED: dict[str, float] = {}
"""Harness overhead per iteration, per timing method, measured once per worker process."""

_CALIBRATION_MIN_NS = 2e5
_CALIBRATION_SAMPLES = 11


def _noop() -> None:
    pass


def _noop_input(_: object) -> None:
    pass


async def _async_noop() -> None:
    pass


def calibrate(run: Callable[[int], float]) -> float:
    """Per-iteration cost of ``run`` driving an empty routine: the median of 11 timings of ≥ 0.2 ms each."""
    iters = 1000
    while run(iters) < _CALIBRATION_MIN_NS and iters < 10_000_000:
        iters *= 4
    return statistics.median(run(iters) / iters for _ in range(_CALIBRATION_SAMPLES))


def _calibrated(method: str, run: Callable[[int], float]) -> float:
    if method not in _CALIBRATED:
        _CALIBRATED[method] = calibrate(run)
    return _CALIBRATED[method]


@contextlib.contextmanager
def _tracing() -> Iterator[list[int]]:
    """tracemalloc on for the block (left on if it already was); yields the list of peaks to fill."""
    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    try:
        yield []
    finally:
        if not was_tracing:
            tracemalloc.stop()


def _traced_before() -> int:
    tracemalloc.reset_peak()
    return tracemalloc.get_traced_memory()[0]


def _traced_peak_since(before: int) -> int:
    return max(0, tracemalloc.get_traced_memory()[1] - before)


def traced_peak_bytes(one_iteration: Callable[[], object]) -> int:
    """Peak memory tracemalloc sees during one iteration, above what was allocated before it.

    Three tries, the smallest kept: the first call may fill caches that later iterations reuse.
    """
    with _tracing() as peaks:
        for _ in range(3):
            before = _traced_before()
            result = one_iteration()
            peaks.append(_traced_peak_since(before))
            del result
        return min(peaks)


async def traced_peak_bytes_async(routine: Callable[[], Awaitable[object]]) -> int:
    """:func:`traced_peak_bytes` for a coroutine, awaited in the running loop."""
    with _tracing() as peaks:
        for _ in range(3):
            before = _traced_before()
            result = await routine()
            peaks.append(_traced_peak_since(before))
            del result
        return min(peaks)


WINDOW_NS = 100_000
"""Length of the windows a sample is timed in, besides its total (0.1 ms)."""


class WindowedLoop:
    """Times ``iters`` calls of a routine as a whole and in windows of about 0.1 ms, keeping the fastest
    window's time per iteration for each call in :attr:`fastest`.

    On a busy machine a sample of several milliseconds is almost always preempted somewhere, so even the
    fastest sample carries a random delay; a 0.1 ms window usually escapes it. The windows cost two clock
    reads per 0.1 ms (about 0.05%), and the total is timed exactly as by a plain loop.
    """

    def __init__(self, routine: Callable[[], object]) -> None:
        self._routine = routine
        self._window = 0
        self.fastest: list[float] = []

    def __call__(self, iters: int) -> float:
        routine = self._routine
        window = self._window or iters
        total = 0
        best = math.inf
        remaining = iters
        while remaining > 0:
            chunk = min(window, remaining)
            start = perf_counter_ns()
            for _ in repeat(None, chunk):
                routine()
            elapsed = perf_counter_ns() - start
            total += elapsed
            if elapsed > 0:
                best = min(best, elapsed / chunk)
            remaining -= chunk
        self.fastest.append(best if math.isfinite(best) else total / iters)
        self._window = max(1, int(WINDOW_NS * iters / total)) if total > 0 else iters
        return total


def iter_runner(routine: Callable[[], object]) -> Callable[[int], float]:
    def run(iters: int) -> float:
        start = perf_counter_ns()
        for _ in repeat(None, iters):
            routine()
        return perf_counter_ns() - start

    return run


def batched_runner(
    setup: Callable[[], I], routine: Callable[[I], object], batch_size: BatchSize
) -> Callable[[int], float]:
    def run(iters: int) -> float:
        size = batch_size_for(batch_size, iters)
        elapsed = 0
        remaining = iters
        while remaining > 0:
            inputs = [setup() for _ in range(min(size, remaining))]
            start = perf_counter_ns()
            outputs = list(map(routine, inputs))
            elapsed += perf_counter_ns() - start
            remaining -= len(inputs)
            del outputs, inputs
        return elapsed

    return run


def async_timer(routine: Callable[[], Awaitable[object]]) -> Callable[[int], Coroutine[Any, Any, float]]:
    async def timed(iters: int) -> float:
        start = perf_counter_ns()
        for _ in repeat(None, iters):
            await routine()
        return perf_counter_ns() - start

    return timed


def check_time(ns: float) -> float:
    if not math.isfinite(ns) or ns < 0:
        raise BencherMisuse(f"a timing must be a finite, non-negative number of nanoseconds, got {ns!r}")
    return ns


def batch_size_for(batch_size: BatchSize, iters: int) -> int:
    if batch_size == "small":
        return math.ceil(iters / 10)
    if batch_size == "large":
        return math.ceil(iters / 1000)
    if batch_size == "per_iteration":
        return 1
    if isinstance(batch_size, int) and not isinstance(batch_size, bool) and batch_size > 0:
        return batch_size
    raise BencherMisuse(f"batch_size must be 'small', 'large', 'per_iteration' or a positive int, got {batch_size!r}")


async def _await_once(routine: Callable[[], Awaitable[object]]) -> object:
    return await routine()


class AlreadyDone:
    """The awaitable ``iter_async`` returns when it already measured synchronously."""

    def __await__(self) -> Generator[Any, None, None]:
        return
        yield


class TimingBencher(Bencher):
    def __init__(
        self, benchmark_id: BenchmarkId, settings: Settings, progress: Progress, fake: FakeTimer | None = None
    ) -> None:
        self._id = benchmark_id
        self._settings = settings
        self._progress = progress
        self._fake = fake
        self._method: str | None = None
        self._pending: Any = None
        self.result: SampledRun | None = None

    @property
    def id(self) -> BenchmarkId:
        return self._id

    def _claim(self, method: str) -> None:
        if self._method is not None:
            raise BencherMisuse(
                f"the benchmark called {method}() after {self._method}(); call exactly one iter* method"
            )
        self._method = method

    def _drive(
        self, run: Callable[[int], float], overhead_ns: float, one_iteration: Callable[[], object] | None
    ) -> None:
        gen = _measurement(self._settings, self._progress)
        if self._fake is not None:
            run = self._faked(run)
            overhead_ns = 0.0
        try:
            iters = next(gen)
            while True:
                iters = gen.send(check_time(run(iters)))
        except StopIteration as stop:
            result: SampledRun = stop.value
        allocated = traced_peak_bytes(one_iteration) if one_iteration is not None and self._fake is None else None
        self.result = dataclasses.replace(result, overhead_ns=overhead_ns, allocated_per_iteration_bytes=allocated)

    def _faked(self, run: Callable[[int], float]) -> Callable[[int], float]:
        fake_time = self._fake.timer() if self._fake is not None else None

        def run_once_report_fake(iters: int) -> float:
            run(1)
            assert fake_time is not None
            return fake_time(iters)

        return run_once_report_fake

    def iter(self, routine: Callable[[], object]) -> None:
        self._claim("iter")
        overhead = _calibrated("iter", WindowedLoop(_noop))
        loop = WindowedLoop(routine)
        self._drive(loop, overhead, routine)
        assert self.result is not None
        if self._fake is None:
            fastest = tuple(loop.fastest[-len(self.result.iters) :])
            self.result = dataclasses.replace(self.result, fastest_ns=fastest)

    def iter_batched(
        self, setup: Callable[[], I], routine: Callable[[I], object], batch_size: BatchSize = "small"
    ) -> None:
        self._claim("iter_batched")
        batch_size_for(batch_size, 1)
        overhead = _calibrated(f"iter_batched:{batch_size}", batched_runner(_noop, _noop_input, batch_size))
        self._drive(batched_runner(setup, routine, batch_size), overhead, None)
        # Memory of the routine alone: inputs are made before tracing starts, as they are made untimed.
        inputs = [setup() for _ in range(3)]
        assert self.result is not None
        allocated = traced_peak_bytes(lambda: routine(inputs.pop()))
        self.result = dataclasses.replace(self.result, allocated_per_iteration_bytes=allocated)

    def iter_custom(self, routine: Callable[[int], float]) -> None:
        self._claim("iter_custom")

        def run(iters: int) -> float:
            elapsed = routine(iters)
            if isinstance(elapsed, bool) or not isinstance(elapsed, int | float):
                raise BencherMisuse(f"iter_custom's routine must return nanoseconds, got {elapsed!r}")
            return float(elapsed)

        self._drive(run, 0.0, lambda: routine(1))

    def iter_async(self, routine: Callable[[], Awaitable[object]]) -> Awaitable[None]:
        self._claim("iter_async")
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            with asyncio.Runner() as runner:
                empty = async_timer(_async_noop)
                overhead = _calibrated("iter_async", lambda iters: runner.run(empty(iters)))
                timed = async_timer(routine)
                self._drive(lambda iters: runner.run(timed(iters)), overhead, lambda: runner.run(_await_once(routine)))
            return AlreadyDone()
        self._pending = self._drive_async(routine)
        return self._pending  # type: ignore[no-any-return]

    async def _drive_async(self, routine: Callable[[], Awaitable[object]]) -> None:
        self._pending = None
        gen = _measurement(self._settings, self._progress)
        timed = async_timer(routine)
        fake_time = self._fake.timer() if self._fake is not None else None
        if fake_time is None:
            empty = async_timer(_async_noop)
            overhead = _CALIBRATED.get("iter_async")
            if overhead is None:
                iters = 1000
                while await empty(iters) < _CALIBRATION_MIN_NS and iters < 10_000_000:
                    iters *= 4
                overhead = statistics.median([await empty(iters) / iters for _ in range(_CALIBRATION_SAMPLES)])
                _CALIBRATED["iter_async"] = overhead
        else:
            overhead = 0.0
        try:
            iters = next(gen)
            while True:
                if fake_time is not None:
                    await timed(1)
                    elapsed = fake_time(iters)
                else:
                    elapsed = await timed(iters)
                iters = gen.send(check_time(elapsed))
        except StopIteration as stop:
            result: SampledRun = stop.value
        allocated = await traced_peak_bytes_async(routine)
        self.result = dataclasses.replace(result, overhead_ns=overhead, allocated_per_iteration_bytes=allocated)

    def finish(self) -> SampledRun:
        """The measurement, once the benchmark function returned; BencherMisuse if there is none."""
        if self._pending is not None:
            self._pending.close()
            raise BencherMisuse("iter_async() was called inside an async benchmark but never awaited")
        if self._method is None:
            raise BencherMisuse("the benchmark returned without calling an iter* method of its Bencher")
        if self.result is None:
            raise BencherMisuse(f"{self._method}() did not complete its measurement")
        return self.result
