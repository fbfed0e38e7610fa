"""critbench's own analysis cost: what a user waits for after each benchmark is measured."""

from __future__ import annotations

import numpy as np

from critbench import Bencher, group
from critbench.stats import analyze_samples, compare_samples, make_rng

analysis = group("analysis", sample_size=20, measurement_time="10s")

_SAMPLE_COUNT = 100
_RESAMPLES = 100_000


def _linear_samples(seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    iters = np.arange(1, _SAMPLE_COUNT + 1, dtype=float) * 50
    times = iters * 20_000.0 * rng.lognormal(0.0, 0.05, _SAMPLE_COUNT)
    return iters, times


@analysis.bench(target="300ms")
def one_benchmark(b: Bencher) -> None:
    """Criterion's full analysis of one benchmark: 100 linear samples, 100,000 bootstrap resamples."""
    iters, times = _linear_samples(1)

    def run() -> object:
        return analyze_samples(
            iters, times, linear=True, nresamples=_RESAMPLES, confidence_level=0.95, rng=make_rng(0, "bench")
        )

    b.iter(run)


@analysis.bench(target="300ms")
def one_comparison(b: Bencher) -> None:
    """The change test of one benchmark against its baseline: 100 vs 100 samples, 100,000 resamples."""
    new_iters, new_times = _linear_samples(2)
    base_iters, base_times = _linear_samples(3)
    new, base = new_times / new_iters, base_times / base_iters

    def run() -> object:
        return compare_samples(new, base, nresamples=_RESAMPLES, confidence_level=0.95, rng=make_rng(0, "bench"))

    b.iter(run)
