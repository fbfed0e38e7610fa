"""What a run produces: raw samples, estimates, comparisons, verdicts, target status, failures.

Every record is frozen and holds plain numbers; times are nanoseconds, changes are fractions (0.05 = +5%).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from critbench.model._ids import BenchmarkId, Throughput
from critbench.model._samples import Samples
from critbench.model._settings import Settings


@dataclass(frozen=True)
class BenchmarkInfo:
    """What the author declared about one benchmark, as reported by a worker that imported the target."""

    id: BenchmarkId
    description: str = ""
    target_ns: float | None = None
    memory_target_bytes: int | None = None
    target_instructions: float | None = None
    """An upper bound on instructions per iteration (``target="2M instructions"``), judged when counted."""
    throughput: Throughput | None = None
    settings: Settings = field(default_factory=Settings)
    """The settings this benchmark is measured with, after every layer was applied."""
    package: str = ""
    bench_target: str = ""
    source: str = ""
    """``file:line`` of the benchmark's function."""


@dataclass(frozen=True)
class MemoryUsage:
    """Memory figures of one benchmark, measured in a separate pass so they never slow the timed samples."""

    peak_rss_bytes: int | None = None
    """The worker's peak resident set size while the benchmark ran (setup included)."""
    allocated_per_iteration_bytes: int | None = None
    """Peak memory traced by tracemalloc during one iteration, above what was allocated before it."""

    def combined(self, other: MemoryUsage) -> MemoryUsage:
        def peak(a: int | None, b: int | None) -> int | None:
            return b if a is None else a if b is None else max(a, b)

        return MemoryUsage(
            peak(self.peak_rss_bytes, other.peak_rss_bytes),
            peak(self.allocated_per_iteration_bytes, other.allocated_per_iteration_bytes),
        )


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its bootstrap confidence interval and standard error."""

    point: float
    lower: float
    upper: float
    standard_error: float
    confidence_level: float


@dataclass(frozen=True)
class Estimates:
    """Criterion's statistics of the per-iteration times; ``slope`` only in linear sampling."""

    mean: Estimate
    median: Estimate
    median_abs_dev: Estimate
    std_dev: Estimate
    slope: Estimate | None = None

    @property
    def typical(self) -> Estimate:
        """The headline time: the slope when sampled linearly, else the mean (as Criterion prints)."""
        return self.slope if self.slope is not None else self.mean


@dataclass(frozen=True)
class TukeyFences:
    """Tukey's fences: ``Q1 - 3 IQR``, ``Q1 - 1.5 IQR``, ``Q3 + 1.5 IQR``, ``Q3 + 3 IQR``."""

    low_severe: float
    low_mild: float
    high_mild: float
    high_severe: float


@dataclass(frozen=True)
class OutlierCounts:
    low_severe: int
    low_mild: int
    high_mild: int
    high_severe: int
    sample_count: int

    @property
    def total(self) -> int:
        return self.low_severe + self.low_mild + self.high_mild + self.high_severe


@dataclass(frozen=True)
class CountFigures:
    """What counted samples show beyond the estimates: one count per heap layout, and the cache events."""

    per_process: tuple[float, ...]
    """Net instructions per iteration counted in each heap layout (forked process), in process order."""
    spread: float
    """(largest - smallest) / smallest of ``per_process``: how much the allocator's state moves the count."""
    nonlinearity: float
    """The largest departure of a layout's intervals from a straight line in the iterations, relative to its
    largest interval (0 when counts grow exactly in proportion)."""
    iterations: float
    """N: the smallest measured interval's iterations (the others ran 2N and 3N)."""
    events: dict[str, float]
    """Net per-iteration count of each callgrind event (median over layouts); the raw ones are the samples'."""
    cycles: float | None = None
    """Estimated cycles per iteration from the cache simulation: L1 hits + 5 LL hits + 35 RAM accesses."""
    instruction_rate: float | None = None
    """The routine's instructions per second of wall time under valgrind, net of the loop."""
    reference_rate: float | None = None
    """The harness loop's instructions per second under valgrind in the same process."""


@dataclass(frozen=True)
class SampleAnalysis:
    """Everything computed from one benchmark's samples alone."""

    estimates: Estimates
    fences: TukeyFences
    outliers: OutlierCounts
    slope_r_squared: tuple[float, float] | None = None
    """R² of the fits at the slope's lower and upper bounds (linear sampling only)."""
    counts: CountFigures | None = None
    """Counted samples (``--measure instructions``): the per-layout counts, cache events and checks."""


class Verdict(enum.Enum):
    """Criterion's four explanations of a comparison. The value is the verdict's identity (stored in the
    history, written to JSON); :attr:`message` is Criterion's exact wording, which reports print."""

    NO_CHANGE = "no_change"
    WITHIN_NOISE = "within_noise"
    IMPROVED = "improved"
    REGRESSED = "regressed"
    INCONCLUSIVE = "inconclusive"
    """Not Criterion's: the estimate is a change the test should have seen, or one larger than the red-cross
    threshold, yet the test did not confirm it (too little data, or data too spread): neither a regression
    nor "no change"."""

    @property
    def message(self) -> str:
        return _VERDICT_MESSAGES[self]


_VERDICT_MESSAGES = {
    Verdict.NO_CHANGE: "No change in performance detected.",
    Verdict.WITHIN_NOISE: "Change within noise threshold.",
    Verdict.IMPROVED: "Performance has improved.",
    Verdict.REGRESSED: "Performance has regressed.",
    Verdict.INCONCLUSIVE: "Inconclusive: this comparison can neither confirm nor rule out a change this large.",
}


class ComparisonUnit(enum.Enum):
    """What a change test treats as one independent observation."""

    SAMPLE = "sample"
    """Criterion's test: each sample of one process (too few worker processes for a by-process test)."""
    PROCESS = "process"
    """One figure per worker process (five or more processes on each side)."""
    PAIR = "pair"
    """critbench ab: pairs of samples of the two revisions taken in alternation in the same process."""
    RUN = "run"
    """Too few samples for a test (``--quick``: two): the runs as wholes, against a wide band of run-to-run
    drift that only a large change clears."""
    COUNT = "count"
    """Instruction counts: one exact count per heap layout (and worker process), their spread the noise."""


class ProcessStatistic(enum.Enum):
    """What each worker process contributes to the by-process test of separate runs."""

    FASTEST_WINDOW = "fastest_window"
    """Its fastest ~0.1 ms window's time per iteration (``Samples.fastest_ns``): a stretch no other process
    interrupted, so it moves little when the machine is busier in one run than in the other."""
    FASTEST_SAMPLE = "fastest_sample"
    """Its fastest sample's time per iteration, where either side recorded no windows (``iter_custom``, or
    runs saved before windows were kept)."""


WINDOW_GAP_LIMIT = 0.015
"""Median gap between a process's two fastest windows above which a benchmark's windows drift between runs
the way memory-bound code's do (``stats.window_noise_floor`` then raises the noise floor)."""

WEAK_GAP_LIMIT = 0.008
"""A gap above this and, in the same run, a spread above :data:`WEAK_SPREAD_LIMIT`: two weaker signs that
together say the windows drift (``stats.window_noise_floor``)."""

WEAK_SPREAD_LIMIT = 0.10
"""The spread that, with a gap above :data:`WEAK_GAP_LIMIT` in the same run, says the windows drift."""

PROCESS_SPREAD_LIMIT = 0.15
"""The median process's fastest window over the fastest process's, less one, above which a benchmark's
windows drift between runs the way memory-bound code's do (the second signal of ``stats.window_noise_floor``)."""


def drifts(gap: float | None, spread: float | None) -> bool:
    """Whether one run's windows drift like memory-bound code's (``stats._windows`` has the measurements): a
    gap over :data:`WINDOW_GAP_LIMIT`, a spread over :data:`PROCESS_SPREAD_LIMIT`, or both over their weaker
    limits."""
    if (gap is not None and gap > WINDOW_GAP_LIMIT) or (spread is not None and spread > PROCESS_SPREAD_LIMIT):
        return True
    return gap is not None and spread is not None and gap > WEAK_GAP_LIMIT and spread > WEAK_SPREAD_LIMIT


class Indicator(enum.Enum):
    """The seed's status indicator on the size of a change estimate."""

    OK = "✓"
    WARN = "⚠"
    BAD = "✗"


@dataclass(frozen=True)
class ChangeStatistics:
    """The comparison of new samples with a baseline's: relative changes and Welch's bootstrap test."""

    mean: Estimate
    median: Estimate
    t_statistic: float
    p_value: float


@dataclass(frozen=True)
class Comparison:
    """A change with the verdict and indicator it earned under the run's policy."""

    baseline: str
    change: ChangeStatistics
    verdict: Verdict
    indicator: Indicator
    significance_level: float
    noise_threshold: float
    p_value_adjusted: float | None = None
    """The p-value after the suite-wide false-discovery adjustment, when one was made."""
    min_detectable_change: float | None = None
    """The smallest relative slowdown this comparison detects with 80% power (0.075 = 7.5%)."""
    unit: ComparisonUnit = ComparisonUnit.SAMPLE
    """What the test treated as one independent observation."""
    noise_floor: float = 0.0
    """τ, the run-to-run drift (log scale) the test allowed for beyond the within-run spread."""
    process_statistic: ProcessStatistic | None = None
    """For the by-process test, which figure of each process it compared; None for the other units."""
    window_gap: float | None = None
    """With windows: the larger of the two sides' median gap between a process's two fastest windows
    (``stats.window_gap``); with the spread, it decides whether the floor was raised for drifting code
    (:func:`drifts`)."""
    window_spread: float | None = None
    """With windows: the larger of the two sides' median process's fastest window over the fastest process's,
    less one (``stats.process_spread``); above 15% the noise floor was raised for drifting code."""
    layout_set_aside: int | None = None
    """For instruction counts: the heap layout left out of the test and of the threshold, because its change
    lay apart from the other layouts' the same way (``stats.agreeing_layouts``); None when every layout was
    used."""


class TargetStatus(enum.Enum):
    """How an estimate stands against a declared upper bound (the seed's performance targets)."""

    EXCELLENT = "EXCELLENT"
    MET = "MET"
    CLOSE = "CLOSE"
    MISS = "MISS"

    @property
    def is_met(self) -> bool:
        return self in (TargetStatus.EXCELLENT, TargetStatus.MET)


@dataclass(frozen=True)
class TargetAssessment:
    """An achieved figure against its target. ``ratio`` is achieved / target (below 1 is better)."""

    metric: str
    """``"time"``, ``"memory"`` or ``"instructions"``."""
    target: float
    achieved: float
    status: TargetStatus

    @property
    def ratio(self) -> float:
        return self.achieved / self.target

    @property
    def ratio_text(self) -> str:
        """``"55.0x better"`` when under the target, ``"1.19x over"`` when above it."""
        if self.achieved <= self.target:
            better = self.target / self.achieved if self.achieved > 0 else float("inf")
            return f"{better:.1f}x better"
        return f"{self.ratio:.2f}x over"


class FailureKind(enum.Enum):
    ERROR = "error"
    """The benchmark raised."""
    TIMEOUT = "timeout"
    """It ran past its timeout and its worker was stopped."""
    CRASH = "crash"
    """Its worker process died (``os._exit``, a signal, an interpreter abort)."""
    PROTOCOL = "protocol"
    """Its worker sent something the runner could not read."""


@dataclass(frozen=True)
class Failure:
    kind: FailureKind
    reason: str
    """One line saying what went wrong, e.g. ``"raised ValueError: bad input"``."""
    detail: str = ""
    """The traceback or the worker's last output, when there is one."""


class CautionKind(enum.Enum):
    """What a warning is about, so reports can group warnings of one kind instead of repeating them."""

    SAMPLING_BUDGET = "sampling_budget"
    """The samples asked for could not be taken in the measurement time (Criterion's "Unable to complete")."""
    SPREAD = "spread"
    """A benchmark's samples disagree (high coefficient of variation)."""
    OVERHEAD = "overhead"
    """The harness's own loop is a large share of the benchmark's time."""
    PRECISION = "precision"
    """``--precision`` was not reached."""
    MACHINE_LOAD = "machine_load"
    MACHINE_SPEED = "machine_speed"
    """The machine was much slower (or faster) for one of a comparison's runs than for the other."""
    STEAL = "steal"
    BUSY_PROCESSES = "busy_processes"
    GOVERNOR = "governor"
    ENVIRONMENT = "environment"
    """The comparison crosses environments (another Python, CPU, machine)."""
    RUN_STABILITY = "run_stability"
    """Whole runs of ``--repeat`` disagree."""
    MISSING_BASELINE_DATA = "missing_baseline_data"
    HISTORY = "history"
    """The history database could not be read or written."""
    FAILED_REPETITION = "failed_repetition"
    SIDE_BY_SIDE = "side_by_side"
    """Advice: separate runs were too noisy; measure both versions side by side."""
    UNCOMMITTED = "uncommitted"
    CLEANUP = "cleanup"
    """Leftovers of an earlier, killed critbench were removed."""
    REVISIONS = "revisions"
    """Where ab's and bisect's benchmarks and code come from: the bench files' origin, builds, process use."""
    WAITS = "waits"
    """Counted instructions explain little of the routine's time: it mostly waits (sleep, I/O, locks)."""
    NONLINEAR = "nonlinear"
    """Counted instructions did not grow in proportion to the iterations (garbage collections, caches)."""
    TARGET_UNIT = "target_unit"
    """A target in one unit (time, instructions) that a run measuring the other could not judge."""


@dataclass(frozen=True)
class Caution:
    """A warning or a note: its kind, and a text that says what happened and what to do about it."""

    kind: CautionKind
    text: str


@dataclass(frozen=True)
class BenchmarkResult:
    """One benchmark's outcome in a run: measured and analysed, or failed."""

    info: BenchmarkInfo
    samples: Samples | None = None
    analysis: SampleAnalysis | None = None
    comparison: Comparison | None = None
    time_target: TargetAssessment | None = None
    memory_target: TargetAssessment | None = None
    failure: Failure | None = None
    warnings: tuple[Caution, ...] = ()
    memory: MemoryUsage | None = None

    @property
    def id(self) -> BenchmarkId:
        return self.info.id

    @property
    def ok(self) -> bool:
        return self.failure is None

    @property
    def unit(self) -> str:
        """The unit of its figures: its samples' (``"ns"`` when it has none)."""
        return self.samples.unit if self.samples is not None else "ns"
