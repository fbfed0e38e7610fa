"""Which test one benchmark's change gets against its baseline, and what the test found.

The change test depends on what was measured: instruction counts get theirs (``compare._counts``);
critbench ab's samples, taken in alternation, are tested pair by pair (``stats.compare_paired``); with fewer
than ten samples on a side the runs are compared as wholes against drift (``stats.compare_runs``); with five
or more worker processes on each side the process is the unit (``stats.compare_processes``); otherwise
Criterion's sample-level test is used and its noise threshold is raised to the noise floor's band. Either way
a change must clear the run-to-run noise floor τ to be called a regression, and every comparison carries its
minimum detectable change.
"""

from __future__ import annotations

import dataclasses
import math
from statistics import NormalDist

import numpy as np
import numpy.typing as npt

from critbench import stats
from critbench.compare._counts import count_test
from critbench.model import ComparisonUnit, ProcessStatistic, Samples, Settings

FloatArray = npt.NDArray[np.float64]


@dataclasses.dataclass(frozen=True)
class ChangeTest:
    """One benchmark's change test: its result (the change, the detectable change, the standard error of the
    log change it was computed from, the resamples behind the interval), how it was made, and the noise
    threshold the verdict applies."""

    result: stats.ProcessChange
    unit: ComparisonUnit
    noise_threshold: float
    noise_floor: float | None = None
    """τ as the test used it, where it differs from the benchmark's (raised for drifting windows)."""
    process_statistic: ProcessStatistic | None = None
    window_gap: float | None = None


@dataclasses.dataclass(frozen=True)
class _ByProcess:
    """What the by-process test compares: one figure per process on each side, and the floor to allow."""

    new: FloatArray
    base: FloatArray
    noise_floor: float
    statistic: ProcessStatistic
    window_gap: float | None = None


def _process_values(samples: Samples) -> FloatArray:
    return stats.process_estimates(samples.iters, samples.net_times_ns, samples.process)


def _by_process(new: Samples, base: Samples, noise_floor: float) -> _ByProcess:
    """Each side's per-process figures and the noise floor to test them against: the fastest ~0.1 ms window
    of each process where both sides recorded windows (``stats.window_estimates`` says why), with the floor
    raised where the windows drift like memory-bound code's; else each process's fastest sample."""
    new_windows, base_windows = new.net_fastest_ns, base.net_fastest_ns
    if new_windows is None or base_windows is None:
        return _ByProcess(_process_values(new), _process_values(base), noise_floor, ProcessStatistic.FASTEST_SAMPLE)
    gaps = [stats.window_gap(new_windows, new.process), stats.window_gap(base_windows, base.process)]
    known = [gap for gap in gaps if gap is not None]
    return _ByProcess(
        stats.window_estimates(new_windows, new.process),
        stats.window_estimates(base_windows, base.process),
        stats.window_noise_floor(noise_floor, gaps),
        ProcessStatistic.FASTEST_WINDOW,
        max(known) if known else None,
    )


def process_statistic(samples: Samples, noise_floor: float) -> tuple[FloatArray, float]:
    """One side's per-process figures as the by-process test compares them, and the floor it would allow
    (for the run's stopping rule): the fastest windows where recorded, else the fastest samples."""
    figures = _by_process(samples, samples, noise_floor)
    return figures.new, figures.noise_floor


def paired_test(new: Samples, base: Samples, settings: Settings, key: str) -> ChangeTest:
    """critbench ab: ``base`` holds revision A's samples, pair by pair with ``new``'s."""
    if new.iters != base.iters or new.process != base.process:
        raise ValueError("revision A's samples do not pair with revision B's")
    result = stats.compare_paired(
        base.net_times_ns,
        new.net_times_ns,
        new.process,
        a_first=base.ran_first,
        nresamples=settings.nresamples,
        confidence_level=settings.confidence_level,
        significance_level=settings.significance_level,
        rng=stats.make_rng(settings.seed, "paired:" + key),
    )
    return ChangeTest(result, ComparisonUnit.PAIR, settings.noise_threshold)


def change_test(new: Samples, base: Samples, settings: Settings, noise_floor: float, key: str) -> ChangeTest:
    """The test the module docstring chooses for ``new`` against ``base``, at the noise floor ``noise_floor``."""
    if new.counted or base.counted:
        counted, threshold = count_test(new, base, settings, noise_floor, key)
        return ChangeTest(counted, ComparisonUnit.COUNT, threshold)
    rng = stats.make_rng(settings.seed, "change:" + key)
    if min(len(new.iters), len(base.iters)) < stats.MIN_SAMPLES_TO_TEST:
        coarse = stats.compare_runs(
            new.net_per_iteration_ns,
            base.net_per_iteration_ns,
            noise_floor=noise_floor,
            confidence_level=settings.confidence_level,
            significance_level=settings.significance_level,
            rng=rng,
        )
        # The drift is in the test already (its interval excludes zero exactly when it is significant), so the
        # noise threshold stays the configured one: a band on top of the band would hide a doubling.
        return ChangeTest(coarse, ComparisonUnit.RUN, settings.noise_threshold)
    if new.process_count >= stats.MIN_PROCESSES and base.process_count >= stats.MIN_PROCESSES:
        by_process = _by_process(new, base, noise_floor)
        result = stats.compare_processes(
            by_process.new,
            by_process.base,
            nresamples=settings.nresamples,
            confidence_level=settings.confidence_level,
            significance_level=settings.significance_level,
            noise_floor=by_process.noise_floor,
            rng=rng,
        )
        return ChangeTest(
            result,
            ComparisonUnit.PROCESS,
            settings.noise_threshold,
            noise_floor=by_process.noise_floor,
            process_statistic=by_process.statistic,
            window_gap=by_process.window_gap,
        )
    by_sample = stats.sample_change(
        np.asarray(new.net_per_iteration_ns),
        np.asarray(base.net_per_iteration_ns),
        nresamples=settings.nresamples,
        confidence_level=settings.confidence_level,
        rng=rng,
    )
    change = by_sample.change
    # Samples of one process are not independent: the run-to-run floor widens what counts as noise.
    z = NormalDist().inv_cdf(1 - (1 - settings.confidence_level) / 2)
    within = math.log1p(change.mean.upper) - math.log1p(change.mean.lower)
    within_se = max(within, 0.0) / (2 * z)
    total_se = math.sqrt(within_se**2 + 2 * noise_floor**2)
    threshold = max(settings.noise_threshold, math.expm1(z * math.sqrt(2) * noise_floor))
    detectable = stats.detectable_change(total_se, settings.significance_level)
    result = stats.ProcessChange(change, detectable, total_se, by_sample.distribution)
    return ChangeTest(result, ComparisonUnit.SAMPLE, threshold)
