"""The HTML report: a folder of static pages that works offline, from a :class:`ReportInput` to file bytes.

::

    index.html                every benchmark: typical time, change, verdict, target, memory (sortable)
    benchmarks/<slug>.html    distribution, regression or iteration times, baseline overlay, change,
                              history, statistics and change tables
    groups/<slug>.html        violin plot of the group's benchmarks, means over the parameter
    history.html              typical time over the stored runs, the runs, stability across them
    assets/                   plotly.min.js (vendored in report/vendor/, MIT), report.css, report.js

:func:`render_html_report` is pure: it returns the files' relative paths and bytes, and the caller (storage)
writes them. This module lays out the index, group and history pages; ``_html_benchmark`` the benchmark
pages, ``_html_page`` what every page shares (safe names, escaping, templates), ``_html_figures*`` the charts.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from pathlib import Path

from critbench.model import BenchmarkResult, Estimate, RunSummary, describe_baseline
from critbench.model._figures import ReportInput
from critbench.report import _format as fmt
from critbench.report import _html_figures_group as group_figures
from critbench.report import _html_figures_history as history_figures
from critbench.report._html_assets import REPORT_CSS, REPORT_JS
from critbench.report._html_benchmark import benchmark_page
from critbench.report._html_page import (
    Chart,
    benchmark_path,
    figures_data,
    group_path,
    render_page,
    slug,
    table_row,
)

PLOTLY_ASSET = "assets/plotly.min.js"


PLOTLY_BUNDLE = Path(__file__).parent / "vendor" / "plotly.min.js"
"""plotly.js, minified, with its licence beside it: the one file critbench needed the 64 MB plotly package for."""


@functools.cache
def plotly_bundle() -> bytes:
    """Plotly.js, as vendored with critbench."""
    return PLOTLY_BUNDLE.read_bytes()


def _run_facts(data: ReportInput) -> list[tuple[str, str]]:
    run = data.run
    facts = [("Started", run.started_at), ("Finished", run.finished_at)]
    if run.command:
        facts.append(("Command", run.command))
    facts.append(
        ("Compared with", describe_baseline(data.baseline_name) if data.baseline_name else "nothing (no baseline)")
    )
    if run.saved_as:
        facts.append(("Saved as", run.saved_as))
    return facts


def _environment_facts(data: ReportInput) -> list[tuple[str, str]]:
    env = data.run.environment
    facts = [
        ("Python", f"{env.implementation} {env.python}".strip()),
        ("Platform", f"{env.platform} ({env.machine})" if env.machine else env.platform),
        ("CPU", f"{env.cpu_model} × {env.cpu_count}" if env.cpu_count else env.cpu_model),
        ("Host", env.hostname),
    ]
    if env.git_commit:
        commit = env.git_commit + (f" on {env.git_branch}" if env.git_branch else "")
        facts.append(("Commit", commit + (" (uncommitted changes)" if env.git_dirty else "")))
    return [(label, value) for label, value in facts if value]


def _summary(data: ReportInput) -> list[tuple[str, int, str]]:
    summary = RunSummary.of(data.results)
    items = [("benchmarks", len(data.results), "")]
    if data.baseline_name is not None:
        items += [
            ("regressed", len(summary.regressed), "regressed"),
            ("improved", len(summary.improved), "improved"),
            ("unchanged", len(summary.unchanged), ""),
        ]
        if summary.inconclusive:
            items.append(("inconclusive", len(summary.inconclusive), "warn"))
        if summary.not_compared:
            items.append(("not in the baseline", len(summary.not_compared), ""))
    items.append(("failed", len(summary.failed), "failed" if summary.failed else ""))
    if summary.targets_met or summary.targets_close or summary.targets_missed:
        items += [
            ("targets met", len(summary.targets_met), "MET"),
            ("targets close", len(summary.targets_close), "CLOSE"),
            ("targets missed", len(summary.targets_missed), "MISS" if summary.targets_missed else ""),
        ]
    return items


def _groups(data: ReportInput) -> dict[str, list[BenchmarkResult]]:
    grouped: dict[str, list[BenchmarkResult]] = {}
    for result in data.results:
        grouped.setdefault(result.id.group, []).append(result)
    return grouped


def _index(data: ReportInput, grouped: Mapping[str, Sequence[BenchmarkResult]]) -> bytes:
    rows = [table_row(result, "") for result in data.results]
    groups = [{"name": name, "href": group_path(name), "count": len(members)} for name, members in grouped.items()]
    return render_page(
        "index.html",
        data,
        root="",
        title="Benchmarks",
        page_data={},
        needs_plotly=False,
        run_facts=_run_facts(data),
        environment_facts=_environment_facts(data),
        summary=_summary(data),
        groups=groups,
        rows=rows,
        show_memory=any(row.memory for row in rows),
    )


def _member_label(result: BenchmarkResult) -> str:
    return result.id.function + (f"/{result.id.parameter}" if result.id.parameter is not None else "")


def _as_number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _parameter_series(members: Sequence[BenchmarkResult]) -> tuple[list[tuple[str, list[tuple[str, Estimate]]]], bool]:
    """Each function's (parameter, mean) pairs, ordered by value when every parameter is a number."""
    by_function: dict[str, list[tuple[str, Estimate]]] = {}
    for result in members:
        if result.id.parameter is None or result.analysis is None or result.failure is not None:
            continue
        by_function.setdefault(result.id.function, []).append((result.id.parameter, result.analysis.estimates.mean))
    numeric = all(_as_number(p) is not None for values in by_function.values() for p, _ in values)
    if numeric:
        for values in by_function.values():
            values.sort(key=lambda item: _as_number(item[0]) or 0.0)
    series = [(function, values) for function, values in by_function.items() if len(values) > 1]
    return series, numeric


def _group_page(data: ReportInput, name: str, members: Sequence[BenchmarkResult]) -> bytes:
    drawn = [(r, data.figures[r.id.full_id]) for r in members if r.id.full_id in data.figures and r.analysis]
    charts: list[Chart] = []
    if drawn:
        typicals = [r.analysis.estimates.typical.point for r, _ in drawn if r.analysis is not None]
        violin = group_figures.violin(
            [(_member_label(r), prepared.per_iteration_ns) for r, prepared in drawn],
            max(typicals),
            log=group_figures.wide(typicals),
            measured_in=drawn[0][0].unit,
        )
        charts.append(Chart("violin", "Violin plot", violin))
    series, numeric = _parameter_series(members)
    if series:
        means = [estimate.point for _, values in series for _, estimate in values]
        parameters = [_as_number(p) or 0.0 for _, values in series for p, _ in values] if numeric else []
        lines = group_figures.parameter_lines(
            series,
            numeric=numeric,
            log_x=group_figures.wide(parameters),
            log_y=group_figures.wide(means),
            measured_in=members[0].unit if members else "ns",
        )
        charts.append(Chart("lines", "Mean over the parameter", lines))
    return render_page(
        "group.html",
        data,
        root="../",
        title=name,
        page_data=figures_data(charts),
        needs_plotly=bool(charts),
        charts=charts,
        group=name,
        rows=[table_row(result, "../") for result in members],
    )


def _history_page(data: ReportInput) -> bytes:
    ordered = [r.id.full_id for r in data.results if data.history.get(r.id.full_id)]
    listed = set(ordered)
    ordered += [key for key, points in data.history.items() if points and key not in listed]
    histories = {slug(key): history_figures.history(data.history[key]) for key in ordered}
    runs: dict[int, tuple[int, str, str, str, str, str]] = {}
    for points in data.history.values():
        for point in points:
            commit = history_figures.history_label(point) if point.git_commit else ""
            runs.setdefault(
                point.run_id,
                (
                    point.run_id,
                    point.started_at,
                    commit,
                    point.git_branch or "",
                    point.saved_as or "",
                    describe_baseline(point.compared_with) if point.compared_with else "",
                ),
            )
    stability = [
        {
            "id": row.benchmark,
            "href": benchmark_path(row.benchmark),
            "runs": row.runs,
            "mean": fmt.measured(row.mean_ns, row.unit),
            "mean_sort": row.mean_ns,
            "std": fmt.measured(row.std_dev_ns, row.unit) if row.std_dev_ns is not None else "—",
            "std_sort": row.std_dev_ns if row.std_dev_ns is not None else "",
            "cv": f"{row.cv * 100:.1f}%" if row.cv is not None else "—",
            "cv_sort": row.cv if row.cv is not None else "",
        }
        for row in data.stability
    ]
    return render_page(
        "history.html",
        data,
        root="",
        title="History",
        page_data={"histories": histories},
        needs_plotly=bool(histories),
        choices=[(slug(key), key) for key in ordered],
        runs=[runs[key] for key in sorted(runs)],
        stability=stability,
    )


def render_html_report(data: ReportInput) -> dict[str, bytes]:
    """Every file of the HTML report, by path relative to the report folder (``index.html`` first)."""
    grouped = _groups(data)
    files: dict[str, bytes] = {"index.html": _index(data, grouped), "history.html": _history_page(data)}
    for result in data.results:
        files[benchmark_path(result.id.full_id)] = benchmark_page(data, result)
    for name, members in grouped.items():
        files[group_path(name)] = _group_page(data, name, members)
    files[PLOTLY_ASSET] = plotly_bundle()
    files["assets/report.css"] = REPORT_CSS.encode("utf-8")
    files["assets/report.js"] = REPORT_JS.encode("utf-8")
    return files
