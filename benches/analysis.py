"""critbench's own analysis cost: what a user waits for after each benchmark is measured.

Three change tests decide a verdict, and each is timed at the size a default run gives it:

- ``one_comparison`` — the sample-level test (Criterion's), the fallback when a side has fewer than five
  worker processes: 100 vs 100 samples;
- ``process_comparison`` — the by-process test, used with five or more processes (ten is the default):
  10 processes × 10 samples a side, reduced to one estimate per process, then bootstrapped;
- ``paired_comparison`` — the paired test of ``critbench ab``: 10 processes × 1,000 alternating pairs
  (5 s per side in samples of about 5 ms), reduced to one crossover summary per process, then bootstrapped.

All three draw 100,000 resamples, the default ``--nresamples``. docs/performance.md records the figures.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from critbench import Bencher, group
from critbench.stats import (
    analyze_samples,
    compare_paired,
    compare_processes,
    compare_samples,
    make_rng,
    process_estimates,
)

analysis = group("analysis", sample_size=20, measurement_time="10s")

_SAMPLE_COUNT = 100
_RESAMPLES = 100_000
_PROCESSES = 10
_SAMPLES_PER_PROCESS = 10
_PAIRS_PER_PROCESS = 1_000

Array = npt.NDArray[np.float64]


def _linear_samples(seed: int) -> tuple[Array, Array]:
    rng = np.random.default_rng(seed)
    iters = np.arange(1, _SAMPLE_COUNT + 1, dtype=float) * 50
    times = iters * 20_000.0 * rng.lognormal(0.0, 0.05, _SAMPLE_COUNT)
    return iters, times


def _process_samples(seed: int) -> tuple[Array, Array, npt.NDArray[np.int64]]:
    """Linear samples from ten processes, each process a little faster or slower than the others."""
    rng = np.random.default_rng(seed)
    count = _PROCESSES * _SAMPLES_PER_PROCESS
    process = np.repeat(np.arange(_PROCESSES), _SAMPLES_PER_PROCESS)
    iters = np.tile(np.arange(1, _SAMPLES_PER_PROCESS + 1, dtype=float) * 50, _PROCESSES)
    luck = np.repeat(rng.lognormal(0.0, 0.03, _PROCESSES), _SAMPLES_PER_PROCESS)
    times = iters * 20_000.0 * luck * rng.lognormal(0.0, 0.05, count)
    return iters, times, process


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


@analysis.bench(target="300ms")
def process_comparison(b: Bencher) -> None:
    """The by-process change test (the default): 10 processes × 10 samples a side, 100,000 resamples."""
    new = _process_samples(4)
    base = _process_samples(5)

    def run() -> object:
        return compare_processes(
            process_estimates(*new),
            process_estimates(*base),
            nresamples=_RESAMPLES,
            confidence_level=0.95,
            significance_level=0.05,
            noise_floor=0.03,
            rng=make_rng(0, "bench"),
        )

    b.iter(run)


@analysis.bench(target="300ms")
def paired_comparison(b: Bencher) -> None:
    """The paired change test of critbench ab: 10 processes × 1,000 pairs, 100,000 resamples."""
    rng = np.random.default_rng(6)
    count = _PROCESSES * _PAIRS_PER_PROCESS
    process = np.repeat(np.arange(_PROCESSES), _PAIRS_PER_PROCESS)
    times_a = 5e6 * np.repeat(rng.lognormal(0.0, 0.03, _PROCESSES), _PAIRS_PER_PROCESS) * rng.lognormal(0, 0.02, count)
    times_b = times_a * rng.lognormal(0.01, 0.01, count)
    a_first = rng.random(count) < 0.5

    def run() -> object:
        return compare_paired(
            times_a,
            times_b,
            process,
            a_first=a_first,
            nresamples=_RESAMPLES,
            confidence_level=0.95,
            significance_level=0.05,
            rng=make_rng(0, "bench"),
        )

    b.iter(run)
