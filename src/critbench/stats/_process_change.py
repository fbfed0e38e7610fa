"""New against baseline with the worker process as the unit, and a noise floor for what lies between runs.

Samples taken in one process share that process's luck (its memory layout, the CPU it landed on, the state
the machine was in when it started), so they are not independent: Criterion's sample-level test treats
100 samples from one lucky process as 100 pieces of evidence (pseudo-replication) and calls noise a
regression. On a shared machine the luck is large: measured here, means of the same code moved by 11–15%
between runs, while each process's *fastest* sample moved by 1–5% (docs/rigor.md has the figures).

So each process contributes one number, its fastest time per iteration — of its fastest ~0.1 ms window where
the timing loop kept windows (``stats.window_estimates``: under heavy load even the fastest sample carries
CPU time lost to other processes), else of its fastest sample (:func:`process_estimates`) — and a run is
summarised by the mean (log scale) of its faster half of processes, the speed the code reaches when the
machine lets it::

    y_k = log(fastest time per iteration in process k)    (window or sample)
    S   = mean of the lower half of the y_k            (robust to a few processes in a slow state)
    Δ   = S_new − S_base                             change = exp(Δ) − 1
    se² = var*(S_new) + var*(S_base)                 (bootstrap over processes within each run)
    total² = se² + 2·τ²                              τ: the run-to-run noise floor, one share per run
    z   = Δ / total                                  p = 2·(1 − Φ(|z|))

The change's interval is the test's own, ``exp(Δ ± z₁₋α/₂ · total) − 1``, so it excludes zero exactly when
the test is significant; the bootstrap of Δ over processes (with the noise floor added to every resample as a
normal draw of variance 2τ²) gives ``total`` and the distribution the report draws. The minimum detectable change is the slowdown this comparison
detects with probability 80% at the given significance level: ``exp((z₁₋α/₂ + z₀.₈) · total) − 1``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from statistics import NormalDist

import numpy as np
import numpy.typing as npt

from critbench.model import ChangeStatistics, Estimate
from critbench.stats._bootstrap import bootstrap_estimate
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
    distribution: npt.NDArray[np.float64] = field(repr=False, compare=False, default_factory=lambda: np.empty(0))
    """The bootstrap resamples of the change behind ``change.mean``'s interval, for charts to draw as they
    are instead of resampling again."""
    degrees_of_freedom: float | None = None
    """For a t-test, its degrees of freedom (the detectable change then uses Student's quantiles)."""


def process_estimates(iters: npt.ArrayLike, times_ns: npt.ArrayLike, process: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """One estimate per worker process, in process order: its fastest time per iteration."""
    n = np.asarray(iters, dtype=float)
    t = np.asarray(times_ns, dtype=float)
    p = np.asarray(process)
    if not n.shape == t.shape == p.shape or n.ndim != 1:
        raise ValueError("iters, times_ns and process must be one-dimensional and of one length")
    values = np.asarray([float(np.min(t[p == key] / n[p == key])) for key in np.unique(p)])
    if np.any(~np.isfinite(values)) or np.any(values <= 0):
        raise ValueError("every process estimate must be a positive, finite time")
    return values


def faster_half(log_values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """The mean of the lower half (rounded up) of the last axis: the run statistic S."""
    ordered = np.sort(log_values, axis=-1)
    keep = (ordered.shape[-1] + 1) // 2
    result: npt.NDArray[np.float64] = ordered[..., :keep].mean(axis=-1)
    return result


def detectable_change(
    standard_error: float,
    significance_level: float,
    power: float = DETECTION_POWER,
    degrees_of_freedom: float | None = None,
) -> float:
    """The smallest relative slowdown a two-sided test at ``significance_level`` detects with ``power``.

    ``exp((q₁₋α/₂ + q_power) · se) − 1`` with normal quantiles, or Student's with ``degrees_of_freedom``
    when the test is a t-test (the usual approximation of the noncentral t): with ten processes the t
    quantiles are 13% larger than the normal ones, and a normal-quantile figure would promise 80% power
    where the test has 70%.
    """
    if degrees_of_freedom is None:
        normal = NormalDist()
        z = normal.inv_cdf(1 - significance_level / 2) + normal.inv_cdf(power)
    else:
        from critbench.stats._distributions import t_critical

        z = t_critical(significance_level, degrees_of_freedom) + t_critical(2 * (1 - power), degrees_of_freedom)
    return math.expm1(z * standard_error)


def log_change_estimate(delta: float, half_width: float, standard_error: float, confidence_level: float) -> Estimate:
    """The relative change ``exp(Δ) − 1`` of a log change Δ, with the interval ``exp(Δ ± half_width) − 1``: a
    test's own interval, which excludes zero exactly when the test at that level is significant."""
    lower, upper = math.expm1(delta - half_width), math.expm1(delta + half_width)
    return Estimate(math.expm1(delta), lower, upper, standard_error, confidence_level)


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
    is τ, the standard deviation of log run-to-run drift that no within-run spread can show. ``mean`` in the
    result is the change of S (the faster half's mean); ``median`` the change of the median process.
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

    boot_new = faster_half(rng.choice(y_new, size=(nresamples, y_new.size)))
    boot_base = faster_half(rng.choice(y_base, size=(nresamples, y_base.size)))
    delta = float(faster_half(y_new) - faster_half(y_base))
    total = math.sqrt(float(np.var(boot_new, ddof=1) + np.var(boot_base, ddof=1)) + floor_var)
    if total > 0:
        z = delta / total
        p_value = 2 * (1 - NormalDist().cdf(abs(z)))
    else:
        z = 0.0 if delta == 0 else math.copysign(math.inf, delta)
        p_value = 1.0 if delta == 0 else 0.0

    floor_draws = rng.normal(0.0, math.sqrt(floor_var), nresamples) if floor_var > 0 else 0.0
    deltas = boot_new - boot_base + floor_draws
    changes = np.expm1(deltas)
    median_deltas = np.median(rng.choice(y_new, size=(nresamples, y_new.size)), axis=1) - np.median(
        rng.choice(y_base, size=(nresamples, y_base.size)), axis=1
    )
    median_delta = float(np.median(y_new) - np.median(y_base))
    # The interval is the test's own (Δ ± z·total), not the bootstrap's percentiles: the faster half of a
    # resample is biased low, so a percentile interval could exclude zero while the test found nothing,
    # and print "No change" beside [−33.7% −14.7% −1.0%]. With the test's interval they always agree.
    z_ci = NormalDist().inv_cdf(1 - (1 - confidence_level) / 2)
    mean = log_change_estimate(delta, z_ci * total, float(np.std(changes, ddof=1)), confidence_level)
    change = ChangeStatistics(
        mean=mean,
        median=bootstrap_estimate(math.expm1(median_delta), np.expm1(median_deltas + floor_draws), confidence_level),
        t_statistic=z,
        p_value=p_value,
    )
    return ProcessChange(change, detectable_change(total, significance_level), total, changes)


SETTLE_MARGIN = 0.05
"""How much wider than the noise floor's own a detectable change may be for more processes to buy nothing:
at 5%, a comparison's "could detect changes ≥ 12.5%" would become at best 11.9% with every process added."""


def floor_dominates(estimates: npt.ArrayLike, noise_floor: float, *, rng: np.random.Generator) -> bool:
    """Whether more processes could no longer lower the detectable change of a by-process comparison.

    ``estimates`` are one side's per-process estimates so far. The comparison's standard error is
    ``total = √(var(S_new) + var(S_base) + 2τ²)``, where ``var(S)`` (the faster half's mean) shrinks with more
    processes and ``2τ²`` does not. Taking the other side to be as spread as this one, the floor dominates when
    ``total`` is within :data:`SETTLE_MARGIN` of ``√(2τ²)``: then no number of processes can lower the
    detectable change by more than that. False below :data:`MIN_PROCESSES` estimates or without a floor.
    """
    y = np.log(np.asarray(estimates, dtype=float))
    if y.size < MIN_PROCESSES or noise_floor <= 0 or not np.all(np.isfinite(y)):
        return False
    boot = faster_half(rng.choice(y, size=(2_000, y.size)))
    floor_var = 2 * noise_floor**2
    total = math.sqrt(2 * float(np.var(boot, ddof=1)) + floor_var)
    return total <= (1 + SETTLE_MARGIN) * math.sqrt(floor_var)


def history_noise_floor(
    typicals: npt.ArrayLike, standard_errors: npt.ArrayLike, versions: Sequence[object] | None = None
) -> float | None:
    """τ from a benchmark's stored runs: the run-to-run drift that their own intervals do not explain.

    Successive runs of the same code differ by ``d = log(x_i / x_(i-1))``; with drift τ and per-run standard
    errors ``s``, ``var(d) = 2τ² + s²_i + s²_(i-1)``. The spread of ``d`` is estimated robustly (1.4826 · MAD),
    so the odd outlier does not count as noise. With ``versions`` (one label per run, e.g. its git commit),
    only steps between consecutive runs of the same version count: a step across a code change is the change,
    not noise. None with fewer than three steps.
    """
    values = np.log(np.asarray(typicals, dtype=float))
    errors = np.asarray(standard_errors, dtype=float)
    if errors.shape != values.shape or values.ndim != 1:
        raise ValueError("one standard error per typical time")
    same = np.ones(max(values.size - 1, 0), dtype=bool)
    if versions is not None:
        if len(versions) != values.size:
            raise ValueError("one version per typical time")
        same = np.asarray([versions[i] == versions[i + 1] for i in range(values.size - 1)], dtype=bool)
    if int(same.sum()) < 3:
        return None
    steps = np.diff(values)[same]
    spread = 1.4826 * float(np.median(np.abs(steps - np.median(steps))))
    explained = float(np.mean((errors[1:] ** 2 + errors[:-1] ** 2)[same]))
    return math.sqrt(max(0.0, spread**2 - explained) / 2)
