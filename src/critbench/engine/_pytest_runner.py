"""Running a pytest suite's benchmark tests: the jobs, the worker command, and ab's lockstep pairs.

A pytest suite is one target whose worker is ``critbench.engine._pytest_worker``; the schedule, deadlines
and merging are the ones every run uses (``_schedule``). ``critbench run`` reaches this through
:func:`spawn_for`; the pytest plugin calls :func:`run_pytest` with the tests its session chose.

``critbench ab`` cannot put two revisions side by side in one pytest session (pytest's state is
per-process), so for a pytest suite it runs them side by side in two (:func:`run_pytest_paired`): in each
round a worker process of revision A and one of B are alive at once, every process running every benchmark
test, and their samples are taken in *lockstep pairs* (``_lockstep``): around each sample both workers wait
at a gate, and the runner lets A's sample ``j`` and B's sample ``j`` run one right after the other, in an
order drawn per pair, never at once. The two samples of a pair are milliseconds apart, so the machine's
drift cancels in their ratio as it does in the bench-file ab; the test is over the processes
(``stats.compare_paired``), each summarising its pairs. Each sample counts by its fastest 0.1 ms window
where both sides kept one (:func:`pair_by_process`), which the machine's other work disturbs far less than
the whole sample: on the same pairs, whole samples could detect only changes 2 to 10 times larger
(docs/pytest-benchmark.md). Before the lockstep, whole processes alternated and each pair's samples ran
seconds apart; that saw changes of ~25% at this machine's load.
"""

from __future__ import annotations

import dataclasses
import sys
import threading
from collections.abc import Callable, Mapping

from critbench.engine._job import Job, PytestJob
from critbench.engine._lockstep import Lockstep
from critbench.engine._observer import RunObserver
from critbench.engine._sampling import process_count
from critbench.engine._schedule import TargetRun, load_failure, run_targets
from critbench.engine._worker_process import Spawn, WorkerProcess
from critbench.model import BenchmarkResult, BenchTarget, FakeClock, Samples, SamplingMode, Selection, Settings

PYTEST_WORKER_COMMAND = (sys.executable, "-m", "critbench.engine._pytest_worker")


def spawn_pytest(target: BenchTarget, job: Job) -> WorkerProcess:
    """Start the pytest worker of ``job`` (in the target's folder, as pytest was started there)."""
    return WorkerProcess(target, job, PYTEST_WORKER_COMMAND)


def spawn_for(target: BenchTarget) -> Spawn:
    """The worker a target needs: pytest's for a pytest suite, the bench-file worker otherwise."""
    return spawn_pytest if target.is_pytest else WorkerProcess


def pytest_job(
    target: BenchTarget,
    settings: Settings,
    *,
    selection: Selection | None = None,
    fake_clock: FakeClock | None = None,
    node_ids: tuple[str, ...] | None = None,
    code_paths: tuple[str, ...] = (),
) -> Job:
    """The job of a pytest target: its pytest arguments and, from a pytest session, the tests it chose."""
    assert target.pytest_args is not None
    pytest = PytestJob(args=target.pytest_args, node_ids=node_ids, code_paths=code_paths)
    return dataclasses.replace(Job.of(target, settings, selection, fake_clock), pytest=pytest)


def run_pytest(
    target: BenchTarget,
    job: Job,
    observer: RunObserver,
    *,
    more: Callable[[list[BenchmarkResult]], set[str]] | None = None,
    max_extra_rounds: int = 0,
    budget_s: float | None = None,
    capped: Callable[[int], None] | None = None,
) -> list[BenchmarkResult]:
    """Measure a pytest target's benchmark tests: every one comes back, measured or failed. With ``budget_s``
    the worker processes are capped at as many as fit in it, judged by the first one (``run_targets``)."""
    run = TargetRun(target, job, observer, spawn_pytest)
    return run_targets([run], observer, more=more, max_extra_rounds=max_extra_rounds, budget_s=budget_s, capped=capped)


@dataclasses.dataclass(frozen=True)
class PairedProcesses:
    """Revision B's results and A's samples, sample ``j`` of B's process ``i`` paired with A's."""

    results: list[BenchmarkResult]
    samples_a: dict[str, Samples]


def run_pytest_paired(
    target: BenchTarget,
    job_a: Job,
    job_b: Job,
    observer: RunObserver,
    *,
    seed: int = 0,
    observer_a: RunObserver | None = None,
    command: tuple[str, ...] = PYTEST_WORKER_COMMAND,
) -> PairedProcesses:
    """Round by round, a worker process of revision A (``job_a``) and one of B (``job_b``) side by side, their
    samples taken in lockstep pairs (``_lockstep``); A's progress goes to ``observer_a`` when given (its lines
    marked, so the run's total counts both sides' processes). ``command`` starts a worker (tests start a
    stand-in)."""
    lock = threading.Lock()
    observer, observer_a = _Shared(lock, observer, observer_a), _Shared(lock, observer_a or observer, observer)
    lockstep = Lockstep(seed, command)
    runs = {
        "a": TargetRun(target, job_a, observer_a, lockstep.spawn("a")),
        "b": TargetRun(target, job_b, observer, lockstep.spawn("b")),
    }
    run_a, run_b = runs["a"], runs["b"]
    index = 0
    while True:
        lockstep.run_round(runs, index)
        index += 1
        if run_a.fatal is not None or run_b.fatal is not None or index >= max(run_a.rounds, run_b.rounds):
            break
    fatal = run_b.fatal if run_b.fatal is not None else run_a.fatal
    if fatal is not None:
        return PairedProcesses([load_failure(target, fatal)], {})
    results: list[BenchmarkResult] = []
    samples_a: dict[str, Samples] = {}
    for bid in run_b.order:
        result_b = run_b.results.get(bid)
        result_a = run_a.results.get(bid)
        if result_b is None:
            continue
        if result_a is None or result_a.failure is not None or result_a.samples is None or result_b.samples is None:
            failure = result_a.failure if result_a is not None else None
            if result_b.failure is None and failure is not None:
                result_b = dataclasses.replace(result_b, samples=None, memory=None, failure=failure)
            results.append(result_b)
            continue
        paired_b, paired_a = pair_by_process(result_b.samples, result_a.samples, _drawn_order(lockstep.first, bid))
        samples_a[bid] = paired_a
        results.append(dataclasses.replace(result_b, samples=paired_b))
    return PairedProcesses(results, samples_a)


def _drawn_order(first: Mapping[tuple[int, str, int], bool], bid: str) -> Callable[[int, int], bool]:
    """Whether A's sample ran first, by process and sample, for benchmark ``bid`` (False where its samples
    were taken alone)."""
    return lambda process, sample: first.get((process, bid, sample), False)


class _Shared:
    """One side's progress, its two threads' calls taken one at a time (``lock``); both sides run the same
    tests, so whichever lists them first plans the other's processes too (``other``), and the run's total
    is right from its first line."""

    def __init__(self, lock: threading.Lock, own: RunObserver, other: RunObserver | None) -> None:
        self._lock = lock
        self._own = own
        self._other = other

    def planned(self, processes: Mapping[str, int]) -> None:
        with self._lock:
            self._own.planned(processes)
            if self._other is not None:
                self._other.planned(processes)

    def benchmark_start(self, benchmark_id: str, process: int, processes: int) -> None:
        with self._lock:
            self._own.benchmark_start(benchmark_id, process, processes)

    def warming_up(self, benchmark_id: str, seconds: float) -> None:
        with self._lock:
            self._own.warming_up(benchmark_id, seconds)

    def collecting(self, benchmark_id: str, samples: int, expected_s: float, iterations: int) -> None:
        with self._lock:
            self._own.collecting(benchmark_id, samples, expected_s, iterations)

    def warning(self, benchmark_id: str, text: str) -> None:
        with self._lock:
            self._own.warning(benchmark_id, text)

    def benchmark_finished(self, result: BenchmarkResult) -> None:
        with self._lock:
            self._own.benchmark_finished(result)


def pair_by_process(new: Samples, base: Samples, a_first: Callable[[int, int], bool]) -> tuple[Samples, Samples]:
    """Both sides' samples as pairs: in each process index present on both sides, sample ``j`` of one with
    sample ``j`` of the other (the shorter side's count), each as its net time per iteration in the sample's
    fastest 0.1 ms window where both sides kept it (its whole time per iteration otherwise).

    The two samples of a pair ran in different processes, milliseconds apart (the lockstep): whatever else
    the machine was doing then is in each sample's whole time (a sample of several milliseconds is almost
    always preempted somewhere on a busy machine), not in its fastest window, which therefore varies far less
    (experiments/drift). ``a_first(process, sample)`` says which side's sample of the pair ran first."""
    fastest = new.net_fastest_ns is not None and base.net_fastest_ns is not None
    new_values = new.net_fastest_ns if fastest and new.net_fastest_ns is not None else new.net_per_iteration_ns
    base_values = base.net_fastest_ns if fastest and base.net_fastest_ns is not None else base.net_per_iteration_ns
    new_by: dict[int, list[float]] = {}
    base_by: dict[int, list[float]] = {}
    for process, value in zip(new.process, new_values, strict=True):
        new_by.setdefault(process, []).append(value)
    for process, value in zip(base.process, base_values, strict=True):
        base_by.setdefault(process, []).append(value)
    times_new: list[float] = []
    times_base: list[float] = []
    processes: list[int] = []
    ran_first: list[bool] = []
    for process in sorted(set(new_by) & set(base_by)):
        count = min(len(new_by[process]), len(base_by[process]))
        times_new += new_by[process][:count]
        times_base += base_by[process][:count]
        processes += [process] * count
        ran_first += [a_first(process, sample) for sample in range(count)]
    iters = (1.0,) * len(processes)
    paired_new = Samples(
        SamplingMode.FLAT, iters, tuple(times_new), tuple(processes), ran_first=tuple(not f for f in ran_first)
    )
    paired_base = Samples(SamplingMode.FLAT, iters, tuple(times_base), tuple(processes), ran_first=tuple(ran_first))
    return paired_new, paired_base


def processes_of(settings: Settings) -> int:
    return process_count(settings)
