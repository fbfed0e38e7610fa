"""The percentile bootstrap (Efron 1979, as Criterion uses it), vectorised over resamples.

A resample of ``n`` values is a row of ``n`` indices drawn uniformly with replacement. Rows are drawn in
chunks of about :data:`CHUNK_ELEMENTS` indices, which bounds memory and keeps the working set in cache;
the chunk size is fixed, so the same generator state always yields the same resamples.

Order statistics come without sorting any floats: the data are sorted once, so sorting a row of *indices*
(a cheap small-integer sort) sorts the resampled values too, and the ``k``-th smallest resampled value is
``sorted_data[row[k]]``. The median is then a column, and the median absolute deviation a short binary
search per row (:func:`kth_distance_rows`).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import numpy.typing as npt

from critbench.model import Estimate

CHUNK_ELEMENTS = 1 << 18
"""Indices drawn per chunk (about 2 MB of float64 once gathered)."""

FloatArray = npt.NDArray[np.float64]
IndexArray = npt.NDArray[np.intp]


def percentile_interval(dist: npt.ArrayLike, confidence_level: float) -> tuple[float, float]:
    """The percentile bootstrap interval: ``(P[50(1 - cl)], P[50(1 + cl)])`` of ``dist``.

    Percentiles interpolate linearly between order statistics (numpy's ``"linear"`` method), as Criterion's
    ``Percentiles::at`` does, so a 95% interval is the 2.5th and 97.5th percentiles of the bootstrap
    distribution.
    """
    values = np.asarray(dist, dtype=np.float64)
    if values.ndim != 1 or values.size == 0:
        raise ValueError("the bootstrap distribution must be a non-empty one-dimensional array")
    if not 0 < confidence_level < 1:
        raise ValueError(f"confidence_level must be strictly between 0 and 1, got {confidence_level!r}")
    lower, upper = np.percentile(values, [50 * (1 - confidence_level), 50 * (1 + confidence_level)])
    return float(lower), float(upper)


def bootstrap_estimate(point: float, dist: FloatArray, confidence_level: float) -> Estimate:
    """An :class:`Estimate`: ``point`` from the original data, interval and standard error from ``dist``.

    The standard error is the standard deviation (``n - 1`` denominator) of the bootstrap distribution.
    """
    lower, upper = percentile_interval(dist, confidence_level)
    standard_error = float(np.std(dist, ddof=1)) if dist.size > 1 else 0.0
    return Estimate(
        point=float(point),
        lower=lower,
        upper=upper,
        standard_error=standard_error,
        confidence_level=float(confidence_level),
    )


def chunk_rows(total: int, width: int) -> Iterator[tuple[int, int]]:
    """``(start, stop)`` row ranges covering ``total`` resamples of ``width`` indices each, chunk by chunk."""
    rows = max(1, CHUNK_ELEMENTS // max(1, width))
    for start in range(0, total, rows):
        yield start, min(start + rows, total)


def draw_indices(rng: np.random.Generator, n: int, rows: int, width: int, *, sort: bool) -> IndexArray:
    """``rows`` resamples of ``width`` indices into ``range(n)``, each row sorted ascending if ``sort``.

    Indices are drawn as the smallest integer type that holds them (numpy draws and sorts those fastest)
    and widened to ``intp`` for gathering.
    """
    dtype = np.int16 if n <= 1 << 15 else np.int32 if n <= 1 << 31 else np.int64
    drawn = rng.integers(0, n, size=(rows, width), dtype=dtype)
    if sort:
        drawn.sort(axis=1)
    return drawn.astype(np.intp)


def sum_rows(values: FloatArray, idx: IndexArray) -> FloatArray:
    """Per row, the sum of ``values`` at the row's indices."""
    result: FloatArray = values.take(idx).sum(axis=1)
    return result


def row_moments(centered: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Per row of ``centered``, the mean and the ``n - 1`` variance.

    The values should be data minus (roughly) their mean, so the one-pass formula
    ``(Σy² - (Σy)²/n) / (n - 1)`` subtracts small terms and keeps its precision however large the times
    are. Variances it cannot resolve from rounding (below ``4·n·ε·Σy²``, e.g. a resample of one repeated
    value) are returned as exactly zero, so a constant resample has no spread rather than a spurious one.
    """
    width = centered.shape[1]
    total = centered.sum(axis=1)
    squares = np.einsum("ij,ij->i", centered, centered)
    spread = squares - total * total / width
    resolvable = spread > 4 * width * np.finfo(np.float64).eps * squares
    variance = np.where(resolvable, spread, 0.0) / (width - 1)
    return total / width, variance


def median_rows(sorted_values: FloatArray, sorted_idx: IndexArray) -> FloatArray:
    """Per row, the median of the resample (rows of ``sorted_idx`` ascending, ``sorted_values`` sorted).

    For an even count it is the mean of the two middle values, as :func:`numpy.median` computes it.
    """
    width = sorted_idx.shape[1]
    low = sorted_values[sorted_idx[:, (width - 1) // 2]]
    if width % 2:
        return low
    high = sorted_values[sorted_idx[:, width // 2]]
    result: FloatArray = 0.5 * (low + high)
    return result


def median_abs_dev_rows(sorted_values: FloatArray, sorted_idx: IndexArray, medians: FloatArray) -> FloatArray:
    """Per row, ``median(|resample - medians[row]|)``, without the 1.4826 normal-consistency factor."""
    width = sorted_idx.shape[1]
    low = kth_distance_rows(sorted_values, sorted_idx, medians, (width - 1) // 2)
    if width % 2:
        return low
    high = kth_distance_rows(sorted_values, sorted_idx, medians, width // 2)
    result: FloatArray = 0.5 * (low + high)
    return result


def kth_distance_rows(sorted_values: FloatArray, sorted_idx: IndexArray, centers: FloatArray, k: int) -> FloatArray:
    """Per row, the ``k``-th smallest (0-based) of ``|resample - centers[row]|``.

    The ``k + 1`` values nearest a centre are consecutive in sorted order, so the answer is the smallest,
    over windows ``[a, a + k]`` of the sorted resample, of the window's larger end distance
    ``max(u(a), v(a))`` with ``u(a) = c - s[a]`` (falling in ``a``) and ``v(a) = s[a + k] - c`` (rising).
    A branch-free binary search finds the first ``a`` where ``u(a) <= v(a)``; the minimum is ``v`` there
    or ``u`` one window to the left. That is about ``log2(n)`` gathers per row instead of a sort.
    """
    rows, width = sorted_idx.shape
    row = np.arange(rows)
    windows = width - k  # window starts 0 .. width - k - 1

    def left_gap(a: IndexArray) -> FloatArray:
        return centers - sorted_values[sorted_idx[row, a]]

    def right_gap(a: IndexArray) -> FloatArray:
        return sorted_values[sorted_idx[row, a + k]] - centers

    # Lower bound of "u(a) <= v(a)" over a in [0, windows); the answer is in [0, windows].
    base = np.zeros(rows, dtype=np.intp)
    length = windows
    while length > 1:
        half = length // 2
        probe = base + half
        base = np.where(left_gap(probe) > right_gap(probe), probe, base)
        length -= half
    first = base + (left_gap(base) > right_gap(base))

    at_first = right_gap(np.minimum(first, windows - 1))
    before_first = left_gap(np.maximum(first - 1, 0))
    at_first = np.where(first < windows, at_first, np.inf)
    before_first = np.where(first > 0, before_first, np.inf)
    result: FloatArray = np.minimum(at_first, before_first)
    return result
