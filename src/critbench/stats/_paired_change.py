"""Revision B against revision A from samples taken in alternation (critbench ab).

Sample ``i`` of A and sample ``i`` of B ran the same number of iterations, one right after the other in the
same worker process, so the machine's state and the process's luck are shared by the pair and cancel in
its ratio. The process is still the independent unit: its pairs are summarised by their median log ratio,
and the processes are compared with zero::

    d_i  = log(t_B,i / t_A,i)                   one pair
    m_k  = median of d_i in process k            one process (pairs are the unit when there are < 5)
    Δ    = mean of m_k                           change = exp(Δ) − 1
    t    = Δ / (s / √n)                          p from Student's t with n − 1 degrees of freedom

The interval is a percentile bootstrap of Δ over processes; the minimum detectable change comes from the
standard error of Δ (its sample standard deviation over √n), as for the other tests.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from critbench.model import ChangeStatistics
from critbench.stats._bootstrap import bootstrap_estimate
from critbench.stats._distributions import t_two_sided_p
from critbench.stats._process_change import MIN_PROCESSES, ProcessChange, detectable_change
from critbench.stats._validation import check_bootstrap_settings


def paired_units(times_a: npt.ArrayLike, times_b: npt.ArrayLike, process: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """The independent units: per-process median log ratios, or per-pair ones with fewer than 5 processes."""
    a = np.asarray(times_a, dtype=float)
    b = np.asarray(times_b, dtype=float)
    p = np.asarray(process)
    if not a.shape == b.shape == p.shape or a.ndim != 1 or a.size < 2:
        raise ValueError("paired samples need at least two pairs, one process index per pair")
    if np.any(a <= 0) or np.any(b <= 0) or not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        raise ValueError("paired times must be positive and finite")
    ratios = np.log(b / a)
    keys = np.unique(p)
    if keys.size < MIN_PROCESSES:
        units: npt.NDArray[np.float64] = ratios
        return units
    return np.asarray([float(np.median(ratios[p == key])) for key in keys])


def compare_paired(
    times_a: npt.ArrayLike,
    times_b: npt.ArrayLike,
    process: npt.ArrayLike,
    *,
    nresamples: int,
    confidence_level: float,
    significance_level: float,
    rng: np.random.Generator,
) -> ProcessChange:
    """The paired comparison described in the module docstring; ``mean`` and ``median`` are both of Δ's units."""
    check_bootstrap_settings(nresamples, confidence_level)
    units = paired_units(times_a, times_b, process)
    delta = float(np.mean(units))
    se = float(np.std(units, ddof=1) / math.sqrt(units.size))
    boot = rng.choice(units, size=(nresamples, units.size))
    means = boot.mean(axis=1)
    medians = np.median(boot, axis=1)
    z = delta / se if se > 0 else (0.0 if delta == 0 else math.copysign(math.inf, delta))
    change = ChangeStatistics(
        mean=bootstrap_estimate(math.expm1(delta), np.expm1(means), confidence_level),
        median=bootstrap_estimate(math.expm1(float(np.median(units))), np.expm1(medians), confidence_level),
        t_statistic=z,
        p_value=t_two_sided_p(z, units.size - 1) if se > 0 else (1.0 if delta == 0 else 0.0),
    )
    return ProcessChange(change, detectable_change(se, significance_level), se)
