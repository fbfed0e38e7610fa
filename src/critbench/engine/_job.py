"""The job a runner hands to a worker process."""

from __future__ import annotations

from dataclasses import dataclass, field

from critbench.model import FakeClock, Selection, Settings


@dataclass(frozen=True)
class PairedTarget:
    """Revision A of a target (the job's own target is revision B, the one judged)."""

    target_path: str
    sys_path: tuple[str, ...]
    root_a: str
    root_b: str
    label_a: str
    label_b: str
    seed: int = 0


@dataclass(frozen=True)
class PytestJob:
    """A job's tests when its target is a pytest suite (``critbench.engine._pytest_worker`` runs it)."""

    args: tuple[str, ...]
    """The pytest command line the worker runs (its options and the paths to collect)."""
    node_ids: tuple[str, ...] | None = None
    """The benchmark tests to measure, by node id, as the pytest session that asked chose them; None: every
    test that uses the ``benchmark`` fixture."""
    code_paths: tuple[str, ...] = ()
    """critbench ab: folders whose top-level modules replace the working tree's (the other revision's code)."""
    side: str | None = None
    """critbench ab: ``"a"`` or ``"b"``, the revision this worker measures (the fake clock costs them apart)."""


@dataclass(frozen=True)
class Job:
    """What the runner asks of one worker process (written as JSON by the runner)."""

    target_path: str
    package: str
    target: str
    sys_path: tuple[str, ...]
    settings: Settings
    """Run-wide settings (config file and command line applied); group and benchmark layers go on top."""
    selection: Selection = field(default_factory=Selection)
    """Criterion's FILTER: which of the target's benchmarks the run takes."""
    skip: tuple[str, ...] = ()
    list_only: bool = False
    process_index: int = 0
    """Which of a benchmark's worker processes this is; each measures its share of the samples."""
    only: tuple[str, ...] | None = None
    """Measure just these ids: benchmarks with a memory target each get a worker of their own, so the peak
    RSS they are judged by is theirs, not what earlier benchmarks in the same process left behind."""
    extension: bool = False
    """An extra process asked for by ``--precision``, beyond the benchmarks' own process count."""
    modes: dict[str, str] | None = None
    """Sampling mode per benchmark id, fixed by its first process so every process samples alike."""
    paired: PairedTarget | None = None
    """critbench ab: the other revision of this target, measured in alternation with it in this process."""
    fake_clock: FakeClock | None = None
    """Tests: replaces the clock in the worker with a deterministic one (``critbench --fake-clock``)."""
    pytest: PytestJob | None = None
    """Set when the target is a pytest suite: what the pytest worker collects and measures."""
    iterations: dict[str, int] | None = None
    """Instructions only: N per benchmark id, the baseline's, so both sides count the same intervals."""
