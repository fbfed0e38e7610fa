"""One worker process seen from the parent: spawning it, reading its pipe, its deadlines, how it ended.

A worker reports on a pipe of its own (its stdout and stderr go to a file, kept for the last lines of a
crash). The parent reads typed messages (``_protocol``) as they come, with a deadline; what they mean for the
run is :class:`~critbench.engine._conversation.Conversation`'s business.

A worker runs in a session, and so a process group, of its own, and nothing it started outlives it: whenever
a worker ends (it finished, crashed, hung past its deadline, or the run was interrupted) its whole group is
killed, the child processes a benchmark started with it. Its exit is watched beside its pipe, so a child that
inherited the pipe (a fork) cannot keep a dead worker looking alive until its deadline.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import selectors
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO

from critbench.engine import _protocol as protocol
from critbench.engine._job import Job
from critbench.model import BenchTarget, to_data

_CRITBENCH_SRC = str(Path(__file__).resolve().parents[2])
_OUTPUT_TAIL_LINES = 20
STARTUP_BUDGET_S = 120.0
"""How long a worker may take to import its target and report its benchmarks."""
LONGEST_WAIT_S = 7 * 24 * 3600.0
"""No deadline lies further ahead than a week. A benchmark that reports absurd times (1e15 ns an iteration,
a timestamp) plans samples lasting years; unclamped, that deadline overflows ``select``'s timeout."""
EXIT_POLL_S = 0.5
HELD_POLL_S = 0.1
"""While a worker waits at a gate its deadline is paused; its pipe is still looked at this often, so the
deadline counts again soon after another thread releases it."""
"""Where the platform has no process descriptors (``os.pidfd_open``), how often the worker's exit is checked."""

WORKER_COMMAND = (sys.executable, "-m", "critbench.engine._worker")
_HELD_SIGNALS = {signal.SIGINT, signal.SIGTERM}


def deadline_after(seconds: float) -> float:
    """The monotonic time ``seconds`` from now, clamped to [now, now + a week] (NaN and infinity included)."""
    return time.monotonic() + (min(max(seconds, 0.0), LONGEST_WAIT_S) if math.isfinite(seconds) else LONGEST_WAIT_S)


def describe_exit(returncode: int, process: str = "its worker process") -> str:
    """A process's exit status or signal (negative: the signal), as a benchmark's failure reason."""
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        return f"{process} was killed by {name}"
    return f"{process} exited with status {returncode}"


class WorkerProcess:
    """One worker process and the pipe it reports on; ``command`` is run with ``--fd N --job FILE`` added,
    and ``--gate-fd M`` with ``gated`` (a second pipe, the runner's :class:`~critbench.engine._protocol.Release`
    messages to the worker, ``_lockstep``)."""

    def __init__(
        self, target: BenchTarget, job: Job, command: Sequence[str] = WORKER_COMMAND, *, gated: bool = False
    ) -> None:
        self._gate: IO[bytes] | None = None
        self._job_file = tempfile.NamedTemporaryFile("w", suffix=".json", prefix="critbench-job-", delete=False)
        with self._job_file as handle:
            json.dump(to_data(job), handle)
        self.output = tempfile.TemporaryFile()
        read_fd, write_fd = os.pipe()
        passed = [write_fd]
        arguments = [*command, "--fd", str(write_fd), "--job", self._job_file.name]
        if gated:
            gate_read, gate_write = os.pipe()
            self._gate = os.fdopen(gate_write, "wb", buffering=0)
            passed.append(gate_read)
            arguments += ["--gate-fd", str(gate_read)]
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [_CRITBENCH_SRC, env.get("PYTHONPATH")]))
        env.setdefault("PYTHONHASHSEED", "0")
        try:
            self.process = subprocess.Popen(
                arguments,
                pass_fds=tuple(passed),
                stdin=subprocess.DEVNULL,
                stdout=self.output,
                stderr=subprocess.STDOUT,
                cwd=target.package_root,
                env=env,
                start_new_session=True,
            )
        except BaseException:
            os.close(read_fd)
            if self._gate is not None:
                self._gate.close()
            raise
        finally:
            for fd in passed:
                os.close(fd)
        self._exit_fd: int | None = None
        try:
            self.pipe: IO[bytes] = os.fdopen(read_fd, "rb", buffering=0)
            with contextlib.suppress(AttributeError, OSError):
                self._exit_fd = os.pidfd_open(self.process.pid)
        except BaseException:  # an interrupt, say: the worker must not outlive its handle
            self.kill()
            raise

    def messages(self, deadline: Callable[[], float]) -> Iterator[protocol.Message | None]:
        """Messages as they arrive; None whenever ``deadline()`` passes. Ends at end of file.

        When the worker exits, its process group is killed at once: a child holding a copy of the pipe would
        otherwise keep it open, and the worker's death unseen, until the deadline.
        """
        buffer = protocol.LineBuffer()
        watching = True
        with selectors.DefaultSelector() as selector:
            selector.register(self.pipe, selectors.EVENT_READ)
            if self._exit_fd is not None:
                selector.register(self._exit_fd, selectors.EVENT_READ)
            while True:
                held = self.held_s()
                remaining = deadline() + held - time.monotonic()
                if remaining <= 0:
                    yield None
                    continue
                wait = min(remaining, LONGEST_WAIT_S if self._exit_fd is not None or not watching else EXIT_POLL_S)
                if math.isinf(held):
                    wait = min(wait, HELD_POLL_S)
                events = selector.select(wait)
                if watching and (
                    any(key.fd == self._exit_fd for key, _ in events)
                    or (self._exit_fd is None and self._exit_status() is not None)
                ):
                    watching = False
                    if self._exit_fd is not None:
                        selector.unregister(self._exit_fd)
                    self._kill_group()
                if not any(key.fileobj is self.pipe for key, _ in events):
                    continue
                chunk = os.read(self.pipe.fileno(), 1 << 16)
                if not chunk:
                    return
                for line in buffer.feed(chunk):
                    yield protocol.decode(line)

    def held_s(self) -> float:
        """How long the worker has waited at gates for the runner (infinite while it waits): its deadlines
        move by that much. None of it for a worker without a gate."""
        return 0.0

    def ready(self, benchmark_id: str, sample: int) -> None:
        """The worker says it waits at gate ``sample`` of ``benchmark_id``: only a gated worker may."""
        raise protocol.ProtocolViolation(f"{benchmark_id} waited at a gate, but its worker has none")

    def release(self, benchmark_id: str, sample: int) -> None:
        """Let a gated worker go on past gate ``sample`` of ``benchmark_id`` (nothing if it is gone)."""
        if self._gate is not None:
            with contextlib.suppress(OSError, ValueError):  # it exited, or its pipe was closed
                self._gate.write(protocol.encode(protocol.Release(benchmark_id, sample)))

    def output_tail(self) -> str:
        self.output.seek(0)
        lines = self.output.read().decode(errors="replace").splitlines()
        return "\n".join(lines[-_OUTPUT_TAIL_LINES:])

    def _exit_status(self) -> int | None:
        """The worker's exit status (negative: the signal that killed it) once it exited, else None. The
        worker is left unreaped, so its process group id cannot be taken by another process before
        :meth:`kill` signals the group."""
        if self.process.returncode is not None:
            return self.process.returncode
        try:
            exited = os.waitid(os.P_PID, self.process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        except ChildProcessError:
            return self.process.poll()
        if exited is None or exited.si_pid == 0:
            return None
        return exited.si_status if exited.si_code == os.CLD_EXITED else -exited.si_status

    def exit_reason(self, wait_s: float = 10.0) -> str:
        """Why the worker is gone, once its pipe closed: its exit status or signal."""
        deadline = time.monotonic() + wait_s
        while (status := self._exit_status()) is None:
            if time.monotonic() > deadline:
                return "its worker process stopped responding"
            time.sleep(0.01)
        return describe_exit(status)

    def _kill_group(self) -> None:
        """SIGKILL to the worker's process group: the worker, if it still runs, and every process it started."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)

    def kill(self) -> None:
        """End the worker and everything it started, and reap it. Interrupts wait until it is done, so a
        second Ctrl-C cannot leave a benchmark's child processes behind."""
        held = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD_SIGNALS)
        try:
            if self.process.returncode is None:  # once reaped, its group id may belong to another process
                self._kill_group()
            with contextlib.suppress(subprocess.TimeoutExpired):  # stuck in the kernel: left as a zombie
                self.process.wait(timeout=10)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)

    def close(self) -> None:
        self.kill()
        if self._gate is not None:
            self._gate.close()
        if self._exit_fd is not None:
            os.close(self._exit_fd)
            self._exit_fd = None
        self.pipe.close()
        self.output.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self._job_file.name)


Spawn = Callable[[BenchTarget, Job], WorkerProcess]
"""Starts the worker of a job (tests start stand-ins that speak the same protocol)."""
