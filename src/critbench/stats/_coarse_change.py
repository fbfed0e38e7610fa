"""New against baseline when there are too few samples for a test: the runs as wholes, against drift.

``--quick`` takes two samples in each of three processes, and two samples cannot estimate how much a run
wanders: a bootstrap of two values has three distinct resamples, so a test on them is never significant (a
38× slowdown printed "No change") or, with a noise floor added to nothing, too eager (unchanged code called
regressed). What two runs of unchanged code can differ by on a shared machine is known from outside the
data, so the change is judged against that band alone::

    d   = log(mean_new / mean_base)          means of each side's figures per iteration (each process's
                                         fastest window where the runs kept windows, else each sample)
    sd  = √2 · τ                             τ = max(noise floor, band): each run's drift
    z   = d / sd                             p = 2·(1 − Φ(|z|))
    CI  = exp(d ± z₁₋α/₂ · sd) − 1           the change the runs allow, given that drift

The band depends on what the figures are. Whole samples land in a fast or a slow state, up to 1.65× apart
(docs/rigor.md): τ = 0.20, significant beyond about +74% or −42% at α = 0.05. Each process's fastest window
moves far less for CPU-bound code (experiments/verdicts, quick runs at load 7–11: −12% to +5% for one
process a side over 100 unchanged comparisons): τ = 0.10, significant beyond ±32%, so a doubling (z = 4.9)
survives the false-discovery adjustment of a suite of hundreds of benchmarks. Code whose windows drift like
memory-bound code's gets τ = 0.40 (below): its processes land in states far apart.
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

COARSE_WINDOW_NOISE_FLOOR = 0.10
"""τ for comparisons too small to test of each process's fastest window, for code whose windows do not drift."""

COARSE_DRIFTING_NOISE_FLOOR = 0.40
"""τ for comparisons too small to test of code whose windows drift like memory-bound code's: such code's
processes land in states up to 2.7× apart (a dict of a million keys, 20 processes of one run: fastest
windows 56 µs to 150 µs), and a run of one process cannot tell which it got. At 0.40 the band at α = 0.05
is ±1.11 on the log scale (3.0×): a state flip stays inside it, and so, honestly, does a doubling."""

MIN_SAMPLES_TO_TEST = 10
"""Fewer samples than this on either side, and the change is judged by :func:`compare_runs`."""


def compare_runs(
    new: npt.ArrayLike,
    base: npt.ArrayLike,
    *,
    noise_floor: float,
    band: float = COARSE_NOISE_FLOOR,
    confidence_level: float,
    significance_level: float,
    rng: np.random.Generator,
    nresamples: int = 2000,
) -> ProcessChange:
    """The coarse comparison described in the module docstring, of per-iteration figures ``new`` and ``base``
    (per sample, or one per process: one value a side is enough, since the band comes from outside the data),
    against ``band`` (:data:`COARSE_NOISE_FLOOR` unless the figures drift less or more than whole samples).

    ``distribution`` holds draws of the change under the band's normal model, for a chart of it.
    """
    check_bootstrap_settings(nresamples, confidence_level)
    new_arr = as_positive_sample(new, "new", min_size=1)
    base_arr = as_positive_sample(base, "base", min_size=1)
    tau = max(noise_floor, band)
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
