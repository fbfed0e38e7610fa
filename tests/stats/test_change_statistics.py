"""compare_samples and welch_t: Criterion §3's bootstrap Welch test and relative change."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.stats

from critbench.model import ChangeStatistics
from critbench.stats import compare_samples, make_rng, welch_t
from critbench.stats._bootstrap import chunk_rows, draw_indices
from critbench.stats._change_statistics import (
    _change_distributions,
    mixed_bootstrap_t,
    outer_resample_sizes,
    two_sided_p_value,
)


def _times(seed: int, n: int = 100, scale: float = 1.0) -> np.ndarray:
    return scale * np.random.default_rng(seed).lognormal(np.log(2000.0), 0.05, size=n)


@pytest.mark.parametrize(("n_a", "n_b"), [(2, 2), (10, 30), (100, 100)])
def test_welch_t_matches_scipy(n_a: int, n_b: int) -> None:
    rng = np.random.default_rng(n_a * n_b)
    a, b = rng.normal(10, 2, n_a), rng.normal(11, 0.5, n_b)
    expected = scipy.stats.ttest_ind(a, b, equal_var=False).statistic
    assert welch_t(a, b) == pytest.approx(expected, rel=1e-12)


def test_welch_t_without_spread() -> None:
    assert welch_t([3.0, 3.0], [3.0, 3.0, 3.0]) == 0.0
    assert welch_t([4.0, 4.0], [3.0, 3.0]) == math.inf
    assert welch_t([2.0, 2.0], [3.0, 3.0]) == -math.inf
    assert welch_t([0.1, 0.1, 0.1], [0.2, 0.2, 0.2]) == -math.inf  # no rounding dust in the variances


def test_welch_t_needs_two_values_per_sample() -> None:
    with pytest.raises(ValueError, match="b needs at least 2"):
        welch_t([1.0, 2.0], [1.0])


def _compare(new: np.ndarray, base: np.ndarray, nresamples: int = 20_000, seed: int = 0) -> ChangeStatistics:
    return compare_samples(new, base, nresamples=nresamples, confidence_level=0.95, rng=make_rng(seed, "g/f"))


def test_identical_distributions_show_no_change() -> None:
    new, base = _times(1), _times(2)
    change = _compare(new, base)
    assert change.p_value > 0.05
    assert change.mean.lower < 0 < change.mean.upper
    assert change.median.lower < 0 < change.median.upper
    assert abs(change.mean.point) < 0.02


def test_a_twofold_slowdown_is_significant_and_measured() -> None:
    new, base = _times(1, scale=2.0), _times(2)
    change = _compare(new, base)
    assert change.p_value < 0.05
    assert change.t_statistic > 10
    assert change.mean.point == pytest.approx(np.mean(new) / np.mean(base) - 1, rel=1e-14)
    assert change.median.point == pytest.approx(np.median(new) / np.median(base) - 1, rel=1e-14)
    assert 0.95 < change.mean.lower < 1.0 < change.mean.upper < 1.05
    assert 0.95 < change.median.lower < 1.0 < change.median.upper < 1.05


def test_an_improvement_has_a_negative_change() -> None:
    change = _compare(_times(1, scale=0.8), _times(2))
    assert change.p_value < 0.05
    assert change.t_statistic < 0
    assert -0.22 < change.mean.lower < change.mean.upper < -0.18


def test_p_value_formula_by_hand() -> None:
    null = np.array([-2.0, -1.0, 0.0, 1.0, 2.0, 3.0])
    assert two_sided_p_value(null, 1.5) == pytest.approx(2 * min(4, 2) / 6)
    assert two_sided_p_value(null, -5.0) == 0.0
    assert two_sided_p_value(null, 0.5) == 1.0
    assert two_sided_p_value(null, 1.0) == 1.0  # h counts the values strictly below t: 3 of 6
    assert two_sided_p_value(np.array([]), 0.5) == 1.0


def test_p_value_reproduces_a_null_distribution_computed_row_by_row() -> None:
    new, base = np.array([5.0, 6.0, 7.5, 5.5]), np.array([5.2, 4.9, 5.1, 5.0, 5.3])
    pool = np.concatenate([new, base])
    rng = make_rng(7, "tiny")
    null = []
    for start, stop in chunk_rows(500, pool.size):
        for row in draw_indices(rng, pool.size, stop - start, pool.size, sort=False):
            resample = pool[row]
            a, b = resample[:4], resample[4:]
            if np.ptp(a) == 0 and np.ptp(b) == 0:
                continue  # t is 0/0 or x/0: not finite, dropped
            null.append(welch_t(a, b))
    t_obs = welch_t(new, base)
    h = sum(t < t_obs for t in null)
    expected_p = 2 * min(h, len(null) - h) / len(null)

    change = compare_samples(new, base, nresamples=500, confidence_level=0.95, rng=make_rng(7, "tiny"))
    assert change.t_statistic == t_obs
    assert change.p_value == pytest.approx(expected_p, abs=1e-12)
    np.testing.assert_allclose(
        np.sort(mixed_bootstrap_t(new, base, 500, make_rng(7, "tiny"))), np.sort(null), rtol=1e-9
    )


def test_p_value_is_symmetric_and_bounded() -> None:
    new, base = _times(3, n=30), _times(4, n=40, scale=1.01)
    forward = _compare(new, base, nresamples=5000)
    backward = _compare(base, new, nresamples=5000)
    assert forward.t_statistic == pytest.approx(-backward.t_statistic)
    assert 0 <= forward.p_value <= 1
    assert forward.p_value == pytest.approx(backward.p_value, abs=0.03)


def test_constant_equal_samples_have_p_one() -> None:
    change = _compare(np.full(10, 50.0), np.full(12, 50.0), nresamples=200)
    assert change.p_value == 1.0
    assert change.t_statistic == 0.0
    assert (change.mean.lower, change.mean.point, change.mean.upper) == (0.0, 0.0, 0.0)


@pytest.mark.parametrize("nresamples", [2, 3, 10, 17, 99, 100, 101, 100_000])
def test_outer_resamples_split_the_total_exactly(nresamples: int) -> None:
    sizes = outer_resample_sizes(nresamples)
    assert len(sizes) == math.ceil(math.sqrt(nresamples))
    assert sum(sizes) == nresamples
    assert all(size >= 0 for size in sizes)
    assert max(sizes) == math.ceil(nresamples / len(sizes))


def test_outer_resamples_for_criterions_default() -> None:
    assert outer_resample_sizes(100_000) == [316] * 316 + [144]


def test_change_distributions_match_a_row_by_row_two_sample_bootstrap() -> None:
    new, base = _times(5, n=9), _times(6, n=12)
    nresamples = 50
    mean_ratios, median_ratios = _change_distributions(new, base, nresamples, make_rng(1, "two"))

    rng = make_rng(1, "two")
    sizes = outer_resample_sizes(nresamples)
    new_sorted, base_sorted = np.sort(new), np.sort(base)
    new_rows = new_sorted[draw_indices(rng, new.size, len(sizes), new.size, sort=True)]
    base_rows = base_sorted[draw_indices(rng, base.size, nresamples, base.size, sort=True)]
    paired_new = np.repeat(new_rows, sizes, axis=0)
    np.testing.assert_allclose(mean_ratios, paired_new.mean(1) / base_rows.mean(1) - 1, rtol=1e-12)
    np.testing.assert_allclose(median_ratios, np.median(paired_new, 1) / np.median(base_rows, 1) - 1, rtol=1e-12)


def test_same_generator_state_gives_the_same_comparison() -> None:
    new, base = _times(8, n=50), _times(9, n=50)
    assert _compare(new, base, seed=5) == _compare(new, base, seed=5)
    assert _compare(new, base, seed=5) != _compare(new, base, seed=6)


@pytest.mark.parametrize(
    ("new", "base", "message"),
    [
        ([1.0], [1.0, 2.0], "new needs at least 2"),
        ([1.0, 2.0], [float("nan"), 2.0], "base contains non-finite"),
        ([0.0, 2.0], [1.0, 2.0], "zero time per iteration"),
        ([1.0, 2.0], [-1.0, 2.0], "negative"),
    ],
)
def test_bad_samples_are_rejected(new: list[float], base: list[float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        compare_samples(new, base, nresamples=100, confidence_level=0.95, rng=make_rng(0, "k"))
