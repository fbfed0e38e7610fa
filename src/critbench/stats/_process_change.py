"""New against baseline with the worker process as the unit, and a noise floor for what lies between runs.

Samples taken in one process share that process's luck (its memory layout, the CPU it landed on, the state
the machine was in when it started), so they are not independent: Criterion's sample-level test treats
100 samples from one lucky process as 100 pieces of evidence (pseudo-replication) and calls noise a
regression. Here each process contributes one number — its through-origin slope, or its mean time per
iteration in flat sampling — and the test compares the processes of the two runs::

    y = log(process estimate)                  (a slowdown is a shift, whatever the time scale)
    Δ = mean(y_new) − mean(y_base)             change = exp(Δ) − 1
    se² = s²_new/n_new + s²_base/n_base        (Welch, over processes)
    total² = se² + 2·τ²                        τ: the run-to-run noise floor, one share per run
    t = Δ / total

The null distribution of ``t`` comes from a bootstrap of the processes after shifting each run to the
pooled mean (Efron & Tibshirani 1993, §16.4), with the run-to-run drift drawn into every resample, so
one slow process moves a resample, not every resample.
The change's interval is a percentile bootstrap of Δ over processes with the noise floor added to every
resample as a normal draw of variance 2τ². The minimum detectable change is the slowdown this comparison
would detect with probability ``power`` (80%) at the given significance level:
``exp((z₁₋α/₂ + z_power) · total) − 1``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import numpy.typing as npt

from critbench.model import ChangeStatistics
from critbench.stats._bootstrap import bootstrap_estimate
from critbench.stats._change_statistics import two_sided_p_value
from critbench.stats._validation import check_bootstrap_settings

MIN_PROCESSES = 5
"""Fewer processes than this on either side give too coarse a bootstrap of the spread between them;
callers fall back to the sample-level test."""

DETECTION_POWER = 0.8


@dataclass(frozen=True)
class ProcessChange:
    change: ChangeStatistics
    min_detectable_change: float
    """Relative change detectable with 80% power at the significance level (0.075 = 7.5%)."""
    standard_error: float
    """The total standard error of Δ (log scale), noise floor included."""


def process_estimates(
    iters: npt.ArrayLike, times_ns: npt.ArrayLike, process: npt.ArrayLike, *, linear: bool
) -> npt.NDArray[np.float64]:
    """One estimate per worker process, in process order: its through-origin slope ``Σ n·t / Σ n²`` when
    sampled linearly, else its mean time per iteration."""
    n = np.asarray(iters, dtype=float)
    t = np.asarray(times_ns, dtype=float)
    p = np.asarray(process)
    if not n.shape == t.shape == p.shape or n.ndim != 1:
        raise ValueError("iters, times_ns and process must be one-dimensional and of one length")
    estimates = []
    for key in np.unique(p):
        chosen = p == key
        if linear:
            estimates.append(float(np.sum(n[chosen] * t[chosen]) / np.sum(n[chosen] ** 2)))
        else:
            estimates.append(float(np.mean(t[chosen] / n[chosen])))
    values = np.asarray(estimates)
    if np.any(~np.isfinite(values)) or np.any(values <= 0):
        raise ValueError("every process estimate must be a positive, finite time")
    return values


def detectable_change(standard_error: float, significance_level: float, power: float = DETECTION_POWER) -> float:
    """The smallest relative slowdown a two-sided test at ``significance_level`` detects with ``power``."""
    normal = NormalDist()
    z = normal.inv_cdf(1 - significance_level / 2) + normal.inv_cdf(power)
    return math.expm1(z * standard_error)


def compare_processes(
    new: npt.ArrayLike,
    base: npt.ArrayLike,
    *,
    nresamples: int,
    confidence_level: float,
    significance_level: float,
    noise_floor: float,
    rng: np.random.Generator,
) -> ProcessChange:
    """The by-process comparison described in the module docstring.

    ``new`` and ``base`` are per-process estimates (at least :data:`MIN_PROCESSES` each); ``noise_floor``
    is τ, the standard deviation of log run-to-run drift that no within-run spread can show.
    """
    check_bootstrap_settings(nresamples, confidence_level)
    y_new = np.log(np.asarray(new, dtype=float))
    y_base = np.log(np.asarray(base, dtype=float))
    if y_new.size < MIN_PROCESSES or y_base.size < MIN_PROCESSES:
        raise ValueError(f"the by-process test needs at least {MIN_PROCESSES} processes on each side")
    if not (np.all(np.isfinite(y_new)) and np.all(np.isfinite(y_base))):
        raise ValueError("process estimates must be positive and finite")
    if noise_floor < 0:
        raise ValueError("the noise floor must be non-negative")
    floor_var = 2 * noise_floor**2

    delta = float(np.mean(y_new) - np.mean(y_base))
    total = math.sqrt(_se2(y_new, y_base) + floor_var)
    t_observed = delta / total if total > 0 else (0.0 if delta == 0 else math.copysign(math.inf, delta))

    # Null: both runs shifted to the pooled mean, processes resampled within each run.
    pooled = float(np.mean(np.concatenate([y_new, y_base])))
    null_new = rng.choice(y_new - np.mean(y_new) + pooled, size=(nresamples, y_new.size))
    null_base = rng.choice(y_base - np.mean(y_base) + pooled, size=(nresamples, y_base.size))
    null_total = np.sqrt(_se2_rows(null_new, null_base) + floor_var)
    null_floor = rng.normal(0.0, math.sqrt(floor_var), nresamples) if floor_var > 0 else 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        t_null = (null_new.mean(axis=1) - null_base.mean(axis=1) + null_floor) / null_total
    p_value = two_sided_p_value(t_null[np.isfinite(t_null)], t_observed)

    # The change: processes resampled within each run, plus the run-to-run floor.
    boot_new = rng.choice(y_new, size=(nresamples, y_new.size))
    boot_base = rng.choice(y_base, size=(nresamples, y_base.size))
    floor_draws = rng.normal(0.0, math.sqrt(floor_var), nresamples) if floor_var > 0 else 0.0
    mean_deltas = boot_new.mean(axis=1) - boot_base.mean(axis=1) + floor_draws
    median_deltas = np.median(boot_new, axis=1) - np.median(boot_base, axis=1) + floor_draws
    median_delta = float(np.median(y_new) - np.median(y_base))
    change = ChangeStatistics(
        mean=bootstrap_estimate(math.expm1(delta), np.expm1(mean_deltas), confidence_level),
        median=bootstrap_estimate(math.expm1(median_delta), np.expm1(median_deltas), confidence_level),
        t_statistic=t_observed,
        p_value=p_value,
    )
    return ProcessChange(change, detectable_change(total, significance_level), total)


def _se2(a: npt.NDArray[np.float64], b: npt.NDArray[np.float64]) -> float:
    return float(np.var(a, ddof=1) / a.size + np.var(b, ddof=1) / b.size)


def _se2_rows(a: npt.NDArray[np.float64], b: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    result: npt.NDArray[np.float64] = np.var(a, axis=1, ddof=1) / a.shape[1] + np.var(b, axis=1, ddof=1) / b.shape[1]
    return result


def history_noise_floor(typicals: npt.ArrayLike, standard_errors: npt.ArrayLike) -> float | None:
    """τ from a benchmark's stored runs: the run-to-run drift that their own intervals do not explain.

    Successive runs differ by ``d = log(x_i / x_(i-1))``; with drift τ and per-run standard errors ``s``,
    ``var(d) = 2τ² + s²_i + s²_(i-1)``. The spread of ``d`` is estimated robustly (1.4826 · MAD), so the odd
    genuine change between two runs does not count as noise. None with fewer than four runs.
    """
    values = np.log(np.asarray(typicals, dtype=float))
    errors = np.asarray(standard_errors, dtype=float)
    if values.size < 4 or errors.shape != values.shape:
        return None
    steps = np.diff(values)
    spread = 1.4826 * float(np.median(np.abs(steps - np.median(steps))))
    explained = float(np.mean(errors[1:] ** 2 + errors[:-1] ** 2))
    return math.sqrt(max(0.0, spread**2 - explained) / 2)
