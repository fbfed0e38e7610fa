"""The paired (alternating) comparison and the Student t distribution it uses."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.stats

from critbench import stats
from critbench.stats import (
    compare_paired,
    make_rng,
    paired_units,
    regularized_incomplete_beta,
    t_two_sided_p,
)


@pytest.mark.parametrize("df", [1, 2, 4, 9, 30, 200])
@pytest.mark.parametrize("t", [0.0, 0.3, 1.0, 2.1, 4.5, 12.0])
def test_t_p_value_matches_scipy(t: float, df: int) -> None:
    expected = 2 * scipy.stats.t.sf(t, df)
    assert math.isclose(t_two_sided_p(t, df), expected, rel_tol=1e-9, abs_tol=1e-14)
    assert math.isclose(t_two_sided_p(-t, df), expected, rel_tol=1e-9, abs_tol=1e-14)


@pytest.mark.parametrize(("a", "b", "x"), [(0.5, 0.5, 0.3), (2.0, 3.0, 0.9), (10.0, 0.5, 0.95), (1.0, 1.0, 0.42)])
def test_incomplete_beta_matches_scipy(a: float, b: float, x: float) -> None:
    assert math.isclose(regularized_incomplete_beta(a, b, x), scipy.special.betainc(a, b, x), rel_tol=1e-10)


def _pairs(seed: int, ratio: float, processes: int = 10, per_process: int = 10) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    luck = np.repeat(np.exp(rng.normal(0, 0.08, processes)), per_process)  # per-process luck, shared by the pair
    a = 20_000 * luck * np.exp(rng.normal(0, 0.01, luck.size))
    b = 20_000 * ratio * luck * np.exp(rng.normal(0, 0.01, luck.size))
    process = np.repeat(np.arange(processes), per_process)
    return a, b, process


def _compare(a: np.ndarray, b: np.ndarray, process: np.ndarray):  # type: ignore[no-untyped-def]
    return compare_paired(
        a, b, process, nresamples=5000, confidence_level=0.95, significance_level=0.05, rng=make_rng(0, "p")
    )


def test_a_two_percent_change_is_seen_through_large_process_luck() -> None:
    result = _compare(*_pairs(1, 1.02))
    assert result.change.p_value < 0.001
    assert 0.01 < result.change.mean.lower < 0.02 < result.change.mean.upper < 0.03
    assert result.min_detectable_change < 0.02


def test_no_change_is_not_called_a_change() -> None:
    calls = sum(_compare(*_pairs(seed, 1.0)).change.p_value < 0.05 for seed in range(100))
    assert calls <= 10


def test_units_are_per_process_medians_or_pairs() -> None:
    a = np.array([10.0, 10.0, 10.0, 10.0])
    b = np.array([11.0, 12.0, 10.0, 10.0])
    assert paired_units(a, b, [0, 0, 1, 1]).tolist() == pytest.approx([math.log(1.1), math.log(1.2), 0.0, 0.0])
    processes = np.repeat(np.arange(5), 2)
    units = paired_units(np.full(10, 10.0), np.full(10, 10.0) * np.repeat([1.0, 1.1, 1.2, 1.3, 1.4], 2), processes)
    assert units.tolist() == pytest.approx(np.log([1.0, 1.1, 1.2, 1.3, 1.4]).tolist())
    with pytest.raises(ValueError, match="positive"):
        paired_units([1.0, -1.0], [1.0, 1.0], [0, 0])


def test_paired_p_value_is_students_t_on_the_units() -> None:
    a, b, process = _pairs(3, 1.01)
    result = _compare(a, b, process)
    units = paired_units(a, b, process)
    expected = scipy.stats.ttest_1samp(units, 0.0).pvalue
    assert math.isclose(result.change.p_value, expected, rel_tol=1e-9)


def test_a_position_effect_cancels_in_each_process_whatever_the_split() -> None:
    # True change 3%. In every process the second sample of a pair pays 2% extra (its sign alternating by
    # process), and the random order gave one position three pairs and the other two, so the plain median
    # would land on the biased side; the crossover summary averages the two positions' medians.
    processes, true = 6, math.log(1.03)
    a_first = np.asarray([True, True, True, False, False] * processes)
    process = np.repeat(np.arange(processes), 5)
    sign = np.where(process % 2 == 0, 1.0, -1.0)
    shift = np.where(a_first, 0.02, -0.02) * sign  # A first → B is second → B pays (or gains) 2%
    a = np.full(a_first.size, 1000.0)
    b = a * np.exp(true + shift)
    units = paired_units(a, b, process, a_first)
    assert np.allclose(units, true)
    plain = paired_units(a, b, process)
    assert np.allclose(np.abs(plain - true), 0.02), "without the order each process is off by the full effect"
    result = compare_paired(
        a,
        b,
        process,
        a_first=a_first,
        nresamples=1000,
        confidence_level=0.95,
        significance_level=0.05,
        rng=make_rng(1, "x"),
    )
    assert math.isclose(result.change.mean.point, 0.03, rel_tol=1e-9)


def test_the_order_must_match_the_pairs() -> None:
    with pytest.raises(ValueError, match="one entry per pair"):
        paired_units([1.0, 2.0], [1.0, 2.0], [0, 0], [True])


def test_t_critical_matches_scipy() -> None:
    for df in (2, 4, 9, 29, 200):
        for alpha in (0.05, 0.01, 0.4):
            assert stats.t_critical(alpha, df) == pytest.approx(scipy.stats.t.ppf(1 - alpha / 2, df), rel=1e-9)


def test_the_detectable_change_of_a_t_test_keeps_its_80_percent_promise() -> None:
    """At the printed detectable change, a t-test over ten processes has 80% power (noncentral t, scipy)."""
    se, df, alpha = 0.01, 9, 0.05
    detectable = stats.detectable_change(se, alpha, degrees_of_freedom=df)
    effect = math.log1p(detectable) / se  # the noncentrality: the true change in standard errors
    critical = scipy.stats.t.ppf(1 - alpha / 2, df)
    power = scipy.stats.nct.sf(critical, df, effect) + scipy.stats.nct.cdf(-critical, df, effect)
    assert power == pytest.approx(0.80, abs=0.015)
    normal = stats.detectable_change(se, alpha)
    effect_normal = math.log1p(normal) / se
    power_normal = scipy.stats.nct.sf(critical, df, effect_normal)
    assert power_normal < 0.75, "normal quantiles overpromise for ten processes (the issue measured 70%)"
