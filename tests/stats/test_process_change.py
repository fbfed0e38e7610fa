"""The by-process comparison: one slow process is not a regression, a uniform slowdown is."""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pytest

from critbench.stats import (
    SETTLE_MARGIN,
    compare_processes,
    detectable_change,
    faster_half,
    floor_dominates,
    history_noise_floor,
    make_rng,
    process_estimates,
)


def _processes(seed: int, level: float, count: int = 10, spread: float = 0.03) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return level * np.exp(rng.normal(0.0, spread, count))


def _compare(new: np.ndarray, base: np.ndarray, floor: float = 0.02):  # type: ignore[no-untyped-def]
    return compare_processes(
        new,
        base,
        nresamples=20_000,
        confidence_level=0.95,
        significance_level=0.05,
        noise_floor=floor,
        rng=make_rng(0, "test"),
    )


def test_one_slow_process_does_not_make_a_regression() -> None:
    base = _processes(1, 20_000.0)
    new = _processes(2, 20_000.0)
    new[3] *= 2.0  # one process landed in the slow state
    result = _compare(new, base)
    assert result.change.p_value > 0.05
    assert result.change.mean.lower < 0.01 < result.change.mean.upper


def test_a_uniform_twofold_slowdown_is_detected() -> None:
    base = _processes(1, 20_000.0)
    new = _processes(2, 40_000.0)
    result = _compare(new, base)
    assert result.change.p_value < 0.001
    assert 0.75 < result.change.mean.lower < result.change.mean.point < result.change.mean.upper < 1.3
    expected = math.expm1(float(faster_half(np.log(new)) - faster_half(np.log(base))))
    assert math.isclose(result.change.mean.point, expected, rel_tol=1e-12)


def test_the_noise_floor_widens_the_interval_and_the_detectable_change() -> None:
    base = _processes(1, 20_000.0)
    new = _processes(2, 21_000.0)
    tight = _compare(new, base, floor=0.0)
    loose = _compare(new, base, floor=0.05)
    assert loose.change.mean.upper - loose.change.mean.lower > 2 * (tight.change.mean.upper - tight.change.mean.lower)
    assert loose.min_detectable_change > tight.min_detectable_change
    assert loose.change.p_value > tight.change.p_value


def test_statistic_and_detectable_change_by_hand() -> None:
    base = np.array([100.0, 110.0, 90.0, 105.0, 98.0])
    new = np.array([120.0, 100.0, 115.0, 108.0, 111.0])
    result = _compare(new, base, floor=0.01)
    # S is the mean log of the faster half (3 of 5): new {100, 108, 111}, base {90, 98, 100}
    delta = np.mean(np.log([100.0, 108.0, 111.0])) - np.mean(np.log([90.0, 98.0, 100.0]))
    assert math.isclose(result.change.mean.point, math.expm1(delta), rel_tol=1e-12)
    assert math.isclose(result.change.t_statistic, delta / result.standard_error, rel_tol=1e-12)
    assert result.standard_error > math.sqrt(2) * 0.01
    z = NormalDist().inv_cdf(0.975) + NormalDist().inv_cdf(0.8)
    assert math.isclose(result.min_detectable_change, math.exp(z * result.standard_error) - 1, rel_tol=1e-12)
    assert math.isclose(detectable_change(0.05, 0.05), math.exp(2.8015852 * 0.05) - 1, rel_tol=1e-6)
    two_sided = 2 * (1 - NormalDist().cdf(abs(result.change.t_statistic)))
    assert math.isclose(result.change.p_value, two_sided, rel_tol=1e-12)


def test_faster_half() -> None:
    assert faster_half(np.array([5.0, 1.0, 3.0, 2.0])) == 1.5
    assert faster_half(np.array([5.0, 1.0, 3.0])) == 2.0
    assert faster_half(np.array([[4.0, 2.0], [1.0, 3.0]])).tolist() == [2.0, 1.0]


def test_false_alarm_rate_on_unchanged_processes_is_near_the_level() -> None:
    alarms = 0
    trials = 200
    for trial in range(trials):
        base = _processes(1000 + trial, 20_000.0, spread=0.05)
        new = _processes(5000 + trial, 20_000.0, spread=0.05)
        result = compare_processes(
            new,
            base,
            nresamples=2000,
            confidence_level=0.95,
            significance_level=0.05,
            noise_floor=0.0,
            rng=make_rng(trial, "alarm"),
        )
        alarms += result.change.p_value < 0.05
    assert alarms / trials < 0.10


def test_process_estimates_are_each_processs_fastest_time_per_iteration() -> None:
    iters = [1, 2, 3, 1, 2, 3]
    times = [10, 18, 33, 20, 40, 57]
    process = [0, 0, 0, 1, 1, 1]
    assert process_estimates(iters, times, process).tolist() == [9.0, 19.0]
    with pytest.raises(ValueError, match="one length"):
        process_estimates([1], [1, 2], [0])


def test_history_noise_floor_by_hand() -> None:
    # Steps of ±0.1 in log space (median 0, MAD 0.1), errors of 0.01: τ² = ((1.4826·0.1)² − 2·0.01²)/2
    typicals = np.exp([0.0, 0.1, 0.0, -0.1, 0.0, 0.1, 0.0])
    errors = np.full(7, 0.01)
    spread = 1.4826 * 0.1
    expected = math.sqrt((spread**2 - 2 * 0.01**2) / 2)
    floor = history_noise_floor(typicals, errors)
    assert floor is not None
    assert math.isclose(floor, expected, rel_tol=1e-9)
    assert history_noise_floor(typicals[:3], errors[:3]) is None
    assert history_noise_floor(np.full(6, 5.0), np.full(6, 0.01)) == 0.0


def test_history_noise_floor_ignores_steps_across_code_changes() -> None:
    # Two commits, each run four times with ±0.1 steps; the 0.7 jump between them is a change, not noise.
    typicals = np.exp([0.0, 0.1, 0.0, 0.1, 0.8, 0.7, 0.8, 0.7])
    errors = np.full(8, 0.0)
    versions = ["a"] * 4 + ["b"] * 4
    floor = history_noise_floor(typicals, errors, versions)
    assert floor is not None
    assert math.isclose(floor, 1.4826 * 0.1 / math.sqrt(2), rel_tol=1e-9)  # six same-commit steps of ±0.1
    unversioned = history_noise_floor(typicals, errors)
    assert unversioned is not None
    assert unversioned > floor  # without versions the jump inflates it
    assert history_noise_floor(typicals[:5], errors[:5], versions[:5]) is not None  # a's three steps are enough
    assert history_noise_floor(typicals[:4], errors[:4], versions[:4]) is not None
    assert history_noise_floor(typicals[3:6], errors[3:6], versions[3:6]) is None  # one same-commit step
    assert history_noise_floor(typicals, errors, [str(i) for i in range(8)]) is None  # no repeated version


def test_the_interval_excludes_zero_exactly_when_the_test_is_significant() -> None:
    """One story: never "No change" beside an interval that excludes zero, never a regression over one that
    includes it."""
    rng = np.random.default_rng(11)
    disagreements = 0
    for trial in range(200):
        shift = rng.normal(0.0, 0.06)
        new = rng.lognormal(math.log(100) + shift, 0.05, 10)
        base = rng.lognormal(math.log(100), 0.05, 10)
        result = compare_processes(
            new,
            base,
            nresamples=2000,
            confidence_level=0.95,
            significance_level=0.05,
            noise_floor=0.03,
            rng=make_rng(trial, "story"),
        )
        excludes_zero = result.change.mean.lower > 0 or result.change.mean.upper < 0
        disagreements += excludes_zero != (result.change.p_value < 0.05)
    assert disagreements == 0


def test_the_floor_dominates_processes_that_agree_to_a_tenth_of_a_percent() -> None:
    rng = np.random.default_rng(1)
    assert floor_dominates([100.0, 100.1, 99.9, 100.05, 99.95], 0.03, rng=rng)


def test_processes_spread_by_ten_percent_still_gain_from_more() -> None:
    rng = np.random.default_rng(1)
    assert not floor_dominates([100.0, 110.0, 90.0, 120.0, 95.0], 0.03, rng=rng)


def test_floor_dominates_is_the_margin_on_the_tests_own_total() -> None:
    # By hand: the faster half's bootstrap variance from the same generator, against 2τ².
    values = [100.0, 101.0, 102.5, 99.0, 104.0, 100.5]
    y = np.log(values)
    boot = faster_half(np.random.default_rng(7).choice(y, size=(2_000, y.size)))
    ratio = math.sqrt(2 * float(np.var(boot, ddof=1)) + 2 * 0.03**2) / math.sqrt(2 * 0.03**2)
    assert ratio > 1.0
    expected = ratio <= 1 + SETTLE_MARGIN
    assert floor_dominates(values, 0.03, rng=np.random.default_rng(7)) is expected
    # A floor ten times smaller leaves the same spread in charge.
    assert not floor_dominates(values, 0.003, rng=np.random.default_rng(7))


@pytest.mark.parametrize(("values", "floor"), [([100.0] * 4, 0.03), ([100.0] * 6, 0.0)])
def test_floor_dominates_needs_five_processes_and_a_floor(values: list[float], floor: float) -> None:
    assert not floor_dominates(values, floor, rng=np.random.default_rng(1))
