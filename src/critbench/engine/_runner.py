"""The parent side of the engine: spawn workers, read their messages, enforce timeouts, survive crashes.

A target's benchmarks run in one worker process, one after another. When a benchmark raises, the worker
reports it and goes on. When it hangs past its timeout or takes its process down (``os._exit``, a signal),
the runner records that benchmark as failed with the reason and starts a fresh worker for the rest.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import selectors
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol

from critbench.engine._job import Job, PairedTarget
from critbench.engine._protocol import LineBuffer, Message, ProtocolError, decode
from critbench.engine._sampling import process_count
from critbench.model import (
    BenchmarkId,
    BenchmarkInfo,
    BenchmarkResult,
    BenchTarget,
    Caution,
    CautionKind,
    Failure,
    FailureKind,
    FakeClock,
    MemoryUsage,
    Samples,
    Settings,
    from_data,
    to_data,
)

_CRITBENCH_SRC = str(Path(__file__).resolve().parents[2])
_OUTPUT_TAIL_LINES = 20
_STARTUP_BUDGET_S = 120.0
"""How long a worker may take to import its target and report its benchmarks."""


class RunObserver(Protocol):
    """Lifecycle events of a run, for progress displays. Every method may do nothing."""

    def benchmark_start(self, benchmark_id: str, process: int, processes: int) -> None: ...
    def warming_up(self, benchmark_id: str, seconds: float) -> None: ...
    def collecting(self, benchmark_id: str, samples: int, expected_s: float, iterations: int) -> None: ...
    def warning(self, benchmark_id: str, text: str) -> None: ...
    def benchmark_finished(self, result: BenchmarkResult) -> None: ...


class SilentObserver:
    def benchmark_start(self, benchmark_id: str, process: int, processes: int) -> None:
        pass

    def warming_up(self, benchmark_id: str, seconds: float) -> None:
        pass

    def collecting(self, benchmark_id: str, samples: int, expected_s: float, iterations: int) -> None:
        pass

    def warning(self, benchmark_id: str, text: str) -> None:
        pass

    def benchmark_finished(self, result: BenchmarkResult) -> None:
        pass


@dataclass(frozen=True)
class Selection:
    """Which benchmarks to run: Criterion's FILTER (a regex searched in the id) or an exact id."""

    pattern: str | None = None
    exact: bool = False


@dataclass(frozen=True)
class TargetListing:
    """What a target declares, or why it could not be loaded."""

    target: BenchTarget
    infos: tuple[BenchmarkInfo, ...] = ()
    failure: Failure | None = None


def load_failure_id(target: BenchTarget) -> BenchmarkId:
    """The id under which a target that cannot be loaded is reported."""
    return BenchmarkId(target.name, "(load)")


@dataclass
class _WorkerState:
    infos: dict[str, BenchmarkInfo] = field(default_factory=dict)
    selected: list[str] = field(default_factory=list)
    current: str | None = None
    warnings: list[Caution] = field(default_factory=list)
    deadline: float = 0.0
    done: bool = False
    fatal: Failure | None = None


class _Worker:
    """One worker process and the pipe it reports on."""

    def __init__(self, target: BenchTarget, job: Job) -> None:
        self._job_file = tempfile.NamedTemporaryFile("w", suffix=".json", prefix="critbench-job-", delete=False)
        with self._job_file as handle:
            json.dump(to_data(job), handle)
        self.output = tempfile.TemporaryFile()
        read_fd, write_fd = os.pipe()
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [_CRITBENCH_SRC, env.get("PYTHONPATH")]))
        env.setdefault("PYTHONHASHSEED", "0")
        try:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "critbench.engine._worker",
                    "--fd",
                    str(write_fd),
                    "--job",
                    self._job_file.name,
                ],
                pass_fds=(write_fd,),
                stdin=subprocess.DEVNULL,
                stdout=self.output,
                stderr=subprocess.STDOUT,
                cwd=target.package_root,
                env=env,
                start_new_session=True,
            )
        finally:
            os.close(write_fd)
        self.pipe: IO[bytes] = os.fdopen(read_fd, "rb", buffering=0)

    def messages(self, state: _WorkerState) -> Iterator[Message | None]:
        """Messages as they arrive; None when the current deadline passes. Ends at end of file."""
        buffer = LineBuffer()
        with selectors.DefaultSelector() as selector:
            selector.register(self.pipe, selectors.EVENT_READ)
            while True:
                timeout = max(0.0, state.deadline - time.monotonic())
                if not selector.select(timeout):
                    yield None
                    continue
                chunk = os.read(self.pipe.fileno(), 1 << 16)
                if not chunk:
                    return
                for line in buffer.feed(chunk):
                    yield decode(line)

    def output_tail(self) -> str:
        self.output.seek(0)
        lines = self.output.read().decode(errors="replace").splitlines()
        return "\n".join(lines[-_OUTPUT_TAIL_LINES:])

    def kill(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def close(self) -> None:
        self.kill()
        self.pipe.close()
        self.output.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self._job_file.name)


def _exit_reason(returncode: int | None) -> str:
    if returncode is None:
        return "its worker process stopped responding"
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        return f"its worker process was killed by {name}"
    return f"its worker process exited with status {returncode}"


def _timeout_s(info: BenchmarkInfo, expected_s: float | None) -> float:
    settings = info.settings
    if settings.timeout is not None:
        return settings.timeout
    if expected_s is None:
        return 3 * settings.warm_up_time + 60.0
    return 3 * expected_s + 60.0


class _TargetRun:
    """Drives workers for one target, one round (worker process) at a time, until every selected benchmark
    is measured by all its processes or has failed."""

    def __init__(self, target: BenchTarget, job: Job, observer: RunObserver) -> None:
        self.target = target
        self.job = job
        self.observer = observer
        self.results: dict[str, BenchmarkResult] = {}
        self.failed: set[str] = set()
        self.order: list[str] = []
        self.infos: dict[str, BenchmarkInfo] = {}
        self.listing: tuple[BenchmarkInfo, ...] = ()
        self.fatal: Failure | None = None
        self.extra: dict[str, int] = {}
        """Processes added by ``--precision`` beyond a benchmark's own count."""
        self.paired_a: dict[str, Samples] = {}
        """critbench ab: revision A's samples, pair by pair with the results' (revision B's) samples."""
        self._round = 0
        self._round_done: set[str] = set()

    @property
    def rounds(self) -> int:
        return max((process_count(self.infos[bid].settings) for bid in self.order), default=1)

    def _rounds_of(self, bid: str) -> int:
        return process_count(self.infos[bid].settings) + self.extra.get(bid, 0)

    def _expected(self) -> list[str]:
        return [bid for bid in self.order if bid not in self.failed and self._rounds_of(bid) > self._round]

    def extend(self, ids: set[str]) -> bool:
        """One more worker process for each of ``ids`` this target has (``--precision``); False if none."""
        mine = {bid for bid in ids if bid in self.infos and bid not in self.failed}
        if not mine:
            return False
        index = max(self._rounds_of(bid) for bid in mine)
        for bid in mine:
            self.extra[bid] = index + 1 - process_count(self.infos[bid].settings)
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
            state = self._run_worker(dataclasses.replace(job, skip=tuple(self._round_done | self.failed)))
            if state.fatal is not None and self._round > 0:
                for bid in self._expected():
                    if bid not in self._round_done:
                        self._record(BenchmarkResult(info=self.infos[bid], failure=state.fatal))
                return
            if state.fatal is not None or self.job.list_only:
                self.fatal = state.fatal
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

    def _in_job(self, bid: str, job: Job) -> bool:
        if job.only is not None:
            return bid in job.only
        return self.infos[bid].memory_target_bytes is None

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

    def _finish(self, state: _WorkerState, result: BenchmarkResult) -> None:
        state.current = None
        state.warnings = []
        self._record(result)

    def _fail_current(self, state: _WorkerState, failure: Failure) -> None:
        assert state.current is not None
        info = state.infos[state.current]
        self._finish(state, BenchmarkResult(info=info, failure=failure, warnings=tuple(state.warnings)))

    def _run_worker(self, job: Job) -> _WorkerState:
        worker = _Worker(self.target, job)
        state = _WorkerState(deadline=time.monotonic() + _STARTUP_BUDGET_S)
        try:
            try:
                for message in worker.messages(state):
                    if message is None:
                        self._on_timeout(worker, state)
                        break
                    self._on_message(message, state)
                    if state.done or state.fatal is not None:
                        break
            except ProtocolError as exc:
                worker.kill()
                failure = Failure(FailureKind.PROTOCOL, f"its worker sent an unreadable message: {exc}")
                if state.current is not None:
                    self._fail_current(state, failure)
                else:
                    state.fatal = failure
                return state
            if not state.done and state.fatal is None:
                self._on_exit(worker, state)
        finally:
            worker.close()
        return state

    def _on_timeout(self, worker: _Worker, state: _WorkerState) -> None:
        worker.kill()
        if state.current is None:
            state.fatal = Failure(
                FailureKind.TIMEOUT,
                f"the target did not load within {_STARTUP_BUDGET_S:.0f}s",
                worker.output_tail(),
            )
            return
        info = state.infos[state.current]
        limit = info.settings.timeout
        reason = f"timed out after {limit:g}s" if limit is not None else "timed out (it ran far past its plan)"
        self._fail_current(state, Failure(FailureKind.TIMEOUT, reason, worker.output_tail()))

    def _on_exit(self, worker: _Worker, state: _WorkerState) -> None:
        try:
            returncode = worker.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            returncode = None
        reason = _exit_reason(returncode)
        if state.current is not None:
            self._fail_current(state, Failure(FailureKind.CRASH, reason, worker.output_tail()))
        elif not state.infos and not state.selected:
            state.fatal = Failure(FailureKind.CRASH, f"the target could not be loaded: {reason}", worker.output_tail())

    def _on_message(self, message: Message, state: _WorkerState) -> None:
        data = message.data
        kind = message.type
        if kind == "benchmarks":
            infos = [from_data(BenchmarkInfo, item) for item in data["infos"]]
            state.infos = {info.id.full_id: info for info in infos}
            state.selected = list(data["selected"])
            if not self.order:
                self.listing = tuple(infos)
                self.order = list(data["matched"])
                self.infos = {bid: state.infos[bid] for bid in self.order}
        elif kind == "start":
            state.current = data["id"]
            state.warnings = []
            state.deadline = time.monotonic() + _timeout_s(state.infos[data["id"]], None)
            self.observer.benchmark_start(data["id"], data.get("process", 0), data.get("processes", 1))
        elif kind == "warmup":
            self.observer.warming_up(data["id"], data["seconds"])
        elif kind == "collecting":
            info = state.infos[data["id"]]
            if info.settings.timeout is None:
                state.deadline = time.monotonic() + _timeout_s(info, data["expected_s"])
            self.observer.collecting(data["id"], data["samples"], data["expected_s"], data["iterations"])
        elif kind == "warning":
            state.warnings.append(Caution(CautionKind.SAMPLING_BUDGET, data["text"]))
            self.observer.warning(data["id"], data["text"])
        elif kind == "measured":
            samples = from_data(Samples, data["samples"])
            memory = from_data(MemoryUsage, data["memory"]) if data.get("memory") else None
            info = state.infos[data["id"]]
            result = BenchmarkResult(info=info, samples=samples, warnings=tuple(state.warnings), memory=memory)
            self._finish(state, result)
        elif kind == "paired":
            samples = from_data(Samples, data["samples"])
            samples_a = from_data(Samples, data["samples_a"])
            previous = self.paired_a.get(data["id"])
            self.paired_a[data["id"]] = samples_a if previous is None else previous.merged(samples_a)
            info = state.infos[data["id"]]
            self._finish(state, BenchmarkResult(info=info, samples=samples, warnings=tuple(state.warnings)))
        elif kind == "failed":
            failure = Failure(FailureKind(data["kind"]), data["reason"], data.get("detail", ""))
            self._fail_current(state, failure)
        elif kind == "fatal":
            state.fatal = Failure(FailureKind.ERROR, data["reason"], data.get("detail", ""))
        elif kind == "done":
            state.done = True


def _job(
    target: BenchTarget, settings: Settings, selection: Selection, list_only: bool, fake_clock: FakeClock | None = None
) -> Job:
    return Job(
        target_path=str(target.path),
        package=target.package,
        target=target.name,
        sys_path=target.import_paths,
        settings=settings,
        pattern=selection.pattern,
        exact=selection.exact,
        list_only=list_only,
        fake_clock=fake_clock,
    )


@dataclass(frozen=True)
class PairedResults:
    """What critbench ab measured: revision B's results, and revision A's samples of the same pairs."""

    results: list[BenchmarkResult]
    samples_a: dict[str, Samples]


def run_paired_suite(
    pairs: list[tuple[BenchTarget, BenchTarget]],
    settings: Settings,
    selection: Selection,
    observer: RunObserver,
    *,
    labels: tuple[str, str],
    roots: tuple[Path, Path],
    seed: int = 0,
    fake_clock: FakeClock | None = None,
) -> PairedResults:
    """Measure each (A, B) pair of targets with both revisions alternating inside every worker process."""
    runs = []
    for target_a, target_b in pairs:
        paired = PairedTarget(
            target_path=str(target_a.path),
            sys_path=target_a.import_paths,
            root_a=str(roots[0]),
            root_b=str(roots[1]),
            label_a=labels[0],
            label_b=labels[1],
            seed=seed,
        )
        job = dataclasses.replace(_job(target_b, settings, selection, False, fake_clock), paired=paired)
        runs.append(_TargetRun(target_b, job, observer))
    results = _run_rounds(runs, observer)
    samples_a = {key: value for run in runs for key, value in run.paired_a.items()}
    return PairedResults(results, samples_a)


def list_target(target: BenchTarget, settings: Settings) -> TargetListing:
    """What a target declares, read by a worker (the CLI process never imports user code)."""
    target_run = _TargetRun(target, _job(target, settings, Selection(), list_only=True), SilentObserver())
    target_run.run_round(0)
    return TargetListing(target, target_run.listing, target_run.fatal)


def run_suite(
    targets: list[BenchTarget],
    settings: Settings,
    selection: Selection,
    observer: RunObserver,
    *,
    more: Callable[[list[BenchmarkResult]], set[str]] | None = None,
    max_extra_rounds: int = 0,
    fake_clock: FakeClock | None = None,
) -> list[BenchmarkResult]:
    """Measure the selected benchmarks of every target; every one comes back, measured or failed.

    A benchmark's samples come from several worker processes (``settings.processes``). The processes are
    interleaved across the suite: the first process of every target runs, then the second of every
    target, and so on, so a slow spell of the machine touches a share of each benchmark, not all of one.
    """
    runs = [_TargetRun(target, _job(target, settings, selection, False, fake_clock), observer) for target in targets]
    results = _run_rounds(runs, observer)
    for _ in range(max_extra_rounds if more is not None else 0):
        assert more is not None
        wanted = more(results)
        extended = [run.extend(wanted) for run in runs if run.fatal is None]
        if not any(extended):
            break
        results = _collect(runs, observer, announce_failures=False)
    return results


def _run_rounds(runs: list[_TargetRun], observer: RunObserver) -> list[BenchmarkResult]:
    for target_run in runs:
        target_run.run_round(0)
    rounds = max((r.rounds for r in runs if r.fatal is None), default=1)
    for index in range(1, rounds):
        for target_run in runs:
            if target_run.fatal is None and index < target_run.rounds:
                target_run.run_round(index)
    return _collect(runs, observer, announce_failures=True)


def _collect(runs: list[_TargetRun], observer: RunObserver, *, announce_failures: bool) -> list[BenchmarkResult]:
    results: list[BenchmarkResult] = []
    for target_run in runs:
        if target_run.fatal is not None:
            target = target_run.target
            info = BenchmarkInfo(id=load_failure_id(target), package=target.package, bench_target=target.name)
            result = BenchmarkResult(info=info, failure=target_run.fatal)
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
