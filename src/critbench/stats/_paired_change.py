"""Revision B against revision A from samples taken in alternation (critbench ab).

Sample ``i`` of A and sample ``i`` of B ran the same number of iterations, one right after the other in the
same worker process, so the machine's state and the process's luck are shared by the pair and cancel in
its ratio. The process is still the independent unit: its pairs are summarised by their median log ratio,
and the processes are compared with zero::

    d_i  = log(t_B,i / t_A,i)                   one pair
    m_k  = ½ (median of d_i where A ran first     one process (pairs are the unit when there are < 5)
            + median of d_i where B ran first)
    Δ    = mean of m_k                           change = exp(Δ) − 1
    t    = Δ / (s / √n)                          p from Student's t with n − 1 degrees of freedom

Each process's summary is a crossover estimate: the pairs where A ran first and those where B did are
summarised apart and averaged, so an effect of position (the second sample of a pair paying for garbage the
first left, or a neighbour's time slices falling in step with the pairs) cancels exactly even when the random
order gave one position more pairs. On this machine, with a CPU-bound process on the other core, such
effects reached ±2% in single processes, with a sign that changed from process to process. Without the
order (older results), the median of all the process's pairs is used.

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


def paired_units(
    times_a: npt.ArrayLike,
    times_b: npt.ArrayLike,
    process: npt.ArrayLike,
    a_first: npt.ArrayLike | None = None,
) -> npt.NDArray[np.float64]:
    """The independent units: per-process crossover summaries of the log ratios (see the module docstring),
    or per-pair log ratios with fewer than 5 processes."""
    a = np.asarray(times_a, dtype=float)
    b = np.asarray(times_b, dtype=float)
    p = np.asarray(process)
    if not a.shape == b.shape == p.shape or a.ndim != 1 or a.size < 2:
        raise ValueError("paired samples need at least two pairs, one process index per pair")
    if np.any(a <= 0) or np.any(b <= 0) or not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        raise ValueError("paired times must be positive and finite")
    first = None if a_first is None else np.asarray(a_first, dtype=bool)
    if first is not None and first.shape != a.shape:
        raise ValueError("a_first needs one entry per pair")
    ratios = np.log(b / a)
    keys = np.unique(p)
    if keys.size < MIN_PROCESSES:
        units: npt.NDArray[np.float64] = ratios
        return units
    return np.asarray([_process_summary(ratios[p == key], None if first is None else first[p == key]) for key in keys])


def _process_summary(ratios: npt.NDArray[np.float64], a_first: npt.NDArray[np.bool_] | None) -> float:
    if a_first is None or a_first.all() or not a_first.any():
        return float(np.median(ratios))
    return 0.5 * (float(np.median(ratios[a_first])) + float(np.median(ratios[~a_first])))


def compare_paired(
    times_a: npt.ArrayLike,
    times_b: npt.ArrayLike,
    process: npt.ArrayLike,
    *,
    a_first: npt.ArrayLike | None = None,
    nresamples: int,
    confidence_level: float,
    significance_level: float,
    rng: np.random.Generator,
) -> ProcessChange:
    """The paired comparison described in the module docstring; ``mean`` and ``median`` are both of Δ's units."""
    check_bootstrap_settings(nresamples, confidence_level)
    units = paired_units(times_a, times_b, process, a_first)
    delta = float(np.mean(units))
    se = float(np.std(units, ddof=1) / math.sqrt(units.size))
    boot = rng.choice(units, size=(nresamples, units.size))
    means = boot.mean(axis=1)
    changes = np.expm1(means)
    medians = np.median(boot, axis=1)
    z = delta / se if se > 0 else (0.0 if delta == 0 else math.copysign(math.inf, delta))
    change = ChangeStatistics(
        mean=bootstrap_estimate(math.expm1(delta), changes, confidence_level),
        median=bootstrap_estimate(math.expm1(float(np.median(units))), np.expm1(medians), confidence_level),
        t_statistic=z,
        p_value=t_two_sided_p(z, units.size - 1) if se > 0 else (1.0 if delta == 0 else 0.0),
    )
    df = units.size - 1
    return ProcessChange(change, detectable_change(se, significance_level, degrees_of_freedom=df), se, changes, df)
