"""What the HTML and Markdown reports draw, prepared ahead of rendering: curves, bands, stability, inputs.

The report layer computes nothing, so everything statistical a chart shows (densities, the bootstrap
distribution of a change, outlier classes, fitted lines) is computed by ``critbench.compare`` into these
records first. Curves are short (about a hundred points), so a report of hundreds of benchmarks stays small.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from critbench.model._results import BenchmarkResult
from critbench.model._run import HistoryPoint, RunRecord


@dataclass(frozen=True)
class Curve:
    """Points ``(xs[i], ys[i])`` of a line or a scatter, in the units the producer names."""

    xs: tuple[float, ...]
    ys: tuple[float, ...]

    def __post_init__(self) -> None:
        if len(self.xs) != len(self.ys):
            raise ValueError(f"a curve needs as many xs as ys, got {len(self.xs)} and {len(self.ys)}")


@dataclass(frozen=True)
class Density:
    """A probability density on an evenly spaced grid: ``ys[i]`` at ``start + i * step``.

    An empty ``ys`` stands for a density that could not be estimated (samples without spread).
    """

    start: float
    step: float
    ys: tuple[float, ...]

    @property
    def xs(self) -> tuple[float, ...]:
        return tuple(self.start + i * self.step for i in range(len(self.ys)))


@dataclass(frozen=True)
class FitBand:
    """A fitted line and its confidence band, sampled at ``xs``: ``lower[i] <= line[i] <= upper[i]``."""

    xs: tuple[float, ...]
    line: tuple[float, ...]
    lower: tuple[float, ...]
    upper: tuple[float, ...]

    def __post_init__(self) -> None:
        if not len(self.xs) == len(self.line) == len(self.lower) == len(self.upper):
            raise ValueError("a band needs one line, lower and upper value per x")


@dataclass(frozen=True)
class SamplePoints:
    """Each sample as a point (per-iteration time in ns, iterations), split by its Tukey class.

    ``mild`` and ``severe`` hold the outliers beyond the inner and the outer fences, low and high together.
    """

    clean: Curve
    mild: Curve
    severe: Curve


@dataclass(frozen=True)
class ChangeFigure:
    """The bootstrap distribution of the relative change the comparison tested, as a density.

    That is the change of the mean (``new/base - 1``) when samples were the unit, and the change of the
    faster half of the processes, noise floor included, when processes were. ``ci`` is the part of ``distribution`` whose grid points lie inside the comparison's confidence
    interval, for shading.
    """

    distribution: Density
    ci: Density


@dataclass(frozen=True)
class BenchmarkFigures:
    """The data behind one benchmark's charts. Times are nanoseconds net of the harness overhead (the
    times the analysis used), changes are fractions."""

    per_iteration_ns: tuple[float, ...]
    """Each sample's time per iteration, in the order the samples were taken."""
    density: Density
    """Gaussian KDE of the per-iteration times (x: ns, y: density per ns)."""
    points: SamplePoints
    totals: Curve | None = None
    """Linear sampling: each sample's total time (y, ns) against its iterations (x)."""
    regression: FitBand | None = None
    """Linear sampling: the slope's line through the origin and its confidence band, over ``totals``."""
    baseline_density: Density | None = None
    baseline_mean_ns: float | None = None
    """The mean of the baseline's per-iteration times."""
    baseline_regression: Curve | None = None
    """The baseline's least-squares line through the origin (when both were sampled linearly)."""
    change: ChangeFigure | None = None


@dataclass(frozen=True)
class Stability:
    """How much one benchmark's typical time moved across stored runs (the seed's stability table)."""

    benchmark: str
    """The full benchmark id."""
    typicals_ns: tuple[float, ...]
    """The typical time of each run, oldest first."""
    mean_ns: float
    std_dev_ns: float | None
    """The ``n - 1`` standard deviation across runs; None with fewer than two runs."""
    cv: float | None
    """Coefficient of variation ``std_dev / mean`` as a fraction; None with fewer than two runs."""
    unit: str = "ns"
    """What the figures are in: ``"ns"`` (typical times) or ``"instructions"`` (counts per iteration)."""

    @property
    def runs(self) -> int:
        return len(self.typicals_ns)


@dataclass(frozen=True)
class ReportInput:
    """Everything the HTML and Markdown reports show for one run, finished and ready to render."""

    run: RunRecord
    results: tuple[BenchmarkResult, ...]
    baseline_name: str | None = None
    """The name to show for the baseline the run was compared with (None: not compared)."""
    figures: Mapping[str, BenchmarkFigures] = field(default_factory=dict)
    """Chart data by full id; a benchmark without an entry gets tables but no charts."""
    history: Mapping[str, tuple[HistoryPoint, ...]] = field(default_factory=dict)
    """Each benchmark's stored runs by full id, oldest first (include the current run)."""
    stability: tuple[Stability, ...] = ()
