"""Criterion's measurement method: warm-up by doubling, then a linear or flat sampling plan.

The method is written once, as generators that *ask* for a number of iterations and are *sent* the
nanoseconds those iterations took. A synchronous loop, an asynchronous loop and a fake clock all drive the
same generators, so the rules below exist in one place::

    warm-up:  iters = 1, 2, 4, ... until the summed time exceeds warm_up_time; met = time / iters
    linear:   d = max(1, ceil(T / met / (n(n+1)/2)));  sample i runs i·d iterations, i = 1..n
    flat:     k = max(1, ceil(T / n / met));           every sample runs k iterations
    auto:     linear, unless its expected time n(n+1)/2 · d · met exceeds 2T, then flat
    quick:    time n, 2n, 4n, ... until two successive timings agree (Criterion's --quick)
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Generator
from dataclasses import dataclass

from critbench.api._bencher import BencherMisuse
from critbench.model import Samples, SamplingMode, Settings

Sampler = Generator[int, float, "SampledRun"]
"""Yields an iteration count, is sent the nanoseconds it took, returns the finished run."""

Gate = Callable[[int], None]
"""critbench ab on a pytest suite: called with ``j`` before sample ``j`` and with the sample count after the
last; it returns when the runner lets the worker go on (``_lockstep``). Outside the timed region."""


@dataclass(frozen=True)
class Overrun:
    """Criterion's advice for a benchmark whose plan cannot keep to its measurement time, in the numbers its
    author sets: the whole benchmark's sample size and measurement time, not one worker process's share."""

    sample_size: int
    measurement_time_ns: float
    enough_time_ns: float
    """A measurement time every process's plan fits in, with room for the next run's spread, rounded up as
    it is shown."""
    fitting_sample_size: int | None
    """A sample size that fits in the measurement time, where reducing it can help."""


@dataclass(frozen=True)
class SamplingPlan:
    """A plan for one measurement time (Criterion's target time): the iteration count of every sample and
    what taking them is expected to cost."""

    target_ns: float
    mode: SamplingMode
    iters: tuple[int, ...]
    expected_ns: float
    overrun: Overrun | None = None
    """Set when even one iteration per step takes longer than ``target_ns``."""

    @property
    def warning(self) -> str | None:
        """Criterion's "Unable to complete" warning for a plan that overruns its time, with its advice."""
        overrun = self.overrun
        if overrun is None:
            return None
        fitting = overrun.fitting_sample_size
        reduce = f"reduce sample count to {fitting}" if fitting is not None else None
        if self.mode is SamplingMode.LINEAR:
            advice = f", enable flat sampling, or {reduce}." if reduce else " or enable flat sampling."
        else:
            advice = f", or {reduce}." if reduce else "."
        return (
            f"Warning: Unable to complete {overrun.sample_size} samples in "
            f"{format_duration(overrun.measurement_time_ns)}. "
            f"You may wish to increase target time to {format_duration(overrun.enough_time_ns)}{advice}"
        )


@dataclass(frozen=True)
class SampledRun:
    mode: SamplingMode
    iters: tuple[int, ...]
    times_ns: tuple[float, ...]
    warm_up_iters: int
    warm_up_ns: float
    warning: str | None
    overhead_ns: float = 0.0
    allocated_per_iteration_bytes: int | None = None
    fastest_ns: tuple[float, ...] | None = None
    """Per sample: the fastest ~0.1 ms window's time per iteration (``iter`` only)."""

    def samples(self, process: int) -> Samples:
        """The run's samples as the runner receives them, every one taken in worker process ``process``."""
        return Samples(
            mode=self.mode,
            iters=tuple(float(n) for n in self.iters),
            times_ns=self.times_ns,
            process=(process,) * len(self.iters),
            overhead_ns=self.overhead_ns,
            fastest_ns=self.fastest_ns,
        )


def format_duration(ns: float) -> str:
    """A duration as Rust's ``{:.1?}`` prints it: ``5.0s``, ``500.0ms``, ``12.3µs``, ``7.0ns``."""
    if ns >= 1e9:
        return f"{ns / 1e9:.1f}s"
    if ns >= 1e6:
        return f"{ns / 1e6:.1f}ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.1f}µs"
    return f"{ns:.1f}ns"


def shown_rounded_up(ns: float) -> float:
    """``ns`` rounded up to the precision :func:`format_duration` shows it with, so advice that is followed
    as printed is never short of what it advised."""
    unit = 1e9 if ns >= 1e9 else 1e6 if ns >= 1e6 else 1e3 if ns >= 1e3 else 1.0
    return math.ceil(ns / (unit / 10) - 1e-9) * (unit / 10)


ONE_ITERATION_SLACK = 0.2
"""A plan keeps one iteration per sample (per step, linear) while the measurement time is at most 20% longer
than that takes: two would double the time, where one falls short of it by less than a sixth."""

ADVICE_HEADROOM = 0.05
"""Advice leaves 5% for the next run's spread: a time advised to the nanosecond is short again as soon as the
routine measures a little slower."""


def _steps(target_ns: float, unit_ns: float) -> int:
    """How many iterations per step make ``target_ns`` when one iteration per step takes ``unit_ns``:
    Criterion's ``ceil``, but one while that falls short by less than :data:`ONE_ITERATION_SLACK`."""
    ratio = target_ns / unit_ns
    return 1 if ratio <= 1 + ONE_ITERATION_SLACK else math.ceil(ratio)


def _one_per_step_ns(mode: SamplingMode, samples: int, met_ns: float) -> float:
    """What ``samples`` samples take at one iteration per sample (flat) or per step (linear)."""
    return (samples * (samples + 1) / 2 if mode is SamplingMode.LINEAR else samples) * met_ns


def _overrun(whole: Settings, mode: SamplingMode, met_ns: float) -> Overrun:
    """The advice for a benchmark split over :func:`process_count` processes, each with its own plan: a
    measurement time the largest share fits in, and the sample size whose shares fit in the time asked for."""
    count = process_count(whole)
    largest = process_share(whole, 0)
    assert largest is not None
    target_ns = whole.measurement_time * 1e9
    enough_ns = count * _one_per_step_ns(mode, largest.sample_size, met_ns) * (1 + ADVICE_HEADROOM)
    fits = target_ns / count / (met_ns * (1 + ADVICE_HEADROOM))  # one share's time, in iterations
    # Criterion's recommendation for linear sampling, n = (√(4c) - 1) / 2, fits in about half the time.
    per_process = math.floor((-1 + math.sqrt(4 * fits)) / 2 if mode is SamplingMode.LINEAR else fits)
    fitting = per_process // 10 * 10 if count == 1 and per_process >= 10 else per_process * count
    useful = per_process >= 2 and fitting < whole.sample_size
    return Overrun(whole.sample_size, target_ns, shown_rounded_up(enough_ns), fitting if useful else None)


def plan_samples(settings: Settings, met_ns: float, whole: Settings | None = None) -> SamplingPlan:
    """The iteration count of every sample, from the mean execution time found by the warm-up.

    ``settings`` is what this process measures; ``whole`` the benchmark's settings before they were shared
    out over processes (:func:`process_share`), which the warning's advice is given in (without it, the
    benchmark is taken to be measured by this process alone).

    With ``settings.min_sample_size`` a routine too slow for ``sample_size`` samples of one iteration in the
    measurement time takes as many as fit, down to that floor.
    """
    n = settings.sample_size
    target_ns = settings.measurement_time * 1e9
    met_ns = max(met_ns, 1e-3)
    if settings.min_sample_size is not None and n * met_ns > target_ns:
        fewer = max(min(settings.min_sample_size, n), int(target_ns // met_ns))
        plan = plan_samples(dataclasses.replace(settings, sample_size=fewer, min_sample_size=None), met_ns, whole)
        return plan if plan.expected_ns > target_ns else dataclasses.replace(plan, overrun=None)
    d = _steps(target_ns, _one_per_step_ns(SamplingMode.LINEAR, n, met_ns))
    linear_expected = d * _one_per_step_ns(SamplingMode.LINEAR, n, met_ns)
    mode = settings.sampling_mode
    if mode is SamplingMode.AUTO:
        mode = SamplingMode.FLAT if linear_expected > 2 * target_ns else SamplingMode.LINEAR
    if mode is SamplingMode.LINEAR:
        steps, iters, expected_ns = d, tuple(d * i for i in range(1, n + 1)), linear_expected
    else:
        steps = _steps(target_ns, _one_per_step_ns(SamplingMode.FLAT, n, met_ns))
        iters, expected_ns = (steps,) * n, n * steps * met_ns
    overran = steps == 1 and expected_ns > target_ns * (1 + 1e-9)
    alone = dataclasses.replace(settings, processes=1)
    overrun = _overrun(whole or alone, mode, met_ns) if overran else None
    return SamplingPlan(target_ns, mode, iters, expected_ns, overrun)


MEASURABLE_WITHIN = 4095
"""Iterations (the first twelve doubling steps) after which a routine that still measured no time at all is
given up on. Doubling alone would never end: a routine whose timer reports 0 ns (``iter_custom`` returning 0,
or work too small for the clock) keeps the total at 0, and the warm-up doubled for a minute until the runner
called it a timeout. 4,095 iterations of the emptiest Python call take tens of microseconds, which any clock
sees; a routine reporting 0 over them measures nothing."""


def check_measurable(iterations: int, total_ns: float) -> None:
    """BencherMisuse when ``iterations`` (at least :data:`MEASURABLE_WITHIN`) measured 0 ns in all."""
    if total_ns <= 0 and iterations >= MEASURABLE_WITHIN:
        raise BencherMisuse(
            f"the routine measured 0 ns over its first {iterations:,} iterations, so no plan can be made from "
            "it: it is too fast for the clock, or (iter_custom) it returns 0; measure more work per iteration"
        )


def warm_up(settings: Settings) -> Generator[int, float, tuple[int, float]]:
    """Doubling warm-up; returns (iterations run, nanoseconds taken)."""
    limit_ns = settings.warm_up_time * 1e9
    total_iters, total_ns, n = 0, 0.0, 1
    while True:
        total_ns += yield n
        total_iters += n
        check_measurable(total_iters, total_ns)
        if total_ns > limit_ns:
            return total_iters, total_ns
        n *= 2


def sample(
    settings: Settings, plan: SamplingPlan, gate: Gate | None = None
) -> Generator[int, float, tuple[float, ...]]:
    """Run the plan, passing ``gate`` before each sample and after the last; returns every sample's time."""
    times = []
    for index, iters in enumerate(plan.iters):
        if gate is not None:
            gate(index)
        times.append((yield iters))
    if gate is not None:
        gate(len(plan.iters))
    return tuple(times)


def quick(settings: Settings) -> Sampler:
    """Criterion's ``--quick``: double until two timings agree to the significance level, then stop.

    Two samples (n and 2n iterations) are kept and analysed like a linear run.
    """
    limit_ns = settings.measurement_time * 1e9
    n = 1
    t_prev = yield n
    elapsed, iterations = t_prev, n
    while True:
        t_now = yield 2 * n
        elapsed += t_now
        iterations += 2 * n
        check_measurable(iterations, elapsed)
        t = (t_prev + 2 * t_now) / 5
        spread = math.sqrt((t_prev - t) ** 2 + (t_now - 2 * t) ** 2)
        if (spread < settings.significance_level * t and elapsed > 1e8) or elapsed > limit_ns:
            return SampledRun(SamplingMode.LINEAR, (n, 2 * n), (t_prev, t_now), 0, 0.0, None)
        n *= 2
        t_prev = t_now


QUICK_PROCESSES = 3
"""Worker processes of a benchmark in quick mode: one process a side cannot tell a change from the state a
process happened to land in (memory-bound code's lie up to 2.7× apart); the median of three can, and three
show whether the windows drift."""


def process_count(settings: Settings) -> int:
    """How many worker processes measure a benchmark: ``settings.processes``, or in quick mode
    :data:`QUICK_PROCESSES` of them (fewer when fewer are configured)."""
    return min(QUICK_PROCESSES, settings.processes) if settings.quick else settings.processes


def process_share(settings: Settings, index: int, *, extension: bool = False) -> Settings | None:
    """The settings worker process ``index`` measures with, or None when the benchmark needs fewer processes.

    An ``extension`` process (one more asked for by ``--precision``) measures a share like any other.

    The sample size, measurement time and warm-up are split across ``settings.processes`` processes, so
    spreading a benchmark over processes costs no more time than measuring it in one. Each process still
    warms up for at least 0.1 s (or the whole warm-up, if shorter). Quick mode uses :data:`QUICK_PROCESSES`.
    """
    count = process_count(settings)
    if index >= count and not extension:
        return None
    index %= count
    if count == 1:
        return settings
    samples = settings.sample_size // count + (1 if index < settings.sample_size % count else 0)
    least = settings.min_sample_size
    return dataclasses.replace(
        settings,
        sample_size=max(samples, 2),
        min_sample_size=None if least is None else max(2, -(-least // count)),
        measurement_time=settings.measurement_time / count,
        warm_up_time=max(settings.warm_up_time / count, min(settings.warm_up_time, 0.1)),
    )
