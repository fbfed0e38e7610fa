"""The Gaussian KDE with Criterion's Silverman bandwidth, against scipy."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.stats

from critbench.stats import gaussian_kde, silverman_bandwidth


def test_bandwidth_is_silvermans_rule() -> None:
    x = np.array([1.0, 2.0, 4.0, 7.0])
    assert silverman_bandwidth(x) == pytest.approx(np.std(x, ddof=1) * (4 / 12) ** 0.2, rel=1e-15)


@pytest.mark.parametrize("n", [5, 100, 1000])
def test_matches_scipy_with_the_same_bandwidth_factor(n: int) -> None:
    x = np.random.default_rng(n).lognormal(3, 0.3, size=n)
    points = np.linspace(x.min() - 5, x.max() + 5, 257)
    reference = scipy.stats.gaussian_kde(x, bw_method=(4 / (3 * n)) ** 0.2)
    np.testing.assert_allclose(gaussian_kde(x, points), reference(points), rtol=1e-10, atol=1e-300)


def test_density_integrates_to_one() -> None:
    x = np.random.default_rng(1).normal(100, 5, size=200)
    h = silverman_bandwidth(x)
    grid = np.linspace(x.min() - 8 * h, x.max() + 8 * h, 4001)
    assert np.trapezoid(gaussian_kde(x, grid), grid) == pytest.approx(1.0, abs=1e-6)


def test_keeps_the_shape_of_the_points() -> None:
    x = np.array([1.0, 2.0, 3.0])
    points = np.array([[1.0, 2.0], [3.0, 4.0]])
    density = gaussian_kde(x, points)
    assert density.shape == (2, 2)
    assert density[0, 1] == pytest.approx(gaussian_kde(x, [2.0])[0])
    assert gaussian_kde(x, 2.0).shape == ()


def test_far_points_have_zero_density_without_warnings() -> None:
    assert gaussian_kde([1.0, 2.0, 3.0], [1e200])[0] == 0.0


def test_a_sample_without_spread_is_rejected() -> None:
    with pytest.raises(ValueError, match="no spread"):
        gaussian_kde([5.0, 5.0, 5.0], [5.0])
