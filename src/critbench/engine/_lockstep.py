"""critbench ab on a pytest suite: one worker process of each revision alive at once, their samples taken in
lockstep pairs.

Two revisions cannot share a pytest session, so each round runs a worker process of revision A and one of B
side by side, each driven by its own thread (``TargetRun.run_round`` as always: its crashes, deadlines and
restarts are the usual ones). Both workers are *gated* (``_gate``): around each sample the measuring loop
says where it is (:class:`~critbench.engine._protocol.Ready`: benchmark, gate) and waits, blocked on a pipe
read, for the runner's :class:`~critbench.engine._protocol.Release`. :class:`Lockstep` decides:

- both waiting at the same gate of the same benchmark: one is released (which one is drawn per pair from
  the seed, round, benchmark and gate), and the other once the first is past its turn (at its next gate,
  or with its result): sample ``j`` of A and sample ``j`` of B run one after the other, milliseconds apart, never
  at once, so the machine's drift cancels in their ratio as it does in the bench-file ab;
- both waiting at different gates: the one behind (the earlier benchmark in the listing, else the earlier
  gate) goes on alone: the other skipped that test, failed it, or took fewer samples;
- one waiting while the other side has finished its round: it goes on alone.

The gates are -1 before calibration and warm-up (so the two warm-ups never overlap, nor a warm-up and a
sample), ``j`` before sample ``j``, and the sample count after the last. A side that is not waiting is
running something that ends: a gate, its result, or its deadline (the waiting side's deadline is paused:
:meth:`GatedWorker.held_s`), so nothing waits for ever; a worker that ends releases its partner. When the
run is interrupted, both sides' workers are killed and no new one starts.
"""

from __future__ import annotations

import dataclasses
import math
import random
import threading
import time
from collections.abc import Callable, Iterator

from critbench.engine import _protocol as protocol
from critbench.engine._job import Job
from critbench.engine._schedule import TargetRun
from critbench.engine._worker_process import Spawn, WorkerProcess
from critbench.model import BenchTarget

SIDES = ("a", "b")
_MOVED_ON = (protocol.Start, protocol.Measured, protocol.Failed, protocol.Done, protocol.Fatal)
"""Messages after which a worker's sample is surely over (with its next gate: :meth:`Lockstep.ready`);
progress messages are not among them: a worker says it is warming up before it does."""


class Stopped(Exception):
    """No worker starts once the run is interrupted."""


class GatedWorker(WorkerProcess):
    """A pytest worker with a gate, its waits decided by ``lockstep`` for side ``side``."""

    def __init__(self, lockstep: Lockstep, side: str, target: BenchTarget, job: Job, command: tuple[str, ...]) -> None:
        self.side = side
        self.positions: dict[str, int] = {}
        """Each benchmark's place in the worker's listing (both sides list the same tests)."""
        self.held_since: float | None = None
        self.held_total = 0.0
        self._lockstep = lockstep
        super().__init__(target, job, command, gated=True)

    def messages(self, deadline: Callable[[], float]) -> Iterator[protocol.Message | None]:
        for message in super().messages(deadline):
            if isinstance(message, protocol.Benchmarks):
                self.positions = {info.id.full_id: place for place, info in enumerate(message.infos)}
            if isinstance(message, _MOVED_ON):
                self._lockstep.moved(self)
            yield message
        self._lockstep.gone(self)

    def held_s(self) -> float:
        return math.inf if self.held_since is not None else self.held_total

    def ready(self, benchmark_id: str, sample: int) -> None:
        self._lockstep.ready(self, benchmark_id, sample)

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._lockstep.gone(self)


@dataclasses.dataclass
class _Side:
    active: bool = False
    """Its round is under way: a worker of it runs, or will."""
    worker: GatedWorker | None = None
    at: tuple[int, int, str] | None = None
    """Where its worker waits: (place of the benchmark, gate, benchmark id)."""


class Lockstep:
    """The runner's side of the gates of one ab comparison of a pytest suite (see the module docstring)."""

    def __init__(self, seed: int, command: tuple[str, ...]) -> None:
        self.first: dict[tuple[int, str, int], bool] = {}
        """(round, benchmark, gate) → whether A's sample ran first, for every pair taken in lockstep."""
        self._seed = seed
        self._command = command
        self._lock = threading.Lock()
        self._sides = {side: _Side() for side in SIDES}
        self._pending: tuple[str, str] | None = None
        """(the side whose sample runs, its partner that goes next)."""
        self._round = 0
        self._stopped = False

    def spawn(self, side: str) -> Spawn:
        """How side ``side`` starts its workers: gated, and known to this lockstep."""

        def start(target: BenchTarget, job: Job) -> WorkerProcess:
            if self._stopped:
                raise Stopped
            worker = GatedWorker(self, side, target, job, self._command)
            if self.attach(worker):
                return worker
            worker.close()
            raise Stopped

        return start

    def attach(self, worker: GatedWorker) -> bool:
        """``worker`` is now its side's (False, once the run was interrupted)."""
        with self._lock:
            if self._stopped:
                return False
            self._sides[worker.side].worker = worker
            return True

    def begin(self, side: str, index: int) -> None:
        """Side ``side``'s round ``index`` is under way: the other waits for its workers at the gates."""
        with self._lock:
            self._round = index
            self._sides[side].active = True

    def end(self, side: str) -> None:
        """Side ``side``'s round is over: the other goes on alone."""
        with self._lock:
            self._sides[side].active = False
            self._decide()

    def run_round(self, runs: dict[str, TargetRun], index: int) -> None:
        """Round ``index`` of each side that can still run, both at once; an interrupt kills both."""
        errors: list[BaseException] = []
        threads = []
        for side, run in runs.items():
            if run.fatal is None:
                self.begin(side, index)
                threads.append(threading.Thread(target=self._run_side, args=(side, run, index, errors), daemon=True))
        try:
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        except BaseException:
            self.stop()
            for thread in threads:
                if thread.is_alive():
                    thread.join()
            raise
        if errors:
            raise errors[0]

    def _run_side(self, side: str, run: TargetRun, index: int, errors: list[BaseException]) -> None:
        try:
            run.run_round(index)
        except BaseException as exc:  # handed to the main thread
            errors.append(exc)
            self.stop()
        finally:
            self.end(side)

    def stop(self) -> None:
        """Kill both sides' workers and start no other."""
        with self._lock:
            self._stopped = True
            workers = [side.worker for side in self._sides.values() if side.worker is not None]
        for worker in workers:
            worker.kill()

    # -- the workers' events (from their sides' threads) -------------------------------------------------

    def ready(self, worker: GatedWorker, benchmark_id: str, sample: int) -> None:
        with self._lock:
            self._moved(worker)
            side = self._sides[worker.side]
            if side.worker is not worker:
                worker.release(benchmark_id, sample)
                return
            side.at = (worker.positions.get(benchmark_id, -1), sample, benchmark_id)
            worker.held_since = time.monotonic()
            self._decide()

    def moved(self, worker: GatedWorker) -> None:
        with self._lock:
            self._moved(worker)
            self._decide()

    def gone(self, worker: GatedWorker) -> None:
        with self._lock:
            side = self._sides[worker.side]
            if side.worker is not worker:
                return
            side.worker = None
            side.at = None
            worker.held_since = None
            if self._pending is not None and worker.side in self._pending:
                first, second = self._pending
                self._pending = None
                if worker.side == first:
                    self._release(second)
            self._decide()

    def _moved(self, worker: GatedWorker) -> None:
        """``worker`` reported something: if its sample was the first of a pair, its partner goes next."""
        if self._pending is not None and self._pending[0] == worker.side:
            second = self._pending[1]
            self._pending = None
            self._release(second)

    def _decide(self) -> None:
        if self._pending is not None:
            return
        a, b = self._sides["a"], self._sides["b"]
        for this, other in ((a, b), (b, a)):
            if this.at is not None and not other.active:
                self._release_side(this)
        if a.at is None or b.at is None:
            return
        if a.at[:2] != b.at[:2]:
            self._release_side(a if a.at[:2] < b.at[:2] else b)
            return
        _, sample, benchmark_id = a.at
        a_first = random.Random(f"{self._seed}:{self._round}:{benchmark_id}:{sample}").random() < 0.5
        self.first[(self._round, benchmark_id, sample)] = a_first
        first, second = ("a", "b") if a_first else ("b", "a")
        self._release(first)
        self._pending = (first, second)

    def _release(self, side: str) -> None:
        self._release_side(self._sides[side])

    @staticmethod
    def _release_side(side: _Side) -> None:
        worker, at = side.worker, side.at
        side.at = None
        if worker is None or at is None:
            return
        if worker.held_since is not None:
            worker.held_total += time.monotonic() - worker.held_since
            worker.held_since = None
        worker.release(at[2], at[1])
