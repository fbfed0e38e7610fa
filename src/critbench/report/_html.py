"""The HTML report: a folder of static pages that works offline, from a :class:`ReportInput` to file bytes.

::

    index.html                every benchmark: typical time, change, verdict, target, memory (sortable)
    benchmarks/<slug>.html    distribution, regression or iteration times, baseline overlay, change,
                              history, statistics and change tables
    groups/<slug>.html        violin plot of the group's benchmarks, means over the parameter
    history.html              typical time over the stored runs, the runs, stability across them
    assets/                   plotly.min.js (from the installed plotly package), report.css, report.js

:func:`render_html_report` is pure: it returns the files' relative paths and bytes, and the caller (storage)
writes them. Names are never used as paths: each page's file name is a sanitised id plus a hash of it.
User strings are HTML-escaped by the templates and travel to the charts as JSON inside
``<script type="application/json">`` with ``<``, ``>`` and ``&`` escaped, so no id can end a script.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from critbench.model import BenchmarkResult, Estimate, Indicator, SamplingMode, Verdict
from critbench.model._figures import ReportInput
from critbench.report import _format as fmt
from critbench.report import _html_figures as figures
from critbench.report._html_assets import REPORT_CSS, REPORT_JS
from critbench.report._html_templates import TEMPLATES
from critbench.report._terminal import _p_clause

if TYPE_CHECKING:
    import jinja2

PLOTLY_ASSET = "assets/plotly.min.js"
_SLUG_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_JSON_UNSAFE = re.compile("[<>&\u2028\u2029]")


def slug(name: str) -> str:
    """A safe, unique file name stem for ``name``: its letters, digits, ``-`` and ``_``, plus a hash.

    The hash (BLAKE2b of the whole name) keeps names distinct that sanitise alike, also on case-insensitive
    file systems; the readable part is cut at 48 characters.
    """
    readable = _SLUG_UNSAFE.sub("-", name).strip("-")[:48] or "x"
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=5).hexdigest()
    return f"{readable}-{digest}"


def benchmark_path(full_id: str) -> str:
    return f"benchmarks/{slug(full_id)}.html"


def group_path(group: str) -> str:
    return f"groups/{slug(group)}.html"


def script_json(value: Any) -> str:
    """``value`` as JSON that is safe inside ``<script type="application/json">`` (no ``</script>``)."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return _JSON_UNSAFE.sub(lambda match: _JSON_ESCAPES[match.group()], text)


@functools.cache
def plotly_bundle() -> bytes:
    """Plotly.js as the installed ``plotly`` package ships it (found without importing plotly, which is slow)."""
    spec = importlib.util.find_spec("plotly")
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    for location in locations:
        bundle = Path(location) / "package_data" / "plotly.min.js"
        if bundle.is_file():
            return bundle.read_bytes()
    raise RuntimeError("the HTML report needs the 'plotly' package (pip install plotly), which bundles plotly.min.js")


@functools.cache
def _environment() -> jinja2.Environment:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.DictLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@dataclass(frozen=True)
class _Chart:
    key: str
    title: str


@dataclass(frozen=True)
class _Row:
    """One benchmark in the index and group tables, preformatted."""

    id: str
    href: str
    group: str
    group_href: str
    failure: str | None = None
    time: tuple[str, str, str] | None = None
    time_sort: float | str = ""
    change: str = "—"
    change_range: str = ""
    change_sort: float | str = ""
    indicator: str = ""
    indicator_class: str = ""
    verdict: str = ""
    verdict_class: str = ""
    target: str = ""
    target_class: str = ""
    target_sort: float | str = ""
    memory: str = ""
    memory_sort: float | str = ""


_INDICATOR_CLASS = {Indicator.OK: "ok", Indicator.WARN: "warn", Indicator.BAD: "bad"}
_VERDICT_CLASS = {Verdict.REGRESSED: "regressed", Verdict.IMPROVED: "improved"}


def _t(ns: float) -> str:
    return fmt.time(ns).strip()


def _c(fraction: float) -> str:
    return fmt.change(fraction).strip()


def _memory(data: ReportInput, result: BenchmarkResult) -> float | None:
    measured = data.memory_peak_bytes.get(result.id.full_id)
    if measured is not None:
        return float(measured)
    return result.memory_target.achieved if result.memory_target is not None else None


def _row(data: ReportInput, result: BenchmarkResult, prefix: str) -> _Row:
    full_id = result.id.full_id
    base = {
        "id": full_id,
        "href": prefix + benchmark_path(full_id),
        "group": result.id.group,
        "group_href": prefix + group_path(result.id.group),
    }
    if result.failure is not None or result.analysis is None:
        reason = result.failure.reason if result.failure is not None else "no measurements"
        return _Row(**base, failure=reason)
    typical = result.analysis.estimates.typical
    extra: dict[str, Any] = {
        "time": (_t(typical.lower), _t(typical.point), _t(typical.upper)),
        "time_sort": typical.point,
    }
    comparison = result.comparison
    if comparison is not None:
        mean = comparison.change.mean
        extra.update(
            change=_c(mean.point),
            change_range=f"[{_c(mean.lower)} {_c(mean.upper)}] {_p_clause(comparison)}",
            change_sort=mean.point,
            indicator=comparison.indicator.value,
            indicator_class=_INDICATOR_CLASS[comparison.indicator],
            verdict=comparison.verdict.message,
            verdict_class=_VERDICT_CLASS.get(comparison.verdict, ""),
        )
    targets = [t for t in (result.time_target, result.memory_target) if t is not None]
    if targets:
        extra.update(
            target=" · ".join(
                f"{'' if t.metric == 'time' else 'memory '}{t.status.value} ({t.ratio_text})" for t in targets
            ),
            target_class=targets[0].status.value,
            target_sort=max(t.ratio for t in targets),
        )
    memory = _memory(data, result)
    if memory is not None:
        extra.update(memory=fmt.bytes_size(memory), memory_sort=memory)
    return _Row(**base, **extra)


def _page(
    template: str, data: ReportInput, *, root: str, title: str, page_data: Any, needs_plotly: bool, **context: Any
) -> bytes:
    html = (
        _environment()
        .get_template(template)
        .render(
            root=root,
            title=title,
            needs_plotly=needs_plotly,
            version=data.run.environment.critbench_version,
            started_at=data.run.started_at,
            data_json=_markup(script_json(page_data)),
            **context,
        )
    )
    return html.encode("utf-8")


def _markup(text: str) -> Any:
    from markupsafe import Markup

    return Markup(text)  # noqa: S704 - script_json escaped every character that could end the script


def _baseline_label(data: ReportInput) -> str:
    return f"baseline '{data.baseline_name}'" if data.baseline_name else "the baseline"


def _run_facts(data: ReportInput) -> list[tuple[str, str]]:
    run = data.run
    facts = [("Started", run.started_at), ("Finished", run.finished_at)]
    if run.command:
        facts.append(("Command", run.command))
    facts.append(("Compared with", data.baseline_name or "nothing (no baseline)"))
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
    from critbench.model import RunSummary

    summary = RunSummary.of(data.results)
    items = [("benchmarks", len(data.results), "")]
    if data.baseline_name is not None:
        items += [
            ("regressed", len(summary.regressed), "regressed"),
            ("improved", len(summary.improved), "improved"),
            ("unchanged", len(summary.unchanged), ""),
        ]
        if summary.not_compared:
            items.append(("not in the baseline", len(summary.not_compared), ""))
    items.append(("failed", len(summary.failed), "failed" if summary.failed else ""))
    if summary.targets_met or summary.targets_close or summary.targets_missed:
        items += [
            ("targets met", len(summary.targets_met), "MET"),
            ("close", len(summary.targets_close), "CLOSE"),
            ("missed", len(summary.targets_missed), "MISS" if summary.targets_missed else ""),
        ]
    return items


def _groups(data: ReportInput) -> dict[str, list[BenchmarkResult]]:
    grouped: dict[str, list[BenchmarkResult]] = {}
    for result in data.results:
        grouped.setdefault(result.id.group, []).append(result)
    return grouped


def _index(data: ReportInput, grouped: Mapping[str, Sequence[BenchmarkResult]]) -> bytes:
    groups = [{"name": name, "href": group_path(name), "count": len(members)} for name, members in grouped.items()]
    return _page(
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
        rows=[_row(data, result, "") for result in data.results],
    )


def _interval(estimate: Estimate) -> tuple[str, str, str]:
    return _t(estimate.lower), _t(estimate.point), _t(estimate.upper)


def _statistics(result: BenchmarkResult) -> list[tuple[str, str, str, str]]:
    assert result.analysis is not None
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


def _targets(result: BenchmarkResult) -> list[dict[str, str]]:
    rows = []
    for target in (result.time_target, result.memory_target):
        if target is None:
            continue
        show = _t if target.metric == "time" else fmt.bytes_size
        rows.append(
            {
                "metric": "Typical time" if target.metric == "time" else "Peak memory",
                "target": show(target.target),
                "achieved": show(target.achieved),
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
        ("Change in mean", _c(change.mean.lower), _c(change.mean.point), _c(change.mean.upper), _p_clause(comparison)),
        ("Change in median", _c(change.median.lower), _c(change.median.point), _c(change.median.upper), ""),
    ]
    if result.info.throughput is not None:

        def inverse(fraction: float) -> str:
            return _c(1 / (1 + fraction) - 1)

        rows.append(
            (
                "Change in throughput",
                inverse(change.mean.upper),
                inverse(change.mean.point),
                inverse(change.mean.lower),
                "",
            )
        )
    facts = [
        ("Noise threshold", f"±{fmt.short(comparison.noise_threshold * 100).strip()}%"),
        ("Significance level", f"{comparison.significance_level:.2f}"),
        ("p-value", f"{change.p_value:.4f}"),
    ]
    if comparison.p_value_adjusted is not None:
        facts.append(("q-value (false-discovery adjusted)", f"{comparison.p_value_adjusted:.4f}"))
    if comparison.min_detectable_change is not None:
        facts.append(("Smallest detectable change", f"{fmt.short(comparison.min_detectable_change * 100).strip()}%"))
    return {
        "baseline": _baseline_label(data) if data.baseline_name else comparison.baseline,
        "rows": rows,
        "facts": facts,
        "indicator": comparison.indicator.value,
        "indicator_class": _INDICATOR_CLASS[comparison.indicator],
        "verdict": comparison.verdict.message,
        "verdict_class": _VERDICT_CLASS.get(comparison.verdict, ""),
    }


def _benchmark_charts(data: ReportInput, result: BenchmarkResult) -> tuple[list[_Chart], dict[str, Any]]:
    full_id = result.id.full_id
    prepared = data.figures.get(full_id)
    samples = result.samples
    charts: list[_Chart] = []
    specs: dict[str, Any] = {}
    if prepared is not None and samples is not None and result.analysis is not None:
        charts.append(_Chart("pdf", "Probability density"))
        specs["pdf"] = figures.distribution(result, prepared)
        if prepared.regression is not None:
            charts.append(_Chart("regression", "Linear regression"))
            specs["regression"] = figures.regression(result, prepared, samples)
        else:
            charts.append(_Chart("iterations", "Iteration times"))
            specs["iterations"] = figures.iteration_times(result, samples, prepared.baseline_mean_ns)
        if prepared.baseline_density is not None and prepared.baseline_mean_ns is not None:
            label = _baseline_label(data)
            charts.append(_Chart("overlay", f"Compared with {label}"))
            specs["overlay"] = figures.overlay(result, prepared, label, prepared.baseline_mean_ns)
        if prepared.change is not None and result.comparison is not None:
            charts.append(_Chart("change", "Change in mean"))
            specs["change"] = figures.change(prepared, result.comparison)
    points = data.history.get(full_id, ())
    if points:
        charts.append(_Chart("history", "History over runs"))
        specs["history"] = figures.history(points)
    return charts, specs


def _details(result: BenchmarkResult) -> list[tuple[str, str]]:
    info = result.info
    details = [("Package", info.package), ("Bench target", info.bench_target), ("Source", info.source)]
    if result.samples is not None:
        mode = "linear" if result.samples.mode is SamplingMode.LINEAR else "flat"
        iterations = fmt.thousands(result.samples.total_iterations)
        details.append(("Samples", f"{len(result.samples.iters)} ({mode} sampling, {iterations} iterations)"))
    settings = info.settings
    details.append(
        (
            "Settings",
            f"confidence level {settings.confidence_level:g}, noise threshold {settings.noise_threshold:g}, "
            f"significance level {settings.significance_level:g}, {settings.nresamples} resamples",
        )
    )
    return [(label, value) for label, value in details if value]


def _benchmark_page(data: ReportInput, result: BenchmarkResult) -> bytes:
    charts, specs = _benchmark_charts(data, result)
    analysed = result.analysis is not None and result.failure is None
    failure = None
    if result.failure is not None:
        failure = {
            "kind": result.failure.kind.value,
            "reason": result.failure.reason,
            "detail": result.failure.detail,
        }
    return _page(
        "benchmark.html",
        data,
        root="../",
        title=result.id.full_id,
        page_data={"figures": specs},
        needs_plotly=bool(charts),
        charts=charts,
        id=result.id.full_id,
        group=result.id.group,
        group_href="../" + group_path(result.id.group),
        description=result.info.description,
        details=_details(result),
        warnings=list(result.warnings),
        failure=failure,
        statistics=_statistics(result) if analysed else [],
        outliers=_outliers(result) if analysed else None,
        targets=_targets(result),
        change=_change_section(data, result),
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
    measured = [r for r in members if r.samples is not None and r.analysis is not None and r.failure is None]
    charts: list[_Chart] = []
    specs: dict[str, Any] = {}
    if measured:
        top = max(r.analysis.estimates.typical.point for r in measured if r.analysis is not None)
        charts.append(_Chart("violin", "Violin plot"))
        specs["violin"] = figures.violin(
            [(_member_label(r), r.samples) for r in measured if r.samples is not None], top
        )
    series, numeric = _parameter_series(members)
    if series:
        charts.append(_Chart("lines", "Mean over the parameter"))
        specs["lines"] = figures.parameter_lines(series, numeric)
    return _page(
        "group.html",
        data,
        root="../",
        title=name,
        page_data={"figures": specs},
        needs_plotly=bool(charts),
        charts=charts,
        group=name,
        rows=[_row(data, result, "../") for result in members],
    )


def _history_page(data: ReportInput) -> bytes:
    ordered = [r.id.full_id for r in data.results if data.history.get(r.id.full_id)]
    listed = set(ordered)
    ordered += [key for key, points in data.history.items() if points and key not in listed]
    histories = {slug(key): figures.history(data.history[key]) for key in ordered}
    runs: dict[int, tuple[int, str, str, str, str, str]] = {}
    for points in data.history.values():
        for index, point in enumerate(points):
            commit = figures.history_label(point, index) if point.git_commit else ""
            runs.setdefault(
                point.run_id,
                (
                    point.run_id,
                    point.started_at,
                    commit,
                    point.git_branch or "",
                    point.saved_as or "",
                    point.compared_with or "",
                ),
            )
    stability = [
        {
            "id": row.benchmark,
            "href": benchmark_path(row.benchmark),
            "runs": row.runs,
            "mean": _t(row.mean_ns),
            "mean_sort": row.mean_ns,
            "std": _t(row.std_dev_ns) if row.std_dev_ns is not None else "—",
            "std_sort": row.std_dev_ns if row.std_dev_ns is not None else "",
            "cv": f"{row.cv * 100:.1f}%" if row.cv is not None else "—",
            "cv_sort": row.cv if row.cv is not None else "",
        }
        for row in data.stability
    ]
    return _page(
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
        files[benchmark_path(result.id.full_id)] = _benchmark_page(data, result)
    for name, members in grouped.items():
        files[group_path(name)] = _group_page(data, name, members)
    files[PLOTLY_ASSET] = plotly_bundle()
    files["assets/report.css"] = REPORT_CSS.encode("utf-8")
    files["assets/report.js"] = REPORT_JS.encode("utf-8")
    return files
