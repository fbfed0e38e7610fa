"""A benchmark's page: its charts, statistics, outliers, targets and change since the baseline."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from critbench.model import BenchmarkResult, ComparisonUnit, Estimate, SamplingMode, describe_baseline
from critbench.model._figures import ReportInput
from critbench.report import _format as fmt
from critbench.report import _html_figures_change as change_figures
from critbench.report import _html_figures_history as history_figures
from critbench.report import _html_figures_sample as sample_figures
from critbench.report._counts import EVENT_NAMES
from critbench.report._html_page import (
    INDICATOR_CLASS,
    VERDICT_CLASS,
    Chart,
    baseline_label,
    change_text,
    figures_data,
    group_path,
    render_page,
    time_text,
)
from critbench.report._terminal import p_clause, process_statistic_text, target_text


def _memory_text(result: BenchmarkResult) -> str:
    memory = result.memory
    if memory is None:
        return ""
    parts = []
    if memory.peak_rss_bytes is not None:
        parts.append(f"peak RSS {fmt.bytes_size(memory.peak_rss_bytes)}")
    if memory.allocated_per_iteration_bytes is not None:
        parts.append(f"{fmt.bytes_size(memory.allocated_per_iteration_bytes)} allocated per iteration")
    return ", ".join(parts)


def _interval(estimate: Estimate, unit: str = "ns") -> tuple[str, str, str]:
    return fmt.measured(estimate.lower, unit), fmt.measured(estimate.point, unit), fmt.measured(estimate.upper, unit)


def _count_statistics(result: BenchmarkResult) -> list[tuple[str, str, str, str]]:
    """A counted benchmark's figures: the count over its layouts (lowest, median, highest), then the events."""
    assert result.analysis is not None
    counts = result.analysis.counts
    assert counts is not None
    rows = [("Instructions per iteration", *_interval(result.analysis.estimates.median, "instructions"))]
    if counts.cycles is not None:
        rows.append(("Cycles (estimated)", "—", f"{counts.cycles:,.0f}", "—"))
    rows += [
        (EVENT_NAMES.get(name, name).capitalize(), "—", f"{value:,.1f}", "—") for name, value in counts.events.items()
    ]
    return rows


def _statistics(result: BenchmarkResult) -> list[tuple[str, str, str, str]]:
    assert result.analysis is not None
    if result.analysis.counts is not None:
        return _count_statistics(result)
    estimates = result.analysis.estimates
    rows: list[tuple[str, str, str, str]] = []
    if estimates.slope is not None:
        rows.append(("Slope", *_interval(estimates.slope)))
    spec = result.info.throughput
    if spec is not None:
        typical = estimates.typical
        rows.append(
            (
                "Throughput",
                fmt.throughput(spec, typical.upper).strip(),
                fmt.throughput(spec, typical.point).strip(),
                fmt.throughput(spec, typical.lower).strip(),
            )
        )
    if result.analysis.slope_r_squared is not None:
        low, high = result.analysis.slope_r_squared
        rows.append(("R²", f"{low:0.7f}", "—", f"{high:0.7f}"))
    rows += [
        ("Mean", *_interval(estimates.mean)),
        ("Std. Dev.", *_interval(estimates.std_dev)),
        ("Median", *_interval(estimates.median)),
        ("MAD", *_interval(estimates.median_abs_dev)),
    ]
    return rows


def _outliers(result: BenchmarkResult) -> tuple[str, str] | None:
    assert result.analysis is not None
    outliers = result.analysis.outliers
    n = outliers.sample_count
    if outliers.total == 0 or n == 0:
        return None
    parts = [
        f"{count} {label}"
        for label, count in (
            ("low severe", outliers.low_severe),
            ("low mild", outliers.low_mild),
            ("high mild", outliers.high_mild),
            ("high severe", outliers.high_severe),
        )
        if count
    ]
    return f"Found {outliers.total} outliers among {n} measurements ({100 * outliers.total / n:.2f}%)", ", ".join(parts)


_METRIC_NAMES = {"time": "Typical time", "instructions": "Instructions per iteration", "memory": "Peak memory"}


def _targets(result: BenchmarkResult) -> list[dict[str, str]]:
    rows = []
    for target in (result.time_target, result.memory_target):
        if target is None:
            continue
        rows.append(
            {
                "metric": _METRIC_NAMES[target.metric],
                "target": target_text(target),
                "achieved": target_text(replace(target, target=target.achieved)),
                "status": target.status.value,
                "ratio": target.ratio_text,
            }
        )
    return rows


def _change_section(data: ReportInput, result: BenchmarkResult) -> dict[str, Any] | None:
    comparison = result.comparison
    if comparison is None:
        return None
    change = comparison.change
    rows = [
        (
            "Change in mean",
            change_text(change.mean.lower),
            change_text(change.mean.point),
            change_text(change.mean.upper),
            p_clause(comparison),
        ),
        (
            "Change in median",
            change_text(change.median.lower),
            change_text(change.median.point),
            change_text(change.median.upper),
            "",
        ),
    ]
    if result.info.throughput is not None:

        def inverse(fraction: float) -> str:
            return change_text(1 / (1 + fraction) - 1)

        rows.append(
            (
                "Change in throughput",
                inverse(change.mean.upper),
                inverse(change.mean.point),
                inverse(change.mean.lower),
                "",
            )
        )
    unit = {
        ComparisonUnit.PROCESS: "worker processes (the faster half of them)",
        ComparisonUnit.PAIR: "pairs of samples taken in alternation (paired over worker processes)",
        ComparisonUnit.SAMPLE: "samples",
        ComparisonUnit.RUN: "the runs as wholes (too few samples to test), against run-to-run drift",
        ComparisonUnit.COUNT: "instruction counts, one per heap layout (their spread the noise)",
    }[comparison.unit]
    facts = [("Tested unit", unit)]
    if comparison.process_statistic is not None:
        facts.append(("Each process's figure", process_statistic_text(comparison).removeprefix("of each process's ")))
    facts += [
        ("Noise threshold", f"±{comparison.noise_threshold * 100:.3g}%"),
        ("Run-to-run noise floor", f"{comparison.noise_floor * 100:.3g}%"),
        ("Significance level", f"{comparison.significance_level:.2f}"),
        ("p-value", f"{change.p_value:.4f}"),
    ]
    if comparison.p_value_adjusted is not None:
        facts.append(("q-value (false-discovery adjusted)", f"{comparison.p_value_adjusted:.4f}"))
    if comparison.min_detectable_change is not None:
        facts.append(("Smallest detectable change", f"{comparison.min_detectable_change * 100:.3g}%"))
    return {
        "baseline": baseline_label(data) if data.baseline_name else describe_baseline(comparison.baseline),
        "rows": rows,
        "facts": facts,
        "indicator": comparison.indicator.value,
        "indicator_class": INDICATOR_CLASS[comparison.indicator],
        "verdict": comparison.verdict.message,
        "verdict_class": VERDICT_CLASS.get(comparison.verdict, ""),
    }


def _benchmark_charts(data: ReportInput, result: BenchmarkResult) -> list[Chart]:
    full_id = result.id.full_id
    prepared = data.figures.get(full_id)
    charts: list[Chart] = []
    if prepared is not None and result.unit == "instructions":
        if prepared.change is not None and result.comparison is not None:
            charts.append(Chart("change", "Change in count", change_figures.change(prepared, result.comparison)))
    elif prepared is not None and result.analysis is not None:
        charts.append(Chart("pdf", "Probability density", sample_figures.distribution(result, prepared)))
        if prepared.regression is not None and prepared.totals is not None:
            charts.append(Chart("regression", "Linear regression", sample_figures.regression(prepared)))
        else:
            charts.append(Chart("iterations", "Iteration times", sample_figures.iteration_times(prepared)))
        if prepared.baseline_density is not None and prepared.baseline_mean_ns is not None:
            label = baseline_label(data)
            overlay = change_figures.overlay(result, prepared, label, prepared.baseline_mean_ns)
            charts.append(Chart("overlay", f"Compared with {label}", overlay))
        if prepared.change is not None and result.comparison is not None:
            by_process = result.comparison.unit is ComparisonUnit.PROCESS
            title = "Change of the faster processes" if by_process else "Change in mean"
            charts.append(Chart("change", title, change_figures.change(prepared, result.comparison)))
    points = data.history.get(full_id, ())
    if points:
        charts.append(Chart("history", "History over runs", history_figures.history(points)))
    return charts


def _details(result: BenchmarkResult) -> list[tuple[str, str]]:
    info = result.info
    details = [("Package", info.package), ("Bench target", info.bench_target), ("Source", info.source)]
    counts = result.analysis.counts if result.analysis is not None else None
    if result.samples is not None and counts is not None:
        n = int(counts.iterations)
        layouts = len(counts.per_process)
        details.append(("Counted", f"{n}, {2 * n} and {3 * n} iterations in each of {layouts} heap layouts"))
        details.append(("Layouts", ", ".join(fmt.instructions(value) for value in counts.per_process)))
        if result.samples.overhead_ns > 0:
            overhead = fmt.instructions(result.samples.overhead_ns)
            details.append(("Harness overhead", f"{overhead} per iteration, subtracted"))
    elif result.samples is not None:
        mode = "linear" if result.samples.mode is SamplingMode.LINEAR else "flat"
        iterations = fmt.thousands(result.samples.total_iterations)
        processes = result.samples.process_count
        spread = f", {processes} worker processes" if processes > 1 else ""
        details.append(("Samples", f"{len(result.samples.iters)} ({mode} sampling, {iterations} iterations{spread})"))
        if result.samples.overhead_ns > 0:
            details.append(("Harness overhead", f"{time_text(result.samples.overhead_ns)} per iteration, subtracted"))
    memory = _memory_text(result)
    if memory:
        details.append(("Memory", memory))
    settings = info.settings
    details.append(
        (
            "Settings",
            f"confidence level {settings.confidence_level:g}, noise threshold {settings.noise_threshold:g}, "
            f"significance level {settings.significance_level:g}, {settings.nresamples} resamples",
        )
    )
    return [(label, value) for label, value in details if value]


def benchmark_page(data: ReportInput, result: BenchmarkResult) -> bytes:
    charts = _benchmark_charts(data, result)
    analysed = result.analysis is not None and result.failure is None
    failure = None
    if result.failure is not None:
        failure = {
            "kind": result.failure.kind.value,
            "reason": result.failure.reason,
            "detail": result.failure.detail,
        }
    return render_page(
        "benchmark.html",
        data,
        root="../",
        title=result.id.full_id,
        page_data=figures_data(charts),
        needs_plotly=bool(charts),
        charts=charts,
        id=result.id.full_id,
        group=result.id.group,
        group_href="../" + group_path(result.id.group),
        description=result.info.description,
        details=_details(result),
        warnings=[warning.text for warning in result.warnings],
        failure=failure,
        statistics=_statistics(result) if analysed else [],
        outliers=_outliers(result) if analysed else None,
        targets=_targets(result),
        change=_change_section(data, result),
    )
