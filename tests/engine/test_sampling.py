"""Criterion's sampling plans and warnings, checked against hand-computed cases."""

from __future__ import annotations

import math

from critbench.engine._sampling import format_duration, plan_samples, quick, sample, warm_up
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
    # c = 5e9/1e6 = 5000; r = floor((-1 + sqrt(20000)) / 2) = 70 → multiple of 10 → 70
    assert plan.warning == (
        "Warning: Unable to complete 100 samples in 5.0s. You may wish to increase target time to 5.0s, "
        "enable flat sampling, or reduce sample count to 70."
    )
    assert math.isclose(plan.expected_ns, 5050 * 1e6)


def test_flat_warning_text_and_recommended_sample_size() -> None:
    settings = Settings(sample_size=100, measurement_time=5.0, sampling_mode=SamplingMode.FLAT)
    plan = plan_samples(settings, met_ns=200e6)
    # k = ceil(5e9/100/2e8) = 1 → warning; r = floor(5e9/2e8) = 25 → 20
    assert plan.iters == (1,) * 100
    assert plan.warning == (
        "Warning: Unable to complete 100 samples in 5.0s. You may wish to increase target time to 20.0s, "
        "or reduce sample count to 20."
    )


def test_format_duration_matches_rust_debug_precision_one() -> None:
    assert format_duration(5e9) == "5.0s"
    assert format_duration(13.44e9) == "13.4s"
    assert format_duration(500e6) == "500.0ms"
    assert format_duration(1234.0) == "1.2µs"
    assert format_duration(7.0) == "7.0ns"


def _drive(gen, cost_ns: float):  # type: ignore[no-untyped-def]
    asked = []
    try:
        iters = next(gen)
        while True:
            asked.append(iters)
            iters = gen.send(iters * cost_ns)
    except StopIteration as stop:
        return asked, stop.value


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
