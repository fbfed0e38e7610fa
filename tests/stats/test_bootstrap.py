"""The vectorised percentile bootstrap against plain numpy, row by row, and its coverage."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from critbench.stats import analyze_samples, percentile_interval
from critbench.stats._bootstrap import (
    CHUNK_ELEMENTS,
    bootstrap_estimate,
    chunk_rows,
    draw_indices,
    median_abs_dev_rows,
    median_rows,
    row_moments,
)


@pytest.mark.parametrize("level", [0.5, 0.9, 0.95, 0.99])
def test_percentile_interval_is_numpy_linear_percentiles(level: float) -> None:
    dist = np.random.default_rng(1).gamma(2.0, size=1001)
    expected = np.percentile(dist, [50 * (1 - level), 50 * (1 + level)], method="linear")
    assert percentile_interval(dist, level) == (float(expected[0]), float(expected[1]))


def test_percentile_interval_interpolates_between_order_statistics() -> None:
    # Rank 0.025 * 4 = 0.1 lies between 0 and 10; rank 0.975 * 4 = 3.9 between 30 and 40.
    assert percentile_interval(np.array([40.0, 0.0, 20.0, 10.0, 30.0]), 0.95) == pytest.approx((1.0, 39.0))


@pytest.mark.parametrize("level", [0.0, 1.0, -0.5, 1.5])
def test_percentile_interval_rejects_levels_outside_zero_one(level: float) -> None:
    with pytest.raises(ValueError, match="confidence_level"):
        percentile_interval(np.arange(10.0), level)


def test_percentile_interval_rejects_an_empty_distribution() -> None:
    with pytest.raises(ValueError, match="non-empty"):
        percentile_interval(np.array([]), 0.95)


def test_bootstrap_estimate_takes_the_point_from_the_data_and_the_error_from_the_distribution() -> None:
    dist = np.array([1.0, 2.0, 4.0, 8.0])
    estimate = bootstrap_estimate(3.5, dist, 0.9)
    assert estimate.point == 3.5
    assert estimate.standard_error == pytest.approx(np.std(dist, ddof=1))
    assert (estimate.lower, estimate.upper) == percentile_interval(dist, 0.9)
    assert estimate.confidence_level == 0.9


def test_chunks_cover_every_resample_once() -> None:
    ranges = list(chunk_rows(100_000, 100))
    assert ranges[0] == (0, CHUNK_ELEMENTS // 100)
    assert ranges[-1][1] == 100_000
    assert all(stop == next_start for (_, stop), (next_start, _) in itertools.pairwise(ranges))
    assert list(chunk_rows(3, 10 * CHUNK_ELEMENTS)) == [(0, 1), (1, 2), (2, 3)]


def test_drawn_rows_are_sorted_indices_in_range() -> None:
    idx = draw_indices(np.random.default_rng(2), 7, 500, 9, sort=True)
    assert idx.shape == (500, 9)
    assert idx.min() == 0
    assert idx.max() == 6
    assert (np.diff(idx, axis=1) >= 0).all()


@pytest.mark.parametrize("n", [2, 3, 4, 5, 10, 11, 100])
def test_row_order_statistics_match_numpy_row_by_row(n: int) -> None:
    rng = np.random.default_rng(n)
    # Rounded values give ties, which the window search for the MAD must handle.
    values = np.sort(np.round(rng.lognormal(3.0, 0.5, size=n), 1))
    idx = draw_indices(rng, n, 400, n, sort=True)
    resamples = values[idx]

    medians = median_rows(values, idx)
    np.testing.assert_array_equal(medians, np.median(resamples, axis=1))
    expected_mad = np.median(np.abs(resamples - medians[:, None]), axis=1)
    np.testing.assert_array_equal(median_abs_dev_rows(values, idx, medians), expected_mad)


def test_row_moments_match_numpy_even_for_large_times() -> None:
    rng = np.random.default_rng(3)
    data = 1e9 + rng.normal(0, 1e-3, size=(50, 30))  # one-pass variance of raw values would lose everything
    centered = data - data.mean()
    means, variances = row_moments(centered)
    np.testing.assert_allclose(data.mean() + means, data.mean(axis=1), rtol=1e-15)
    np.testing.assert_allclose(variances, data.var(axis=1, ddof=1), rtol=1e-6)


def test_constant_rows_have_exactly_zero_variance() -> None:
    rows = np.array([[0.3, 0.3, 0.3], [-1 / 3, -1 / 3, -1 / 3], [0.1, 0.2, 0.3]])
    _, variances = row_moments(rows)
    assert variances[0] == 0.0
    assert variances[1] == 0.0
    assert variances[2] == pytest.approx(0.01)


def test_mean_interval_covers_the_true_mean_about_as_often_as_its_level() -> None:
    rng = np.random.default_rng(2024)
    datasets = 400
    covered = 0
    for _ in range(datasets):
        x = rng.normal(10.0, 1.0, size=50)
        analysis = analyze_samples(np.ones(50), x, linear=False, nresamples=2000, confidence_level=0.95, rng=rng)
        covered += analysis.estimates.mean.lower <= 10.0 <= analysis.estimates.mean.upper
    assert 0.93 <= covered / datasets <= 0.97
