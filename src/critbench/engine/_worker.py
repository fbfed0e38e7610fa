"""The worker process: imports one bench target, measures the selected benchmarks, reports over a pipe.

Run as ``python -m critbench.engine._worker --fd N --job FILE``. Everything it says goes to file
descriptor N as protocol messages; the benchmark's own stdout and stderr go wherever the runner pointed
them. This is the only place user code is imported.

One job runner serves plain runs and ``critbench ab`` alike: what differs (one revision or two side by side,
measured alone or in alternation) is a :class:`~critbench.engine._suites.Suite`; loading, the id checks,
the selection and the reporting of each benchmark are the same for both.
"""

from __future__ import annotations

import faulthandler
import fcntl
import os
import resource
import secrets
import sys
import traceback
from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

from critbench.engine import _protocol as protocol
from critbench.engine._job import Job, read_job, worker_parser
from critbench.engine._sampling import process_count, process_share
from critbench.engine._suites import Suite, error_reason, load_suite
from critbench.model import BenchmarkInfo, Failure, FailureKind, SamplingMode

HIDING_PLACES = 4096
"""The pipe moves to a descriptor drawn from the upper half of the first 4,096 (or of the soft limit, if lower):
far from the low numbers a benchmark's own files get or a loop over ``range(3, 10)`` reaches, and not so high
that the kernel grows every worker's descriptor table to the limit (a million, in some containers)."""


def hidden_descriptor(fd: int) -> int:
    """``fd`` moved to a descriptor chosen at random from a high range, closed on exec; the original is closed.

    Benchmark code runs in this process, so nothing here stops code that looks for the pipe on purpose (it
    could read ``/proc/self/fd``). What it stops is the accident the runner cannot tell from a result: a
    benchmark writing to a low descriptor it does not own, or a child process inheriting the pipe. The
    runner's side of the protocol does the rest: it takes a result only for the benchmark it started, once.
    An authenticated channel (a key, a MAC on every message) would guard against nothing more, as the key
    would live in this process too.
    """
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    top = HIDING_PLACES if soft == resource.RLIM_INFINITY else min(soft, HIDING_PLACES)
    lowest = max(fd + 1, top // 2)
    wanted = lowest + secrets.randbelow(top - lowest) if top > lowest else fd + 1
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, wanted)
    os.close(fd)
    return moved


class Channel:
    """The pipe to the runner."""

    def __init__(self, fd: int) -> None:
        self._fd = fd

    @classmethod
    def hidden(cls, fd: int) -> Channel:
        """The channel on the inherited pipe ``fd``, once it is moved out of a benchmark's reach."""
        return cls(hidden_descriptor(fd))

    def send(self, message: protocol.Message) -> None:
        payload = memoryview(protocol.encode(message))
        while payload:
            written = os.write(self._fd, payload)
            payload = payload[written:]


class _ProgressToChannel:
    def __init__(self, channel: Channel, benchmark_id: str) -> None:
        self._channel = channel
        self._id = benchmark_id

    def warming_up(self, seconds: float) -> None:
        self._channel.send(protocol.WarmingUp(self._id, seconds))

    def collecting(self, samples: int, expected_ns: float, iterations: int) -> None:
        self._channel.send(protocol.Collecting(self._id, samples, expected_ns / 1e9, iterations))

    def warning(self, text: str) -> None:
        self._channel.send(protocol.SamplingWarning(self._id, text))


def _matched(info: BenchmarkInfo, job: Job, suite: Suite) -> bool:
    """Whether the run's filter takes this benchmark (under ab, only one both revisions declare)."""
    return suite.comparable(info.id.full_id) and job.selection.matches(info.id.full_id)


def _selected(info: BenchmarkInfo, job: Job, suite: Suite) -> bool:
    """Whether this worker measures the benchmark: matched, not done already, and one of its processes."""
    full_id = info.id.full_id
    if full_id in job.skip:
        return False
    if job.list_only:
        return _matched(info, job, suite)
    if process_share(info.settings, job.process_index, extension=job.extension) is None:
        return False
    if job.only is not None:
        return full_id in job.only
    if info.memory_target_bytes is not None and suite.measures_memory:
        return False  # measured alone, in a worker of its own
    return _matched(info, job, suite)


def _duplicate(infos: list[BenchmarkInfo]) -> str | None:
    seen: set[str] = set()
    for info in infos:
        if info.id.full_id in seen:
            return info.id.full_id
        seen.add(info.id.full_id)
    return None


def _settings_of(info: BenchmarkInfo, job: Job) -> BenchmarkInfo:
    """The benchmark as this process measures it: its share of the settings, the run's sampling mode."""
    settings = process_share(info.settings, job.process_index, extension=job.extension)
    assert settings is not None
    if job.modes and info.id.full_id in job.modes:
        settings = replace(settings, sampling_mode=SamplingMode(job.modes[info.id.full_id]))
    return replace(info, settings=settings)


USER_EXITS = (Exception, SystemExit, KeyboardInterrupt)
"""What benchmark code can raise and the worker survives: nothing reaches this process from outside (it runs in
a session of its own, so a Ctrl-C in the terminal goes to the runner, which kills workers with SIGKILL), so a
``SystemExit`` or ``KeyboardInterrupt`` here came from the benchmark itself and fails that benchmark alone."""


def _raised(exc: BaseException, context: str = "") -> Failure:
    """An exception as a failure: its one-line reason (after ``context``) and the traceback as detail."""
    return Failure(FailureKind.ERROR, context + error_reason(exc), traceback.format_exc())


S = TypeVar("S", bound=Suite)


def open_job(job: Job, channel: Channel, load: Callable[[Job], S]) -> tuple[S, list[BenchmarkInfo]] | None:
    """The start every worker makes, whatever it measures with: greet the runner, load the target, refuse two
    benchmarks with one id, and report what the target declares and which of it this worker will measure.

    Returns the suite and the benchmarks to measure, or None once the runner has been told why the target
    cannot be measured (the worker then exits with 1).
    """
    channel.send(protocol.Hello(os.getpid()))
    try:
        suite = load(job)
    except USER_EXITS as exc:
        channel.send(protocol.Fatal(_raised(exc, "could not load the target: ")))
        return None
    duplicate = _duplicate(suite.infos)
    if duplicate is not None:
        channel.send(protocol.Fatal(Failure(FailureKind.ERROR, f"two benchmarks have the id {duplicate!r}")))
        return None
    chosen = [info for info in suite.infos if _selected(info, job, suite)]
    channel.send(
        protocol.Benchmarks(
            infos=tuple(suite.infos),
            matched=tuple(info.id.full_id for info in suite.infos if _matched(info, job, suite)),
            selected=tuple(info.id.full_id for info in chosen),
        )
    )
    return suite, chosen


def run_job(job: Job, channel: Channel) -> int:
    opened = open_job(job, channel, load_suite)
    if opened is None:
        return 1
    suite, chosen = opened
    if not job.list_only:
        suite.prepare()
        for info in chosen:
            full_id = info.id.full_id
            channel.send(protocol.Start(full_id, job.process_index, process_count(info.settings)))
            try:
                channel.send(suite.measure(_settings_of(info, job), job, _ProgressToChannel(channel, full_id)))
            except USER_EXITS as exc:
                channel.send(protocol.Failed(full_id, _raised(exc)))
    channel.send(protocol.Done())
    return 0


def main(argv: list[str] | None = None) -> int:
    args = worker_parser("critbench-worker").parse_args(argv)
    faulthandler.enable()  # a crash in native code leaves the Python stack in the output the runner keeps
    job = read_job(args.job)
    if job.list_only:
        job = replace(job, skip=())
    return run_job(job, Channel.hidden(args.fd))


if __name__ == "__main__":
    sys.exit(main())
