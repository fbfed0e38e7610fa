"""The run's judgments beyond a single benchmark's verdict: when a result is too imprecise, when to suggest
measuring side by side, when a comparison crosses environments or a baseline lacks data.

Each is a decision from finished records to a set of ids or a :class:`~critbench.model.Caution` whose text
says what to do; the command line only shows them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from critbench.compare._evaluate import analyze
from critbench.model import (
    LAST_RUN,
    BenchmarkResult,
    Caution,
    CautionKind,
    ComparisonUnit,
    Environment,
    Verdict,
    describe_baseline,
)

SIDE_BY_SIDE_HINT_AT = 0.05
"""Suggest measuring side by side when a comparison found nothing but could not have seen a change this big."""


def precision_check(results: Sequence[BenchmarkResult]) -> tuple[list[BenchmarkResult], set[str]]:
    """``--precision``: each result analysed, and the ids whose typical time's interval is still wider than
    asked. The analysis is the one the final evaluation would make (same resamples, same seed), kept on the
    results so it is not computed twice for a benchmark that needs no more processes."""
    analysed = []
    wanted = set()
    for result in results:
        settings = result.info.settings
        if result.failure is not None or result.samples is None or settings.precision is None:
            analysed.append(result)
            continue
        analysis = analyze(
            result.samples, settings.nresamples, settings.confidence_level, settings.seed, result.id.full_id
        )
        typical = analysis.estimates.typical
        if (typical.upper - typical.lower) / 2 > settings.precision * typical.point:
            wanted.add(result.id.full_id)
        analysed.append(dataclasses.replace(result, analysis=analysis))
    return analysed, wanted


def settled(results: Sequence[BenchmarkResult]) -> set[str]:
    """The ids whose detectable change more worker processes could no longer lower (``settings.settle``):
    their per-process estimates, the ones the by-process test compares, agree so closely that the noise floor
    alone sets what a comparison can see. The run gives them no further processes."""
    from critbench import stats
    from critbench.compare._change_test import process_statistic

    done = set()
    for result in results:
        settings, samples = result.info.settings, result.samples
        if result.failure is not None or samples is None or not settings.settle or settings.precision is not None:
            continue
        if samples.process_count < stats.MIN_PROCESSES:
            continue
        rng = stats.make_rng(settings.seed, f"settle:{result.id.full_id}:{samples.process_count}")
        estimates, floor = process_statistic(samples, settings.noise_floor)
        if stats.floor_dominates(estimates, floor, rng=rng):
            done.add(result.id.full_id)
    return done


def precision_not_reached(result: BenchmarkResult) -> BenchmarkResult:
    """``result`` with a warning that ``--precision`` was not reached within its extra processes."""
    caution = Caution(
        CautionKind.PRECISION,
        f"Warning: the precision asked for (±{100 * (result.info.settings.precision or 0):g}%) was not reached "
        "within four times the measurement time; the interval shown is what was reached.",
    )
    return dataclasses.replace(result, warnings=(*result.warnings, caution))


def side_by_side_hint(
    results: Sequence[BenchmarkResult], compared_with: str | None, commit: str | None
) -> Caution | None:
    """Advice for when separate runs were too noisy to show a modest change, and the baseline's code can be
    re-measured (it recorded its commit): the command that measures both versions in alternation."""
    blind = [
        r.comparison.min_detectable_change
        for r in results
        if r.comparison is not None
        and r.comparison.unit is not ComparisonUnit.PAIR
        and r.comparison.min_detectable_change is not None
        and r.comparison.verdict in (Verdict.NO_CHANGE, Verdict.WITHIN_NOISE)
    ]
    if not blind or max(blind) < SIDE_BY_SIDE_HINT_AT or not commit or compared_with is None:
        return None
    command = (
        f"critbench ab {commit[:10]}"
        if compared_with == LAST_RUN
        else f"critbench run --baseline {compared_with} --interleave"
    )
    return Caution(
        CautionKind.SIDE_BY_SIDE,
        f"Note: between separate runs on this machine, changes smaller than {100 * max(blind):.0f}% could not be "
        f"told from noise. To see smaller ones, measure both versions side by side: {command}",
    )


def environment_caution(
    new: Environment, base: Environment, base_key: str, new_key: str | None = None
) -> Caution | None:
    """A warning when the two sides of a comparison ran on different Pythons, CPUs or machines."""
    diffs = new.differences(base)
    if not diffs:
        return None
    if new_key is None:
        what = f"the baseline '{describe_baseline(base_key)}' was measured in a different environment"
    else:
        what = f"'{describe_baseline(base_key)}' and '{describe_baseline(new_key)}' were measured in different environments"
    return Caution(
        CautionKind.ENVIRONMENT,
        f"Warning: {what} ({'; '.join(diffs)}); differences may come from the machine, not the code.",
    )


def missing_baseline_caution(results: Sequence[BenchmarkResult], stored_ids: set[str], base_key: str) -> Caution | None:
    """A warning naming the measured benchmarks the baseline has no data for (``--baseline`` must cover them)."""
    missing = [r.id.full_id for r in results if r.ok and r.id.full_id not in stored_ids]
    if not missing:
        return None
    listed = ", ".join(missing[:5]) + ("…" if len(missing) > 5 else "")
    return Caution(
        CautionKind.MISSING_BASELINE_DATA,
        f"Warning: baseline '{describe_baseline(base_key)}' has no data for {len(missing)} benchmark(s): {listed}",
    )
