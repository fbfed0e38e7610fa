"""Writing a run into the history tables and reading series back, in SQLAlchemy Core.

A run is one transaction: the run row, a row per benchmark, the raw samples. A run killed half-way leaves
nothing behind, and readers never see a run with some of its benchmarks. Series are read with one query for
every benchmark at once (a window function keeps the last N points of each), so the report's history charts
cost the same for 500 benchmarks as for one.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from critbench.model import (
    BenchmarkResult,
    Estimate,
    HistoryPoint,
    Measure,
    RunRecord,
    Samples,
    TargetAssessment,
    Verdict,
    to_data,
)
from critbench.storage._history import StoredRun
from critbench.storage._history_engine import writer
from critbench.storage._history_schema import results, runs, samples

_OK = "ok"
_FAILED = "failed"
_UNMEASURED = "unmeasured"


def record_run(engine: sa.Engine, run: RunRecord, benchmarks: Sequence[BenchmarkResult]) -> int:
    """Store ``run`` and its results in one transaction; the new run's id."""
    with writer(engine).begin() as connection:
        key = connection.execute(runs.insert().values(_run_row(run))).inserted_primary_key
        assert key is not None, "a single-row INSERT reports its key"
        run_id = int(key[0])
        if benchmarks:
            connection.execute(
                results.insert(), [_result_row(run_id, position, result) for position, result in enumerate(benchmarks)]
            )
        sample_rows = [
            _samples_row(run_id, position, result.samples)
            for position, result in enumerate(benchmarks)
            if result.samples is not None
        ]
        if sample_rows:
            connection.execute(samples.insert(), sample_rows)
    return run_id


def select_runs(engine: sa.Engine, limit: int | None) -> list[StoredRun]:
    """The last ``limit`` runs (all when None), oldest first, with their benchmark and failure counts."""
    count = sa.select(sa.func.count()).where(results.c.run_id == runs.c.id).scalar_subquery()
    failed = (
        sa.select(sa.func.count()).where(results.c.run_id == runs.c.id, results.c.status == _FAILED).scalar_subquery()
    )
    query = sa.select(
        runs.c.id,
        runs.c.started_at,
        runs.c.finished_at,
        runs.c.command,
        runs.c.git_commit,
        runs.c.git_branch,
        runs.c.git_dirty,
        runs.c.saved_as,
        runs.c.compared_with,
        count.label("benchmark_count"),
        failed.label("failed_count"),
    ).order_by(runs.c.id.desc())
    if limit is not None:
        query = query.limit(limit)
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    return [
        StoredRun(
            run_id=row.id,
            started_at=row.started_at,
            finished_at=row.finished_at,
            command=row.command,
            git_commit=row.git_commit,
            git_branch=row.git_branch,
            git_dirty=row.git_dirty,
            saved_as=row.saved_as,
            compared_with=row.compared_with,
            benchmark_count=int(row.benchmark_count or 0),
            failed_count=int(row.failed_count or 0),
        )
        for row in reversed(rows)
    ]


def select_benchmark_ids(engine: sa.Engine) -> list[str]:
    """Every benchmark id with at least one stored result, sorted."""
    query = sa.select(results.c.benchmark_id).distinct().order_by(results.c.benchmark_id)
    with engine.connect() as connection:
        return list(connection.scalars(query))


def select_points(engine: sa.Engine, benchmark_id: str | None, limit: int | None) -> dict[str, list[HistoryPoint]]:
    """The successful points of one benchmark (or of all, when None), oldest first, at most ``limit`` each."""
    newest_first = sa.func.row_number().over(partition_by=results.c.benchmark_id, order_by=results.c.run_id.desc())
    measured = [results.c.status == _OK]
    if benchmark_id is not None:
        measured.append(results.c.benchmark_id == benchmark_id)
    inner = (
        sa.select(
            results.c.benchmark_id,
            results.c.run_id,
            results.c.position,
            results.c.typical_point,
            results.c.typical_lower,
            results.c.typical_upper,
            results.c.typical_standard_error,
            results.c.confidence_level,
            results.c.compared_with,
            results.c.verdict,
            results.c.change_mean_point,
            results.c.memory_peak_bytes,
            newest_first.label("recency"),
        )
        .where(*measured)
        .subquery()
    )
    query = (
        sa.select(
            inner,
            runs.c.started_at,
            runs.c.git_commit,
            runs.c.git_branch,
            runs.c.git_dirty,
            runs.c.saved_as,
            runs.c.settings,
        )
        .join(runs, runs.c.id == inner.c.run_id)
        .order_by(inner.c.benchmark_id, inner.c.run_id, inner.c.position)
    )
    if limit is not None:
        query = query.where(inner.c.recency <= limit)
    series: dict[str, list[HistoryPoint]] = {}
    units: dict[int, str] = {}
    with engine.connect() as connection:
        for row in connection.execute(query):
            if row.run_id not in units:
                units[row.run_id] = _unit(row.settings)
            series.setdefault(row.benchmark_id, []).append(_point(row, units[row.run_id]))
    return series


def _unit(settings: str | None) -> str:
    """What a run's figures are in, from its stored settings: what it measured is run-wide (``measure``)."""
    try:
        measure = json.loads(settings or "{}").get("measure", Measure.WALL.value)
        return Measure(measure).unit
    except (ValueError, AttributeError):
        return Measure.WALL.unit


def _json(value: object) -> str:
    return json.dumps(to_data(value), ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _run_row(run: RunRecord) -> dict[str, Any]:
    env = run.environment
    return {
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "command": run.command,
        "saved_as": run.saved_as,
        "compared_with": run.compared_with,
        "git_commit": env.git_commit,
        "git_branch": env.git_branch,
        "git_dirty": env.git_dirty,
        "hostname": env.hostname,
        "python": env.python,
        "critbench_version": env.critbench_version,
        "environment": _json(env),
        "settings": _json(run.settings),
    }


def _estimate_values(prefix: str, estimate: Estimate | None) -> dict[str, float | None]:
    return {
        f"{prefix}_point": estimate.point if estimate else None,
        f"{prefix}_lower": estimate.lower if estimate else None,
        f"{prefix}_upper": estimate.upper if estimate else None,
    }


def _target_status(target: TargetAssessment | None) -> str | None:
    return target.status.name if target is not None else None


def _result_row(run_id: int, position: int, result: BenchmarkResult) -> dict[str, Any]:
    """Every column of a results row, so rows of measured and failed benchmarks insert together."""
    info = result.info
    estimates = result.analysis.estimates if result.analysis is not None else None
    typical = estimates.typical if estimates is not None else None
    comparison = result.comparison
    memory = result.memory
    return {
        "run_id": run_id,
        "position": position,
        "benchmark_id": info.id.full_id,
        "group_name": info.id.group,
        "function_name": info.id.function,
        "parameter": info.id.parameter,
        "package": info.package,
        "bench_target": info.bench_target,
        "status": _FAILED if result.failure is not None else _OK if typical is not None else _UNMEASURED,
        "failure_kind": result.failure.kind.value if result.failure is not None else None,
        "failure_reason": result.failure.reason if result.failure is not None else None,
        "typical_kind": None if estimates is None else ("slope" if estimates.slope is not None else "mean"),
        **_estimate_values("typical", typical),
        "typical_standard_error": typical.standard_error if typical else None,
        "confidence_level": typical.confidence_level if typical else None,
        **_estimate_values("mean", estimates.mean if estimates else None),
        **_estimate_values("median", estimates.median if estimates else None),
        **_estimate_values("std_dev", estimates.std_dev if estimates else None),
        **_estimate_values("mad", estimates.median_abs_dev if estimates else None),
        **_estimate_values("slope", estimates.slope if estimates else None),
        "compared_with": comparison.baseline if comparison else None,
        **_estimate_values("change_mean", comparison.change.mean if comparison else None),
        "change_median_point": comparison.change.median.point if comparison else None,
        "p_value": comparison.change.p_value if comparison else None,
        "p_value_adjusted": comparison.p_value_adjusted if comparison else None,
        "min_detectable_change": comparison.min_detectable_change if comparison else None,
        "verdict": comparison.verdict.name if comparison else None,
        "target_ns": info.target_ns,
        "time_target_status": _target_status(result.time_target),
        "memory_target_bytes": info.memory_target_bytes,
        "memory_target_status": _target_status(result.memory_target),
        "memory_peak_bytes": memory.peak_rss_bytes if memory is not None else None,
        "memory_allocated_per_iteration_bytes": memory.allocated_per_iteration_bytes if memory is not None else None,
    }


def _samples_row(run_id: int, position: int, measured: Samples) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "position": position,
        "sampling_mode": measured.mode.value,
        "iters": _json(measured.iters),
        "times_ns": _json(measured.times_ns),
        "process": _json(measured.process),
        "overhead_ns": measured.overhead_ns,
    }


def _number(value: float | None) -> float:
    """A stored figure; SQLite keeps NaN as NULL, so NULL reads back as NaN."""
    return math.nan if value is None else float(value)


def _point(row: sa.Row[Any], unit: str = "ns") -> HistoryPoint:
    return HistoryPoint(
        run_id=row.run_id,
        started_at=row.started_at,
        git_commit=row.git_commit,
        git_branch=row.git_branch,
        git_dirty=row.git_dirty,
        typical=Estimate(
            point=_number(row.typical_point),
            lower=_number(row.typical_lower),
            upper=_number(row.typical_upper),
            standard_error=_number(row.typical_standard_error),
            confidence_level=_number(row.confidence_level),
        ),
        saved_as=row.saved_as,
        compared_with=row.compared_with,
        verdict=Verdict[row.verdict] if row.verdict else None,
        change=row.change_mean_point if row.verdict else None,
        memory_peak_bytes=row.memory_peak_bytes,
        unit=unit,
    )
