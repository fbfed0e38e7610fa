"""New samples against a baseline's: Welch's t, its bootstrap p-value, and the relative change (Criterion §3).

The test is Criterion's: Welch's t statistic (Welch 1947) with a null distribution from the "mixed"
bootstrap, which resamples both groups from their pooled values, so that under the null they share one
distribution. The change estimates (``new/base - 1`` of the mean and of the median) get percentile
intervals from Criterion's two-sample bootstrap scheme.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from critbench.model import ChangeStatistics
from critbench.stats._bootstrap import (
    FloatArray,
    bootstrap_estimate,
    chunk_rows,
    draw_indices,
    median_rows,
    row_moments,
    sum_rows,
)
from critbench.stats._validation import as_positive_sample, as_sample, check_bootstrap_settings


def welch_t(a: npt.ArrayLike, b: npt.ArrayLike) -> float:
    """Welch's t statistic (Welch 1947): ``(mean_a - mean_b) / sqrt(s²_a/n_a + s²_b/n_b)``, ``n - 1`` variances.

    When neither sample varies the statistic is 0.0 for equal means and ±infinity otherwise: no spread
    and no difference is no evidence of a change; no spread and a difference is conclusive. Each sample
    needs at least two finite values.
    """
    a_arr = as_sample(a, "a")
    b_arr = as_sample(b, "b")
    difference = float(np.mean(a_arr) - np.mean(b_arr))
    scale = math.sqrt(_variance(a_arr) / a_arr.size + _variance(b_arr) / b_arr.size)
    if scale == 0:
        return 0.0 if difference == 0 else math.copysign(math.inf, difference)
    return difference / scale


def _variance(sample: FloatArray) -> float:
    """The ``n - 1`` variance, exactly zero for a constant sample (``np.var`` may leave rounding dust)."""
    return 0.0 if np.ptp(sample) == 0 else float(np.var(sample, ddof=1))


@dataclass(frozen=True)
class SampleChange:
    """:func:`compare_samples`'s result with the bootstrap resamples behind its mean interval."""

    change: ChangeStatistics
    distribution: FloatArray = field(repr=False, compare=False)
    """The resampled ``mean_new/mean_base - 1`` values, for charts to draw without resampling again."""


def compare_samples(
    new: npt.ArrayLike,
    base: npt.ArrayLike,
    *,
    nresamples: int,
    confidence_level: float,
    rng: np.random.Generator,
) -> ChangeStatistics:
    """Criterion's change detection; see :func:`sample_change`, of which this is the statistics alone."""
    return sample_change(new, base, nresamples=nresamples, confidence_level=confidence_level, rng=rng).change


def sample_change(
    new: npt.ArrayLike,
    base: npt.ArrayLike,
    *,
    nresamples: int,
    confidence_level: float,
    rng: np.random.Generator,
) -> SampleChange:
    """Criterion's change detection (Criterion.rs ``analysis::compare``) on per-iteration times.

    - ``t_statistic`` is :func:`welch_t` of ``new`` against ``base``.
    - ``p_value`` is two-sided, from the mixed bootstrap: ``nresamples`` times, draw ``n_new + n_base``
      values with replacement from the pooled samples, split them into the first ``n_new`` and the rest,
      and compute t; non-finite t are dropped. With ``h`` the number of the ``N`` remaining below the
      observed t, ``p = 2·min(h, N - h) / N``. If no resample gives a finite t (the pool holds one value),
      ``p`` is 1.
    - ``mean`` and ``median`` are ``new/base - 1``, point estimates from the data, with percentile
      intervals and standard errors from Criterion's two-sample bootstrap: ``ceil(sqrt(nresamples))``
      resamples of ``new``, each paired with its share of ``nresamples`` fresh resamples of ``base``.

    Random draws happen in that order (null distribution, then ``new``, then ``base``), so a generator
    from :func:`make_rng` makes the result reproducible. Raises ValueError unless both samples hold at
    least two finite, positive times.
    """
    check_bootstrap_settings(nresamples, confidence_level)
    new_arr = as_positive_sample(new, "new")
    base_arr = as_positive_sample(base, "base")

    t_observed = welch_t(new_arr, base_arr)
    t_null = mixed_bootstrap_t(new_arr, base_arr, nresamples, rng)
    p_value = two_sided_p_value(t_null, t_observed)

    mean_ratios, median_ratios = _change_distributions(new_arr, base_arr, nresamples, rng)
    mean_change = float(np.mean(new_arr) / np.mean(base_arr) - 1)
    median_change = float(np.median(new_arr) / np.median(base_arr) - 1)
    change = ChangeStatistics(
        mean=bootstrap_estimate(mean_change, mean_ratios, confidence_level),
        median=bootstrap_estimate(median_change, median_ratios, confidence_level),
        t_statistic=t_observed,
        p_value=p_value,
    )
    return SampleChange(change, mean_ratios)


def mixed_bootstrap_t(new: FloatArray, base: FloatArray, nresamples: int, rng: np.random.Generator) -> FloatArray:
    """Welch's t of ``nresamples`` pooled resamples (Criterion's ``mixed::bootstrap``), non-finite dropped."""
    n_new, n_base = new.size, base.size
    pool = np.concatenate([new, base])
    centered = pool - np.mean(pool)
    width = pool.size
    t_values = np.empty(nresamples)
    kept = 0
    for start, stop in chunk_rows(nresamples, width):
        gathered = centered.take(draw_indices(rng, width, stop - start, width, sort=False))
        mean_new, var_new = row_moments(gathered[:, :n_new])
        mean_base, var_base = row_moments(gathered[:, n_new:])
        scale = np.sqrt(var_new / n_new + var_base / n_base)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            chunk = (mean_new - mean_base) / scale
        chunk = chunk[np.isfinite(chunk)]
        t_values[kept : kept + chunk.size] = chunk
        kept += chunk.size
    return t_values[:kept]


def two_sided_p_value(t_null: FloatArray, t_observed: float) -> float:
    """Criterion's bootstrap p-value ``2·min(h, N - h) / N``, ``h`` the null values below ``t_observed``.

    Returns 1.0 for an empty null distribution: without resamples there is no evidence of a change.
    """
    total = t_null.size
    if total == 0:
        return 1.0
    below = int(np.count_nonzero(t_null < t_observed))
    return 2 * min(below, total - below) / total


def outer_resample_sizes(nresamples: int) -> list[int]:
    """How many ``base`` resamples each of the ``ceil(sqrt(nresamples))`` ``new`` resamples is paired with.

    Criterion's ``two_sample::bootstrap`` split: chunks of ``ceil(nresamples / outer)``, the last ones
    shorter (possibly empty) so the total is exactly ``nresamples``.
    """
    outer = math.isqrt(nresamples)
    if outer * outer < nresamples:
        outer += 1
    per_chunk = -(-nresamples // outer)
    return [max(0, min((i + 1) * per_chunk, nresamples) - i * per_chunk) for i in range(outer)]


def _change_distributions(
    new: FloatArray, base: FloatArray, nresamples: int, rng: np.random.Generator
) -> tuple[FloatArray, FloatArray]:
    """Bootstrap distributions of ``mean_new/mean_base - 1`` and ``median_new/median_base - 1``."""
    sizes = outer_resample_sizes(nresamples)
    new_sorted = np.sort(new)
    new_idx = draw_indices(rng, new.size, len(sizes), new.size, sort=True)
    new_means = np.repeat(sum_rows(new_sorted, new_idx) / new.size, sizes)
    new_medians = np.repeat(median_rows(new_sorted, new_idx), sizes)

    base_sorted = np.sort(base)
    base_means = np.empty(nresamples)
    base_medians = np.empty(nresamples)
    for start, stop in chunk_rows(nresamples, base.size):
        idx = draw_indices(rng, base.size, stop - start, base.size, sort=True)
        base_means[start:stop] = sum_rows(base_sorted, idx) / base.size
        base_medians[start:stop] = median_rows(base_sorted, idx)
    mean_ratios: FloatArray = new_means / base_means - 1
    median_ratios: FloatArray = new_medians / base_medians - 1
    return mean_ratios, median_ratios
