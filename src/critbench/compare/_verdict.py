"""From statistics to decisions: Criterion's verdict, the seed's indicator, target status, exit status.

No files, no printing: records in, records and integers out.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable

from critbench.errors import EXIT_FAILED, EXIT_GATE, EXIT_OK
from critbench.model import (
    ChangeStatistics,
    Comparison,
    ComparisonUnit,
    Indicator,
    ProcessStatistic,
    RunSummary,
    Settings,
    TargetAssessment,
    TargetStatus,
    Verdict,
)


def verdict(
    change: ChangeStatistics,
    significance_level: float,
    noise_threshold: float,
    min_detectable_change: float | None = None,
    large_change: float | None = None,
) -> Verdict:
    """Criterion's decision, guarded against a calm verdict over a large change.

    ::

        p >= α, estimate ≥ detectable     → Inconclusive (the test should have seen it, and did not)
        p >= α, estimate ≥ large          → Inconclusive (too large to call "no change" unconfirmed)
        p >= α                            → No change in performance detected.
        CI entirely below -noise          → Performance has improved.
        CI entirely above +noise          → Performance has regressed.
        otherwise                         → Change within noise threshold.

    Sizes compare on the log scale, so a halving counts as much as a doubling. "Detectable" is the change the
    test detects with 80% power: a test that cannot see a change it was built to see says so, instead of
    printing "No change" beside +3784%. "Large" is the seed's red-cross threshold (``fail_threshold``, 10%):
    an estimate of +97% that a test of drifting code could not confirm (it could detect only 430%) is not
    "no change" either, whatever the test's power.
    """
    if not change.p_value < significance_level:
        size = abs(math.log1p(change.mean.point))
        bounds = (bound for bound in (min_detectable_change, large_change) if bound is not None)
        if any(size >= math.log1p(bound) for bound in bounds):
            return Verdict.INCONCLUSIVE
        return Verdict.NO_CHANGE
    if change.mean.lower < -noise_threshold and change.mean.upper < -noise_threshold:
        return Verdict.IMPROVED
    if change.mean.lower > noise_threshold and change.mean.upper > noise_threshold:
        return Verdict.REGRESSED
    return Verdict.WITHIN_NOISE


def indicator(change_estimate: float, result: Verdict, warn_threshold: float, fail_threshold: float) -> Indicator:
    """The seed's ✓ / ⚠ / ✗ on how much slower the estimate is.

    ✓ within ``warn_threshold`` (or faster), ⚠ up to ``fail_threshold``, ✗ beyond it — but ✗ only when the
    verdict is a regression: a large estimate the test could not confirm is ⚠ ("investigate if consistent
    across runs"), never a red cross. An inconclusive comparison is ⚠ whichever way it points.
    """
    if result is Verdict.INCONCLUSIVE:
        return Indicator.WARN
    if change_estimate <= warn_threshold:
        return Indicator.OK
    if change_estimate <= fail_threshold or result is not Verdict.REGRESSED:
        return Indicator.WARN
    return Indicator.BAD


def judge(
    change: ChangeStatistics,
    settings: Settings,
    baseline: str,
    *,
    p_value_adjusted: float | None = None,
    min_detectable_change: float | None = None,
    noise_threshold: float | None = None,
    unit: ComparisonUnit = ComparisonUnit.SAMPLE,
    noise_floor: float = 0.0,
    process_statistic: ProcessStatistic | None = None,
    window_gap: float | None = None,
    window_spread: float | None = None,
    layout_set_aside: int | None = None,
) -> Comparison:
    """A comparison under ``settings``' policy; the adjusted p-value, when given, is the one tested, and
    ``noise_threshold``, when given, replaces the setting (a test may need a wider band than configured)."""
    threshold = settings.noise_threshold if noise_threshold is None else noise_threshold
    tested = change if p_value_adjusted is None else _with_p(change, p_value_adjusted)
    result = verdict(tested, settings.significance_level, threshold, min_detectable_change, settings.fail_threshold)
    return Comparison(
        baseline=baseline,
        change=change,
        verdict=result,
        indicator=indicator(change.mean.point, result, settings.warn_threshold, settings.fail_threshold),
        significance_level=settings.significance_level,
        noise_threshold=threshold,
        p_value_adjusted=p_value_adjusted,
        min_detectable_change=min_detectable_change,
        unit=unit,
        noise_floor=noise_floor,
        process_statistic=process_statistic,
        window_gap=window_gap,
        window_spread=window_spread,
        layout_set_aside=layout_set_aside,
    )


def _with_p(change: ChangeStatistics, p_value: float) -> ChangeStatistics:
    return ChangeStatistics(change.mean, change.median, change.t_statistic, p_value)


def assess_target(metric: str, target: float, achieved: float) -> TargetAssessment:
    """The seed's target status: EXCELLENT ≤ 0.5×, MET ≤ 1×, CLOSE ≤ 1.25×, MISS beyond."""
    ratio = achieved / target
    if ratio <= 0.5:
        status = TargetStatus.EXCELLENT
    elif ratio <= 1.0:
        status = TargetStatus.MET
    elif ratio <= 1.25:
        status = TargetStatus.CLOSE
    else:
        status = TargetStatus.MISS
    return TargetAssessment(metric=metric, target=target, achieved=achieved, status=status)


class FailOn(enum.Enum):
    """What makes a run exit 1 (``--fail-on``)."""

    REGRESSION = "regression"
    CHANGE = "change"
    TARGET = "target"
    NEVER = "never"


def parse_fail_on(text: str) -> frozenset[FailOn]:
    """``"regression"``, ``"change,target"``, ``"never"`` → the set of gates; ValueError on anything else."""
    gates = set()
    for word in filter(None, (part.strip() for part in text.split(","))):
        try:
            gates.add(FailOn(word))
        except ValueError:
            choices = ", ".join(gate.value for gate in FailOn)
            raise ValueError(f"--fail-on: unknown gate {word!r} (choose from {choices}, comma-separated)") from None
    if not gates:
        raise ValueError("--fail-on needs at least one gate")
    if FailOn.NEVER in gates and len(gates) > 1:
        raise ValueError("--fail-on never cannot be combined with other gates")
    return frozenset(gates)


def exit_status(summary: RunSummary, gates: Iterable[FailOn], *, gate_changes: bool) -> int:
    """3 when a benchmark failed to run, 1 when a gate tripped, else 0.

    ``gate_changes`` is False for a plain run, which compares against the previous run for information
    only and never gates on changes (targets still gate when asked).
    """
    gates = frozenset(gates)
    if summary.failed:
        return EXIT_FAILED
    if FailOn.NEVER in gates:
        return EXIT_OK
    if gate_changes and FailOn.REGRESSION in gates and summary.regressed:
        return EXIT_GATE
    if gate_changes and FailOn.CHANGE in gates and (summary.regressed or summary.improved):
        return EXIT_GATE
    if FailOn.TARGET in gates and summary.targets_missed:
        return EXIT_GATE
    return EXIT_OK
