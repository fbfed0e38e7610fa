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
from collections.abc import Generator
from dataclasses import dataclass

from critbench.model import SamplingMode, Settings

Sampler = Generator[int, float, "SampledRun"]
"""Yields an iteration count, is sent the nanoseconds it took, returns the finished run."""


@dataclass(frozen=True)
class SamplingPlan:
    """A plan for one measurement time (Criterion's target time): the iteration count of every sample and
    what taking them is expected to cost."""

    target_ns: float
    mode: SamplingMode
    iters: tuple[int, ...]
    expected_ns: float
    fitting_sample_size: int | None = None
    """Set when the plan cannot keep to ``target_ns`` (one iteration per step is already too many): the
    sample count Criterion recommends instead."""

    @property
    def warning(self) -> str | None:
        """Criterion's "Unable to complete" warning for a plan that overruns its time, with its advice."""
        fitting = self.fitting_sample_size
        if fitting is None:
            return None
        n = len(self.iters)
        reduce = f"reduce sample count to {fitting}" if fitting != n else None
        if self.mode is SamplingMode.LINEAR:
            advice = f", enable flat sampling, or {reduce}." if reduce else " or enable flat sampling."
        else:
            advice = f", or {reduce}." if reduce else "."
        return (
            f"Warning: Unable to complete {n} samples in {format_duration(self.target_ns)}. "
            f"You may wish to increase target time to {format_duration(self.expected_ns)}{advice}"
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


def format_duration(ns: float) -> str:
    """A duration as Rust's ``{:.1?}`` prints it: ``5.0s``, ``500.0ms``, ``12.3µs``, ``7.0ns``."""
    if ns >= 1e9:
        return f"{ns / 1e9:.1f}s"
    if ns >= 1e6:
        return f"{ns / 1e6:.1f}ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.1f}µs"
    return f"{ns:.1f}ns"


def _round_sample_size(size: float) -> int:
    return max(10, int(size) // 10 * 10)


def plan_samples(settings: Settings, met_ns: float) -> SamplingPlan:
    """The iteration count of every sample, from the mean execution time found by the warm-up.

    With ``settings.min_sample_size`` a routine too slow for ``sample_size`` samples of one iteration in the
    measurement time takes as many as fit, down to that floor.
    """
    n = settings.sample_size
    target_ns = settings.measurement_time * 1e9
    met_ns = max(met_ns, 1e-3)
    if settings.min_sample_size is not None and n * met_ns > target_ns:
        fewer = max(min(settings.min_sample_size, n), int(target_ns // met_ns))
        plan = plan_samples(dataclasses.replace(settings, sample_size=fewer, min_sample_size=None), met_ns)
        return plan if plan.expected_ns > target_ns else dataclasses.replace(plan, fitting_sample_size=None)
    triangle = n * (n + 1) / 2
    d = max(1, math.ceil(target_ns / met_ns / triangle))
    linear_expected = triangle * d * met_ns
    mode = settings.sampling_mode
    if mode is SamplingMode.AUTO:
        mode = SamplingMode.FLAT if linear_expected > 2 * target_ns else SamplingMode.LINEAR

    if mode is SamplingMode.LINEAR:
        iters = tuple(d * i for i in range(1, n + 1))
        fitting = _round_sample_size((-1 + math.sqrt(4 * target_ns / met_ns)) / 2) if d == 1 else None
        return SamplingPlan(target_ns, mode, iters, linear_expected, fitting)
    k = max(1, math.ceil(target_ns / n / met_ns))
    fitting = _round_sample_size(target_ns / met_ns) if k == 1 else None
    return SamplingPlan(target_ns, SamplingMode.FLAT, (k,) * n, n * k * met_ns, fitting)


def warm_up(settings: Settings) -> Generator[int, float, tuple[int, float]]:
    """Doubling warm-up; returns (iterations run, nanoseconds taken)."""
    limit_ns = settings.warm_up_time * 1e9
    total_iters, total_ns, n = 0, 0.0, 1
    while True:
        total_ns += yield n
        total_iters += n
        if total_ns > limit_ns:
            return total_iters, total_ns
        n *= 2


def sample(settings: Settings, plan: SamplingPlan) -> Generator[int, float, tuple[float, ...]]:
    """Run the plan; returns the total time of every sample."""
    times = []
    for iters in plan.iters:
        times.append((yield iters))
    return tuple(times)


def quick(settings: Settings) -> Sampler:
    """Criterion's ``--quick``: double until two timings agree to the significance level, then stop.

    Two samples (n and 2n iterations) are kept and analysed like a linear run.
    """
    limit_ns = settings.measurement_time * 1e9
    n = 1
    t_prev = yield n
    elapsed = t_prev
    while True:
        t_now = yield 2 * n
        elapsed += t_now
        t = (t_prev + 2 * t_now) / 5
        spread = math.sqrt((t_prev - t) ** 2 + (t_now - 2 * t) ** 2)
        if (spread < settings.significance_level * t and elapsed > 1e8) or elapsed > limit_ns:
            return SampledRun(SamplingMode.LINEAR, (n, 2 * n), (t_prev, t_now), 0, 0.0, None)
        n *= 2
        t_prev = t_now


def process_count(settings: Settings) -> int:
    """How many worker processes measure a benchmark: ``settings.processes``, or one in quick mode."""
    return 1 if settings.quick else settings.processes


def process_share(settings: Settings, index: int, *, extension: bool = False) -> Settings | None:
    """The settings worker process ``index`` measures with, or None when the benchmark needs fewer processes.

    An ``extension`` process (one more asked for by ``--precision``) measures a share like any other.

    The sample size, measurement time and warm-up are split across ``settings.processes`` processes, so
    spreading a benchmark over processes costs no more time than measuring it in one. Each process still
    warms up for at least 0.1 s (or the whole warm-up, if shorter). Quick mode always uses one process.
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
