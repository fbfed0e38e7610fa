"""The runner's public face: a :class:`SuiteRunner` runs a suite or critbench ab's pairs; list a target.

Each call builds the jobs (what a worker process is asked to do) and hands them to the schedule
(``_schedule``), which spawns the workers (``_worker_process``) round after round. Plain runs and ab share
all of it; an ab job only carries the other revision (:class:`~critbench.engine._job.PairedTarget`).
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from critbench.engine._job import Job, PairedTarget, RevisionCode
from critbench.engine._observer import RunObserver, SilentObserver
from critbench.engine._pytest_runner import pytest_job, run_pytest_paired, spawn_for
from critbench.engine._schedule import TargetRun, load_failure, run_targets
from critbench.engine._worker_process import Spawn, WorkerProcess
from critbench.model import (
    BenchmarkInfo,
    BenchmarkResult,
    BenchTarget,
    Failure,
    FailureKind,
    FakeClock,
    Measure,
    Samples,
    Selection,
    Settings,
)

__all__ = ["PairedResults", "RevisionCode", "Selection", "SuiteRunner", "TargetListing", "list_target"]


@dataclass(frozen=True)
class TargetListing:
    """What a target declares, or why it could not be loaded."""

    target: BenchTarget
    infos: tuple[BenchmarkInfo, ...] = ()
    failure: Failure | None = None


@dataclass(frozen=True)
class PairedResults:
    """What critbench ab measured: revision B's results, and revision A's samples of the same pairs."""

    results: list[BenchmarkResult]
    samples_a: dict[str, Samples]
    by_process: bool = False
    """A's and B's samples came from processes of their own, alternating (judged process by process), not
    from pairs within each process."""


def _job(
    target: BenchTarget, settings: Settings, selection: Selection, list_only: bool, fake_clock: FakeClock | None = None
) -> Job:
    if target.is_pytest:
        job = pytest_job(target, settings, selection=selection, fake_clock=fake_clock)
    else:
        job = Job.of(target, settings, selection, fake_clock)
    return dataclasses.replace(job, list_only=list_only)


class SuiteRunner:
    """Measures suites for one command: its run-wide settings, which benchmarks, who hears the progress and,
    in tests, the fake clock every worker uses instead of the real one."""

    def __init__(
        self,
        settings: Settings,
        selection: Selection,
        observer: RunObserver,
        fake_clock: FakeClock | None = None,
    ) -> None:
        self.settings = settings
        self.selection = selection
        self.observer = observer
        self.fake_clock = fake_clock

    def _job(self, target: BenchTarget) -> Job:
        return _job(target, self.settings, self.selection, False, self.fake_clock)

    def _spawn(self, target: BenchTarget) -> Spawn:
        """Timing workers (pytest's for a pytest suite), or counting ones under valgrind when the run measures
        instructions."""
        if target.is_pytest:
            return spawn_for(target)
        if self.settings.measure is Measure.INSTRUCTIONS:
            from critbench.engine._counting_runner import CountingWorkerProcess

            return CountingWorkerProcess
        return WorkerProcess

    def run(
        self,
        targets: list[BenchTarget],
        *,
        more: Callable[[list[BenchmarkResult]], set[str]] | None = None,
        max_extra_rounds: int = 0,
        iterations: Mapping[str, int] | None = None,
        settle: Callable[[list[BenchmarkResult]], set[str]] | None = None,
    ) -> list[BenchmarkResult]:
        """Measure the selected benchmarks of every target; every one comes back, measured or failed.

        A benchmark's samples come from several worker processes (``settings.processes``), interleaved across
        the suite. ``more`` names benchmarks that want another process (``--precision``), up to
        ``max_extra_rounds`` times. ``iterations`` (instructions only) is the N each benchmark is counted
        with, from the baseline, so both sides count the same intervals. ``settle`` names the benchmarks that
        need no more processes (asked from the fifth round on).
        """
        pinned = dict(iterations) if iterations else None
        runs = [
            TargetRun(
                target, dataclasses.replace(self._job(target), iterations=pinned), self.observer, self._spawn(target)
            )
            for target in targets
        ]
        return run_targets(runs, self.observer, more=more, max_extra_rounds=max_extra_rounds, settle=settle)

    def run_paired(
        self,
        pairs: list[tuple[BenchTarget, RevisionCode, RevisionCode]],
        *,
        isolated: tuple[Path, ...],
        workdir: Path,
        by_process: bool = False,
    ) -> PairedResults:
        """Measure each target's two revisions (A, B) in alternation, judged as B against A.

        By default both revisions share every worker process and alternate sample by sample. With
        ``by_process`` (revisions that cannot share a process) each process loads one revision, and A's and
        B's processes alternate in an order drawn per round. Workers start in ``workdir``, a folder of no
        revision's, so neither finds the other's files through its working directory.
        """
        pytest_results = self._run_pytest_paired([triple for triple in pairs if triple[0].is_pytest])
        pairs = [triple for triple in pairs if not triple[0].is_pytest]
        if not pairs:
            return pytest_results
        runs: list[tuple[TargetRun, TargetRun | None]] = []
        for target, code_a, code_b in pairs:
            paired = PairedTarget(code_a, code_b, tuple(str(p) for p in isolated), seed=self.settings.seed)
            neutral = dataclasses.replace(target, package_root=workdir)
            job_b = dataclasses.replace(
                self._job(target), target_path=code_b.target_path, sys_path=code_b.sys_path, paired=paired
            )
            if not by_process:
                runs.append((TargetRun(neutral, job_b, self.observer), None))
                continue
            job_a = dataclasses.replace(job_b, paired=dataclasses.replace(paired, alone="a"))
            job_b = dataclasses.replace(job_b, paired=dataclasses.replace(paired, alone="b"))
            side_a = TargetRun(neutral, job_a, _Quiet(self.observer, f" [{code_a.label}]"))
            runs.append((TargetRun(neutral, job_b, self.observer), side_a))
        if by_process:
            measured = _alternate_processes(runs, random.Random(f"processes:{self.settings.seed}"))
        else:
            results = run_targets([run for run, _ in runs], self.observer)
            measured = PairedResults(results, {key: value for run, _ in runs for key, value in run.paired_a.items()})
        if not pytest_results.results:
            return measured
        return PairedResults(
            pytest_results.results + measured.results,
            {**pytest_results.samples_a, **measured.samples_a},
            by_process=measured.by_process,
        )

    def _run_pytest_paired(self, pairs: list[tuple[BenchTarget, RevisionCode, RevisionCode]]) -> PairedResults:
        """pytest suites run a worker of each side at once, their samples in lockstep pairs
        (``_pytest_runner.run_pytest_paired``): the tests are the bench workspace's, and each side's worker
        imports the code under test from its revision's folders."""
        results: list[BenchmarkResult] = []
        samples_a: dict[str, Samples] = {}
        for target, code_a, code_b in pairs:
            job = pytest_job(target, self.settings, selection=self.selection, fake_clock=self.fake_clock)
            assert job.pytest is not None
            job_a, job_b = (
                dataclasses.replace(
                    job, pytest=dataclasses.replace(job.pytest, code_paths=code.sys_path[1:], side=side)
                )
                for code, side in ((code_a, "a"), (code_b, "b"))
            )
            paired = run_pytest_paired(
                target,
                job_a,
                job_b,
                self.observer,
                seed=self.settings.seed,
                observer_a=_Quiet(self.observer, f" [{code_a.label}]"),
            )
            results += paired.results
            samples_a.update(paired.samples_a)
        return PairedResults(results, samples_a)


class _Quiet:
    """Revision A's progress when its processes alternate with B's: its lines marked, its results unannounced."""

    def __init__(self, observer: RunObserver, mark: str) -> None:
        self._observer = observer
        self._mark = mark

    def planned(self, processes: Mapping[str, int]) -> None:
        self._observer.planned({benchmark_id + self._mark: count for benchmark_id, count in processes.items()})

    def benchmark_start(self, benchmark_id: str, process: int, processes: int) -> None:
        self._observer.benchmark_start(benchmark_id + self._mark, process, processes)

    def warming_up(self, benchmark_id: str, seconds: float) -> None:
        self._observer.warming_up(benchmark_id + self._mark, seconds)

    def collecting(self, benchmark_id: str, samples: int, expected_s: float, iterations: int) -> None:
        self._observer.collecting(benchmark_id + self._mark, samples, expected_s, iterations)

    def warning(self, benchmark_id: str, text: str) -> None:
        self._observer.warning(benchmark_id + self._mark, text)

    def benchmark_finished(self, result: BenchmarkResult) -> None:
        pass


def _alternate_processes(runs: list[tuple[TargetRun, TargetRun | None]], rng: random.Random) -> PairedResults:
    """Each round, A's process and B's in a drawn order; B's results, failed where A's failed."""
    sides = [(run_b, run_a) for run_b, run_a in runs if run_a is not None]
    rounds = 1
    index = 0
    while index < rounds:
        for run_b, run_a in sides:
            order = (run_a, run_b) if rng.random() < 0.5 else (run_b, run_a)
            for run in order:
                if run.fatal is None and (index == 0 or index < run.rounds):
                    run.run_round(index)
        rounds = max((max(b.rounds, a.rounds) for b, a in sides if b.fatal is None and a.fatal is None), default=1)
        index += 1
    results: list[BenchmarkResult] = []
    samples_a: dict[str, Samples] = {}
    for run_b, run_a in sides:
        if run_a.fatal is not None or run_b.fatal is not None:
            fatal = run_a.fatal if run_a.fatal is not None else run_b.fatal
            assert fatal is not None
            result = load_failure(run_b.target, fatal)
            run_b.observer.benchmark_finished(result)
            results.append(result)
            continue
        for bid in run_b.order:
            result_b = run_b.results.get(bid)
            result_a = run_a.results.get(bid)
            if result_b is None:
                continue
            if result_a is None or result_a.failure is not None or result_a.samples is None:
                reason = result_a.failure.reason if result_a is not None and result_a.failure else "not measured"
                assert run_a.job.paired is not None
                failure = Failure(FailureKind.ERROR, f"{run_a.job.paired.a.label} {reason}")
                result_b = dataclasses.replace(result_b, samples=None, memory=None, failure=failure)
            else:
                samples_a[bid] = result_a.samples
            results.append(result_b)
    return PairedResults(results, samples_a, by_process=True)


def list_target(target: BenchTarget, settings: Settings) -> TargetListing:
    """What a target declares, read by a worker (the CLI process never imports user code)."""
    target_run = TargetRun(
        target, _job(target, settings, Selection(), list_only=True), SilentObserver(), spawn_for(target)
    )
    target_run.run_round(0)
    return TargetListing(target, target_run.listing, target_run.fatal)
