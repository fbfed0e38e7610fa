"""The job a runner hands to a worker process."""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass, field

from critbench.model import BenchTarget, FakeClock, Selection, Settings, from_data


@dataclass(frozen=True)
class RevisionCode:
    """One revision's side of a comparison, as a worker loads it: its bench file and its code's folders."""

    label: str
    """What the user typed (``HEAD~1``, ``1.0.0``), or ``working tree``."""
    commit: str | None
    target_path: str
    sys_path: tuple[str, ...]
    """This revision's folders only: the bench file's folder, its packages' source (or built) folders."""


@dataclass(frozen=True)
class PairedTarget:
    """critbench ab: both revisions of the job's target, measured in alternation in one worker process."""

    a: RevisionCode
    b: RevisionCode
    """The revision judged; the job's own ``target_path`` and ``sys_path`` are its."""
    isolated: tuple[str, ...] = ()
    """Folders holding revisions' files (the working tree, the temporary checkouts): nothing inside them is
    importable by a revision except from its own folders, and the worker's working directory is none of them."""
    seed: int = 0
    alone: str | None = None
    """``"a"`` or ``"b"``: this process loads and measures that revision only, for revisions that cannot share
    a process (compiled modules of the same name); A's and B's processes then alternate."""


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

    @classmethod
    def of(
        cls,
        target: BenchTarget,
        settings: Settings,
        selection: Selection | None = None,
        fake_clock: FakeClock | None = None,
    ) -> Job:
        """The job of measuring ``target``: where its file is and how it imports, with the run's settings."""
        return cls(
            target_path=str(target.path),
            package=target.package,
            target=target.name,
            sys_path=target.import_paths,
            settings=settings,
            selection=selection or Selection(),
            fake_clock=fake_clock,
        )


def worker_parser(prog: str) -> argparse.ArgumentParser:
    """The command line every worker is started with (``_worker_process``): ``--fd N --job FILE``, and
    ``--gate-fd M`` for a gated pytest worker (``_gate``)."""
    parser = argparse.ArgumentParser(prog=prog)
    parser.add_argument("--fd", type=int, required=True)
    parser.add_argument("--job", required=True)
    parser.add_argument("--gate-fd", type=int, default=None)
    return parser


def read_job(path: str) -> Job:
    """The job the runner wrote to ``path`` for its worker."""
    with open(path, encoding="utf-8") as handle:
        return from_data(Job, json.load(handle))
