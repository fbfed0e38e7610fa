"""Analyse a suite's measurements and judge them against a baseline, all benchmarks at once.

Verdicts are decided for the whole suite together, after every benchmark is measured, so the
false-discovery adjustment across the suite (Benjamini–Hochberg) is applied before anything is printed.

Each benchmark's change test is chosen by what was measured (``compare._change_test``), against a noise
floor τ that is its setting or the drift its stored runs of unchanged code show (:func:`noise_floors`); the
suite's adjustment then raises each detectable change to the level the adjusted test really asks for.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from statistics import NormalDist

import numpy as np
import numpy.typing as npt

from critbench import stats
from critbench.compare._change_test import ChangeTest, change_test, paired_test
from critbench.compare._counts import count_floor, count_warnings, unjudged_target
from critbench.compare._stability import with_sample_warnings
from critbench.compare._verdict import assess_target, judge
from critbench.model import (
    BenchmarkResult,
    Comparison,
    Failure,
    FailureKind,
    HistoryPoint,
    SampleAnalysis,
    Samples,
    SamplingMode,
    Settings,
    describe_baseline,
)

FloatArray = npt.NDArray[np.float64]

MAX_NOISE_FLOOR = 0.25
"""A history wilder than this (25% drift between runs) is not a noise floor worth testing against."""


def analyze(samples: Samples, nresamples: int, confidence_level: float, seed: int, key: str) -> SampleAnalysis:
    """Criterion's analysis of one benchmark's samples, net of the harness overhead, seeded by (seed, key)
    so a re-analysis prints the same numbers; counted samples get theirs (``stats.analyze_counts``)."""
    if samples.counted:
        return stats.analyze_counts(samples, confidence_level)
    return stats.analyze_samples(
        np.asarray(samples.iters, dtype=float),
        np.asarray(samples.net_times_ns, dtype=float),
        linear=samples.mode is SamplingMode.LINEAR,
        nresamples=nresamples,
        confidence_level=confidence_level,
        rng=stats.make_rng(seed, key),
    )


@dataclasses.dataclass(frozen=True)
class Evaluation:
    """A suite judged: every result with its analysis, comparison and targets, and for each comparison the
    bootstrap resamples its interval came from, so the report's change charts draw them instead of
    resampling again."""

    results: list[BenchmarkResult]
    change_draws: dict[str, FloatArray] = dataclasses.field(default_factory=dict)


def noise_floors(
    history: Mapping[str, Sequence[HistoryPoint]],
    defaults: Mapping[str, float],
    units: Mapping[str, str] | None = None,
) -> dict[str, float]:
    """τ per benchmark: its setting, or the drift its stored runs of unchanged code show when that is larger.

    Only runs of a committed, clean checkout count, and only steps between consecutive runs of the same
    commit: they measured the same code, so what moved between them is the machine. Only runs in the
    benchmark's unit (``units``, default ``"ns"``) count: a history may hold times and instruction counts.
    """
    floors = dict(defaults)
    for key, default in defaults.items():
        unit = (units or {}).get(key, "ns")
        points = [
            p
            for p in history.get(key, ())
            if p.unit == unit
            and p.typical.point > 0
            and p.typical.upper > p.typical.lower
            and p.git_commit
            and p.git_dirty is False
        ]
        if len(points) < 4:
            continue
        z = NormalDist().inv_cdf(1 - (1 - points[-1].typical.confidence_level) / 2)
        errors = [(math.log(p.typical.upper) - math.log(max(p.typical.lower, 1e-12))) / (2 * z) for p in points]
        measured = stats.history_noise_floor(
            [p.typical.point for p in points], errors, versions=[p.git_commit for p in points]
        )
        if measured is not None:
            floors[key] = min(max(default, measured), MAX_NOISE_FLOOR)
    return floors


def evaluate(
    results: list[BenchmarkResult],
    baseline: Mapping[str, Samples] | None,
    baseline_name: str | None,
    history: Mapping[str, Sequence[HistoryPoint]] | None = None,
    *,
    paired: bool = False,
) -> Evaluation:
    """Each measured result with its analysis, comparison (where the baseline has it) and target status.

    With ``paired``, ``baseline`` holds samples taken in alternation with the results' (critbench ab):
    the test is on the pairs, with no noise floor, since both sides saw the same moments of the machine.
    """
    measured = [r for r in results if r.failure is None and r.samples is not None]
    floors = noise_floors(
        history or {},
        {r.id.full_id: r.info.settings.noise_floor for r in measured},
        {r.id.full_id: r.unit for r in measured},
    )
    tests: dict[str, ChangeTest] = {}
    broken: dict[str, str] = {}
    for result in measured:
        key = result.id.full_id
        base_samples = baseline.get(key) if baseline is not None else None
        if base_samples is not None and baseline_name is not None and result.samples is not None:
            try:
                if paired and not result.samples.counted:
                    floors[key] = 0.0
                    tests[key] = paired_test(result.samples, base_samples, result.info.settings, key)
                else:
                    if result.samples.counted and base_samples.counted:
                        floors[key] = count_floor(result.samples, base_samples, floors[key])
                    tests[key] = change_test(result.samples, base_samples, result.info.settings, floors[key], key)
                    floors[key] = max(floors[key], tests[key].noise_floor or 0.0)
            except ValueError as exc:
                broken[key] = f"could not be compared with {describe_baseline(baseline_name)}: {exc}"
    adjusted = _adjusted_p_values(tests, {r.id.full_id: r.info.settings for r in measured})
    tests = _detectable_after_adjustment(tests, set(adjusted), {r.id.full_id: r.info.settings for r in measured})

    evaluated = []
    for result in results:
        if result.failure is not None or result.samples is None:
            evaluated.append(result)
            continue
        settings = result.info.settings
        key = result.id.full_id
        try:
            analysis = result.analysis or analyze(
                result.samples, settings.nresamples, settings.confidence_level, settings.seed, key
            )
        except ValueError as exc:
            failure = Failure(FailureKind.ERROR, f"could not be analysed: {exc}")
            evaluated.append(dataclasses.replace(result, failure=failure))
            continue
        if key in broken:
            evaluated.append(dataclasses.replace(result, failure=Failure(FailureKind.ERROR, broken[key])))
            continue
        comparison = None
        if key in tests and baseline_name is not None:
            test = tests[key]
            comparison = judge(
                test.result.change,
                settings,
                baseline_name,
                p_value_adjusted=adjusted.get(key),
                min_detectable_change=test.result.min_detectable_change,
                noise_threshold=test.noise_threshold,
                unit=test.unit,
                noise_floor=floors[key],
                process_statistic=test.process_statistic,
                window_gap=test.window_gap,
                window_spread=test.window_spread,
                layout_set_aside=test.layout_set_aside,
            )
        judged = _with_targets(result, analysis, comparison)
        if judged.unit == "instructions":
            judged = dataclasses.replace(judged, warnings=(*judged.warnings, *count_warnings(judged)))
        else:
            judged = with_sample_warnings(judged, spread=not (paired and comparison is not None))
        note = unjudged_target(judged)
        if note is not None and note not in judged.warnings:
            judged = dataclasses.replace(judged, warnings=(*judged.warnings, note))
        evaluated.append(judged)
    draws = {key: test.result.distribution for key, test in tests.items() if key not in broken}
    return Evaluation(evaluated, draws)


def _detectable_after_adjustment(
    tests: dict[str, ChangeTest], adjusted: set[str], settings: Mapping[str, Settings]
) -> dict[str, ChangeTest]:
    """Each comparison's detectable change at the significance level the suite's adjustment really asks of it.

    Benjamini–Hochberg over m comparisons lets the smallest p-value through at α/m; when one benchmark of a
    suite changes and the rest do not, that is the bar its change must clear. The detectable change printed
    is computed at that level, so "could detect changes ≥ X%" keeps its promise (80% power) in a suite too.
    """
    m = len(adjusted)
    if m < 2:
        return tests
    return {
        key: dataclasses.replace(
            test,
            result=dataclasses.replace(
                test.result,
                min_detectable_change=stats.detectable_change(
                    test.result.standard_error,
                    settings[key].significance_level / m,
                    degrees_of_freedom=test.result.degrees_of_freedom,
                ),
            ),
        )
        if key in adjusted
        else test
        for key, test in tests.items()
    }


def _adjusted_p_values(tests: Mapping[str, ChangeTest], settings: Mapping[str, Settings]) -> dict[str, float]:
    """Benjamini–Hochberg over the suite's p-values, for the benchmarks whose settings ask for it."""
    keys = [key for key in tests if settings[key].fdr]
    if len(keys) < 2:
        return {}
    adjusted = stats.benjamini_hochberg([tests[key].result.change.p_value for key in keys])
    return {key: float(value) for key, value in zip(keys, adjusted, strict=True)}


def _with_targets(result: BenchmarkResult, analysis: SampleAnalysis, comparison: Comparison | None) -> BenchmarkResult:
    """The targets the measurement can judge: a time target for times, an instructions target for counts."""
    time_target = None
    typical = analysis.estimates.typical.point
    if result.unit == "ns" and result.info.target_ns is not None:
        time_target = assess_target("time", result.info.target_ns, typical)
    elif result.unit == "instructions" and result.info.target_instructions is not None:
        time_target = assess_target("instructions", result.info.target_instructions, typical)
    memory_target = None
    peak_rss = result.memory.peak_rss_bytes if result.memory is not None else None
    if result.info.memory_target_bytes is not None and peak_rss is not None:
        memory_target = assess_target("memory", result.info.memory_target_bytes, peak_rss)
    return dataclasses.replace(
        result, analysis=analysis, comparison=comparison, time_target=time_target, memory_target=memory_target
    )
