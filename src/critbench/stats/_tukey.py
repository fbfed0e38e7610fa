"""Tukey's fences: which samples are outliers, and how far out (Tukey 1977, as Criterion classifies them).

::

         LS            LM        Q1      Q3        HM            HS
    ------|-------------|---------[=======]---------|-------------|------
      low severe | low mild |       not an outlier      | high mild | high severe
          Q1 - 3 IQR   Q1 - 1.5 IQR          Q3 + 1.5 IQR   Q3 + 3 IQR

Outliers are only counted, never removed: a benchmark's slow samples are part of its behaviour.
"""

from __future__ import annotations

import enum

import numpy as np
import numpy.typing as npt

from critbench.model import OutlierCounts, TukeyFences
from critbench.stats._validation import as_sample


class OutlierClass(enum.IntEnum):
    """The label :func:`classify_outliers` gives each sample; ordered from lowest to highest."""

    LOW_SEVERE = -2
    LOW_MILD = -1
    NOT_OUTLIER = 0
    HIGH_MILD = 1
    HIGH_SEVERE = 2


def tukey_fences(x: npt.ArrayLike) -> TukeyFences:
    """Tukey's inner (1.5 IQR) and outer (3 IQR) fences around the quartiles of ``x``.

    Quartiles interpolate linearly between order statistics (rank ``p/100 * (n - 1)``, numpy's
    ``"linear"`` method), as Criterion's ``Percentiles::at`` does. Needs at least one finite value.
    """
    sample = as_sample(x, "x", min_size=1)
    q1, q3 = (float(q) for q in np.percentile(sample, [25.0, 75.0]))
    iqr = q3 - q1
    return TukeyFences(
        low_severe=q1 - 3 * iqr,
        low_mild=q1 - 1.5 * iqr,
        high_mild=q3 + 1.5 * iqr,
        high_severe=q3 + 3 * iqr,
    )


def classify_outliers(x: npt.ArrayLike, fences: TukeyFences) -> tuple[OutlierCounts, npt.NDArray[np.int8]]:
    """Count the samples beyond each fence, and label every sample with its :class:`OutlierClass`.

    Comparisons are strict and tested in Criterion's order (``< LS``, ``> HS``, ``< LM``, ``> HM``), so a
    value exactly on a fence belongs to the milder class. The labels are an ``int8`` array of
    :class:`OutlierClass` values (-2 low severe … 2 high severe), one per sample, in the input's order.
    """
    sample = as_sample(x, "x", min_size=0)
    conditions = [
        sample < fences.low_severe,
        sample > fences.high_severe,
        sample < fences.low_mild,
        sample > fences.high_mild,
    ]
    choices = [OutlierClass.LOW_SEVERE, OutlierClass.HIGH_SEVERE, OutlierClass.LOW_MILD, OutlierClass.HIGH_MILD]
    # np.select takes the first condition that holds, which is Criterion's if/else-if order.
    labels = np.select(conditions, [np.int8(c) for c in choices], default=np.int8(0)).astype(np.int8)
    counts = OutlierCounts(
        low_severe=int(np.count_nonzero(labels == OutlierClass.LOW_SEVERE)),
        low_mild=int(np.count_nonzero(labels == OutlierClass.LOW_MILD)),
        high_mild=int(np.count_nonzero(labels == OutlierClass.HIGH_MILD)),
        high_severe=int(np.count_nonzero(labels == OutlierClass.HIGH_SEVERE)),
        sample_count=int(sample.size),
    )
    return counts, labels
