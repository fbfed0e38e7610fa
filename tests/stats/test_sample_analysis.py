"""analyze_samples: Criterion §2 point estimates, bootstrap intervals, slope and R², input checks."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import scipy.stats

from critbench.model import Estimate, SampleAnalysis
from critbench.stats import (
    MAD_NORMAL_SCALE,
    OutlierClass,
    analyze_samples,
    classify_outliers,
    make_rng,
    percentile_interval,
    through_origin_r_squared,
    tukey_fences,
)
from critbench.stats._bootstrap import chunk_rows, draw_indices


def _linear_samples(seed: int = 11, n: int = 100) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    iters = np.arange(1, n + 1, dtype=np.float64) * 37
    times = iters * 120.0 * (1 + 0.03 * rng.standard_normal(n)) + rng.exponential(500.0, n)
    return iters, times


def _analyze(iters: np.ndarray, times: np.ndarray, *, linear: bool = True, seed: int = 0) -> SampleAnalysis:
    return analyze_samples(
        iters, times, linear=linear, nresamples=3000, confidence_level=0.95, rng=make_rng(seed, "g/f")
    )


def test_point_estimates_match_numpy_and_scipy() -> None:
    iters, times = _linear_samples()
    x = times / iters
    estimates = _analyze(iters, times).estimates
    assert estimates.mean.point == pytest.approx(np.mean(x), rel=1e-15)
    assert estimates.std_dev.point == pytest.approx(np.std(x, ddof=1), rel=1e-15)
    assert estimates.std_dev.point == pytest.approx(scipy.stats.tstd(x), rel=1e-12)
    assert estimates.median.point == pytest.approx(np.percentile(x, 50), rel=1e-15)
    assert estimates.median_abs_dev.point == pytest.approx(
        MAD_NORMAL_SCALE * np.median(np.abs(x - np.median(x))), rel=1e-15
    )
    # scipy's 'normal' scale is 1/Φ⁻¹(3/4) = 1.482602..., Criterion's constant is 1.4826.
    assert estimates.median_abs_dev.point == pytest.approx(
        scipy.stats.median_abs_deviation(x, scale="normal"), rel=1e-3
    )


def _naive_distributions(x: np.ndarray, iters: np.ndarray, times: np.ndarray, nresamples: int, seed: int) -> np.ndarray:
    """The five bootstrap distributions, row by row with plain numpy, from the same stream of resamples."""
    rng = make_rng(seed, "g/f")
    order = np.argsort(x, kind="stable")
    xs, its, ts = x[order], iters[order], times[order]
    rows = []
    for start, stop in chunk_rows(nresamples, x.size):
        for row in draw_indices(rng, x.size, stop - start, x.size, sort=True):
            r = xs[row]
            med = np.median(r)
            slope = np.sum(its[row] * ts[row]) / np.sum(its[row] ** 2)
            rows.append((r.mean(), r.std(ddof=1), med, MAD_NORMAL_SCALE * np.median(np.abs(r - med)), slope))
    return np.array(rows).T


def test_bootstrap_intervals_and_errors_match_a_row_by_row_computation() -> None:
    iters, times = _linear_samples(n=40)
    x = times / iters
    analysis = _analyze(iters, times)
    means, stds, medians, mads, slopes = _naive_distributions(x, iters, times, 3000, seed=0)
    estimates = analysis.estimates
    assert estimates.slope is not None
    for estimate, dist in [
        (estimates.mean, means),
        (estimates.std_dev, stds),
        (estimates.median, medians),
        (estimates.median_abs_dev, mads),
        (estimates.slope, slopes),
    ]:
        lower, upper = percentile_interval(dist, 0.95)
        assert estimate.lower == pytest.approx(lower, rel=1e-12)
        assert estimate.upper == pytest.approx(upper, rel=1e-12)
        assert estimate.standard_error == pytest.approx(np.std(dist, ddof=1), rel=1e-9)
        assert estimate.confidence_level == 0.95
        assert estimate.lower <= estimate.upper


def test_intervals_bracket_the_point_estimates_on_well_behaved_data() -> None:
    estimates = _analyze(*_linear_samples()).estimates
    assert estimates.slope is not None
    for estimate in (estimates.mean, estimates.median, estimates.std_dev, estimates.slope):
        assert estimate.lower < estimate.point < estimate.upper
        assert 0 < estimate.standard_error < estimate.upper - estimate.lower


def test_outliers_are_classified_on_per_iteration_times() -> None:
    iters, times = _linear_samples()
    times[[3, 50]] *= 4  # two far-too-slow samples
    analysis = _analyze(iters, times)
    x = times / iters
    assert analysis.fences == tukey_fences(x)
    counts, labels = classify_outliers(x, tukey_fences(x))
    assert analysis.outliers == counts
    assert labels[3] == labels[50] == OutlierClass.HIGH_SEVERE
    assert analysis.outliers.sample_count == 100


def test_noiseless_linear_data_gives_the_exact_slope_with_a_degenerate_interval() -> None:
    iters = np.arange(1, 101, dtype=np.float64) * 3
    analysis = _analyze(iters, 7 * iters)
    assert analysis.estimates.slope == Estimate(
        point=7.0, lower=7.0, upper=7.0, standard_error=0.0, confidence_level=0.95
    )
    assert analysis.slope_r_squared == (1.0, 1.0)
    assert analysis.estimates.std_dev == Estimate(0.0, 0.0, 0.0, 0.0, 0.95)
    assert analysis.estimates.median_abs_dev.upper == 0.0


def test_slope_is_the_least_squares_line_through_the_origin() -> None:
    analysis = _analyze(np.array([1.0, 2.0, 3.0]), np.array([2.0, 5.0, 5.5]))
    assert analysis.estimates.slope is not None
    # (1*2 + 2*5 + 3*5.5) / (1 + 4 + 9)
    assert analysis.estimates.slope.point == pytest.approx(28.5 / 14, rel=1e-15)


def test_r_squared_by_hand() -> None:
    # Residuals of y = 2x: 0, 0, 1. Mean 13/3, ss_tot = (49 + 1 + 64)/9. Criterion's bug would give 1 - 9/73.
    assert through_origin_r_squared([1, 2, 3], [2, 4, 7], 2.0) == pytest.approx(1 - 9 / 114, rel=1e-14)
    assert through_origin_r_squared([1, 2, 3], [2, 4, 6], 2.0) == 1.0
    assert through_origin_r_squared([1, 2], [5, 5], 5.0) == 0.0  # flat times: R² undefined, reported as 0
    assert through_origin_r_squared([1, 2], [5, 5], 4.0) == 0.0


def test_slope_r_squared_is_taken_at_the_slope_bounds() -> None:
    iters, times = _linear_samples()
    analysis = _analyze(iters, times)
    slope = analysis.estimates.slope
    assert slope is not None
    assert analysis.slope_r_squared == (
        through_origin_r_squared(iters, times, slope.lower),
        through_origin_r_squared(iters, times, slope.upper),
    )
    assert 0.9 < analysis.slope_r_squared[0] < 1


def test_flat_sampling_has_no_slope() -> None:
    analysis = _analyze(np.full(20, 1000.0), np.random.default_rng(4).normal(5e4, 100, 20), linear=False)
    assert analysis.estimates.slope is None
    assert analysis.slope_r_squared is None
    assert analysis.estimates.typical == analysis.estimates.mean


def test_same_seed_and_key_reproduce_the_analysis() -> None:
    iters, times = _linear_samples()
    assert _analyze(iters, times, seed=3) == _analyze(iters, times, seed=3)


def test_another_key_or_seed_gives_other_resamples() -> None:
    iters, times = _linear_samples()
    first = _analyze(iters, times, seed=3)
    assert _analyze(iters, times, seed=4) != first
    other_key = analyze_samples(
        iters, times, linear=True, nresamples=3000, confidence_level=0.95, rng=make_rng(3, "g/other")
    )
    assert other_key != first
    # Only the resampling changes: the point estimates are the data's.
    assert dataclasses.replace(other_key.estimates.mean, lower=0, upper=0, standard_error=0) == (
        dataclasses.replace(first.estimates.mean, lower=0, upper=0, standard_error=0)
    )


@pytest.mark.parametrize(
    ("iters", "times", "message"),
    [
        ([1.0], [5.0], "at least 2"),
        ([1.0, 2.0], [5.0, float("nan")], "non-finite"),
        ([1.0, float("inf")], [5.0, 6.0], "non-finite"),
        ([1.0, 2.0], [5.0, 0.0], "zero time per iteration"),
        ([1.0, 2.0], [5.0, -1.0], "negative"),
        ([1.0, 0.0], [5.0, 6.0], "at least one iteration"),
        ([1.0, 2.0, 3.0], [5.0, 6.0], "one entry per sample"),
        ([[1.0, 2.0]], [[5.0, 6.0]], "one-dimensional"),
    ],
)
def test_bad_samples_are_rejected_with_a_clear_message(iters: list[float], times: list[float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        analyze_samples(iters, times, linear=True, nresamples=100, confidence_level=0.95, rng=make_rng(0, "k"))


@pytest.mark.parametrize(("nresamples", "level"), [(1, 0.95), (0, 0.95), (100, 0.0), (100, 1.0)])
def test_bad_bootstrap_settings_are_rejected(nresamples: int, level: float) -> None:
    with pytest.raises(ValueError, match=r"nresamples|confidence_level"):
        analyze_samples(
            [1, 2], [3, 4], linear=False, nresamples=nresamples, confidence_level=level, rng=make_rng(0, "k")
        )
