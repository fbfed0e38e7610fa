"""Tukey's fences and Criterion's outlier classes, on hand-computed examples."""

from __future__ import annotations

import numpy as np
import pytest

from critbench.model import OutlierCounts, TukeyFences
from critbench.stats import OutlierClass, classify_outliers, tukey_fences

# 17 values: Q1 is the 5th smallest (rank 0.25 * 16 = 4) = 10, Q3 the 13th (rank 12) = 20, IQR = 10,
# so the fences are -20, -5, 35 and 50. Values on a fence are planted to check the comparisons are strict.
LABELLED = {
    -30.0: OutlierClass.LOW_SEVERE,
    -20.0: OutlierClass.LOW_MILD,  # on the low severe fence
    -10.0: OutlierClass.LOW_MILD,
    -5.0: OutlierClass.NOT_OUTLIER,  # on the low mild fence
    10.0: OutlierClass.NOT_OUTLIER,
    11.0: OutlierClass.NOT_OUTLIER,
    12.0: OutlierClass.NOT_OUTLIER,
    13.0: OutlierClass.NOT_OUTLIER,
    14.0: OutlierClass.NOT_OUTLIER,
    15.0: OutlierClass.NOT_OUTLIER,
    16.0: OutlierClass.NOT_OUTLIER,
    18.0: OutlierClass.NOT_OUTLIER,
    20.0: OutlierClass.NOT_OUTLIER,
    35.0: OutlierClass.NOT_OUTLIER,  # on the high mild fence
    40.0: OutlierClass.HIGH_MILD,
    50.0: OutlierClass.HIGH_MILD,  # on the high severe fence
    51.0: OutlierClass.HIGH_SEVERE,
}


def _shuffled() -> tuple[np.ndarray, np.ndarray]:
    values = np.array(list(LABELLED))
    np.random.default_rng(5).shuffle(values)
    return values, np.array([LABELLED[v] for v in values], dtype=np.int8)


def test_fences_of_the_hand_example() -> None:
    values, _ = _shuffled()
    assert tukey_fences(values) == TukeyFences(low_severe=-20.0, low_mild=-5.0, high_mild=35.0, high_severe=50.0)


def test_counts_and_labels_of_the_hand_example() -> None:
    values, expected_labels = _shuffled()
    counts, labels = classify_outliers(values, tukey_fences(values))
    assert counts == OutlierCounts(low_severe=1, low_mild=2, high_mild=2, high_severe=1, sample_count=17)
    assert counts.total == 6
    assert labels.dtype == np.int8
    np.testing.assert_array_equal(labels, expected_labels)


def test_quartiles_interpolate_linearly() -> None:
    # Q1 at rank 0.75 (1.75), Q3 at rank 2.25 (3.25): IQR 1.5.
    assert tukey_fences([4.0, 1.0, 3.0, 2.0]) == TukeyFences(
        low_severe=1.75 - 4.5, low_mild=1.75 - 2.25, high_mild=3.25 + 2.25, high_severe=3.25 + 4.5
    )


def test_fences_match_numpy_percentiles_on_random_data() -> None:
    x = np.random.default_rng(6).exponential(size=101)
    q1, q3 = np.percentile(x, [25, 75])
    iqr = q3 - q1
    fences = tukey_fences(x)
    assert (fences.low_severe, fences.low_mild, fences.high_mild, fences.high_severe) == pytest.approx(
        (q1 - 3 * iqr, q1 - 1.5 * iqr, q3 + 1.5 * iqr, q3 + 3 * iqr), rel=1e-15
    )


def test_classes_are_tested_in_criterions_order() -> None:
    # Crossed fences (only possible when built by hand): a value below both low fences and above both high
    # ones is low severe, because Criterion tests "< LS" first, then "> HS", "< LM", "> HM".
    fences = TukeyFences(low_severe=10.0, low_mild=10.0, high_mild=0.0, high_severe=0.0)
    counts, labels = classify_outliers([5.0], fences)
    assert labels.tolist() == [OutlierClass.LOW_SEVERE]
    fences = TukeyFences(low_severe=0.0, low_mild=10.0, high_mild=0.0, high_severe=0.0)
    counts, labels = classify_outliers([5.0], fences)
    assert labels.tolist() == [OutlierClass.HIGH_SEVERE]
    assert counts.high_severe == 1


def test_zero_iqr_makes_every_other_value_severe() -> None:
    counts, _ = classify_outliers([5.0, 5.0, 5.0, 5.0, 5.0, 6.0, 4.0], tukey_fences([5, 5, 5, 5, 5, 6, 4]))
    assert counts == OutlierCounts(low_severe=1, low_mild=0, high_mild=0, high_severe=1, sample_count=7)


@pytest.mark.parametrize("bad", [[1.0, float("nan")], [float("inf"), 1.0], []])
def test_non_finite_or_empty_input_is_rejected(bad: list[float]) -> None:
    with pytest.raises(ValueError, match="x "):
        tukey_fences(bad)
