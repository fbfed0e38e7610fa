"""Prepare what the reports draw: densities, outlier classes, fitted lines, change distributions, stability.

The report layer renders and computes nothing, so this module turns finished results (and the baseline's
samples and the stored history) into :class:`~critbench.model.ReportInput`, the one record the HTML and
Markdown renderers take. Curves are kept short (:data:`FIGURE_POINTS` points) and the change distribution
is drawn from :data:`CHANGE_RESAMPLES` resamples at most, so preparing a report of 500 benchmarks takes a
few seconds, not the minutes a full 100,000-resample bootstrap per chart would.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from critbench import stats
from critbench.compare._stability import stability_table
from critbench.model import (
    BenchmarkFigures,
    BenchmarkResult,
    ChangeFigure,
    Curve,
    Density,
    FitBand,
    HistoryPoint,
    ReportInput,
    RunRecord,
    SamplePoints,
    Samples,
    SamplingMode,
    Stability,
)
from critbench.stats._figures import density_curve, through_origin_slope

FIGURE_POINTS = 100
"""Points per density curve: smooth at a chart's width, small in a report of hundreds of pages."""

HISTORY_POINTS = 30
"""Runs a history chart shows (the last ones); stability is computed from every run given."""

CHANGE_RESAMPLES = 2000
"""Resamples behind a change-distribution chart (its shape; the interval shown is the comparison's own)."""

FloatArray = npt.NDArray[np.float64]


def _curve(xs: FloatArray, ys: FloatArray) -> Curve:
    return Curve(tuple(xs.tolist()), tuple(ys.tolist()))


def _net_totals(samples: Samples) -> FloatArray:
    """Each sample's total time without the harness overhead: the times the analysis used."""
    return np.asarray(samples.net_times_ns, dtype=np.float64)


def _density(values: FloatArray, points: int) -> Density:
    """The KDE of ``values``, or an empty density when they do not vary (a density needs a spread)."""
    try:
        xs, ys = density_curve(values, points)
    except ValueError:
        return Density(float(values[0]) if values.size else 0.0, 0.0, ())
    return Density(float(xs[0]), float(xs[1] - xs[0]), tuple(ys.tolist()))


def _sample_points(per_iteration: FloatArray, iters: FloatArray, result: BenchmarkResult) -> SamplePoints:
    assert result.analysis is not None
    _, labels = stats.classify_outliers(per_iteration, result.analysis.fences)
    distance = np.abs(labels)

    def where(mask: npt.NDArray[np.bool_]) -> Curve:
        return _curve(per_iteration[mask], iters[mask])

    return SamplePoints(clean=where(distance == 0), mild=where(distance == 1), severe=where(distance == 2))


def _regression(samples: Samples, result: BenchmarkResult) -> FitBand | None:
    assert result.analysis is not None
    slope = result.analysis.estimates.slope
    if samples.mode is not SamplingMode.LINEAR or slope is None:
        return None
    top = max(samples.iters)
    return FitBand(
        xs=(0.0, top),
        line=(0.0, slope.point * top),
        lower=(0.0, slope.lower * top),
        upper=(0.0, slope.upper * top),
    )


def _baseline_regression(new: Samples, base: Samples) -> Curve | None:
    if new.mode is not SamplingMode.LINEAR or base.mode is not SamplingMode.LINEAR:
        return None
    top = max(base.iters)
    return Curve((0.0, top), (0.0, through_origin_slope(base.iters, _net_totals(base)) * top))


def _inside(density: Density, lower: float, upper: float) -> Density:
    """The grid points of ``density`` with ``lower <= x <= upper`` (empty when none is)."""
    if not density.ys or density.step <= 0:
        return Density(lower, density.step, ())
    first = max(0, math.ceil((lower - density.start) / density.step))
    stop = min(len(density.ys), math.floor((upper - density.start) / density.step) + 1)
    if first >= stop:
        return Density(lower, density.step, ())
    return Density(density.start + first * density.step, density.step, density.ys[first:stop])


def _thinned(draws: FloatArray, count: int) -> FloatArray:
    """At most ``count`` of ``draws``, evenly spaced: the shape of the distribution for a chart."""
    step = max(1, -(-draws.size // count))
    thinned: FloatArray = draws[::step]
    return thinned


def _change(result: BenchmarkResult, draws: FloatArray | None, points: int, resamples: int) -> ChangeFigure | None:
    comparison = result.comparison
    if comparison is None or draws is None or draws.size < 2:
        return None
    curve = _density(_thinned(draws, resamples), points)
    return ChangeFigure(
        distribution=curve, ci=_inside(curve, comparison.change.mean.lower, comparison.change.mean.upper)
    )


def benchmark_figures(
    result: BenchmarkResult,
    baseline: Samples | None = None,
    change_draws: FloatArray | None = None,
    *,
    points: int = FIGURE_POINTS,
    change_resamples: int = CHANGE_RESAMPLES,
) -> BenchmarkFigures | None:
    """The chart data of one analysed benchmark; None for one that failed or has no samples.

    Times are net of the harness overhead, as the analysis used them. ``baseline`` is the baseline's
    samples of the same benchmark, for the overlays; ``change_draws`` the comparison's own bootstrap
    resamples (:class:`~critbench.compare.Evaluation`), drawn as the change distribution.
    """
    samples, analysis = result.samples, result.analysis
    if samples is None or analysis is None or result.failure is not None:
        return None
    if samples.counted:
        return _count_figures(result, samples, baseline, change_draws, points=points, change_resamples=change_resamples)
    per_iteration = np.asarray(samples.net_per_iteration_ns, dtype=np.float64)
    iters = np.asarray(samples.iters, dtype=np.float64)
    linear = samples.mode is SamplingMode.LINEAR and analysis.estimates.slope is not None
    base_per_iteration = None if baseline is None else np.asarray(baseline.net_per_iteration_ns, dtype=np.float64)
    return BenchmarkFigures(
        per_iteration_ns=tuple(per_iteration.tolist()),
        density=_density(per_iteration, points),
        points=_sample_points(per_iteration, iters, result),
        totals=_curve(iters, _net_totals(samples)) if linear else None,
        regression=_regression(samples, result),
        baseline_density=None if base_per_iteration is None else _density(base_per_iteration, points),
        baseline_mean_ns=None if base_per_iteration is None else float(np.mean(base_per_iteration)),
        baseline_regression=None if baseline is None else _baseline_regression(samples, baseline),
        change=_change(result, change_draws, points, change_resamples),
    )


def _count_figures(
    result: BenchmarkResult,
    samples: Samples,
    baseline: Samples | None,
    change_draws: FloatArray | None,
    *,
    points: int,
    change_resamples: int,
) -> BenchmarkFigures:
    """Counted samples: one point per heap layout (its net count per iteration), and the change's model draws."""
    counts, _ = stats.per_process_counts(samples)
    base = stats.per_process_counts(baseline)[0] if baseline is not None and baseline.counted else None
    n = float(min(samples.iters))
    empty = Curve((), ())
    return BenchmarkFigures(
        per_iteration_ns=tuple(counts.tolist()),
        density=_density(counts, points),
        points=SamplePoints(clean=_curve(counts, np.full(counts.size, n)), mild=empty, severe=empty),
        baseline_density=None if base is None else _density(base, points),
        baseline_mean_ns=None if base is None else float(np.mean(base)),
        change=_change(result, change_draws, points, change_resamples),
    )


def history_stability(
    history: Mapping[str, Sequence[HistoryPoint]], ids: Sequence[str] | None = None
) -> tuple[Stability, ...]:
    """The seed's stability table over the stored runs: :func:`stability_table` of each benchmark's typical
    times in ``history``. ``ids`` picks and orders the benchmarks (default: every one in ``history``)."""
    chosen = ids if ids is not None else list(history)
    units = {key: points[-1].unit for key in chosen if (points := history.get(key, ()))}
    return stability_table({key: _typicals(history.get(key, ())) for key in chosen}, units)


def _typicals(points: Sequence[HistoryPoint]) -> list[float]:
    """The typical figures of the runs measured like the last one (times or instruction counts, not both)."""
    unit = points[-1].unit if points else "ns"
    return [point.typical.point for point in points if point.unit == unit]


def prepare_report(
    run: RunRecord,
    results: Sequence[BenchmarkResult],
    *,
    baseline_name: str | None = None,
    baseline_samples: Mapping[str, Samples] | None = None,
    change_draws: Mapping[str, FloatArray] | None = None,
    history: Mapping[str, Sequence[HistoryPoint]] | None = None,
    figures: bool = True,
    history_points: int = HISTORY_POINTS,
) -> ReportInput:
    """The :class:`ReportInput` of a finished run: its results with chart data, history and stability.

    ``history`` maps full ids to their stored runs, oldest first, the current run included; the charts
    keep the last ``history_points`` of them (each point is drawn on two pages, so a long history would
    dominate the report's size), the stability table uses them all. Pass ``figures=False`` when only the
    Markdown report is wanted: it draws no charts.
    """
    history = history or {}
    chart_data = {}
    if figures:
        for result in results:
            base = baseline_samples.get(result.id.full_id) if baseline_samples is not None else None
            draws = change_draws.get(result.id.full_id) if change_draws is not None else None
            made = benchmark_figures(result, base, draws)
            if made is not None:
                chart_data[result.id.full_id] = made
    ids = [result.id.full_id for result in results]
    return ReportInput(
        run=run,
        results=tuple(results),
        baseline_name=baseline_name,
        figures=chart_data,
        history={key: tuple(points)[-history_points:] for key, points in history.items() if history_points > 0},
        stability=history_stability(history, ids),
    )
