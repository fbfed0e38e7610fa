"""The data behind the report's charts: densities, change distributions, fits and stability.

They are computed by ``critbench.stats._figures`` and ``critbench.compare._figures`` (the report layer
computes nothing) and checked here against scipy, against the analysis they illustrate, and by hand.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.stats

from critbench import stats
from critbench.compare import evaluate
from critbench.compare._figures import benchmark_figures, history_stability, prepare_report
from critbench.model import (
    BenchmarkId,
    BenchmarkInfo,
    BenchmarkResult,
    ComparisonUnit,
    Estimate,
    HistoryPoint,
    SamplingMode,
)
from critbench.stats._figures import (
    EXACT_DENSITY_LIMIT,
    density_curve,
    through_origin_slope,
)
from tests.report.test_html import SETTINGS, samples
from tests.report.test_markdown import run_record


def test_density_curve_is_criterions_kde_over_min_minus_3h_to_max_plus_3h() -> None:
    x = np.random.default_rng(1).lognormal(0.0, 0.2, 100)
    xs, ys = density_curve(x, 50)
    h = stats.silverman_bandwidth(x)
    assert xs[0] == pytest.approx(x.min() - 3 * h)
    assert xs[-1] == pytest.approx(x.max() + 3 * h)
    expected = scipy.stats.gaussian_kde(x, bw_method=(4 / (3 * x.size)) ** 0.2)(xs)
    np.testing.assert_allclose(ys, expected, rtol=1e-10)


def test_binned_density_of_a_large_sample_matches_the_exact_one() -> None:
    x = np.random.default_rng(2).normal(0.05, 0.01, 5 * EXACT_DENSITY_LIMIT)
    xs, ys = density_curve(x, 100)
    exact = stats.gaussian_kde(x, xs)
    assert np.max(np.abs(ys - exact)) < 1e-3 * exact.max()


def test_density_curve_refuses_samples_without_spread() -> None:
    with pytest.raises(ValueError, match="no spread"):
        density_curve([1.0, 1.0, 1.0], 10)
    with pytest.raises(ValueError, match="two points"):
        density_curve([1.0, 2.0], 1)


def test_each_change_test_returns_the_resamples_its_interval_came_from() -> None:
    """The change chart draws these resamples as they are, so they must be the interval's own."""
    rng = np.random.default_rng(3)
    new = rng.normal(110.0, 5.0, 100)
    base = rng.normal(100.0, 5.0, 100)
    by_sample = stats.sample_change(new, base, nresamples=4000, confidence_level=0.95, rng=stats.make_rng(0, "a"))
    lower, upper = np.percentile(by_sample.distribution, [2.5, 97.5])
    assert (lower, upper) == pytest.approx((by_sample.change.mean.lower, by_sample.change.mean.upper))
    assert by_sample.distribution.size == 4000

    new_processes = rng.lognormal(math.log(110), 0.02, 10)
    base_processes = rng.lognormal(math.log(100), 0.02, 10)
    by_process = stats.compare_processes(
        new_processes,
        base_processes,
        nresamples=4000,
        confidence_level=0.95,
        significance_level=0.05,
        noise_floor=0.03,
        rng=stats.make_rng(0, "b"),
    )
    # The by-process interval is the test's own (Δ ± z·total); its resamples give the chart its shape.
    delta = math.log1p(by_process.change.mean.point)
    expected = (
        math.expm1(delta - 1.959964 * by_process.standard_error),
        math.expm1(delta + 1.959964 * by_process.standard_error),
    )
    assert (by_process.change.mean.lower, by_process.change.mean.upper) == pytest.approx(expected, rel=1e-5)
    assert np.median(by_process.distribution) == pytest.approx(by_process.change.mean.point, abs=0.02)

    times_a = rng.normal(100.0, 1.0, 200)
    paired = stats.compare_paired(
        times_a,
        times_a * 1.05,
        np.repeat(np.arange(10), 20),
        nresamples=4000,
        confidence_level=0.95,
        significance_level=0.05,
        rng=stats.make_rng(0, "c"),
    )
    lower, upper = np.percentile(paired.distribution, [2.5, 97.5])
    assert (lower, upper) == pytest.approx((paired.change.mean.lower, paired.change.mean.upper))


def test_through_origin_slope_is_least_squares() -> None:
    x = np.arange(1.0, 11.0)
    y = 3.0 * x + np.random.default_rng(5).normal(0, 0.1, 10)
    (expected,), *_ = np.linalg.lstsq(x[:, None], y, rcond=None)
    assert through_origin_slope(x, y) == pytest.approx(expected)


DRAWS: dict[str, np.ndarray] = {}


def _evaluated(mode: SamplingMode, processes: int = 1) -> tuple[BenchmarkResult, BenchmarkResult]:
    """A result compared with its baseline, and the result's baseline as its own (unevaluated) record;
    the comparison's resamples are in ``DRAWS``."""
    bid = BenchmarkId("g", "f")
    new = samples(1000, seed=1, mode=mode, processes=processes)
    base = samples(900, seed=2, mode=mode, processes=processes)
    evaluation = evaluate(
        [BenchmarkResult(info=BenchmarkInfo(bid, settings=SETTINGS), samples=new)], {"g/f": base}, "b"
    )
    (result,) = evaluation.results
    DRAWS[bid.full_id] = evaluation.change_draws[bid.full_id]
    return result, BenchmarkResult(info=BenchmarkInfo(bid, settings=SETTINGS), samples=base)


def test_figures_show_the_samples_the_analysis_used() -> None:
    result, base = _evaluated(SamplingMode.LINEAR)
    assert result.samples is not None
    assert result.analysis is not None
    assert base.samples is not None
    figures = benchmark_figures(result, base.samples, DRAWS["g/f"])
    assert figures is not None
    estimates = result.analysis.estimates
    # Net of the harness overhead, as analysed: the figures' mean is the analysis's mean.
    assert np.mean(figures.per_iteration_ns) == pytest.approx(estimates.mean.point)
    points = figures.points
    outliers = result.analysis.outliers
    assert len(points.severe.xs) == outliers.low_severe + outliers.high_severe
    assert len(points.mild.xs) == outliers.low_mild + outliers.high_mild
    assert len(points.clean.xs) + len(points.mild.xs) + len(points.severe.xs) == len(result.samples.iters)
    assert figures.totals is not None
    assert figures.totals.xs == result.samples.iters
    assert figures.regression is not None
    assert estimates.slope is not None
    top = max(result.samples.iters)
    assert figures.regression.line == (0.0, estimates.slope.point * top)
    assert figures.regression.lower[-1] <= figures.regression.line[-1] <= figures.regression.upper[-1]
    base_per_iteration = np.asarray(base.samples.net_times_ns) / np.asarray(base.samples.iters)
    assert figures.baseline_mean_ns == pytest.approx(np.mean(base_per_iteration))
    assert figures.baseline_regression is not None
    assert figures.change is not None
    assert result.comparison is not None
    ci = figures.change.ci
    assert ci.ys
    assert result.comparison.change.mean.lower <= ci.start
    assert ci.start + (len(ci.ys) - 1) * ci.step <= result.comparison.change.mean.upper + 1e-12


def test_flat_sampling_has_no_regression_and_process_tests_their_own_distribution() -> None:
    flat, base = _evaluated(SamplingMode.FLAT, processes=5)
    assert base.samples is not None
    figures = benchmark_figures(flat, base.samples, DRAWS["g/f"])
    assert figures is not None
    assert figures.totals is None
    assert figures.regression is None
    assert figures.baseline_regression is None
    assert flat.comparison is not None
    assert flat.comparison.unit is ComparisonUnit.PROCESS
    assert figures.change is not None
    assert figures.change.distribution.ys


def test_no_figures_for_failed_benchmarks_and_no_change_without_a_baseline() -> None:
    result, _ = _evaluated(SamplingMode.LINEAR)
    assert benchmark_figures(BenchmarkResult(info=result.info)) is None
    alone = benchmark_figures(result)
    assert alone is not None
    assert alone.change is None
    assert alone.baseline_density is None


def _point(run: int, typical: float) -> HistoryPoint:
    return HistoryPoint(run, "2026-11-27", None, None, None, Estimate(typical, typical, typical, 0.0, 0.95))


def test_stability_is_the_coefficient_of_variation_across_runs() -> None:
    history = {
        "kernel/startup": tuple(_point(i, v) for i, v in enumerate((33.7e6, 37.8e6, 37.9e6))),
        "kernel/once": (_point(0, 5.0),),
        "kernel/none": (),
    }
    startup, once = history_stability(history)
    assert startup.runs == 3
    assert startup.mean_ns == pytest.approx(36.4667e6, rel=1e-4)
    assert startup.std_dev_ns == pytest.approx(2.3965e6, rel=1e-4)
    assert startup.cv == pytest.approx(0.0657, abs=1e-4)
    assert once.std_dev_ns is None
    assert once.cv is None
    assert [row.benchmark for row in history_stability(history, ["kernel/once", "missing"])] == ["kernel/once"]


def test_prepare_report_without_figures_for_the_markdown_report() -> None:
    result, _ = _evaluated(SamplingMode.LINEAR)
    data = prepare_report(run_record(None), [result], figures=False, history={"g/f": (_point(0, 1.0), _point(1, 2.0))})
    assert data.figures == {}
    assert [row.benchmark for row in data.stability] == ["g/f"]


def test_history_charts_keep_the_last_runs_and_stability_uses_them_all() -> None:
    result, _ = _evaluated(SamplingMode.LINEAR)
    points = tuple(_point(i, 1.0 + i % 3) for i in range(40))
    data = prepare_report(run_record(None), [result], figures=False, history={"g/f": points}, history_points=30)
    assert data.history["g/f"] == points[-30:]
    assert data.stability[0].runs == 40
