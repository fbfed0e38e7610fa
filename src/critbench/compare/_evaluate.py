"""Analyse a suite's measurements and judge them against a baseline, all benchmarks at once.

Verdicts are decided for the whole suite together, after every benchmark is measured, so a suite-wide
adjustment can be applied before anything is printed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import numpy as np

from critbench import stats
from critbench.compare._verdict import assess_target, judge
from critbench.model import BenchmarkResult, ChangeStatistics, SampleAnalysis, Samples, SamplingMode, Settings


OVERHEAD_WARNING_SHARE = 0.10
"""Warn when the timing loop's own cost is more than this share of a benchmark's time."""


def analyze(samples: Samples, nresamples: int, confidence_level: float, seed: int, key: str) -> SampleAnalysis:
    """Criterion's analysis of one benchmark's samples, net of the harness overhead, seeded by (seed, key)
    so a re-analysis prints the same numbers."""
    return stats.analyze_samples(
        np.asarray(samples.iters, dtype=float),
        np.asarray(samples.net_times_ns, dtype=float),
        linear=samples.mode is SamplingMode.LINEAR,
        nresamples=nresamples,
        confidence_level=confidence_level,
        rng=stats.make_rng(seed, key),
    )


def _change(new: Samples, base: Samples, settings: Settings, key: str) -> ChangeStatistics:
    return stats.compare_samples(
        np.asarray(new.net_times_ns) / np.asarray(new.iters),
        np.asarray(base.net_times_ns) / np.asarray(base.iters),
        nresamples=settings.nresamples,
        confidence_level=settings.confidence_level,
        rng=stats.make_rng(settings.seed, "change:" + key),
    )


def evaluate(
    results: list[BenchmarkResult],
    baseline: Mapping[str, Samples] | None,
    baseline_name: str | None,
) -> list[BenchmarkResult]:
    """Each measured result with its analysis, comparison (where the baseline has it) and target status."""
    evaluated = []
    for result in results:
        if result.failure is not None or result.samples is None:
            evaluated.append(result)
            continue
        settings = result.info.settings
        key = result.id.full_id
        analysis = result.analysis or analyze(
            result.samples, settings.nresamples, settings.confidence_level, settings.seed, key
        )
        comparison = None
        base_samples = baseline.get(key) if baseline is not None else None
        if base_samples is not None and baseline_name is not None:
            change = _change(result.samples, base_samples, settings, key)
            comparison = judge(change, settings, baseline_name)
        time_target = None
        if result.info.target_ns is not None:
            time_target = assess_target("time", result.info.target_ns, analysis.estimates.typical.point)
        memory_target = None
        peak_rss = result.memory.peak_rss_bytes if result.memory is not None else None
        if result.info.memory_target_bytes is not None and peak_rss is not None:
            memory_target = assess_target("memory", result.info.memory_target_bytes, peak_rss)
        evaluated.append(
            dataclasses.replace(
                result,
                analysis=analysis,
                comparison=comparison,
                time_target=time_target,
                memory_target=memory_target,
                warnings=result.warnings + _overhead_warning(result.samples, analysis),
            )
        )
    return evaluated


def _overhead_warning(samples: Samples, analysis: SampleAnalysis) -> tuple[str, ...]:
    overhead = samples.overhead_ns
    raw = analysis.estimates.typical.point + overhead
    if overhead <= 0 or raw <= 0 or overhead / raw <= OVERHEAD_WARNING_SHARE:
        return ()
    return (
        f"Warning: the harness's own loop costs {overhead:.1f} ns per iteration, {100 * overhead / raw:.0f}% of "
        "this benchmark's time; the time shown has it subtracted. Measure more work per iteration (e.g. a loop "
        "of 100 calls) for a figure the overhead cannot blur.",
    )
