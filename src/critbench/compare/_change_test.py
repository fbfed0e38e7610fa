"""Which test one benchmark's change gets against its baseline, and what the test found.

The change test depends on what was measured: instruction counts get theirs (``compare._counts``);
critbench ab's samples, taken in alternation, are tested pair by pair (``stats.compare_paired``); with fewer
than ten samples on a side the runs are compared as wholes against drift (``stats.compare_runs``); with five
or more worker processes on each side the process is the unit (``stats.compare_processes``), each process's
figure chosen by ``compare._process_figures``; otherwise
Criterion's sample-level test is used and its noise threshold is raised to the noise floor's band. Either way
a change must clear the run-to-run noise floor τ to be called a regression, and every comparison carries its
minimum detectable change.
"""

from __future__ import annotations

import dataclasses
import math
from statistics import NormalDist

import numpy as np

from critbench import stats
from critbench.compare._counts import count_test
from critbench.compare._process_figures import ByProcess, by_process
from critbench.model import ComparisonUnit, ProcessStatistic, Samples, Settings


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
    window_spread: float | None = None
    layout_set_aside: int | None = None


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


def _by_figures(
    result: stats.ProcessChange, unit: ComparisonUnit, settings: Settings, figures: ByProcess, noise_floor: float
) -> ChangeTest:
    """A test of per-process figures: what they were, and what raised the floor, kept for the printout."""
    return ChangeTest(
        result,
        unit,
        settings.noise_threshold,
        noise_floor=noise_floor,
        process_statistic=figures.statistic,
        window_gap=figures.window_gap,
        window_spread=figures.window_spread,
    )


def change_test(new: Samples, base: Samples, settings: Settings, noise_floor: float, key: str) -> ChangeTest:
    """The test the module docstring chooses for ``new`` against ``base``, at the noise floor ``noise_floor``."""
    if new.counted or base.counted:
        counted, threshold, set_aside = count_test(new, base, settings, noise_floor, key)
        return ChangeTest(counted, ComparisonUnit.COUNT, threshold, layout_set_aside=set_aside)
    rng = stats.make_rng(settings.seed, "change:" + key)
    if min(len(new.iters), len(base.iters)) < stats.MIN_SAMPLES_TO_TEST:
        # Each process's fastest window where kept (a busier run moves it least), against the drift such
        # figures show: windows less than whole samples, unless they drift like memory-bound code's.
        figures = by_process(new, base, noise_floor)
        band = stats.COARSE_NOISE_FLOOR
        if figures.statistic is ProcessStatistic.FASTEST_WINDOW:
            drifting = figures.noise_floor > noise_floor
            band = stats.COARSE_DRIFTING_NOISE_FLOOR if drifting else stats.COARSE_WINDOW_NOISE_FLOOR
        coarse = stats.compare_runs(
            figures.new,
            figures.base,
            noise_floor=noise_floor,
            band=band,
            confidence_level=settings.confidence_level,
            significance_level=settings.significance_level,
            rng=rng,
        )
        # The drift is in the test already (its interval excludes zero exactly when it is significant), so the
        # noise threshold stays the configured one: a band on top of the band would hide a doubling.
        return _by_figures(coarse, ComparisonUnit.RUN, settings, figures, max(band, noise_floor))
    if new.process_count >= stats.MIN_PROCESSES and base.process_count >= stats.MIN_PROCESSES:
        per_process = by_process(new, base, noise_floor)
        result = stats.compare_processes(
            per_process.new,
            per_process.base,
            nresamples=settings.nresamples,
            confidence_level=settings.confidence_level,
            significance_level=settings.significance_level,
            noise_floor=per_process.noise_floor,
            rng=rng,
        )
        return _by_figures(result, ComparisonUnit.PROCESS, settings, per_process, per_process.noise_floor)
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
