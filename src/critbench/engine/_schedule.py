"""The schedule of a run: which worker process runs next, what to do when one dies, how processes merge.

A target's benchmarks run in one worker process, one after another. When a benchmark raises, the worker
reports it and goes on. When it hangs past its timeout or takes its process down (``os._exit``, a signal),
the benchmark is recorded as failed with the reason and a fresh worker starts for the rest.

A benchmark's samples come from several worker processes (``settings.processes``), each measuring its share;
the processes are interleaved across the suite in *rounds* (the first process of every target, then the
second of every target, ...), so a slow spell of the machine touches a share of each benchmark, not all of
one. Each process's samples are merged into the benchmark's result as they arrive, and the result is
announced once its last process is in. From the fifth round on, a benchmark whose detectable change more
processes could no longer lower is *settled*: it gets no further processes, and a round whose benchmarks
have all settled starts no worker. ``--precision`` adds further rounds for the benchmarks it names.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable

from critbench.engine._conversation import Conversation
from critbench.engine._job import Job
from critbench.engine._observer import RunObserver
from critbench.engine._sampling import process_count
from critbench.engine._worker_process import Spawn, WorkerProcess
from critbench.model import BenchmarkId, BenchmarkInfo, BenchmarkResult, BenchTarget, Failure, FailureKind, Samples


def load_failure_id(target: BenchTarget) -> BenchmarkId:
    """The id under which a target that cannot be loaded is reported."""
    return BenchmarkId(target.name, "(load)")


def load_failure(target: BenchTarget, failure: Failure) -> BenchmarkResult:
    """A target that could not be loaded, reported as one failed benchmark (:func:`load_failure_id`)."""
    info = BenchmarkInfo(id=load_failure_id(target), package=target.package, bench_target=target.name)
    return BenchmarkResult(info=info, failure=failure)


class TargetRun:
    """Drives workers for one target, one round (worker process) at a time, until every selected benchmark
    is measured by all its processes or has failed."""

    def __init__(self, target: BenchTarget, job: Job, observer: RunObserver, spawn: Spawn = WorkerProcess) -> None:
        self.target = target
        self.job = job
        self.observer = observer
        self.spawn = spawn
        self.results: dict[str, BenchmarkResult] = {}
        self.failed: set[str] = set()
        self.order: list[str] = []
        self.infos: dict[str, BenchmarkInfo] = {}
        self.listing: tuple[BenchmarkInfo, ...] = ()
        self.fatal: Failure | None = None
        self.extra: dict[str, int] = {}
        """Processes added by ``--precision`` beyond a benchmark's own count."""
        self.settled: dict[str, int] = {}
        """Benchmarks settled before their own count of processes, with the count they stopped at."""
        self.paired_a: dict[str, Samples] = {}
        """critbench ab: revision A's samples, pair by pair with the results' (revision B's) samples."""
        self._round = 0
        self._round_done: set[str] = set()
        self.cap: int | None = None
        """At most this many processes per benchmark (:func:`run_targets`'s ``budget_s``): each keeps the share
        of the benchmark's settings it had, so the processes that do run merge as planned."""

    @property
    def rounds(self) -> int:
        return max((self._rounds_of(bid) for bid in self.order if bid not in self.failed), default=1)

    def _processes(self, bid: str) -> int:
        """The processes ``bid`` gets: its own count, capped by the run's budget, or fewer once settled."""
        count = process_count(self.infos[bid].settings)
        if self.cap is not None:
            count = min(count, self.cap)
        return min(count, self.settled.get(bid, count))

    def _rounds_of(self, bid: str) -> int:
        return self._processes(bid) + self.extra.get(bid, 0)

    def settle(self, ids: set[str], rounds: int) -> None:
        """Give each of ``ids`` that this target measures no processes beyond the first ``rounds``, and
        announce it now if those are all in."""
        for bid in ids:
            if bid not in self.infos or bid in self.failed or bid in self.settled:
                continue
            if self._processes(bid) <= rounds:
                continue
            self.settled[bid] = rounds
            if bid in self.results:
                self.observer.benchmark_finished(self.results[bid])

    def _expected(self) -> list[str]:
        return [bid for bid in self.order if bid not in self.failed and self._rounds_of(bid) > self._round]

    def extend(self, ids: set[str]) -> bool:
        """One more worker process for each of ``ids`` this target has (``--precision``); False if none."""
        mine = {bid for bid in ids if bid in self.infos and bid not in self.failed}
        if not mine:
            return False
        index = max(self._rounds_of(bid) for bid in mine)
        for bid in mine:
            self.extra[bid] = index + 1 - self._processes(bid)
        self._round = index
        self._round_done = set()
        job = dataclasses.replace(
            self.job, process_index=index, modes=self._modes(), only=tuple(sorted(mine)), extension=True
        )
        self._run_job(job)
        return True

    def _modes(self) -> dict[str, str]:
        return {bid: r.samples.mode.value for bid, r in self.results.items() if r.samples is not None}

    def run_round(self, index: int) -> None:
        self._round = index
        self._round_done = set()
        job = dataclasses.replace(self.job, process_index=index, modes=self._modes() if index else None)
        self._run_job(job)
        if self.fatal is not None or self.job.list_only:
            return
        for bid in self._expected():
            if self.infos[bid].memory_target_bytes is not None and bid not in self._round_done:
                self._run_job(dataclasses.replace(job, only=(bid,)))

    def _run_job(self, job: Job) -> None:
        """Run workers for ``job`` until its benchmarks are done, restarting after a crash."""
        while True:
            finished_before = len(self._round_done)
            finished = {bid for bid in self.settled if self._rounds_of(bid) <= self._round}
            fatal = self._run_worker(dataclasses.replace(job, skip=tuple(self._round_done | self.failed | finished)))
            if fatal is not None and self._round > 0:
                for bid in self._expected():
                    if bid not in self._round_done:
                        self._record(BenchmarkResult(info=self.infos[bid], failure=fatal))
                return
            if fatal is not None or self.job.list_only:
                self.fatal = fatal
                return
            pending = [bid for bid in self._expected() if bid not in self._round_done and self._in_job(bid, job)]
            if not pending:
                return
            if len(self._round_done) == finished_before:
                # The worker died between benchmarks: without progress, a fresh one would die the same way.
                for bid in pending:
                    failure = Failure(FailureKind.CRASH, "its worker process exited before running it")
                    self._record(BenchmarkResult(info=self.infos[bid], failure=failure))
                return

    def _run_worker(self, job: Job) -> Failure | None:
        worker = self.spawn(self.target, job)
        try:
            return Conversation(worker, self, self.observer).run()
        finally:
            worker.close()

    def _in_job(self, bid: str, job: Job) -> bool:
        if job.only is not None:
            return bid in job.only
        return self.infos[bid].memory_target_bytes is None

    def listed(self, infos: tuple[BenchmarkInfo, ...], matched: tuple[str, ...]) -> None:
        if not self.order:
            self.listing = infos
            self.order = list(matched)
            by_id = {info.id.full_id: info for info in infos}
            self.infos = {bid: by_id[bid] for bid in self.order}
            self.observer.planned({bid: self._rounds_of(bid) for bid in self.order})

    def finished(self, result: BenchmarkResult, samples_a: Samples | None) -> None:
        if samples_a is not None:
            previous = self.paired_a.get(result.id.full_id)
            self.paired_a[result.id.full_id] = samples_a if previous is None else previous.merged(samples_a)
        self._record(result)

    def _record(self, result: BenchmarkResult) -> None:
        """Fold one process's outcome into the benchmark's result; announce it once it is final."""
        bid = result.id.full_id
        self._round_done.add(bid)
        previous = self.results.get(bid)
        if result.failure is not None:
            self.failed.add(bid)
            self.results[bid] = dataclasses.replace(result, samples=None, memory=None)
            self.observer.benchmark_finished(self.results[bid])
            return
        if previous is not None and previous.samples is not None and result.samples is not None:
            memory = result.memory
            if previous.memory is not None:
                memory = previous.memory if memory is None else previous.memory.combined(memory)
            warnings = previous.warnings + tuple(w for w in result.warnings if w not in previous.warnings)
            result = dataclasses.replace(
                previous, samples=previous.samples.merged(result.samples), memory=memory, warnings=warnings
            )
        self.results[bid] = result
        if self._round + 1 >= self._rounds_of(bid):
            self.observer.benchmark_finished(result)


def run_targets(
    runs: list[TargetRun],
    observer: RunObserver,
    *,
    more: Callable[[list[BenchmarkResult]], set[str]] | None = None,
    max_extra_rounds: int = 0,
    settle: Callable[[list[BenchmarkResult]], set[str]] | None = None,
    budget_s: float | None = None,
    capped: Callable[[int], None] | None = None,
) -> list[BenchmarkResult]:
    """Every round of every target, then up to ``max_extra_rounds`` more for the ids ``more`` names.

    ``settle``, asked before each round from the fifth (:data:`~critbench.stats.MIN_PROCESSES`) on, names the
    benchmarks that need no more processes. With ``budget_s``, the first round's wall time tells what each
    round costs (starting the process, the tests' own setup, warming up, measuring its share): the rounds
    are then capped at as many as fit in the budget, but never below ``MIN_PROCESSES`` (the fewest a
    comparison can treat the process as its unit with), and ``capped`` hears the new count."""
    from critbench.stats import MIN_PROCESSES

    started = time.monotonic()
    for target_run in runs:
        target_run.run_round(0)
    if budget_s is not None:
        _cap(runs, budget_s, time.monotonic() - started, capped)
    index = 1
    while index < max((r.rounds for r in runs if r.fatal is None), default=1):
        if settle is not None and index >= MIN_PROCESSES:
            measured = [r for run in runs if run.fatal is None for r in run.results.values()]
            done = settle(measured)
            for target_run in runs:
                target_run.settle(done, index)
        for target_run in runs:
            if target_run.fatal is None and index < target_run.rounds:
                target_run.run_round(index)
        index += 1
    results = _collect(runs, observer, announce_failures=True)
    for _ in range(max_extra_rounds if more is not None else 0):
        assert more is not None
        wanted = more(results)
        extended = [run.extend(wanted) for run in runs if run.fatal is None]
        if not any(extended):
            break
        results = _collect(runs, observer, announce_failures=False)
    return results


def _cap(runs: list[TargetRun], budget_s: float, first_s: float, capped: Callable[[int], None] | None) -> None:
    from critbench.stats import MIN_PROCESSES

    rounds = max((r.rounds for r in runs if r.fatal is None), default=1)
    fitting = math.floor(budget_s / first_s) if first_s > 0 else rounds
    cap = max(min(rounds, MIN_PROCESSES), fitting)
    if cap >= rounds:
        return
    for target_run in runs:
        target_run.cap = cap
    if capped is not None:
        capped(cap)


def _collect(runs: list[TargetRun], observer: RunObserver, *, announce_failures: bool) -> list[BenchmarkResult]:
    results: list[BenchmarkResult] = []
    for target_run in runs:
        if target_run.fatal is not None:
            result = load_failure(target_run.target, target_run.fatal)
            if announce_failures:
                observer.benchmark_finished(result)
            results.append(result)
        else:
            results.extend(target_run.results[bid] for bid in target_run.order if bid in target_run.results)
    return _without_clashes(results)


def _without_clashes(results: list[BenchmarkResult]) -> list[BenchmarkResult]:
    """Fail every benchmark whose id another target also declares: baselines, history and comparisons are
    keyed by id, so keeping either would silently mix two benchmarks' numbers."""
    owners: dict[str, list[BenchmarkResult]] = {}
    for result in results:
        owners.setdefault(result.id.full_id, []).append(result)
    clashing = {key: found for key, found in owners.items() if len(found) > 1}
    if not clashing:
        return results
    out = []
    for result in results:
        found = clashing.get(result.id.full_id)
        if found is None:
            out.append(result)
            continue
        where = ", ".join(f"{r.info.package} (benches/{r.info.bench_target}.py)" for r in found)
        reason = (
            f"the id {result.id.full_id} is declared by more than one bench target: {where}; ids must be unique "
            "across the workspace, so put one in a group of its own (critbench.group(NAME).bench) or rename "
            "its file"
        )
        out.append(dataclasses.replace(result, samples=None, memory=None, failure=Failure(FailureKind.ERROR, reason)))
    return out
