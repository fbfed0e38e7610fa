"""The runner's public face: a :class:`SuiteRunner` runs a suite or critbench ab's pairs; list a target.

Each call builds the jobs (what a worker process is asked to do) and hands them to the schedule
(``_schedule``), which spawns the workers (``_worker_process``) round after round. Plain runs and ab share
all of it; an ab job only carries the other revision (:class:`~critbench.engine._job.PairedTarget`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from critbench.engine._job import Job, PairedTarget
from critbench.engine._observer import RunObserver, SilentObserver
from critbench.engine._pytest_runner import pytest_job, run_pytest_paired, spawn_for
from critbench.engine._schedule import TargetRun, run_targets
from critbench.engine._worker_process import Spawn, WorkerProcess
from critbench.model import (
    BenchmarkInfo,
    BenchmarkResult,
    BenchTarget,
    Failure,
    FakeClock,
    Measure,
    Samples,
    Selection,
    Settings,
)

__all__ = ["PairedResults", "Selection", "SuiteRunner", "TargetListing", "list_target"]


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


def _job(
    target: BenchTarget, settings: Settings, selection: Selection, list_only: bool, fake_clock: FakeClock | None = None
) -> Job:
    if target.is_pytest:
        job = pytest_job(target, settings, selection=selection, fake_clock=fake_clock)
        return dataclasses.replace(job, list_only=list_only)
    return Job(
        target_path=str(target.path),
        package=target.package,
        target=target.name,
        sys_path=target.import_paths,
        settings=settings,
        selection=selection,
        list_only=list_only,
        fake_clock=fake_clock,
    )


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
    ) -> list[BenchmarkResult]:
        """Measure the selected benchmarks of every target; every one comes back, measured or failed.

        A benchmark's samples come from several worker processes (``settings.processes``), interleaved across
        the suite. ``more`` names benchmarks that want another process (``--precision``), up to
        ``max_extra_rounds`` times. ``iterations`` (instructions only) is the N each benchmark is counted
        with, from the baseline, so both sides count the same intervals.
        """
        pinned = dict(iterations) if iterations else None
        runs = [
            TargetRun(
                target, dataclasses.replace(self._job(target), iterations=pinned), self.observer, self._spawn(target)
            )
            for target in targets
        ]
        return run_targets(runs, self.observer, more=more, max_extra_rounds=max_extra_rounds)

    def run_paired(
        self, pairs: list[tuple[BenchTarget, BenchTarget]], *, labels: tuple[str, str], roots: tuple[Path, Path]
    ) -> PairedResults:
        """Measure each (A, B) pair of targets with both revisions alternating inside every worker process
        (a pytest suite's: alternating whole processes, ``_pytest_runner.run_pytest_paired``)."""
        pytest_results = self._run_pytest_paired([pair for pair in pairs if pair[1].is_pytest])
        pairs = [pair for pair in pairs if not pair[1].is_pytest]
        if not pairs:
            return pytest_results
        runs = []
        for target_a, target_b in pairs:
            paired = PairedTarget(
                target_path=str(target_a.path),
                sys_path=target_a.import_paths,
                root_a=str(roots[0]),
                root_b=str(roots[1]),
                label_a=labels[0],
                label_b=labels[1],
                seed=self.settings.seed,
            )
            runs.append(TargetRun(target_b, dataclasses.replace(self._job(target_b), paired=paired), self.observer))
        results = run_targets(runs, self.observer)
        samples_a = {key: value for run in runs for key, value in run.paired_a.items()}
        return PairedResults(pytest_results.results + results, {**pytest_results.samples_a, **samples_a})

    def _run_pytest_paired(self, pairs: list[tuple[BenchTarget, BenchTarget]]) -> PairedResults:
        results: list[BenchmarkResult] = []
        samples_a: dict[str, Samples] = {}
        for target_a, target_b in pairs:
            job_b = pytest_job(target_b, self.settings, selection=self.selection, fake_clock=self.fake_clock)
            assert job_b.pytest is not None
            job_a = dataclasses.replace(
                job_b, pytest=dataclasses.replace(job_b.pytest, code_paths=target_a.import_paths, side="a")
            )
            job_b = dataclasses.replace(job_b, pytest=dataclasses.replace(job_b.pytest, side="b"))
            paired = run_pytest_paired(target_b, job_a, job_b, self.observer, seed=self.settings.seed)
            results += paired.results
            samples_a.update(paired.samples_a)
        return PairedResults(results, samples_a)


def list_target(target: BenchTarget, settings: Settings) -> TargetListing:
    """What a target declares, read by a worker (the CLI process never imports user code)."""
    target_run = TargetRun(
        target, _job(target, settings, Selection(), list_only=True), SilentObserver(), spawn_for(target)
    )
    target_run.run_round(0)
    return TargetListing(target, target_run.listing, target_run.fatal)
