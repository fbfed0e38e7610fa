"""Kernel density estimates for the reports' distribution plots (Criterion's ``stats::univariate::kde``)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from critbench.stats._validation import as_sample

_CHUNK_ELEMENTS = 1 << 20
"""Kernel evaluations per chunk of points, bounding the temporary matrix to about 8 MB."""

_NORMAL_PDF_SCALE = 1 / np.sqrt(2 * np.pi)


def silverman_bandwidth(x: npt.ArrayLike) -> float:
    """Silverman's rule of thumb as Criterion applies it: ``h = σ·(4 / 3n)^(1/5)``, ``σ`` the ``n - 1`` SD."""
    sample = as_sample(x, "x")
    return float(np.std(sample, ddof=1)) * float((4 / (3 * sample.size)) ** 0.2)


def gaussian_kde(x: npt.ArrayLike, points: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """The Gaussian kernel density estimate of sample ``x`` at ``points`` (Rosenblatt–Parzen).

    ``f(p) = 1/(n·h) · Σ φ((p - x_i) / h)`` with the standard normal density ``φ`` and Silverman's
    bandwidth (:func:`silverman_bandwidth`), as Criterion's KDE plots use. This equals
    ``scipy.stats.gaussian_kde(x, bw_method=(4 / 3n)^(1/5))``. ``points`` may have any shape; the result
    has the same one. Raises ValueError if ``x`` has fewer than two finite values or no spread.
    """
    sample = as_sample(x, "x")
    bandwidth = silverman_bandwidth(sample)
    if not bandwidth > 0:
        raise ValueError("x has no spread (all values equal), so its density cannot be estimated")
    where = np.asarray(points, dtype=np.float64)
    flat = where.ravel()
    density = np.empty(flat.size)
    step = max(1, _CHUNK_ELEMENTS // sample.size)
    for start in range(0, flat.size, step):
        z = (flat[start : start + step, None] - sample[None, :]) / bandwidth
        with np.errstate(over="ignore"):  # far-away points: z² may overflow, and exp(-inf) is the right 0
            density[start : start + step] = np.exp(-0.5 * z * z).sum(axis=1)
    density *= _NORMAL_PDF_SCALE / (sample.size * bandwidth)
    return density.reshape(where.shape)
