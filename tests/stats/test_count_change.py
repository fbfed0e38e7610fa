"""Instruction counts: the per-layout analysis and the change test, against hand-computed cases."""

from __future__ import annotations

import math

import numpy as np
import pytest

from critbench import stats
from critbench.model import Samples, SamplingMode


def counted(per_layout: list[tuple[float, float]], n: int = 100, overhead: float = 0.0) -> Samples:
    """Samples of N, 2N, 3N intervals per layout, each count ``fixed + slope * iterations``."""
    iters, values, process = [], [], []
    for k, (slope, fixed) in enumerate(per_layout):
        for m in (1, 2, 3):
            iters.append(float(m * n))
            values.append(fixed + slope * m * n)
            process.append(k)
    return Samples(
        SamplingMode.LINEAR, tuple(iters), tuple(values), tuple(process), overhead_ns=overhead, unit="instructions"
    )


def test_the_count_per_iteration_is_the_slope_less_the_loop() -> None:
    # Two layouts, fixed cost 5,000 per interval (markers and loop set-up), 1,000 and 1,010 per iteration.
    analysis = stats.analyze_counts(counted([(1000.0, 5000.0), (1010.0, 5000.0)], overhead=400.0), 0.95)
    assert analysis.counts is not None
    assert analysis.counts.per_process == (600.0, 610.0)
    assert analysis.estimates.typical.point == 605.0  # the median of two layouts
    assert (analysis.estimates.typical.lower, analysis.estimates.typical.upper) == (600.0, 610.0)
    assert analysis.counts.spread == pytest.approx(10 / 600)
    assert analysis.counts.nonlinearity == 0.0
    assert analysis.counts.iterations == 100.0


def test_a_count_off_a_straight_line_is_measured() -> None:
    samples = Samples(
        SamplingMode.LINEAR, (100.0, 200.0, 300.0), (1000.0, 2100.0, 3000.0), (0, 0, 0), unit="instructions"
    )
    analysis = stats.analyze_counts(samples, 0.95)
    assert analysis.counts is not None
    # Least-squares line through (100, 1000), (200, 2100), (300, 3000): slope 10, intercept 33.3; the middle
    # point is 66.7 above it, the largest count is 3000.
    assert analysis.counts.per_process == (10.0,)
    assert analysis.counts.nonlinearity == pytest.approx((2100 - (2000 + 100 / 3)) / 3000)


def test_cycles_are_estimated_from_the_cache_events() -> None:
    events = {"Ir": 1000, "Dr": 300, "Dw": 200, "I1mr": 10, "D1mr": 20, "D1mw": 5, "ILmr": 1, "DLmr": 2, "DLmw": 1}
    # L1 hits 1500 - 35 = 1465; LL hits 35 - 4 = 31; RAM 4: 1465 + 5 * 31 + 35 * 4 = 1760.
    assert stats.cycle_estimate(events) == 1760
    assert stats.cycle_estimate({"Ir": 1000}) is None


def compare(new: list[float], base: list[float], floor: float = 0.0005) -> stats.ProcessChange:
    return stats.compare_counts(
        new,
        base,
        noise_floor=floor,
        confidence_level=0.95,
        significance_level=0.05,
        rng=np.random.default_rng(0),
    )


def test_equal_counts_are_no_change() -> None:
    result = compare([1000.0, 1000.0, 1000.0], [1000.0, 1000.0, 1000.0])
    assert result.change.mean.point == 0.0
    assert result.change.p_value == 1.0
    assert result.degrees_of_freedom is None  # no layout differed: a normal test on the floor alone
    se = math.sqrt(2) * 0.0005
    assert result.standard_error == pytest.approx(se)
    assert result.change.mean.upper == pytest.approx(math.expm1(1.959964 * se), rel=1e-5)
    # (1.96 + 0.84) * se: about 0.2%
    assert result.min_detectable_change == pytest.approx(math.expm1(2.801585 * se), rel=1e-5)


def test_a_two_percent_slowdown_without_spread_is_significant() -> None:
    result = compare([1020.0] * 3, [1000.0] * 3)
    assert result.change.mean.point == pytest.approx(0.02)
    assert result.change.t_statistic == pytest.approx(math.log(1.02) / (math.sqrt(2) * 0.0005))
    assert result.change.p_value < 1e-10
    assert result.change.mean.lower > 0.018


def test_layout_spread_widens_the_test_welch_style() -> None:
    new, base = [1020.0, 1035.0, 1020.0], [1000.0, 1010.0, 1000.0]
    result = compare(new, base)
    y_new, y_base = np.log(new), np.log(base)
    var = np.var(y_new, ddof=1) / 3 + np.var(y_base, ddof=1) / 3
    se = math.sqrt(2 * 0.0005**2 + var)
    dof = se**4 / float((np.var(y_new, ddof=1) / 3) ** 2 / 2 + (np.var(y_base, ddof=1) / 3) ** 2 / 2)
    assert result.standard_error == pytest.approx(se)
    assert result.degrees_of_freedom == pytest.approx(dof)
    assert result.change.p_value == pytest.approx(
        stats.t_two_sided_p(float(np.mean(y_new) - np.mean(y_base)) / se, dof)
    )
    assert stats.layout_spread(new) == pytest.approx(15 / 1020)


def test_counts_need_a_floor_when_nothing_varies() -> None:
    with pytest.raises(ValueError, match="noise floor"):
        compare([1000.0], [1000.0], floor=0.0)
    with pytest.raises(ValueError, match="positive"):
        compare([0.0], [1000.0])


def test_paired_layouts_cancel_what_each_heap_adds() -> None:
    # json.dumps as measured: layout 0 counts 6% fewer than the others, and +2% of work shows in each layout.
    base = [4_133_051.0, 4_368_468.0, 4_383_690.0]
    new = [4_216_124.0, 4_451_596.0, 4_466_705.0]
    unpaired = compare(new, base)
    paired = stats.compare_counts(
        new,
        base,
        noise_floor=0.0005,
        confidence_level=0.95,
        significance_level=0.05,
        rng=np.random.default_rng(0),
        paired=True,
    )
    d = np.log(new) - np.log(base)
    assert paired.change.mean.point == pytest.approx(math.expm1(float(np.mean(d))))
    assert paired.standard_error == pytest.approx(math.sqrt(2 * 0.0005**2 + float(np.var(d, ddof=1)) / 3))
    assert paired.change.p_value < 0.01 < unpaired.change.p_value
    assert stats.paired_spread(new, base) == pytest.approx(math.expm1(float(np.max(d) - np.min(d))))
    assert stats.paired_spread(new, base) < 0.002
    assert stats.layout_spread(base) > 0.05


def test_pairs_need_as_many_layouts_a_side() -> None:
    with pytest.raises(ValueError, match="as many layouts"):
        stats.compare_counts(
            [1.0, 2.0],
            [1.0],
            noise_floor=0.0005,
            confidence_level=0.95,
            significance_level=0.05,
            rng=np.random.default_rng(0),
            paired=True,
        )


def test_the_layout_farthest_from_the_median_change_is_set_aside_beyond_the_tolerance() -> None:
    base = [1000.0, 1000.0, 1000.0]
    # Paired changes +2%, +2%, +1%: the third is log(1.02 / 1.01) = 0.99% from the median.
    assert stats.agreeing_layouts([1020.0, 1020.0, 1010.0], base, 0.001).tolist() == [True, True, False]
    assert stats.agreeing_layouts([1020.0, 1020.0, 1010.0], base, 0.0099).tolist() == [True, True, False]
    assert stats.agreeing_layouts([1020.0, 1020.0, 1010.0], base, 0.01).tolist() == [True, True, True]
    # The median is of the changes, not of the counts: the heaps' own costs cancel first.
    assert stats.agreeing_layouts([1020.0, 2040.0, 3060.0], [1000.0, 2000.0, 3000.0], 0.001).all()
    # Spread out (+2%, +2.5%, +1.6%): on the log scale +2.5% is 0.48% from the median and +1.6% 0.39%.
    assert stats.agreeing_layouts([1020.0, 1025.0, 1016.0], base, 0.001).tolist() == [True, False, True]
    # A layout that contradicts the others stays: unchanged code whose heaps all moved, before the worker
    # settled its allocators (async_pipeline: +3.2%, -1.4%, -1.4%), and one layout apart around no change.
    assert stats.agreeing_layouts([1032.0, 986.0, 986.0], base, 0.001).all()
    assert stats.agreeing_layouts([1000.0, 1000.5, 990.0], base, 0.001).all()
    # Unchanged fstring_format, measured: -0.0000%, +0.097%, -0.623%; the median says no change, all stay.
    assert stats.agreeing_layouts(
        [3_695_449.9, 3_718_327.1, 3_679_568.1], [3_695_450.1, 3_714_727.4, 3_702_571.1], 0.001
    ).all()
    # ... and so does one on the median's side but within the tolerance of no change.
    assert stats.agreeing_layouts([1020.0, 1020.0, 1000.5], base, 0.001).all()
    # Two layouts: no median to stand for the others, nothing set aside however far apart.
    assert stats.agreeing_layouts([1000.0, 1100.0], [1000.0, 1000.0], 0.001).tolist() == [True, True]
    # Five layouts of a +2% change, one 1% away: only it.
    five = stats.agreeing_layouts([1020.0, 1020.5, 1019.5, 1010.0, 1020.0], [1000.0] * 5, 0.001)
    assert five.tolist() == [True, True, True, False, True]
