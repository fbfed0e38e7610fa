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
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol

from critbench.engine._job import Job
from critbench.engine._protocol import LineBuffer, Message, ProtocolError, decode
from critbench.model import (
    BenchmarkId,
    BenchmarkInfo,
    BenchmarkResult,
    BenchTarget,
    Failure,
    FailureKind,
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

    def benchmark_start(self, benchmark_id: str) -> None: ...
    def warming_up(self, benchmark_id: str, seconds: float) -> None: ...
    def collecting(self, benchmark_id: str, samples: int, expected_s: float, iterations: int) -> None: ...
    def warning(self, benchmark_id: str, text: str) -> None: ...
    def benchmark_finished(self, result: BenchmarkResult) -> None: ...


class SilentObserver:
    def benchmark_start(self, benchmark_id: str) -> None:
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
    warnings: list[str] = field(default_factory=list)
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
    """Drives workers for one target until every selected benchmark is measured or failed."""

    def __init__(
        self,
        target: BenchTarget,
        job: Job,
        observer: RunObserver,
    ) -> None:
        self.target = target
        self.job = job
        self.observer = observer
        self.results: dict[str, BenchmarkResult] = {}
        self.order: list[str] = []
        self.listing: tuple[BenchmarkInfo, ...] = ()
        self.fatal: Failure | None = None

    def run(self) -> None:
        while True:
            finished_before = len(self.results)
            state = self._run_worker(dataclasses.replace(self.job, skip=tuple(self.results)))
            if state.fatal is not None or self.job.list_only:
                self.fatal = state.fatal
                return
            pending = [bid for bid in self.order if bid not in self.results]
            if not pending:
                return
            if len(self.results) == finished_before:
                # The worker died between benchmarks: without progress, a fresh one would die the same way.
                for bid in pending:
                    failure = Failure(FailureKind.CRASH, "its worker process exited before running it")
                    self._finish(state, BenchmarkResult(info=state.infos[bid], failure=failure))
                return

    def _finish(self, state: _WorkerState, result: BenchmarkResult) -> None:
        self.results[result.id.full_id] = result
        state.current = None
        state.warnings = []
        self.observer.benchmark_finished(result)

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
                self.order = list(state.selected)
        elif kind == "start":
            state.current = data["id"]
            state.warnings = []
            state.deadline = time.monotonic() + _timeout_s(state.infos[data["id"]], None)
            self.observer.benchmark_start(data["id"])
        elif kind == "warmup":
            self.observer.warming_up(data["id"], data["seconds"])
        elif kind == "collecting":
            info = state.infos[data["id"]]
            if info.settings.timeout is None:
                state.deadline = time.monotonic() + _timeout_s(info, data["expected_s"])
            self.observer.collecting(data["id"], data["samples"], data["expected_s"], data["iterations"])
        elif kind == "warning":
            state.warnings.append(data["text"])
            self.observer.warning(data["id"], data["text"])
        elif kind == "measured":
            samples = from_data(Samples, data["samples"])
            info = state.infos[data["id"]]
            self._finish(state, BenchmarkResult(info=info, samples=samples, warnings=tuple(state.warnings)))
        elif kind == "failed":
            failure = Failure(FailureKind(data["kind"]), data["reason"], data.get("detail", ""))
            self._fail_current(state, failure)
        elif kind == "fatal":
            state.fatal = Failure(FailureKind.ERROR, data["reason"], data.get("detail", ""))
        elif kind == "done":
            state.done = True


def _job(target: BenchTarget, settings: Settings, selection: Selection, list_only: bool) -> Job:
    return Job(
        target_path=str(target.path),
        package=target.package,
        target=target.name,
        sys_path=target.import_paths,
        settings=settings,
        pattern=selection.pattern,
        exact=selection.exact,
        list_only=list_only,
        fake_costs_ns=_fake_costs(),
    )


def _fake_costs() -> dict[str, float] | None:
    """The fake timer from ``CRITBENCH_FAKE_TIMER``, a test hook: JSON ``{"default": ns, "<id>": ns, "seed": n}``.

    Each benchmark then reports ``iters × cost`` with a jitter seeded by (seed, id), so a whole run's output
    is the same every time: golden-file tests of the terminal report rely on it.
    """
    raw = os.environ.get("CRITBENCH_FAKE_TIMER")
    if not raw:
        return None
    costs = json.loads(raw)
    return {str(key): float(value) for key, value in costs.items()}


def list_target(target: BenchTarget, settings: Settings) -> TargetListing:
    """What a target declares, read by a worker (the CLI process never imports user code)."""
    target_run = _TargetRun(target, _job(target, settings, Selection(), list_only=True), SilentObserver())
    target_run.run()
    return TargetListing(target, target_run.listing, target_run.fatal)


def run_target(
    target: BenchTarget, settings: Settings, selection: Selection, observer: RunObserver
) -> list[BenchmarkResult]:
    """Measure the target's selected benchmarks; every one comes back, measured or failed."""
    target_run = _TargetRun(target, _job(target, settings, selection, list_only=False), observer)
    target_run.run()
    if target_run.fatal is not None:
        info = BenchmarkInfo(id=load_failure_id(target), package=target.package, bench_target=target.name)
        result = BenchmarkResult(info=info, failure=target_run.fatal)
        observer.benchmark_finished(result)
        return [result]
    return [target_run.results[bid] for bid in target_run.order if bid in target_run.results]
