"""Input checks shared by the stats functions, so every entry point words its errors the same way."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt


def as_sample(values: npt.ArrayLike, name: str, *, min_size: int = 2) -> npt.NDArray[np.float64]:
    """``values`` as a 1-D float64 array, after checking it has ``min_size`` finite entries.

    Raises ValueError naming ``name`` otherwise, so callers can tell which argument was wrong.
    """
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}")
    if array.size < min_size:
        raise ValueError(f"{name} needs at least {min_size} values, got {array.size}")
    if not np.isfinite(array).all():
        raise ValueError(f"{name} contains non-finite values (NaN or infinity)")
    return array


def as_positive_sample(values: npt.ArrayLike, name: str, *, min_size: int = 2) -> npt.NDArray[np.float64]:
    """A sample of per-iteration times: at least ``min_size`` finite values, all strictly positive."""
    array = as_sample(values, name, min_size=min_size)
    if (array == 0).any():
        raise ValueError(f"{name}: a benchmark took zero time per iteration; the timer is too coarse for it")
    if (array < 0).any():
        raise ValueError(f"{name} contains negative times")
    return array


def check_bootstrap_settings(nresamples: int, confidence_level: float) -> None:
    """Raise ValueError unless the bootstrap can run: two or more resamples, a level strictly in (0, 1)."""
    if isinstance(nresamples, bool) or not isinstance(nresamples, int | np.integer) or nresamples < 2:
        raise ValueError(f"nresamples must be an integer of at least 2, got {nresamples!r}")
    if not 0 < confidence_level < 1:
        raise ValueError(f"confidence_level must be strictly between 0 and 1, got {confidence_level!r}")
