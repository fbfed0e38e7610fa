"""One benchmark's instruction counts: the exact count per iteration in each heap layout, and its cache events.

A counted benchmark runs, in each heap layout (a forked process), intervals of N, 2N and 3N iterations
between two markers, and callgrind counts every instruction of each interval. The per-iteration count is
the slope of the counts over the iterations, so what the markers and the loop cost once per interval
cancels; the loop's own cost per iteration, counted on an empty routine, is then taken out::

    slope_k  = least-squares slope of count over iterations, layout k    (= (I(3N) − I(N)) / 2N)
    net_k    = slope_k − overhead                                        (never below 1% of slope_k)
    typical  = median of net_k; its interval [min, max] of net_k         (no bootstrap: counts are exact)
    spread   = (max − min) / min                                         how much the heap's state moves it
    nonlin   = max |residual of the line| / largest count, over layouts  0 when exactly proportional

Every callgrind event gets the same slope (net of the loop's), and with the cache simulation the cycle
estimate of iai-callgrind and pythonspeed.com::

    L1 hits  = (Ir + Dr + Dw) − (I1mr + D1mr + D1mw)
    LL hits  = (I1mr + D1mr + D1mw) − (ILmr + DLmr + DLmw)
    RAM      = ILmr + DLmr + DLmw
    cycles  ≈ L1 hits + 5 · LL hits + 35 · RAM
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

from critbench.model import WALL_EVENT, CountFigures, Estimate, Estimates, SampleAnalysis, Samples
from critbench.stats._sample_analysis import MAD_NORMAL_SCALE
from critbench.stats._tukey import classify_outliers, tukey_fences

CACHE_EVENTS = ("Ir", "Dr", "Dw", "I1mr", "D1mr", "D1mw", "ILmr", "DLmr", "DLmw")
"""The events callgrind counts with ``--cache-sim=yes``, in the order its files list them."""

LL_CYCLES = 5
RAM_CYCLES = 35
"""Cycles charged to an access served by the last-level cache and by memory (iai-callgrind's weights)."""


def _slopes(
    iters: npt.NDArray[np.float64], values: npt.NDArray[np.float64], process: npt.NDArray[np.int64]
) -> list[tuple[float, float]]:
    """Per process, in process order: (least-squares slope of values over iters, largest relative residual)."""
    found = []
    for key in np.unique(process):
        x, y = iters[process == key], values[process == key]
        if np.unique(x).size < 2:
            raise ValueError(f"process {key} counted fewer than two different iteration counts")
        # Centred sums rather than a solver: with counts below 2**53 the slope of N, 2N, 3N is exact.
        dx, dy = x - x.mean(), y - y.mean()
        slope = math.fsum(dx * dy) / math.fsum(dx * dx)
        residual = float(np.max(np.abs(dy - slope * dx))) / max(float(np.max(np.abs(y))), 1.0)
        found.append((slope, residual))
    return found


def per_process_counts(samples: Samples) -> tuple[npt.NDArray[np.float64], float]:
    """Net instructions per iteration of each process (layout), and the largest non-linearity among them."""
    iters = np.asarray(samples.iters, dtype=float)
    process = np.asarray(samples.process)
    fitted = _slopes(iters, np.asarray(samples.times_ns, dtype=float), process)
    net = np.asarray([max(slope - samples.overhead_ns, 0.01 * abs(slope)) for slope, _ in fitted])
    if np.any(~np.isfinite(net)) or np.any(net <= 0):
        raise ValueError("every layout's count per iteration must be positive and finite")
    return net, max(residual for _, residual in fitted)


def event_slopes(samples: Samples) -> dict[str, float]:
    """Each event's net count per iteration: the median over processes of its slope, less the loop's."""
    if samples.events is None:
        return {}
    iters = np.asarray(samples.iters, dtype=float)
    process = np.asarray(samples.process)
    overhead = samples.overhead_events or {}
    slopes = {}
    for name, values in samples.events.items():
        fitted = _slopes(iters, np.asarray(values, dtype=float), process)
        slopes[name] = float(np.median([slope for slope, _ in fitted])) - overhead.get(name, 0.0)
    return slopes


def cycle_estimate(events: Mapping[str, float]) -> float | None:
    """Cycles from a cache simulation's events (module docstring); None without the simulation's events."""
    if not all(name in events for name in CACHE_EVENTS):
        return None
    accesses = events["Ir"] + events["Dr"] + events["Dw"]
    l1_misses = events["I1mr"] + events["D1mr"] + events["D1mw"]
    ram = events["ILmr"] + events["DLmr"] + events["DLmw"]
    return (accesses - l1_misses) + LL_CYCLES * (l1_misses - ram) + RAM_CYCLES * ram


def _rate(samples: Samples, events: Mapping[str, float]) -> float | None:
    """The routine's own instructions per second of wall time under valgrind, both net of the loop."""
    seconds = events.get(WALL_EVENT)
    if seconds is None or seconds <= 0 or "Ir" not in events:
        return None
    return events["Ir"] / (seconds / 1e9)


def analyze_counts(samples: Samples, confidence_level: float) -> SampleAnalysis:
    """The estimates of counted samples (module docstring): one count per layout, no resampling.

    The "interval" of every estimate is the range of the layouts' counts: it says how far the heap's state
    moved the count, not a confidence interval (a count has no sampling error). ``confidence_level`` is
    recorded with the estimates so they read like any other.
    """
    if not samples.counted:
        raise ValueError("analyze_counts needs instruction counts")
    net, nonlinearity = per_process_counts(samples)
    k = net.size
    low, high = float(np.min(net)), float(np.max(net))
    sd = float(np.std(net, ddof=1)) if k > 1 else 0.0
    se = sd / math.sqrt(k)

    def ranged(point: float) -> Estimate:
        return Estimate(point, low, high, se, confidence_level)

    median = ranged(float(np.median(net)))
    mad = float(np.median(np.abs(net - np.median(net)))) * MAD_NORMAL_SCALE
    estimates = Estimates(
        mean=ranged(float(np.mean(net))),
        median=median,
        median_abs_dev=Estimate(mad, mad, mad, 0.0, confidence_level),
        std_dev=Estimate(sd, sd, sd, 0.0, confidence_level),
        slope=median,
    )
    fences = tukey_fences(net)
    outliers, _ = classify_outliers(net, fences)
    slopes = event_slopes(samples)
    slopes.setdefault("Ir", median.point)
    order = [*CACHE_EVENTS, *sorted(set(slopes) - set(CACHE_EVENTS))]
    events = {name: slopes[name] for name in order if name in slopes}
    figures = CountFigures(
        per_process=tuple(float(v) for v in net),
        spread=(high - low) / low,
        nonlinearity=nonlinearity,
        iterations=float(min(samples.iters)),
        events={name: value for name, value in events.items() if name != WALL_EVENT},
        cycles=cycle_estimate(events),
        instruction_rate=_rate(samples, events),
        reference_rate=samples.reference_rate,
    )
    return SampleAnalysis(estimates, fences, outliers, None, figures)
