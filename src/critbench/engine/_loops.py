"""The timing loops: one per kind of routine, each timing ``iters`` iterations as one measured block.

Loops are kept as bare as Python allows (``for _ in repeat(None, n)``, the routine in a local variable) so the
harness adds as little as possible to each iteration; what it still adds is measured once per worker process
by timing an empty routine through the same loop (:func:`calibrated_overhead`) and reported beside the
samples. Every loop is driven the same way (``await loop.time(iters)``); a loop of synchronous code never
suspends, so a synchronous benchmark runs it without an event loop.

Besides timing, a loop knows how to measure the memory one iteration allocates, in a separate untimed pass
under ``tracemalloc`` (:meth:`Loop.peak_bytes`), so tracing never slows a timed sample.
"""

from __future__ import annotations

import abc
import math
import statistics
import sys
from collections.abc import Awaitable, Callable, Iterator
from itertools import repeat
from time import perf_counter_ns
from typing import Any

from critbench.api._bencher import (
    AsyncRoutine,
    BatchedRoutine,
    BencherMisuse,
    CustomRoutine,
    IterRoutine,
    Routine,
)
from critbench.engine._fake_timer import FakeTimer
from critbench.engine._measurement import WALL_TIME, Measurement
from critbench.engine._tracing import TRACED_TRIES, PeakTrace, retained_bytes, traced_peak_bytes


class Loop(abc.ABC):
    """Times a routine for a number of iterations; one instance serves a whole benchmark."""

    key: str | None = None
    """Which calibrated overhead applies (one per timing method); None where there is none to take out."""

    @abc.abstractmethod
    async def time(self, iters: int) -> float:
        """The measured value of ``iters`` iterations (nanoseconds for wall time)."""

    def empty(self) -> Loop | None:
        """This loop around a routine that does nothing, to calibrate the harness's own cost; None: none."""
        return None

    async def peak_bytes(self) -> int | None:
        """Memory one iteration allocates, in an untimed pass; None where this loop cannot tell."""
        return None

    def fastest(self, samples: int) -> tuple[float, ...] | None:
        """Per sample of the last ``samples``: the fastest ~0.1 ms window's time per iteration, if kept."""
        return None


WINDOW_NS = 100_000
"""Length of the windows a sample is timed in, besides its total (0.1 ms)."""


class _Windows:
    """The fastest ~0.1 ms window of each timed call, kept per call: a loop times its iterations in chunks of
    :meth:`chunks` (about :data:`WINDOW_NS` each, from the previous call's speed), reports each chunk's time
    to :meth:`seen`, and ends the call with :meth:`close`, which returns the call's total."""

    def __init__(self) -> None:
        self.fastest_ns: list[float] = []
        self._window = 0
        self._best = math.inf
        self._total: float = 0  # stays an int while the measurement's values are ints

    def chunk(self, iters: int) -> int:
        """How many iterations a window of the coming call holds."""
        return self._window or iters

    def chunks(self, iters: int) -> Iterator[int]:
        """The coming call's ``iters`` iterations as windows: how many iterations each holds, in turn."""
        window = self.chunk(iters)
        for _ in repeat(None, iters // window):
            yield window
        if iters % window:
            yield iters % window

    def seen(self, elapsed: float, count: int) -> None:
        """A window of ``count`` iterations took ``elapsed``."""
        self._total += elapsed
        if elapsed > 0:
            self._best = min(self._best, elapsed / count)

    def close(self, iters: int) -> float:
        """End of a call of ``iters`` iterations: keep its fastest window's time per iteration (the whole
        call's, if no window measured anything), size the next call's windows, and return the call's total."""
        total, self._total = self._total, 0
        self.fastest_ns.append(self._best if math.isfinite(self._best) else total / iters)
        self._best = math.inf
        self._window = max(1, int(WINDOW_NS * iters / total)) if total > 0 else iters
        return total

    def last(self, samples: int) -> tuple[float, ...]:
        return tuple(self.fastest_ns[-samples:])


class IterLoop(Loop):
    """``iter``: times ``iters`` calls as a whole and in windows of about 0.1 ms, keeping the fastest window's
    time per iteration of each call.

    On a busy machine a sample of several milliseconds is almost always preempted somewhere, so even the
    fastest sample carries a random delay; a 0.1 ms window usually escapes it. The windows cost two clock
    reads per 0.1 ms (about 0.05%), and the total is timed exactly as by a plain loop.
    """

    key = "iter"

    def __init__(self, routine: Callable[[], object], measurement: Measurement = WALL_TIME) -> None:
        self._routine = routine
        self._measurement = measurement
        self.windows = _Windows()

    async def time(self, iters: int) -> float:
        return self.timed(iters)

    def timed(self, iters: int) -> float:
        routine, start, end, windows = self._routine, self._measurement.start, self._measurement.end, self.windows
        for chunk in windows.chunks(iters):
            started = start()
            for _ in repeat(None, chunk):
                routine()
            windows.seen(end(started), chunk)
        return windows.close(iters)

    def empty(self) -> Loop:
        return IterLoop(noop, self._measurement)

    async def peak_bytes(self) -> int:
        return traced_peak_bytes(self._routine)

    def fastest(self, samples: int) -> tuple[float, ...]:
        return self.windows.last(samples)


MOST_BATCH_INPUTS = 4096
"""The most inputs a ``"small"`` or ``"large"`` batch holds, however many iterations a sample runs."""
BATCH_BYTES = 64 * 2**20
"""What a ``"small"`` or ``"large"`` batch's inputs may hold in memory together (64 MiB), as measured on one."""


class BatchedLoop(Loop):
    """``iter_batched``: inputs made untimed in batches, the routine timed over each batch in windows of about
    0.1 ms as :class:`IterLoop` times its calls (a batch shorter than that is one window), outputs dropped
    outside the timed region.

    Criterion's ``"small"`` and ``"large"`` batches are a share of a sample's iterations (a tenth, a
    thousandth), which grows without bound: ``--quick`` doubles a fast routine's iterations into the millions,
    and one worker held 604 MB of inputs at once. Those batches are capped at :data:`MOST_BATCH_INPUTS`
    inputs and at :data:`BATCH_BYTES` of them, one input's size measured under ``tracemalloc`` before the
    first batch (that input is used, not thrown away). A batch size given as a number is the author's to
    choose and is kept.
    """

    def __init__(self, routine: BatchedRoutine[Any], measurement: Measurement = WALL_TIME) -> None:
        self._batched = routine
        self._measurement = measurement
        self.key = f"iter_batched:{routine.batch_size}"
        self._most: int | None = None
        self._made: list[Any] = []
        """Inputs made before the batch that uses them (the one measured for its size)."""
        self.windows = _Windows()

    def most_inputs(self) -> int:
        """How many inputs a batch may hold: Criterion's share of a sample, within the caps for the relative
        sizes (measuring one input's size the first time)."""
        if self._batched.batch_size not in ("small", "large"):
            return sys.maxsize
        if self._most is None:
            made, size = retained_bytes(self._batched.setup)
            self._made.append(made)
            self._most = max(1, min(MOST_BATCH_INPUTS, BATCH_BYTES // max(size, 1)))
        return self._most

    async def time(self, iters: int) -> float:
        setup, routine = self._batched.setup, self._batched.routine
        start, end = self._measurement.start, self._measurement.end
        size = min(self._batched.inputs_per_batch(iters), self.most_inputs())
        windows = self.windows
        window = windows.chunk(iters)
        remaining = iters
        while remaining > 0:
            count = min(size, remaining)
            inputs, self._made = self._made[:count], self._made[count:]
            inputs += [setup() for _ in range(count - len(inputs))]
            parts = [inputs[i : i + window] for i in range(0, count, window)] if window < count else [inputs]
            outputs: list[object] = []
            for part in parts:
                started = start()
                outputs += map(routine, part)
                windows.seen(end(started), len(part))
            remaining -= len(inputs)
            del outputs, inputs, parts, part
        return windows.close(iters)

    def empty(self) -> Loop:
        return BatchedLoop(BatchedRoutine(noop, noop_input, self._batched.batch_size), self._measurement)

    def fastest(self, samples: int) -> tuple[float, ...]:
        return self.windows.last(samples)

    async def peak_bytes(self) -> int:
        # Memory of the routine alone: inputs are made before tracing starts, as they are made untimed.
        routine = self._batched.routine
        inputs = [self._batched.setup() for _ in range(TRACED_TRIES)]
        return traced_peak_bytes(lambda: routine(inputs.pop()))


CUSTOM_SLACK_NS = 1e6
"""What ``iter_custom``'s routine may report beyond twice the wall time its call took (timer granularity)."""


class CustomLoop(Loop):
    """``iter_custom``: the routine times itself; the loop only checks that what it reports is possible.

    A routine that returns a timestamp (``time.time_ns()``) instead of a duration reports decades per call;
    left unchecked, that number plans samples that would take millennia and overflows the runner's
    deadlines and the statistics. No honest timing of a call can exceed the wall time the call took, so a
    value beyond twice that, plus 1 ms for coarse timers, fails the benchmark with a message saying so.
    """

    def __init__(self, routine: CustomRoutine) -> None:
        self._custom = routine

    async def time(self, iters: int) -> float:
        started = perf_counter_ns()
        reported = self._custom.call(iters)
        wall_ns = perf_counter_ns() - started
        if reported > 2 * wall_ns + CUSTOM_SLACK_NS:
            raise BencherMisuse(
                f"iter_custom's routine returned {reported:.4g} ns for {iters} iteration(s), more time than the "
                f"call can have taken ({wall_ns:.4g} ns of wall time); it must return the duration of its "
                "iterations, not a timestamp such as time.time_ns()"
            )
        return reported

    async def peak_bytes(self) -> int:
        routine = self._custom.routine
        return traced_peak_bytes(lambda: routine(1))


class AsyncLoop(Loop):
    """``iter_async``: ``await routine()`` in a loop, inside the event loop the measurement runs in, timed as
    a whole and in windows of about 0.1 ms as :class:`IterLoop` is (each window's fastest kept)."""

    key = "iter_async"

    def __init__(self, routine: Callable[[], Awaitable[object]], measurement: Measurement = WALL_TIME) -> None:
        self._routine = routine
        self._measurement = measurement
        self.windows = _Windows()

    async def time(self, iters: int) -> float:
        routine, start, end, windows = self._routine, self._measurement.start, self._measurement.end, self.windows
        for chunk in windows.chunks(iters):
            started = start()
            for _ in repeat(None, chunk):
                await routine()
            windows.seen(end(started), chunk)
        return windows.close(iters)

    def empty(self) -> Loop:
        return AsyncLoop(async_noop, self._measurement)

    async def peak_bytes(self) -> int:
        with PeakTrace() as trace:
            for _ in range(TRACED_TRIES):
                trace.begin()
                result = await self._routine()
                trace.end()
                del result
        return trace.smallest

    def fastest(self, samples: int) -> tuple[float, ...]:
        return self.windows.last(samples)


def loop_for(routine: Routine, measurement: Measurement = WALL_TIME) -> Loop:
    """The timing loop for one ``iter*`` call's routine."""
    match routine:
        case IterRoutine():
            return IterLoop(routine.routine, measurement)
        case BatchedRoutine():
            return BatchedLoop(routine, measurement)
        case CustomRoutine():
            return CustomLoop(routine)
        case AsyncRoutine():
            return AsyncLoop(routine.routine, measurement)


class FakeLoop(Loop):
    """Runs the routine once per timed call and reports the fake timer's number (no overhead, no memory)."""

    def __init__(self, routine: Routine, timer: FakeTimer) -> None:
        self._routine = routine
        self._fake_time = timer.timer()
        self._fake_window = timer.window_timer() if isinstance(routine, IterRoutine | AsyncRoutine) else None
        self._fastest_ns: list[float] = []

    async def time(self, iters: int) -> float:
        await self._routine.exercise(1)
        if self._fake_window is not None:
            self._fastest_ns.append(self._fake_window())
        return self._fake_time(iters)

    def fastest(self, samples: int) -> tuple[float, ...] | None:
        if self._fake_window is None:
            return None
        return tuple(self._fastest_ns[-samples:])


_CALIBRATED: dict[str, float] = {}
"""Harness overhead per iteration, per timing method, measured once per worker process."""

_CALIBRATION_MIN_NS = 2e5
_CALIBRATION_SAMPLES = 11


# The empty routines the harness's own cost is measured on, timed here and counted in ``_counting``.
def noop() -> None:
    pass


def noop_input(_: object) -> None:
    pass


async def async_noop() -> None:
    pass


async def calibrate(loop: Loop) -> float:
    """Per-iteration cost of ``loop`` around an empty routine: the median of 11 timings of ≥ 0.2 ms each."""
    iters = 1000
    while await loop.time(iters) < _CALIBRATION_MIN_NS and iters < 10_000_000:
        iters *= 4
    return statistics.median([await loop.time(iters) / iters for _ in range(_CALIBRATION_SAMPLES)])


async def calibrated_overhead(loop: Loop) -> float:
    """The harness's cost per iteration through ``loop``'s timing method (0 where nothing is calibrated)."""
    empty = loop.empty()
    if empty is None or loop.key is None:
        return 0.0
    if loop.key not in _CALIBRATED:
        _CALIBRATED[loop.key] = await calibrate(empty)
    return _CALIBRATED[loop.key]
