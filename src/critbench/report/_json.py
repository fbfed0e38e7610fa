"""The ``--json`` results document (its format is described in docs/json-format.md).

Everything a program needs to act on a run: each benchmark's id, estimates, raw samples, change, verdict,
indicator, target status and failure, plus the run's environment and summary. Figures are in each
benchmark's ``unit``: nanoseconds, or instructions when the run counted them (``--measure instructions``,
with callgrind's raw event counts in ``samples.events`` and the per-iteration ones in ``analysis.counts``);
changes are fractions (0.05 = +5%). ``schema_version`` changes only when a field changes meaning or goes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from critbench.model import BenchmarkResult, ComparisonUnit, RunRecord, RunSummary, Samples, Stability, to_data

RESULTS_SCHEMA_VERSION = 2
"""2: ``warnings`` are ``{kind, text}`` objects (they were texts); ``critbench ab`` adds ``baseline_samples``."""


def _benchmark(result: BenchmarkResult, paired_with: Samples | None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": result.id.full_id,
        "group": result.id.group,
        "function": result.id.function,
        "parameter": result.id.parameter,
        "package": result.info.package,
        "target": result.info.bench_target,
        "description": result.info.description,
        "status": "ok" if result.failure is None else "failed",
        "unit": result.unit,
    }
    data.update(to_data(result))
    if result.analysis is not None:
        data["typical"] = to_data(result.analysis.estimates.typical)
    if result.comparison is not None:
        comparison = data["comparison"]
        comparison["verdict"] = result.comparison.verdict.name.lower()
        comparison["verdict_text"] = result.comparison.verdict.message
        if result.comparison.unit is ComparisonUnit.PAIR and paired_with is not None:
            # critbench ab: revision A's samples, pair by pair with ``samples``, so the verdict can be re-checked.
            data["baseline_samples"] = to_data(paired_with)
    return data


def _finite(value: Any) -> Any:
    """Non-finite numbers (a t statistic of ±inf when samples do not vary) become null: JSON has no inf."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_finite(item) for item in value]
    return value


def _stability(row: Stability) -> dict[str, Any]:
    data: dict[str, Any] = to_data(row)
    data["runs"] = row.runs
    return data


def results_document(
    run: RunRecord,
    summary: RunSummary,
    results: list[BenchmarkResult],
    stability: Sequence[Stability] | None = None,
    baseline_samples: Mapping[str, Samples] | None = None,
) -> dict[str, Any]:
    """The document; ``stability`` (from ``critbench run --repeat N``) adds each benchmark's typical time
    across the N runs under ``"stability"``."""
    content: dict[str, Any] = {
        "schema_version": RESULTS_SCHEMA_VERSION,
        "kind": "critbench-results",
        "run": to_data(run),
        "summary": {key: list(value) if isinstance(value, tuple) else value for key, value in to_data(summary).items()},
        "benchmarks": [_benchmark(result, (baseline_samples or {}).get(result.id.full_id)) for result in results],
    }
    if stability is not None:
        content["stability"] = [_stability(row) for row in stability]
    document: dict[str, Any] = _finite(content)
    return document
