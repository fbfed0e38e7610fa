"""Multiple-comparison control for a suite of benchmarks (Benjamini & Hochberg 1995).

Criterion tests every benchmark at the significance level on its own, so a large suite reports some
"changes" by chance alone (its FAQ admits as much). Adjusting the suite's p-values controls the false
discovery rate instead: the expected share of reported changes that are not real.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt


def benjamini_hochberg(p_values: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Benjamini–Hochberg step-up adjusted p-values, in the input's order.

    With the ``m`` p-values sorted ascending, the ``i``-th (1-based) becomes ``min_{j >= i} m·p_(j) / j``,
    capped at 1, which makes the adjusted values monotone in the raw ones. A change is a discovery at
    false discovery rate ``q`` when its adjusted p-value is at most ``q``. Matches statsmodels'
    ``multipletests(method="fdr_bh")``. An empty input gives an empty array; values must lie in [0, 1].
    """
    p = np.asarray(p_values, dtype=np.float64)
    if p.ndim != 1:
        raise ValueError(f"p_values must be one-dimensional, got shape {p.shape}")
    if not np.isfinite(p).all() or ((p < 0) | (p > 1)).any():
        raise ValueError("p_values must be finite numbers between 0 and 1")
    m = p.size
    if m == 0:
        return np.empty(0)
    order = np.argsort(p, kind="stable")
    scaled = p[order] * m / np.arange(1, m + 1)
    stepped = np.minimum.accumulate(scaled[::-1])[::-1]
    adjusted = np.empty(m)
    adjusted[order] = np.minimum(stepped, 1.0)  # a guard: the step-up already ends at p_(m) <= 1
    return adjusted
