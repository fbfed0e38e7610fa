"""The measuring core (Criterion's ``routine.rs``): calibration, warm-up, the sampling plan and the samples.

Every way critbench measures goes through here. A ``Bencher`` reduces its ``iter*`` call to a routine
description (``critbench.api``); :func:`loop_of` turns that into a timing loop (or the fake clock's stand-in);
:func:`measure` calibrates the loop's overhead, drives the sampler of ``_sampling`` with it and adds the
memory pass. ``critbench ab`` serves the same loops to its coordinator (``_paired``), and every timing, from
either, passes :func:`checked`.

The samplers are generators that *ask* for a number of iterations and are *sent* what those iterations
measured; :func:`drive` answers them. It is a coroutine, like the loops, so one driver serves synchronous
and asynchronous routines alike.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Awaitable, Callable, Generator
from typing import Protocol, TypeVar

from critbench.api._bencher import Bencher, BencherMisuse, Routine, run_to_end
from critbench.engine import _sampling
from critbench.engine._fake_timer import FakeTimer
from critbench.engine._loops import FakeLoop, Loop, calibrated_overhead, loop_for
from critbench.engine._measurement import WALL_TIME, Measurement
from critbench.engine._sampling import SampledRun
from critbench.model import BenchmarkId, Settings

Request = TypeVar("Request")
Reply = TypeVar("Reply")
Result = TypeVar("Result")


class Progress(Protocol):
    def warming_up(self, seconds: float) -> None: ...
    def collecting(self, samples: int, expected_ns: float, iterations: int) -> None: ...
    def warning(self, text: str) -> None: ...


def loop_of(routine: Routine, fake: FakeTimer | None, measurement: Measurement = WALL_TIME) -> Loop:
    """The loop that measures ``routine``: the fake clock's where there is one, else a real timing loop."""
    return FakeLoop(routine, fake) if fake is not None else loop_for(routine, measurement)


def checked(value: float) -> float:
    """A timing as the statistics can use it; BencherMisuse for anything else (an infinite fake cost, say)."""
    if not math.isfinite(value) or value < 0:
        raise BencherMisuse(f"a timing must be a finite, non-negative number of nanoseconds, got {value!r}")
    return value


def timer_of(loop: Loop) -> Callable[[int], Awaitable[float]]:
    """``loop.time``, every value :func:`checked`."""

    async def timed(iters: int) -> float:
        return checked(await loop.time(iters))

    return timed


async def drive(sampler: Generator[Request, Reply, Result], answer: Callable[[Request], Awaitable[Reply]]) -> Result:
    """Answer a sampler's requests until it returns its finished run."""
    request = next(sampler)
    while True:
        reply = await answer(request)
        try:
            request = sampler.send(reply)
        except StopIteration as stop:
            return stop.value  # type: ignore[no-any-return]


def _sampler(
    settings: Settings, progress: Progress, whole: Settings | None, gate: _sampling.Gate | None = None
) -> _sampling.Sampler:
    if settings.quick:
        return (yield from _sampling.quick(settings))
    progress.warming_up(settings.warm_up_time)
    warm_iters, warm_ns = yield from _sampling.warm_up(settings)
    plan = _sampling.plan_samples(settings, warm_ns / warm_iters, whole)
    if plan.warning:
        progress.warning(plan.warning)
    progress.collecting(len(plan.iters), plan.expected_ns, sum(plan.iters))
    times = yield from _sampling.sample(settings, plan, gate)
    return SampledRun(plan.mode, plan.iters, times, warm_iters, warm_ns, plan.warning)


async def measure(
    loop: Loop,
    settings: Settings,
    progress: Progress,
    whole: Settings | None = None,
    *,
    gate: _sampling.Gate | None = None,
) -> SampledRun:
    """Calibrate, warm up, plan and take the samples, then measure one iteration's memory.

    ``settings`` are this process's share of the benchmark's ``whole`` settings (the same, by default).
    ``gate`` (ab's lockstep pairs) is passed with -1 before the calibration, then by the samples
    (:func:`_sampling.sample`).
    """
    if gate is not None:
        gate(-1)
    overhead_ns = await calibrated_overhead(loop)
    run = await drive(_sampler(settings, progress, whole, gate), timer_of(loop))
    return dataclasses.replace(
        run,
        overhead_ns=overhead_ns,
        allocated_per_iteration_bytes=await loop.peak_bytes(),
        fastest_ns=loop.fastest(len(run.iters)),
    )


def overhead_of(bencher: Bencher, fake: FakeTimer | None) -> float:
    """The calibrated cost per iteration of the loop ``bencher``'s ``iter*`` call was measured through (0 for
    the fake clock, iter_custom, or a Bencher that measured nothing). Calibrated once per process and timing
    method, as :func:`measure` does; the empty routines never wait, so no event loop is needed."""
    routine = bencher._routine
    return 0.0 if routine is None else run_to_end(calibrated_overhead(loop_of(routine, fake)))


class TimingBencher(Bencher):
    """The Bencher of ``critbench run``: its ``iter*`` call measures the routine by :func:`measure`, with this
    process's share of the benchmark's settings (``whole``: the settings before they were shared out)."""

    def __init__(
        self,
        benchmark_id: BenchmarkId,
        settings: Settings,
        progress: Progress,
        fake: FakeTimer | None = None,
        measurement: Measurement = WALL_TIME,
        *,
        whole: Settings | None = None,
    ) -> None:
        super().__init__(benchmark_id)
        self._settings = settings
        self._whole = whole
        self._progress = progress
        self._fake = fake
        self._measurement = measurement
        self._result: SampledRun | None = None

    async def _measure(self, routine: Routine) -> None:
        loop = loop_of(routine, self._fake, self._measurement)
        self._result = await measure(loop, self._settings, self._progress, self._whole)

    def measured(self) -> SampledRun:
        """The measurement, once the benchmark function returned; BencherMisuse if there is none."""
        return self._finished(self._result, "measurement")
