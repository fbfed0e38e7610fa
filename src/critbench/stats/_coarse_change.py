"""New against baseline when there are too few samples for a test: the runs as wholes, against drift.

``--quick`` takes two samples in one process, and two samples cannot estimate how much a run wanders: a
bootstrap of two values has three distinct resamples, so a test on them is never significant (a 38×
slowdown printed "No change") or, with a noise floor added to nothing, too eager (unchanged code called
regressed). What two runs of unchanged code can differ by on a shared machine is known from outside the
data: whole processes land in a fast or a slow state, up to 1.65× apart (docs/rigor.md). So the change is
judged against that band alone::

    d   = log(mean_new / mean_base)          per-iteration means of each side
    sd  = √2 · τ                             τ = max(noise floor, COARSE_NOISE_FLOOR): each run's drift
    z   = d / sd                             p = 2·(1 − Φ(|z|))
    CI  = exp(d ± z₁₋α/₂ · sd) − 1           the change the runs allow, given that drift

With τ = 0.20 a change is significant beyond about +74% or −42% (at α = 0.05), and detected with 80% power
from about +121%: a doubling is caught, a fast-state/slow-state flip of unchanged code (at most +65%) is not.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import numpy.typing as npt

from critbench.model import ChangeStatistics
from critbench.stats._process_change import ProcessChange, detectable_change, log_change_estimate
from critbench.stats._validation import as_positive_sample, check_bootstrap_settings

COARSE_NOISE_FLOOR = 0.20
"""τ for comparisons too small to test: log(1.65) / 2.5, so that the largest fast/slow-state ratio seen on
these machines (1.65×) stays inside the band at α = 0.05."""

MIN_SAMPLES_TO_TEST = 10
"""Fewer samples than this on either side, and the change is judged by :func:`compare_runs`."""


def compare_runs(
    new: npt.ArrayLike,
    base: npt.ArrayLike,
    *,
    noise_floor: float,
    confidence_level: float,
    significance_level: float,
    rng: np.random.Generator,
    nresamples: int = 2000,
) -> ProcessChange:
    """The coarse comparison described in the module docstring, of per-iteration times ``new`` and ``base``.

    ``distribution`` holds draws of the change under the band's normal model, for a chart of it.
    """
    check_bootstrap_settings(nresamples, confidence_level)
    new_arr = as_positive_sample(new, "new")
    base_arr = as_positive_sample(base, "base")
    tau = max(noise_floor, COARSE_NOISE_FLOOR)
    sd = math.sqrt(2) * tau
    normal = NormalDist()
    z_ci = normal.inv_cdf(1 - (1 - confidence_level) / 2)

    d_mean = math.log(float(np.mean(new_arr)) / float(np.mean(base_arr)))
    d_median = math.log(float(np.median(new_arr)) / float(np.median(base_arr)))
    z = d_mean / sd
    change = ChangeStatistics(
        mean=log_change_estimate(d_mean, z_ci * sd, sd, confidence_level),
        median=log_change_estimate(d_median, z_ci * sd, sd, confidence_level),
        t_statistic=z,
        p_value=2 * (1 - normal.cdf(abs(z))),
    )
    draws = np.expm1(d_mean + rng.normal(0.0, sd, nresamples))
    return ProcessChange(change, detectable_change(sd, significance_level), sd, draws)
