"""The ``benchmark`` fixture in a pytest worker process: the test's call measured by the measuring core.

``benchmark(fn, *args, **kwargs)`` is timed like ``Bencher.iter``: calibration of the loop's own cost,
warm-up, Criterion's sampling plan and the samples (``_core.measure``); a coroutine function like
``Bencher.iter_async``, every iteration inside one event loop. What is netted out is the harness: the loop
and the forwarding of the arguments, calibrated on the cheapest call there is (a C function that ignores
its arguments), never the call of ``fn`` itself, which is part of what ``fn`` costs its callers.
``benchmark.pedantic(...)`` keeps the author's plan: its warm-up rounds, then its rounds of ``iterations``
calls, each round's ``setup`` and ``teardown`` outside the timed region; its rounds are spread over the
worker processes (at least two in each, the fewest a process's samples can be analysed with).

After measuring, the function is called once more, untimed, for the result the test asserts on, as
pytest-benchmark does. Tracing and profiling hooks (a coverage tool, say) are paused while timing, and with
``disable_gc`` so is the garbage collector. The allocation pass (tracemalloc) runs in the first worker
process only: what one iteration allocates does not depend on the process, and the pass costs three more
iterations of a routine that may be slow.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import gc
import math
import sys
from collections.abc import Awaitable, Callable, Iterator
from itertools import repeat
from typing import Any

from critbench.api._bencher import AsyncRoutine, IterRoutine, Routine, run_to_end
from critbench.api._fixture import AnyCall, BenchmarkFixture, Call, PedanticCall, TestNode
from critbench.api._fixture_stats import Metadata
from critbench.engine._core import Progress, checked, measure
from critbench.engine._fake_timer import FakeTimer
from critbench.engine._loops import AsyncLoop, FakeLoop, IterLoop, Loop, calibrated_overhead
from critbench.engine._measurement import WALL_TIME, Measurement
from critbench.engine._sampling import Gate, SampledRun
from critbench.model import Samples, SamplingMode, Settings

_C_NOOP: Callable[..., str] = "".format
"""A function written in C that accepts any arguments and does nothing with them (an empty format string)."""


async def _accept_async(*args: Any, **kwargs: Any) -> None:
    pass


def _shape(args: tuple[Any, ...], kwargs: Any) -> str:
    return f"{len(args)}:{','.join(sorted(kwargs))}"


def _bound(function: Callable[..., Any], args: tuple[Any, ...], kwargs: Any) -> Callable[[], Any]:
    return functools.partial(function, *args, **kwargs) if args or kwargs else function


class CallLoop(IterLoop):
    """``benchmark(fn, *args, **kwargs)``: ``fn`` called with its arguments bound by ``functools.partial``;
    the empty routine binds the same arguments to a C no-op, so the loop and the binding are netted out."""

    def __init__(self, call: Call, measurement: Measurement = WALL_TIME) -> None:
        super().__init__(_bound(call.function, call.args, call.kwargs), measurement)
        self._call = call
        self.key = f"call:{_shape(call.args, call.kwargs)}"

    def empty(self) -> Loop:
        return IterLoop(_bound(_C_NOOP, self._call.args, self._call.kwargs), self._measurement)


class PedanticLoop(Loop):
    """One pedantic round per timed call: untimed setup, ``iters`` timed calls, untimed teardown."""

    def __init__(self, call: PedanticCall, measurement: Measurement = WALL_TIME, *, calibrating: bool = False) -> None:
        self._call = call
        self._measurement = measurement
        self.key = None if calibrating else f"pedantic:{'async' if call.is_async else 'sync'}"

    async def time(self, iters: int) -> float:
        call, start, end = self._call, self._measurement.start, self._measurement.end
        args, kwargs = call.arguments()
        target = call.target
        if call.is_async:
            started = start()
            for _ in repeat(None, iters):
                await target(*args, **kwargs)
            elapsed = end(started)
        else:
            started = start()
            for _ in repeat(None, iters):
                target(*args, **kwargs)
            elapsed = end(started)
        call.finish(args, kwargs)
        return elapsed

    def empty(self) -> Loop:
        noop = _accept_async if self._call.is_async else _C_NOOP
        return PedanticLoop(PedanticCall(noop), self._measurement, calibrating=True)

    async def peak_bytes(self) -> int | None:
        if self._call.is_async:
            return None
        from critbench.engine._tracing import traced_peak_bytes

        call = self._call
        args, kwargs = call.arguments()
        try:
            return traced_peak_bytes(lambda: call.target(*args, **kwargs))
        finally:
            call.finish(args, kwargs)


class _WithoutMemory(Loop):
    """A loop whose allocation pass is skipped (every worker process but the first)."""

    def __init__(self, inner: Loop) -> None:
        self._inner = inner
        self.key = inner.key

    async def time(self, iters: int) -> float:
        return await self._inner.time(iters)

    def empty(self) -> Loop | None:
        return self._inner.empty()

    def fastest(self, samples: int) -> tuple[float, ...] | None:
        return self._inner.fastest(samples)


@contextlib.contextmanager
def quiet_interpreter(disable_gc: bool) -> Iterator[None]:
    """No tracing or profiling hook while measuring (coverage would time itself), and no GC if asked."""
    tracer, profiler = sys.gettrace(), sys.getprofile()
    gc_was_enabled = gc.isenabled()
    sys.settrace(None)
    sys.setprofile(None)
    if disable_gc:
        gc.disable()
    try:
        yield
    finally:
        if disable_gc and gc_was_enabled:
            gc.enable()
        sys.settrace(tracer)
        sys.setprofile(profiler)


def pedantic_share(total: int, process: int, processes: int) -> int:
    """Process ``process``'s share of ``total`` pedantic rounds: an even split, at least two."""
    return max(2, total // processes + (1 if process < total % processes else 0))


def warm_up_share(total: int, processes: int) -> int:
    """Warm-up rounds of each process: an even split, but at least one when the author asked for any."""
    return max(math.ceil(total / processes), min(total, 1))


async def measure_pedantic(
    loop: Loop, call: PedanticCall, progress: Progress, *, process: int, processes: int, gate: Gate | None = None
) -> SampledRun:
    """The author's plan: warm-up rounds untimed, then this process's share of the rounds, each a sample;
    ``gate`` is passed as :func:`~critbench.engine._core.measure` passes it."""
    passing: Gate = gate if gate is not None else _no_gate
    passing(-1)
    overhead_ns = await calibrated_overhead(loop)
    warm_rounds = warm_up_share(call.warmup_rounds, processes)
    warm_ns = 0.0
    if warm_rounds:
        progress.warming_up(0.0)
        for _ in range(warm_rounds):
            warm_ns += await loop.time(call.iterations)
    rounds = pedantic_share(call.rounds, process, processes)
    passing(0)
    times = [checked(await loop.time(call.iterations))]
    progress.collecting(rounds, times[0] * rounds, rounds * call.iterations)
    for index in range(1, rounds):
        passing(index)
        times.append(checked(await loop.time(call.iterations)))
    passing(rounds)
    iters = (call.iterations,) * rounds
    return SampledRun(
        SamplingMode.FLAT,
        iters,
        tuple(times),
        warm_rounds * call.iterations,
        warm_ns,
        None,
        overhead_ns=overhead_ns,
        allocated_per_iteration_bytes=await loop.peak_bytes(),
        fastest_ns=loop.fastest(rounds),
    )


def _no_gate(index: int) -> None:
    pass


@dataclasses.dataclass(frozen=True)
class MeasuringContext:
    """What the worker tells a test's fixture: how to measure, and who hears the progress."""

    settings: Settings
    progress: Progress
    process: int = 0
    processes: int = 1
    fake: FakeTimer | None = None
    disable_gc: bool = False
    options: dict[str, Any] = dataclasses.field(default_factory=dict)
    gate: Gate | None = None
    """critbench ab's lockstep pairs: where the worker waits for the runner around each sample."""


class MeasuringFixture(BenchmarkFixture):
    """The fixture of a worker process: measures the call, then runs it once more for the test's result."""

    def __init__(self, node: TestNode, context: MeasuringContext, *, group: str | None = None) -> None:
        super().__init__(node, group=group)
        self._context = context
        self.measured: Samples | None = None
        self.allocated_per_iteration_bytes: int | None = None

    def _loop(self, call: AnyCall) -> Loop:
        context = self._context
        if context.fake is not None:
            return FakeLoop(self._routine(call), context.fake)
        loop: Loop
        if isinstance(call, PedanticCall):
            loop = PedanticLoop(call)
        elif call.is_async:
            loop = AsyncLoop(functools.partial(call.function, *call.args, **call.kwargs))
        else:
            loop = CallLoop(call)
        return loop if context.process == 0 else _WithoutMemory(loop)

    @staticmethod
    def _routine(call: AnyCall) -> Routine:
        once: Callable[[], Any] = call.once
        if call.is_async:
            return AsyncRoutine(once)
        return IterRoutine(once)

    async def _measure(self, call: AnyCall) -> None:
        context = self._context
        loop = self._loop(call)
        with quiet_interpreter(context.disable_gc):
            if isinstance(call, PedanticCall):
                run = await measure_pedantic(
                    loop,
                    call,
                    context.progress,
                    process=context.process,
                    processes=context.processes,
                    gate=context.gate,
                )
            else:
                run = await measure(loop, context.settings, context.progress, gate=context.gate)
        self.measured = run.samples(context.process)
        self.allocated_per_iteration_bytes = run.allocated_per_iteration_bytes
        self.stats = Metadata.of(self, self.measured, context.options)

    def _run(self, call: AnyCall) -> Any:
        run_to_end(self._measure(call))
        return call.once()

    async def _run_async(self, call: AnyCall) -> Any:
        await self._measure(call)
        result = call.once()
        return await result if isinstance(result, Awaitable) else result
