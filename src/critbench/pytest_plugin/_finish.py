"""The end of a pytest session's benchmarks: judged, saved, reported and gated like a ``critbench run``.

The store is the one native benchmarks use (the output root of the workspace the rootdir belongs to): the
run becomes the last run (what the next session compares with), any baselines asked for, a run in the
history, and the HTML report. ``--benchmark-json`` gets pytest-benchmark's document, every benchmark test
with its statistics and samples (plus critbench's estimate and verdict under ``"critbench"``);
``--critbench-json`` critbench's own.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from critbench.api._fixture_stats import Metadata
from critbench.engine._pytest_worker import NOT_MEASURED, test_node
from critbench.model import BenchmarkResult, Environment, Samples, Verdict

if TYPE_CHECKING:
    from critbench.pytest_plugin._session import BenchSession


def _measured(results: Mapping[str, BenchmarkResult]) -> list[BenchmarkResult]:
    """The session's results, less the tests that skipped themselves or never called the fixture."""
    return [r for r in results.values() if r.failure is None or not r.failure.reason.startswith(NOT_MEASURED)]


def _tag(environment: Environment, started_at: str) -> str:
    """pytest-benchmark's autosave tag: ``<commit>_<time>[_uncommitted-changes]``."""
    moment = started_at.replace("-", "").replace(":", "").replace("T", "_").split("+")[0]
    parts = [(environment.git_commit or "unversioned")[:12], moment]
    if environment.git_dirty:
        parts.append("uncommitted-changes")
    return "_".join(parts)


def finish(bench: BenchSession) -> bool:
    """Judge, save, report; True when a gate tripped (the session then exits 1)."""
    from critbench.cli._options import Display
    from critbench.cli._pipeline import Judged, gates, now, open_history, write_reports
    from critbench.compare import evaluate, exit_status
    from critbench.errors import EXIT_GATE
    from critbench.model import LAST_RUN, RunRecord, to_data
    from critbench.pytest_plugin._settings import save_names
    from critbench.storage import stored_benchmarks

    option = bench.config.option
    ctx, store = bench.ctx, bench.store
    results = _measured(bench.results)
    compare_with = bench.compare_with
    baseline = store.load(compare_with) if compare_with is not None else None
    baseline_samples = baseline.samples_for(results) if baseline else None
    names = save_names(option, store.names(), _tag(bench.environment, bench._started_at))
    display = Display(
        noplot=bool(option.critbench_noplot), json=Path(option.critbench_json) if option.critbench_json else None
    )
    with open_history(ctx) as history:
        evaluation = evaluate(results, baseline_samples, compare_with, history.series() if baseline else {})
        record = RunRecord(
            started_at=bench._started_at,
            finished_at=now(),
            environment=bench.environment,
            command=bench.command(),
            saved_as=names[0] if names else None,
            compared_with=compare_with,
            settings=to_data(bench.settings),
            measured=tuple(r.id.full_id for r in results),
        )
        judged = Judged(record, evaluation, compare_with, baseline_samples)
        stored = stored_benchmarks(judged.results)
        if stored:
            store.save(LAST_RUN, record, stored)
            for name in names:
                store.save(name, record, stored)
        run_id = history.record(record, judged.results)
        report = write_reports(ctx, display, judged, history.series() if baseline else {}, run_id)
        cautions = list(history.cautions)
    _write_json(bench, judged, display)
    if option.benchmark_json:
        _write(Path(option.benchmark_json), pytest_benchmark_document(bench, judged.results, report))
    regressions = _compare_fail(bench, judged.results, baseline_samples or {})
    gated = bool(regressions)
    if option.critbench_baseline:
        try:
            gate_set = gates(ctx, option.critbench_fail_on)
        except Exception as exc:
            raise ValueError(str(exc)) from None
        gated = gated or exit_status(judged.summary, gate_set, gate_changes=True) == EXIT_GATE
    bench.outcome.regressions = regressions
    bench.outcome.text += _terminal_text(bench, judged, names, report, cautions)
    return gated


def _write(path: Path, document: dict[str, Any]) -> None:
    from critbench.storage import write_bytes_atomic

    write_bytes_atomic(path, json.dumps(document, indent=4, ensure_ascii=False, allow_nan=False).encode() + b"\n")


def _write_json(bench: BenchSession, judged: Any, display: Any) -> None:
    if display.json is None:
        return
    from critbench.report import results_document

    document = results_document(judged.record, judged.summary, judged.results, None, judged.baseline_samples)
    _write(display.json, document)


def _compare_fail(bench: BenchSession, results: list[BenchmarkResult], baseline: Mapping[str, Samples]) -> list[str]:
    failures = []
    for result in results:
        for check in bench.compare_fail:
            reason = check.failure(result, baseline.get(result.id.full_id))
            if reason is not None:
                failures.append(f"{result.id.full_id} - {reason}")
    return failures


def metadata_rows(bench: BenchSession, results: list[BenchmarkResult]) -> list[Metadata]:
    """Each measured benchmark test's statistics, with the name, group and extra_info its test gave."""
    by_id = {r.id.full_id: r for r in results}
    rows = []
    for item in bench.items:
        result = by_id.get(bench.ids[item.nodeid])
        if result is None or result.samples is None:
            continue
        fixture = bench.fixtures.get(item.nodeid)
        if fixture is not None and fixture.stats is not None:
            rows.append(fixture.stats)
            continue
        marker = item.get_closest_marker("benchmark")
        holder: Any = (
            fixture if fixture is not None else _Holder(test_node(item), marker.kwargs.get("group") if marker else None)
        )
        rows.append(Metadata.of(holder, result.samples))
    return rows


class _Holder:
    """The names a :class:`Metadata` needs, for a test whose fixture never ran in this session."""

    def __init__(self, node: Any, group: str | None) -> None:
        self.name, self.fullname, self.param, self.params = node.name, node.nodeid, node.param, node.params
        self.group = group
        self.extra_info: dict[str, Any] = {}


def _critbench_entry(result: BenchmarkResult) -> dict[str, Any]:
    from critbench.model import to_data

    entry: dict[str, Any] = {"id": result.id.full_id}
    if result.analysis is not None:
        entry["typical_ns"] = to_data(result.analysis.estimates.typical)
    if result.comparison is not None:
        entry["change"] = to_data(result.comparison.change.mean)
        entry["verdict"] = result.comparison.verdict.value
        entry["p_value"] = result.comparison.change.p_value
    if result.memory is not None:
        entry["memory"] = to_data(result.memory)
    return entry


def pytest_benchmark_document(
    bench: BenchSession, results: list[BenchmarkResult], report: Path | None
) -> dict[str, Any]:
    """pytest-benchmark's ``--benchmark-json`` document, from critbench's measurements."""
    from critbench import __version__

    env = bench.environment
    by_name = {r.id.full_id: r for r in results}
    benchmarks = []
    for meta in metadata_rows(bench, results):
        entry = meta.as_dict(include_data=True)
        entry["critbench"] = _critbench_entry(by_name[bench.ids[meta.fullname]])
        benchmarks.append(entry)
    return {
        "machine_info": {
            "node": env.hostname,
            "processor": env.machine,
            "machine": env.machine,
            "python_implementation": env.implementation,
            "python_version": env.python,
            "release": env.platform,
            "system": env.platform.split(" ")[0],
            "cpu": {"brand_raw": env.cpu_model, "count": env.cpu_count},
        },
        "commit_info": {"id": env.git_commit, "branch": env.git_branch, "dirty": env.git_dirty},
        "benchmarks": benchmarks,
        "datetime": datetime.datetime.now(datetime.UTC).isoformat(),
        "version": f"critbench {__version__}",
        "critbench": {"output_root": str(bench.ctx.output_root), "report": str(report) if report else None},
    }


def _terminal_text(
    bench: BenchSession, judged: Any, names: list[str], report: Path | None, cautions: list[Any]
) -> list[str]:
    from critbench.cli._context import display_path
    from critbench.pytest_plugin._table import render_table
    from critbench.report import (
        OutputFormat,
        Style,
        render_benchmark_warnings,
        render_result,
        render_summary,
        render_warnings,
    )

    option = bench.config.option
    style = Style(color=bench.config.get_terminal_writer().hasmarkup)
    lines: list[str] = []
    if not option.benchmark_quiet:
        rows = [meta.as_dict(include_data=False, flat=True) for meta in metadata_rows(bench, judged.results)]
        lines += render_table(
            rows,
            group_by=option.benchmark_group_by,
            sort=option.benchmark_sort,
            columns=option.benchmark_columns or tuple(c for c in _default_columns()),
            name_format=option.benchmark_name,
            time_unit=option.benchmark_time_unit,
        )
    notable = [
        r
        for r in judged.results
        if (r.failure is not None and not r.failure.reason.startswith(NOT_MEASURED))
        or (
            r.comparison is not None
            and r.comparison.verdict in (Verdict.REGRESSED, Verdict.IMPROVED, Verdict.INCONCLUSIVE)
        )
    ]
    text = "".join(render_result(r, OutputFormat.CRITERION, style) for r in notable)
    text += render_benchmark_warnings(judged.results, style)
    text += render_warnings(cautions, style)
    saved = ", ".join(f"baseline '{name}'" for name in names) or None
    text += render_summary(
        judged.summary,
        judged.results,
        style,
        compared_with=judged.baseline_key,
        saved_to=f"{saved} in {display_path(bench.ctx.output_root)}" if saved else display_path(bench.ctx.output_root),
        report=display_path(report) if report is not None else None,
    )
    return lines + text.rstrip("\n").split("\n")


def _default_columns() -> tuple[str, ...]:
    from critbench.pytest_plugin._options import COLUMNS

    return COLUMNS
