"""A whole run: where it ran, what it compared with, and what came of it."""

from __future__ import annotations

from dataclasses import dataclass, field

from critbench.model._results import BenchmarkResult, Estimate, TargetStatus, Verdict

LAST_RUN = ".last"
"""The key of the last measured run, which the next plain run compares against (Criterion's ``base``).
Records store this key; reporters show it as "the previous run"."""

PREVIOUS_RUN = ".previous"
"""The key of the run before the last, so the last comparison can be rebuilt."""


AB_PREFIX = "ab:"
"""What an ``ab`` run's record compares with: this prefix, then revision A's commit (its label without one)."""


def ab_key(revision: str) -> str:
    """The key an ``ab`` run's record stores for revision A (a commit hash, or a label such as a folder)."""
    return AB_PREFIX + revision


def describe_baseline(key: str) -> str:
    """How a message names the stored run ``key``: "the previous run" for the hidden last run, revision A's
    short commit for an ``ab`` run's, else the key."""
    if key in (LAST_RUN, PREVIOUS_RUN):
        return "the previous run"
    if key.startswith(AB_PREFIX):
        revision = key.removeprefix(AB_PREFIX)
        return f"{revision[:10] if _is_commit(revision) else revision} (ab)"
    return key


def _is_commit(revision: str) -> bool:
    return len(revision) == 40 and all(c in "0123456789abcdef" for c in revision)


@dataclass(frozen=True)
class Environment:
    """The machine and code a run measured, recorded so comparisons across them can be flagged."""

    python: str = ""
    implementation: str = ""
    platform: str = ""
    machine: str = ""
    cpu_model: str = ""
    cpu_count: int = 0
    hostname: str = ""
    git_commit: str | None = None
    git_branch: str | None = None
    git_dirty: bool | None = None
    critbench_version: str = ""

    COMPARABLE_FIELDS = ("python", "implementation", "platform", "machine", "cpu_model", "cpu_count")

    def differences(self, other: Environment) -> list[str]:
        """``"python: 3.11.7 → 3.12.1"`` for each field that makes timings incomparable."""
        diffs = []
        for name in self.COMPARABLE_FIELDS:
            mine, theirs = getattr(self, name), getattr(other, name)
            if mine and theirs and mine != theirs:
                diffs.append(f"{name}: {theirs} → {mine}")
        return diffs


@dataclass(frozen=True)
class BusyProcess:
    """Another process that used a CPU heavily while critbench measured."""

    pid: int
    name: str
    """The kernel's short name of the process (``comm``: at most 15 characters)."""
    cpu_share: float
    """Its CPU time over the snapshot's window as a share of one CPU (0.85 = 85% of a core, as ``top`` shows)."""


@dataclass(frozen=True)
class Diagnostics:
    """How noisy the machine was around a run, read from ``/proc`` and ``/sys`` (see docs/rigor.md).

    A run takes two snapshots. The one at the start covers a short window just before measuring; the one at
    the end covers the whole run, from the start snapshot to the end. Every field is None (or empty) where
    the system does not provide it, so a run never fails for lack of diagnostics.
    """

    cpu_count: int = 0
    """The CPUs online, which the load average is judged against."""
    load_average: tuple[float, float, float] | None = None
    """The 1, 5 and 15 minute load averages when the snapshot was taken."""
    governor: str | None = None
    """The CPU frequency governor (``performance``, ``powersave``, ...); several joined by ``", "`` when the
    CPUs differ; None where the kernel has no cpufreq (many virtual machines)."""
    steal_share: float | None = None
    """The share of all CPU time the hypervisor gave to other guests over the window (0.05 = 5%)."""
    busy_processes: tuple[BusyProcess, ...] = ()
    """Other processes (not critbench nor its workers) that used a CPU heavily over the window, busiest first."""


@dataclass(frozen=True)
class RunSummary:
    """The counts the end-of-run summary prints and the exit status is decided from."""

    regressed: tuple[str, ...] = ()
    improved: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    inconclusive: tuple[str, ...] = ()
    not_compared: tuple[str, ...] = ()
    failed: tuple[str, ...] = ()
    targets_met: tuple[str, ...] = ()
    targets_close: tuple[str, ...] = ()
    targets_missed: tuple[str, ...] = ()
    discoveries_removed: int = 0
    """Significant changes the suite-wide false-discovery adjustment turned back into "no change"."""

    @classmethod
    def of(cls, results: list[BenchmarkResult] | tuple[BenchmarkResult, ...]) -> RunSummary:
        buckets: dict[str, list[str]] = {
            "regressed": [],
            "improved": [],
            "unchanged": [],
            "inconclusive": [],
            "not_compared": [],
            "failed": [],
            "targets_met": [],
            "targets_close": [],
            "targets_missed": [],
        }
        removed = 0
        for result in results:
            name = result.id.full_id
            if result.failure is not None:
                buckets["failed"].append(name)
                continue
            comparison = result.comparison
            if comparison is None:
                buckets["not_compared"].append(name)
            elif comparison.verdict is Verdict.REGRESSED:
                buckets["regressed"].append(name)
            elif comparison.verdict is Verdict.IMPROVED:
                buckets["improved"].append(name)
            elif comparison.verdict is Verdict.INCONCLUSIVE:
                buckets["inconclusive"].append(name)
            else:
                buckets["unchanged"].append(name)
            if (
                comparison is not None
                and comparison.p_value_adjusted is not None
                and comparison.change.p_value < comparison.significance_level <= comparison.p_value_adjusted
            ):
                removed += 1
            for target in (result.time_target, result.memory_target):
                if target is None:
                    continue
                label = f"{name} ({target.metric})"
                if target.status.is_met:
                    buckets["targets_met"].append(label)
                elif target.status is TargetStatus.CLOSE:
                    buckets["targets_close"].append(label)
                else:
                    buckets["targets_missed"].append(label)
        return cls(**{key: tuple(value) for key, value in buckets.items()}, discoveries_removed=removed)


@dataclass(frozen=True)
class RunRecord:
    """The metadata of a run, stored with every baseline and history entry."""

    started_at: str
    """ISO 8601 UTC."""
    finished_at: str
    environment: Environment
    command: str = ""
    saved_as: str | None = None
    compared_with: str | None = None
    settings: dict[str, object] = field(default_factory=dict)
    """The run-wide settings (after config and command line), for the record."""
    diagnostics_start: Diagnostics | None = None
    """The machine's noise just before measuring (None for runs that measured nothing or predate it)."""
    diagnostics_end: Diagnostics | None = None
    """The machine's noise over the whole run, read when measuring ended."""
    measured: tuple[str, ...] | None = None
    """The ids this run measured (a baseline also keeps what earlier runs saved); None in older records."""


@dataclass(frozen=True)
class HistoryPoint:
    """One benchmark's typical time in one stored run: a point of its history chart."""

    run_id: int
    started_at: str
    """ISO 8601 UTC."""
    git_commit: str | None
    git_branch: str | None
    git_dirty: bool | None
    typical: Estimate
    saved_as: str | None = None
    """The baseline the run was saved as, so charts can mark baselines."""
    compared_with: str | None = None
    verdict: Verdict | None = None
    change: float | None = None
    """The comparison's change as the run judged it (``Comparison.change.mean.point``), where it compared."""
    memory_peak_bytes: int | None = None
    unit: str = "ns"
    """What ``typical`` is in: ``"ns"`` or ``"instructions"`` (a benchmark's history may hold both)."""
