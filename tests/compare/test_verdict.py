"""Criterion's decision rule, the seed's indicator, target status and exit statuses."""

from __future__ import annotations

import pytest

from critbench.compare import (
    FailOn,
    assess_target,
    exit_status,
    indicator,
    judge,
    parse_fail_on,
    verdict,
)
from critbench.errors import EXIT_FAILED, EXIT_GATE, EXIT_OK
from critbench.model import ChangeStatistics, Estimate, Indicator, RunSummary, Settings, TargetStatus, Verdict


def _change(lower: float, point: float, upper: float, p: float) -> ChangeStatistics:
    mean = Estimate(point, lower, upper, 0.01, 0.95)
    return ChangeStatistics(mean=mean, median=mean, t_statistic=0.0, p_value=p)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (_change(0.2, 0.3, 0.4, 0.10), Verdict.NO_CHANGE),
        (_change(0.2, 0.3, 0.4, 0.01), Verdict.REGRESSED),
        (_change(-0.4, -0.3, -0.2, 0.01), Verdict.IMPROVED),
        (_change(0.005, 0.02, 0.04, 0.01), Verdict.WITHIN_NOISE),
        (_change(-0.04, 0.02, 0.04, 0.01), Verdict.WITHIN_NOISE),
        (_change(0.0101, 0.02, 0.04, 0.0499), Verdict.REGRESSED),
        (_change(0.2, 0.3, 0.4, 0.05), Verdict.NO_CHANGE),
    ],
)
def test_verdict_follows_criterion(change: ChangeStatistics, expected: Verdict) -> None:
    assert verdict(change, significance_level=0.05, noise_threshold=0.01) is expected


@pytest.mark.parametrize(
    ("change", "detectable", "expected"),
    [
        (_change(36.0, 37.8, 39.0, 0.40), 1.69, Verdict.INCONCLUSIVE),  # +3784% "No change" in quick mode
        (_change(-0.6, -0.5, -0.4, 0.20), 0.60, Verdict.INCONCLUSIVE),  # a halving is as large as a doubling
        (_change(-0.6, -0.3, 0.2, 0.20), 0.60, Verdict.NO_CHANGE),
        (_change(0.0, 0.15, 0.3, 0.20), 0.18, Verdict.NO_CHANGE),
        (_change(0.1, 0.3, 0.4, 0.01), 0.10, Verdict.REGRESSED),  # significant: Criterion's rule, as before
    ],
)
def test_a_large_change_that_is_not_significant_is_inconclusive_never_calm(
    change: ChangeStatistics, detectable: float, expected: Verdict
) -> None:
    assert verdict(change, 0.05, 0.01, min_detectable_change=detectable) is expected
    mark = indicator(change.mean.point, expected, warn_threshold=0.05, fail_threshold=0.10)
    if expected is Verdict.INCONCLUSIVE:
        assert mark is Indicator.WARN, "an unconfirmed large change is never a green ✓ (nor a red ✗)"


@pytest.mark.parametrize(
    ("change", "detectable", "expected"),
    [
        (_change(-0.23, 0.97, 4.05, 0.16), 4.31, Verdict.INCONCLUSIVE),  # the million-key dict's +97%, ≥ 431%
        (_change(-0.6, -0.3, 0.2, 0.20), 0.60, Verdict.INCONCLUSIVE),  # −30%: as large as +43%
        (_change(-0.05, 0.09, 0.25, 0.20), 0.18, Verdict.NO_CHANGE),  # +9%: under the red-cross 10%
        (_change(0.0, 0.10, 0.3, 0.20), 0.18, Verdict.INCONCLUSIVE),  # +10% is the threshold itself
        (_change(-0.2, -0.0909, 0.1, 0.20), 0.18, Verdict.NO_CHANGE),  # −9.09% = 1/1.10 − 1, just inside
        (_change(0.1, 0.3, 0.4, 0.01), 0.50, Verdict.REGRESSED),  # significant: Criterion's rule, as before
    ],
)
def test_an_unconfirmed_change_beyond_the_red_cross_threshold_is_inconclusive(
    change: ChangeStatistics, detectable: float, expected: Verdict
) -> None:
    assert verdict(change, 0.05, 0.01, min_detectable_change=detectable, large_change=0.10) is expected


def test_the_inconclusive_message_makes_no_claim_about_power() -> None:
    assert (
        Verdict.INCONCLUSIVE.message
        == "Inconclusive: this comparison can neither confirm nor rule out a change this large."
    )


def test_verdict_strings_are_criterions() -> None:
    assert Verdict.REGRESSED.message == "Performance has regressed."
    assert Verdict.IMPROVED.message == "Performance has improved."
    assert Verdict.NO_CHANGE.message == "No change in performance detected."
    assert Verdict.WITHIN_NOISE.message == "Change within noise threshold."


@pytest.mark.parametrize(
    ("estimate", "result", "expected"),
    [
        (0.03, Verdict.REGRESSED, Indicator.OK),
        (0.05, Verdict.REGRESSED, Indicator.OK),
        (0.07, Verdict.REGRESSED, Indicator.WARN),
        (0.10, Verdict.REGRESSED, Indicator.WARN),
        (0.15, Verdict.REGRESSED, Indicator.BAD),
        (0.15, Verdict.NO_CHANGE, Indicator.WARN),
        (-0.30, Verdict.IMPROVED, Indicator.OK),
    ],
)
def test_indicator_thresholds(estimate: float, result: Verdict, expected: Indicator) -> None:
    assert indicator(estimate, result, warn_threshold=0.05, fail_threshold=0.10) is expected


def test_judge_uses_the_adjusted_p_value_when_given() -> None:
    change = _change(0.04, 0.06, 0.08, 0.01)
    assert judge(change, Settings(), "base").verdict is Verdict.REGRESSED
    adjusted = judge(change, Settings(), "base", p_value_adjusted=0.2)
    assert adjusted.verdict is Verdict.NO_CHANGE
    assert adjusted.change.p_value == 0.01
    # +30% that the adjustment leaves unconfirmed is beyond the red-cross threshold: not "no change"
    large = judge(_change(0.2, 0.3, 0.4, 0.01), Settings(), "base", p_value_adjusted=0.2)
    assert large.verdict is Verdict.INCONCLUSIVE


@pytest.mark.parametrize(
    ("achieved", "status", "text"),
    [
        (36.5e6, TargetStatus.EXCELLENT, "54.8x better"),
        (1.0e9, TargetStatus.EXCELLENT, "2.0x better"),
        (1.5e9, TargetStatus.MET, "1.3x better"),
        (2.0e9, TargetStatus.MET, "1.0x better"),
        (2.38e9, TargetStatus.CLOSE, "1.19x over"),
        (2.6e9, TargetStatus.MISS, "1.30x over"),
    ],
)
def test_target_status_and_ratio_text(achieved: float, status: TargetStatus, text: str) -> None:
    assessment = assess_target("time", 2e9, achieved)
    assert assessment.status is status
    assert assessment.ratio_text == text


def test_fail_on_parsing() -> None:
    assert parse_fail_on("regression") == {FailOn.REGRESSION}
    assert parse_fail_on("change, target") == {FailOn.CHANGE, FailOn.TARGET}
    with pytest.raises(ValueError, match="unknown gate 'sometimes'"):
        parse_fail_on("sometimes")
    with pytest.raises(ValueError, match="cannot be combined"):
        parse_fail_on("never,target")


def test_exit_status() -> None:
    regressed = RunSummary(regressed=("a",))
    improved = RunSummary(improved=("a",))
    missed = RunSummary(targets_missed=("a (time)",))
    assert exit_status(RunSummary(), {FailOn.REGRESSION}, gate_changes=True) == EXIT_OK
    assert exit_status(regressed, {FailOn.REGRESSION}, gate_changes=True) == EXIT_GATE
    assert exit_status(regressed, {FailOn.REGRESSION}, gate_changes=False) == EXIT_OK
    assert exit_status(regressed, {FailOn.NEVER}, gate_changes=True) == EXIT_OK
    assert exit_status(improved, {FailOn.REGRESSION}, gate_changes=True) == EXIT_OK
    assert exit_status(improved, {FailOn.CHANGE}, gate_changes=True) == EXIT_GATE
    assert exit_status(missed, {FailOn.REGRESSION}, gate_changes=True) == EXIT_OK
    assert exit_status(missed, {FailOn.TARGET}, gate_changes=False) == EXIT_GATE
    assert exit_status(RunSummary(failed=("a",), regressed=("b",)), {FailOn.NEVER}, gate_changes=True) == EXIT_FAILED
