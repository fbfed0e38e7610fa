"""New against baseline for instruction counts: near-deterministic data, where the spread is the allocator's.

Two runs of unchanged code count the same instructions to within a few per iteration (experiments/
instructions); what does move a count is the state of the heap (pymalloc's and glibc's paths depend on its
history), which each side samples with its heap layouts. Layout k is the same seeded perturbation of the
heap in every run, so when both sides counted the same layouts the comparison is paired, layout by layout:
what a layout's heap adds to the count cancels in its ratio (measured: ``json.dumps`` spread 6% between
layouts, and +2% of work read +1.89% to +2.01% in each of them). A small floor τ stands for what no layout
shows (the interpreter's start-up, which differs by a few dictionary lookups from run to run)::

    paired (same layouts):      d_k = log(new_k / base_k)           Δ = mean(d)
                                se² = 2·τ² + s²(d) / K              ν = (K − 1) · (se² / (s²(d) / K))²
    unpaired (otherwise):       Δ = mean(log new) − mean(log base)
                                se² = 2·τ² + s²_new / K_new + s²_base / K_base    ν: Welch–Satterthwaite
    t = Δ / se,  p = P(|T_ν| ≥ |t|)  (normal when nothing varied: τ is a known floor),  CI = exp(Δ ± q·se) − 1

The minimum detectable change is the slowdown this test detects with 80% power. The verdict's noise
threshold is the larger of the configured one (0.1% for instructions) and the layouts' own disagreement:
the range of the paired ratios, or (unpaired) each side's spread ``(max − min) / min``. With three or more
paired layouts, one whose change lies farther than the configured threshold from the median change, and
the same way, is set aside first (:func:`agreeing_layouts`): its heap, not the code, moved. A change no
larger than what the heap's state alone moves the count by is never called a regression, however
significant.
With nothing varying, τ = 0.05% puts the interval's half-width at 0.14% and the detectable change at 0.2%.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import numpy.typing as npt

from critbench.model import ChangeStatistics
from critbench.stats._distributions import t_critical, t_two_sided_p
from critbench.stats._process_change import ProcessChange, detectable_change, log_change_estimate
from critbench.stats._validation import as_sample

NORMAL_DEGREES_OF_FREEDOM = 1e4
"""Beyond this many degrees of freedom Student's t is the normal distribution (to four digits)."""


def positive_counts(values: npt.ArrayLike, name: str) -> npt.NDArray[np.float64]:
    """``values`` as positive finite counts, one or more (a single layout is a valid side)."""
    array = as_sample(values, name, min_size=1)
    if (array <= 0).any():
        raise ValueError(f"{name} must hold positive counts")
    return array


def layout_spread(values: npt.ArrayLike) -> float:
    """(largest − smallest) / smallest of one side's per-layout counts: 0 when every layout agreed."""
    array = positive_counts(values, "values")
    return float((np.max(array) - np.min(array)) / np.min(array))


def paired_spread(new: npt.ArrayLike, base: npt.ArrayLike) -> float:
    """How much the layouts disagree about the change: ``exp(max d − min d) − 1`` of ``d_k = log(new_k/base_k)``."""
    d = np.log(positive_counts(new, "new")) - np.log(positive_counts(base, "base"))
    return float(np.expm1(np.max(d) - np.min(d)))


def agreeing_layouts(new: npt.ArrayLike, base: npt.ArrayLike, tolerance: float) -> npt.NDArray[np.bool_]:
    """Which paired layouts to judge the change on: all of them, except, with three or more, the one whose
    change ``d_k = log(new_k / base_k)`` lies farthest from the median change (the first on a tie), when it
    lies more than ``log(1 + tolerance)`` from it, and both it and the median say the code changed, the
    same way (each beyond ``log(1 + tolerance)``, on the same side of zero).

    Layout k is the same seeded heap on both sides only as long as nothing else moved the heap between the
    runs; a change elsewhere in the process (the bench file, the package) can put one layout's heap in
    another state, and its count moves by what that state costs (measured: about 1% in one of three layouts
    of unchanged code, the other two within 0.2%). The median change is what the other layouts agree on, so
    the one that jumped neither shifts the estimate nor widens the disagreement. Where the median change is
    within the tolerance (unchanged code), nothing is set aside: such code is judged on every layout, as
    before. A layout that contradicts the others (no change, or the other way) stays: added work costs
    instructions in every heap, so such a layout says the heaps moved by more than the change, two of them
    perhaps together (measured before the worker settled its allocators: +3.2%, −1.4% and −1.4% for
    unchanged code), and then the whole disagreement is the threshold. Two or more layouts that move
    together are what the floor τ is for.
    """
    d = np.log(positive_counts(new, "new")) - np.log(positive_counts(base, "base"))
    kept = np.ones(d.size, dtype=bool)
    if d.size >= 3:
        median = float(np.median(d))
        farthest = int(np.argmax(np.abs(d - median)))
        far, limit = float(d[farthest]), math.log1p(tolerance)
        if abs(far - median) > limit and min(abs(far), abs(median)) > limit and far * median > 0:
            kept[farthest] = False
    return kept


def compare_counts(
    new: npt.ArrayLike,
    base: npt.ArrayLike,
    *,
    noise_floor: float,
    confidence_level: float,
    significance_level: float,
    rng: np.random.Generator,
    paired: bool = False,
    nresamples: int = 2000,
) -> ProcessChange:
    """The comparison of the module docstring, of per-layout net counts ``new`` and ``base`` (one or more each;
    with ``paired``, as many each, layout k of one side with layout k of the other).

    ``distribution`` holds draws of the change from the test's own (t or normal) model, for the report's
    chart; ``degrees_of_freedom`` is None when the test is a normal one (no layout differed).
    """
    if not 0 < confidence_level < 1:
        raise ValueError(f"confidence_level must be strictly between 0 and 1, got {confidence_level!r}")
    if noise_floor < 0:
        raise ValueError(f"noise_floor must not be negative, got {noise_floor!r}")
    y_new = np.log(positive_counts(new, "new"))
    y_base = np.log(positive_counts(base, "base"))
    if paired:
        if y_new.size != y_base.size:
            raise ValueError("paired counts need as many layouts on each side")
        d = y_new - y_base
        parts = [(float(np.var(d, ddof=1)) / d.size if d.size > 1 else 0.0, d.size - 1)]
    else:
        parts = [(float(np.var(y, ddof=1)) / y.size if y.size > 1 else 0.0, y.size - 1) for y in (y_new, y_base)]
    estimated = sum(part for part, _ in parts)
    se = math.sqrt(2 * noise_floor**2 + estimated)
    if se == 0:
        raise ValueError("counts with no spread need a positive noise floor to be compared")
    shares = sum(part**2 / dof for part, dof in parts if dof > 0 and part > 0)
    dof = se**4 / shares if shares > 0 else None
    if dof is not None and dof > NORMAL_DEGREES_OF_FREEDOM:
        dof = None  # the layouts' spread is nothing beside the floor: the normal quantiles are the t ones
    alpha = 1 - confidence_level
    q = NormalDist().inv_cdf(1 - alpha / 2) if dof is None else t_critical(alpha, dof)
    delta = float(np.mean(y_new) - np.mean(y_base))
    delta_median = float(np.median(y_new) - np.median(y_base))
    t = delta / se
    p = 2 * (1 - NormalDist().cdf(abs(t))) if dof is None else t_two_sided_p(t, dof)
    change = ChangeStatistics(
        mean=log_change_estimate(delta, q * se, se, confidence_level),
        median=log_change_estimate(delta_median, q * se, se, confidence_level),
        t_statistic=t,
        p_value=p,
    )
    noise = rng.standard_normal(nresamples) if dof is None else rng.standard_t(dof, nresamples)
    draws = np.expm1(delta + se * noise)
    return ProcessChange(change, detectable_change(se, significance_level, degrees_of_freedom=dof), se, draws, dof)
