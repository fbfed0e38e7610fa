"""``min_sample_size``: a routine too slow for its sample count takes as many samples as fit, down to a floor."""

from __future__ import annotations

from critbench.engine._sampling import plan_samples, process_share
from critbench.model import SamplingMode, Settings


def test_without_a_floor_criterion_keeps_the_count_and_overruns() -> None:
    plan = plan_samples(Settings(sample_size=100, measurement_time=1.0), met_ns=100e6)
    assert len(plan.iters) == 100


def test_with_a_floor_a_slow_routine_takes_what_fits_but_never_fewer() -> None:
    settings = Settings(sample_size=100, measurement_time=1.0, min_sample_size=5)
    fits = plan_samples(settings, met_ns=50e6)
    assert (fits.mode, fits.iters) == (SamplingMode.FLAT, (1,) * 20)
    assert fits.warning is None
    floor = plan_samples(settings, met_ns=1e9)
    assert floor.iters == (1,) * 5
    assert floor.warning is not None
    fast = plan_samples(settings, met_ns=1e3)
    assert len(fast.iters) == 100, "a fast routine keeps the sample count"


def test_the_floor_is_shared_by_the_processes() -> None:
    settings = Settings(sample_size=100, processes=4, min_sample_size=5)
    share = process_share(settings, 0)
    assert share is not None
    assert share.min_sample_size == 2
    assert process_share(Settings(processes=2, min_sample_size=7), 1).min_sample_size == 4  # type: ignore[union-attr]
