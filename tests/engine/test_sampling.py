"""Criterion's sampling plans and warnings, checked against hand-computed cases."""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable

import pytest

from critbench.api._bencher import BencherMisuse
from critbench.engine._sampling import (
    SamplingPlan,
    format_duration,
    plan_samples,
    process_share,
    quick,
    sample,
    shown_rounded_up,
    warm_up,
)
from critbench.model import SamplingMode, Settings


def test_linear_plan_matches_criterion_formula() -> None:
    settings = Settings(sample_size=100, measurement_time=5.0)
    plan = plan_samples(settings, met_ns=100.0)
    # d = ceil(5e9 / 100 / 5050) = ceil(9900.99) = 9901
    assert plan.mode is SamplingMode.LINEAR
    assert plan.iters[:3] == (9901, 19802, 29703)
    assert plan.iters[-1] == 990100
    assert plan.expected_ns == 5050 * 9901 * 100.0
    assert plan.warning is None


def test_auto_switches_to_flat_when_linear_would_take_over_twice_the_time() -> None:
    settings = Settings(sample_size=100, measurement_time=5.0)
    # met = 2 ms: linear d = 1 → 5050 × 2 ms = 10.1 s > 10 s → flat
    plan = plan_samples(settings, met_ns=2e6)
    assert plan.mode is SamplingMode.FLAT
    # k = ceil(5e9 / 100 / 2e6) = 25
    assert plan.iters == (25,) * 100
    assert plan.warning is None


def test_linear_warning_text_and_recommended_sample_size() -> None:
    settings = Settings(sample_size=100, measurement_time=5.0, sampling_mode=SamplingMode.LINEAR)
    plan = plan_samples(settings, met_ns=1e6)
    # time: 5050 × 1 ms = 5.05 s, plus 5% for the next run's spread = 5.3025 s, shown rounded up: 5.4 s
    # (Criterion prints 5.0s, which falls short when followed). Samples: c = 5e9 / (1e6 × 1.05) = 4761.9;
    # r = floor((-1 + sqrt(4c)) / 2) = 68 → multiple of 10 → 60
    assert plan.warning == (
        "Warning: Unable to complete 100 samples in 5.0s. You may wish to increase target time to 5.4s, "
        "enable flat sampling, or reduce sample count to 60."
    )
    assert math.isclose(plan.expected_ns, 5050 * 1e6)


def test_flat_warning_text_and_recommended_sample_size() -> None:
    settings = Settings(sample_size=100, measurement_time=5.0, sampling_mode=SamplingMode.FLAT)
    plan = plan_samples(settings, met_ns=200e6)
    # k = ceil(5e9/100/2e8) = 1 → warning; time 100 × 0.2 s × 1.05 = 21 s; r = floor(5e9/(2e8 × 1.05)) = 23 → 20
    assert plan.iters == (1,) * 100
    assert plan.warning == (
        "Warning: Unable to complete 100 samples in 5.0s. You may wish to increase target time to 21.0s, "
        "or reduce sample count to 20."
    )


def _advised(warning: str | None, pattern: str) -> str:
    assert warning is not None
    found = re.search(pattern, warning)
    assert found is not None, warning
    return found.group(1)


def _plans(whole: Settings, met_ns: float) -> list[SamplingPlan]:
    """Every process's plan for a benchmark of ``met_ns`` per iteration, as its workers make them."""
    shares = [process_share(whole, index) for index in range(whole.processes)]
    return [plan_samples(share, met_ns, whole) for share in shares if share is not None]


@pytest.mark.parametrize("slower", [1.0, 1.04])
def test_the_advised_time_followed_is_not_advised_again(slower: float) -> None:
    """5 s an iteration with the defaults (100 samples over 10 processes in 5 s): each process's plan is
    10 samples of one iteration in 0.5 s, so Criterion advises 50.7 s, the process's share, and following
    it (the share becomes 5.07 s, one iteration per sample already) gave the same advice again."""
    whole = Settings()
    met_ns = 5.07e9
    warnings = {plan.warning for plan in _plans(whole, met_ns)}
    assert len(warnings) == 1, "every process gives the same advice"
    warning = warnings.pop()
    # the whole benchmark: 100 samples × 5.07 s × 1.05 = 532.35 s, rounded up as shown
    assert warning == (
        "Warning: Unable to complete 100 samples in 5.0s. You may wish to increase target time to 532.4s."
    )
    followed = dataclasses.replace(whole, measurement_time=float(_advised(warning, r"target time to ([\d.]+)s")))
    plans = _plans(followed, met_ns * slower)
    assert [plan.warning for plan in plans] == [None] * 10, "followed, even a little slower, it fits"
    assert all(plan.iters == (1,) * 10 for plan in plans), "one iteration per sample, not two"


def test_the_advised_sample_count_followed_is_not_advised_again() -> None:
    whole = Settings(sample_size=100, measurement_time=5.0, processes=5, sampling_mode=SamplingMode.FLAT)
    met_ns = 40e6  # per process: 20 samples of 40 ms = 0.8 s in 1 s; at 60 ms, 1.2 s
    warning = _plans(whole, 60e6)[0].warning
    fitting = int(_advised(warning, r"reduce sample count to (\d+)"))
    assert fitting == 75  # 1 s / (60 ms × 1.05) = 15.9 → 15 a process, 75 in all
    followed = dataclasses.replace(whole, sample_size=fitting)
    assert [plan.warning for plan in _plans(followed, 60e6)] == [None] * 5
    assert _plans(whole, met_ns)[0].warning is None


def test_a_plan_that_just_fits_its_time_gives_no_advice() -> None:
    settings = Settings(sample_size=10, measurement_time=50.7, processes=1, sampling_mode=SamplingMode.FLAT)
    plan = plan_samples(settings, met_ns=5.07e9)
    assert plan.iters == (1,) * 10
    assert plan.warning is None


def test_advice_is_shown_rounded_up() -> None:
    assert shown_rounded_up(50.74e9) == pytest.approx(50.8e9)
    assert shown_rounded_up(50.7e9) == pytest.approx(50.7e9)
    assert format_duration(shown_rounded_up(999.96e6)) == "1.0s"


def test_format_duration_matches_rust_debug_precision_one() -> None:
    assert format_duration(5e9) == "5.0s"
    assert format_duration(13.44e9) == "13.4s"
    assert format_duration(500e6) == "500.0ms"
    assert format_duration(1234.0) == "1.2µs"
    assert format_duration(7.0) == "7.0ns"


def _drive_with(gen, timing: Callable[[int], float]):  # type: ignore[no-untyped-def]
    asked = []
    try:
        iters = next(gen)
        while True:
            asked.append(iters)
            iters = gen.send(timing(iters))
    except StopIteration as stop:
        return asked, stop.value


def _drive(gen, cost_ns: float):  # type: ignore[no-untyped-def]
    return _drive_with(gen, lambda iters: iters * cost_ns)


def test_warm_up_doubles_until_the_time_is_spent() -> None:
    asked, (total_iters, total_ns) = _drive(warm_up(Settings(warm_up_time=1e-3)), cost_ns=100.0)
    # 100 ns per iteration: 1+2+...+8192 = 16383 iterations = 1.6383 ms > 1 ms; one fewer is 0.8191 ms
    assert asked == [2**i for i in range(14)]
    assert total_iters == 16383
    assert total_ns == 16383 * 100.0


def test_sample_runs_the_plan_in_order() -> None:
    settings = Settings(sample_size=3, measurement_time=1e-6, sampling_mode=SamplingMode.LINEAR)
    plan = plan_samples(settings, 1.0)
    asked, times = _drive(sample(settings, plan), cost_ns=2.0)
    assert asked == list(plan.iters)
    assert times == tuple(2.0 * n for n in plan.iters)


def test_quick_mode_stops_when_two_timings_agree() -> None:
    asked, run = _drive(quick(Settings(measurement_time=5.0)), cost_ns=1e6)
    # exactly linear timings agree at once, but quick runs past 100 ms: 1+2+...+64 ms = 127 ms
    assert run.iters == (32, 64)
    assert run.times_ns == (32e6, 64e6)
    assert asked == [1, 2, 4, 8, 16, 32, 64]


def test_a_routine_that_measures_nothing_is_given_up_on_in_the_first_warm_up_steps() -> None:
    with pytest.raises(BencherMisuse, match="measured 0 ns over its first 4,095 iterations"):
        _drive(warm_up(Settings(warm_up_time=3.0)), cost_ns=0.0)
    with pytest.raises(BencherMisuse, match="measure more work per iteration"):
        _drive(quick(Settings(measurement_time=5.0)), cost_ns=0.0)


def test_a_coarse_clock_that_reads_zero_at_first_is_not_given_up_on() -> None:
    """A clock that reads 0 for up to 1,024 iterations at once (about 1 µs, at 1 ns an iteration)."""
    _, (total_iters, total_ns) = _drive_with(
        warm_up(Settings(warm_up_time=1e-3)), lambda iters: 0.0 if iters <= 1024 else float(iters)
    )
    assert total_ns > 1e6
    assert total_iters > 4095
