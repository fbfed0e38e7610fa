"""What the by-process test compares of each worker process, and the noise floor it allows for them.

Each process contributes one figure: its fastest ~0.1 ms window where both runs' timing loops recorded
windows (``stats.window_estimates`` says why), else its fastest sample. Where the windows drift like
memory-bound code's (``stats.window_noise_floor``) the floor is raised, and the figures that raised it are kept
for the printout.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import numpy.typing as npt

from critbench import stats
from critbench.model import ProcessStatistic, Samples

FloatArray = npt.NDArray[np.float64]


def _process_values(samples: Samples) -> npt.NDArray[np.float64]:
    return stats.process_estimates(samples.iters, samples.net_times_ns, samples.process)


@dataclasses.dataclass(frozen=True)
class ByProcess:
    """What the by-process test compares: one figure per process on each side, and the floor to allow."""

    new: FloatArray
    base: FloatArray
    noise_floor: float
    statistic: ProcessStatistic
    window_gap: float | None = None
    window_spread: float | None = None


def by_process(new: Samples, base: Samples, noise_floor: float) -> ByProcess:
    """Each side's per-process figures and the noise floor to test them against: the fastest ~0.1 ms window
    of each process where both sides recorded windows (``stats.window_estimates`` says why), with the floor
    raised where the windows drift like memory-bound code's; else each process's fastest sample."""
    new_windows, base_windows = new.net_fastest_ns, base.net_fastest_ns
    if new_windows is None or base_windows is None:
        return ByProcess(_process_values(new), _process_values(base), noise_floor, ProcessStatistic.FASTEST_SAMPLE)
    gaps = [stats.window_gap(new_windows, new.process), stats.window_gap(base_windows, base.process)]
    figures = stats.window_estimates(new_windows, new.process), stats.window_estimates(base_windows, base.process)
    spreads = [stats.process_spread(side) for side in figures]
    return ByProcess(
        *figures,
        stats.window_noise_floor(noise_floor, gaps, spreads),
        ProcessStatistic.FASTEST_WINDOW,
        max((gap for gap in gaps if gap is not None), default=None),
        max((spread for spread in spreads if spread is not None), default=None),
    )


def process_statistic(samples: Samples, noise_floor: float) -> tuple[FloatArray, float]:
    """One side's per-process figures as the by-process test compares them, and the floor it would allow."""
    figures = by_process(samples, samples, noise_floor)
    return figures.new, figures.noise_floor
