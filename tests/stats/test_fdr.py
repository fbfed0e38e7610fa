"""Benjamini–Hochberg adjusted p-values against a hand computation and a brute-force definition."""

from __future__ import annotations

import numpy as np
import pytest

from critbench.stats import benjamini_hochberg


def _brute_force(p: np.ndarray) -> np.ndarray:
    """adj_i = min over p_j >= p_i of m·p_j / rank_j, rank_j = #{k: p_k <= p_j}, capped at 1."""
    m = p.size
    ranks = np.array([np.sum(p <= value) for value in p])
    return np.array([min(1.0, *(m * p[j] / ranks[j] for j in range(m) if p[j] >= value)) for value in p])


def test_hand_computed_example() -> None:
    # Sorted: 0.005·4/1 = 0.02, 0.01·4/2 = 0.02, 0.03·4/3 = 0.04, 0.04·4/4 = 0.04.
    adjusted = benjamini_hochberg([0.01, 0.04, 0.03, 0.005])
    np.testing.assert_allclose(adjusted, [0.02, 0.04, 0.04, 0.02], rtol=1e-14)


def test_step_up_takes_the_minimum_from_above() -> None:
    # 0.04·3/2 = 0.06 exceeds 0.045·3/3, so the step-up lowers it to 0.045.
    np.testing.assert_allclose(benjamini_hochberg([0.01, 0.04, 0.045]), [0.03, 0.045, 0.045], rtol=1e-14)


def test_adjusted_values_never_exceed_one() -> None:
    # m·p/rank exceeds 1 for the smaller values, but the step-up minimum brings them down to p_(m) <= 1.
    np.testing.assert_array_equal(benjamini_hochberg([0.9, 0.8, 1.0]), [1.0, 1.0, 1.0])
    np.testing.assert_array_equal(benjamini_hochberg([0.9, 0.8]), [0.9, 0.9])


@pytest.mark.parametrize("seed", range(5))
def test_matches_the_brute_force_definition(seed: int) -> None:
    rng = np.random.default_rng(seed)
    p = np.round(rng.beta(0.5, 2.0, size=25), 2)  # rounding makes ties
    adjusted = benjamini_hochberg(p)
    np.testing.assert_allclose(adjusted, _brute_force(p), rtol=1e-14)
    order = np.argsort(p)
    assert (np.diff(adjusted[order]) >= 0).all()
    assert (adjusted >= p).all()


def test_single_and_empty_inputs() -> None:
    np.testing.assert_array_equal(benjamini_hochberg([0.03]), [0.03])
    assert benjamini_hochberg([]).shape == (0,)


@pytest.mark.parametrize("bad", [[0.1, float("nan")], [1.5], [-0.1], [[0.1, 0.2]]])
def test_invalid_p_values_are_rejected(bad: list[float]) -> None:
    with pytest.raises(ValueError, match="p_values"):
        benjamini_hochberg(bad)
