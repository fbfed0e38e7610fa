"""compare_runs: too few samples to test, so the change is judged against the runs' drift, by hand."""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pytest

from critbench.stats import COARSE_NOISE_FLOOR, compare_runs, make_rng


def test_the_band_is_the_drift_of_two_runs_and_nothing_else() -> None:
    result = compare_runs(
        [2000.0, 2100.0],
        [1000.0, 1050.0],
        noise_floor=0.03,
        confidence_level=0.95,
        significance_level=0.05,
        rng=make_rng(0, "runs"),
    )
    sd = math.sqrt(2) * COARSE_NOISE_FLOOR
    d = math.log(2050.0 / 1025.0)
    assert result.standard_error == pytest.approx(sd)
    assert result.change.mean.point == pytest.approx(1.0)
    assert result.change.mean.lower == pytest.approx(math.expm1(d - 1.959964 * sd), rel=1e-5)
    assert result.change.mean.upper == pytest.approx(math.expm1(d + 1.959964 * sd), rel=1e-5)
    assert result.change.t_statistic == pytest.approx(d / sd)
    assert result.change.p_value == pytest.approx(2 * (1 - NormalDist().cdf(d / sd)))
    assert result.change.p_value < 0.05, "a doubling clears the band"
    assert result.min_detectable_change == pytest.approx(math.expm1((1.959964 + 0.841621) * sd), rel=1e-5)
    assert np.percentile(result.distribution, 50) == pytest.approx(1.0, abs=0.05)


@pytest.mark.parametrize(
    ("ratio", "significant"),
    [(38.0, True), (2.0, True), (1.65, False), (1.0, False), (1 / 1.65, False), (0.5, True)],
)
def test_only_changes_beyond_a_fast_slow_state_flip_are_significant(ratio: float, significant: bool) -> None:
    result = compare_runs(
        [1000.0 * ratio, 1000.0 * ratio],
        [1000.0, 1000.0],
        noise_floor=0.03,
        confidence_level=0.95,
        significance_level=0.05,
        rng=make_rng(0, "runs"),
    )
    assert (result.change.p_value < 0.05) is significant


def test_a_larger_noise_floor_widens_the_band() -> None:
    wide = compare_runs(
        [2000.0, 2000.0],
        [1000.0, 1000.0],
        noise_floor=0.5,
        confidence_level=0.95,
        significance_level=0.05,
        rng=make_rng(0, "runs"),
    )
    assert wide.standard_error == pytest.approx(math.sqrt(2) * 0.5)
    assert wide.change.p_value > 0.05
