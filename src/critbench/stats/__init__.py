"""Criterion's statistics, reproducible: pure functions from numpy arrays to frozen ``critbench.model`` records.

Nothing here does I/O or keeps state; randomness comes from a :class:`numpy.random.Generator` the caller
passes in (see :func:`make_rng`). This package imports only numpy, the standard library and
``critbench.model``.

- :func:`analyze_samples` — one benchmark's estimates, outliers and slope (Criterion §2).
- :func:`compare_samples` — new against baseline: Welch's bootstrap test and relative change (§3).
- :func:`compare_processes` — the same question with worker processes as the unit and a run-to-run
  noise floor, so one slow process cannot make a regression.
- :func:`benjamini_hochberg` — false-discovery-rate adjustment across a suite.
- :func:`analyze_counts`, :func:`compare_counts` — the same for instruction counts (``--measure
  instructions``): one exact count per heap layout, their spread the noise.
- :func:`tukey_fences`, :func:`classify_outliers`, :func:`welch_t`, :func:`percentile_interval`,
  :func:`gaussian_kde` — the building blocks, for reports and tests.
"""

from critbench.model import drifts
from critbench.stats._bootstrap import percentile_interval
from critbench.stats._change_statistics import SampleChange, compare_samples, sample_change, welch_t
from critbench.stats._coarse_change import (
    COARSE_DRIFTING_NOISE_FLOOR,
    COARSE_NOISE_FLOOR,
    COARSE_WINDOW_NOISE_FLOOR,
    MIN_SAMPLES_TO_TEST,
    compare_runs,
)
from critbench.stats._count_analysis import CACHE_EVENTS, analyze_counts, cycle_estimate, per_process_counts
from critbench.stats._count_change import agreeing_layouts, compare_counts, layout_spread, paired_spread
from critbench.stats._distributions import regularized_incomplete_beta, t_critical, t_two_sided_p
from critbench.stats._fdr import benjamini_hochberg
from critbench.stats._figures import (
    density_curve,
    through_origin_slope,
)
from critbench.stats._kde import gaussian_kde, silverman_bandwidth
from critbench.stats._paired_change import compare_paired, paired_units
from critbench.stats._process_change import (
    MIN_PROCESSES,
    SETTLE_MARGIN,
    ProcessChange,
    compare_processes,
    detectable_change,
    faster_half,
    floor_dominates,
    history_noise_floor,
    process_estimates,
)
from critbench.stats._sample_analysis import MAD_NORMAL_SCALE, analyze_samples, through_origin_r_squared
from critbench.stats._seeding import make_rng
from critbench.stats._tukey import OutlierClass, classify_outliers, tukey_fences
from critbench.stats._windows import (
    MEMORY_BOUND_NOISE_FLOOR,
    process_spread,
    time_beyond_windows,
    window_estimates,
    window_gap,
    window_noise_floor,
)

__all__ = [
    "CACHE_EVENTS",
    "COARSE_DRIFTING_NOISE_FLOOR",
    "COARSE_NOISE_FLOOR",
    "COARSE_WINDOW_NOISE_FLOOR",
    "MAD_NORMAL_SCALE",
    "MEMORY_BOUND_NOISE_FLOOR",
    "MIN_PROCESSES",
    "MIN_SAMPLES_TO_TEST",
    "SETTLE_MARGIN",
    "OutlierClass",
    "ProcessChange",
    "SampleChange",
    "agreeing_layouts",
    "analyze_counts",
    "analyze_samples",
    "benjamini_hochberg",
    "classify_outliers",
    "compare_counts",
    "compare_paired",
    "compare_processes",
    "compare_runs",
    "compare_samples",
    "cycle_estimate",
    "density_curve",
    "detectable_change",
    "drifts",
    "faster_half",
    "floor_dominates",
    "gaussian_kde",
    "history_noise_floor",
    "layout_spread",
    "make_rng",
    "paired_spread",
    "paired_units",
    "per_process_counts",
    "percentile_interval",
    "process_estimates",
    "process_spread",
    "regularized_incomplete_beta",
    "sample_change",
    "silverman_bandwidth",
    "t_critical",
    "t_two_sided_p",
    "through_origin_r_squared",
    "through_origin_slope",
    "time_beyond_windows",
    "tukey_fences",
    "welch_t",
    "window_estimates",
    "window_gap",
    "window_noise_floor",
]
