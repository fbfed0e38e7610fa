"""Two revisions of a bench target in one worker process, measured in alternation (critbench ab).

On a shared machine each process has its own luck: measured here, the fastest time of the same code moved by
6–10% from one process to the next, so comparing processes of A with processes of B cannot see a 2% change.
Alternating A and B sample by sample *inside one process* cancels that luck and the machine's drift.

Both revisions are imported into the process side by side, each seeing only its own code
(``_isolation``): its folders first on ``sys.path`` and its modules in ``sys.modules`` while it loads and
during each of its turns, so an import inside a routine finds that side's code. Each side's benchmark
function runs in a thread of its own, set up once; its ``iter*`` call hands the timing loop to a
coordinator, which asks the sides in turn (in a random order for every pair) for the same number of
iterations::

    warm-up:  A(1) B(1) A(2) B(2) A(4) B(4) ... until the two together have run for the warm-up time
    samples:  k = max(1, round(5 ms / met)) iterations per sample (flat), met of the slower side
              pairs = max(n, T / (k · met)): the measurement time per side, in samples of about 5 ms
              pair i: A(k) B(k) or B(k) A(k), chosen at random

Samples are short (about 5 ms, or one iteration of a slower routine) and many, because the noise that is left
after pairing comes from single samples: one that a context switch, a garbage collection or a timer interrupt
lands in. Each process's pairs are summarised by their median, so a short sample's bad luck is outvoted; with
Criterion's 100 samples of 50 ms the same bad luck lands in every sample. Measured on this machine with a 1 ms
routine: 100 pairs of 50 ms gave per-process medians spread by 2.8%, 1,000 pairs of 5 ms by 0.4%.
"""

from __future__ import annotations

import contextlib
import math
import os
import queue
import random
import threading
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from critbench.api import Bencher, BenchInstance
from critbench.api._bencher import BencherMisuse, Routine, run_to_end
from critbench.engine import _sampling
from critbench.engine._core import Progress, drive, loop_of, timer_of
from critbench.engine._fake_timer import FakeTimer
from critbench.engine._isolation import IsolationError, Revision, load_revision
from critbench.model import Settings

_STOP = -1

__all__ = ["IsolationError", "PairSide", "PairedRun", "Revision", "Turn", "load_revision", "measure_pair"]


@dataclass(frozen=True)
class PairSide:
    """One side of a pair to measure: its revision, its benchmark and, in tests, its fake clock."""

    revision: Revision
    instance: BenchInstance
    fake: FakeTimer | None = None


class _Side:
    """One revision's benchmark running in its own thread, timing what the coordinator asks for.

    The thread calls the benchmark function with a :class:`_ServingBencher`; its ``iter*`` call builds the
    measuring core's timing loop and then times, on request, as many iterations as the coordinator asks.
    """

    def __init__(self, side: PairSide) -> None:
        self.revision = side.revision
        self.instance = side.instance
        self.fake = side.fake
        self.requests: queue.Queue[int] = queue.Queue()
        self.replies: queue.Queue[tuple[str, Any]] = queue.Queue()
        """("ready", None), ("time", ns) per request, and last ("ended", what the benchmark raised or None)."""
        self.ended = False
        self.thread = threading.Thread(target=self._main, name=f"critbench-{side.revision.label}", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _main(self) -> None:
        bencher = _ServingBencher(self)
        outcome: BaseException | None = None
        try:
            self.instance.call(bencher)
            bencher.finish()
        except BaseException as exc:  # reported to the coordinator, which fails the benchmark
            outcome = exc
        self.replies.put(("ended", outcome))

    def _reply(self) -> tuple[str, Any]:
        kind, value = self.replies.get()
        self.ended = self.ended or kind == "ended"
        return kind, value

    def ask(self, iters: int) -> float:
        """Time ``iters`` iterations on this side (its modules active); raises what the side raised."""
        with self.revision.active():
            self.requests.put(iters)
            kind, value = self._reply()
        if kind == "time":
            return float(value)
        if value is not None:
            raise value
        raise BencherMisuse("the benchmark's routine returned before its measurement was complete")

    def wait_ready(self) -> None:
        kind, value = self._reply()
        if kind == "ended":
            raise value if value is not None else BencherMisuse("the benchmark ended before its measurement")

    def stop(self) -> BaseException | None:
        """End the side's measurement and its thread; what its benchmark raised since, if anything."""
        outcome = None
        with self.revision.active():
            if not self.ended:
                self.requests.put(_STOP)
                kind, outcome = self._reply()
                while kind != "ended":
                    kind, outcome = self._reply()
            self.thread.join()
        return outcome


class _ServingBencher(Bencher):
    """The Bencher a side's benchmark receives: its ``iter*`` call serves the coordinator's requests.

    Waiting for a request blocks the side's thread, event loop included: while the other side is timed,
    nothing of this side's (an async benchmark's background tasks, say) competes with it for the CPU.
    """

    def __init__(self, side: _Side) -> None:
        super().__init__(side.instance.id)
        self._side = side

    async def _measure(self, routine: Routine) -> None:
        timed = timer_of(loop_of(routine, self._side.fake))
        self._side.replies.put(("ready", None))
        while (iters := self._side.requests.get()) != _STOP:
            self._side.replies.put(("time", await timed(iters)))


@dataclass(frozen=True)
class PairedRun:
    """One process's paired samples: sample ``i`` ran ``iters[i]`` iterations on each side."""

    iters: tuple[int, ...]
    times_a: tuple[float, ...]
    times_b: tuple[float, ...]
    a_first: tuple[bool, ...]


def pin_to_one_cpu() -> int | None:
    """Keep this process, and the threads it starts, on the CPU it runs on now; returns that CPU.

    The two sides run in threads of their own, and left alone the scheduler tends to keep each thread on
    the CPU it last ran on, so in one process A may run on one CPU and B on the other for the whole run.
    On a shared machine the CPUs are not equally fast (another tenant may be using one's sibling), and that
    showed here as a per-process bias of up to ±5% in a 5% change; on one CPU it was ±0.3%. None where the
    platform cannot pin (not Linux) or the CPU cannot be read.
    """
    if not hasattr(os, "sched_setaffinity"):
        return None
    try:
        fields = Path("/proc/thread-self/stat").read_text().rsplit(")", 1)[1].split()
        cpu = int(fields[36])  # field 39 of stat(5), "processor", counted after the command name's ")"
        os.sched_setaffinity(0, {cpu})
    except (OSError, ValueError, IndexError):
        return None
    return cpu


SAMPLE_TIME_NS = 5e6
"""How long an A/B sample aims to last: short enough that most samples are clean, long enough that the
coordinator's hand-over between the sides (tens of µs) costs little wall time."""


def paired_plan(met_ns: float, settings: Settings) -> tuple[int, int]:
    """Iterations per sample and the number of pairs, for a routine of ``met_ns`` per iteration."""
    if not met_ns > 0:
        raise ValueError("the warm-up measured no time; the routine's timer returned zero")
    k = max(1, round(SAMPLE_TIME_NS / met_ns))
    pairs = max(settings.sample_size, math.floor(settings.measurement_time * 1e9 / (k * met_ns)))
    return k, pairs


@dataclass(frozen=True)
class Turn:
    """One request of the paired sampler: ``iters`` iterations on each side, A's turn first or B's."""

    iters: int
    a_first: bool


def paired_sampler(
    settings: Settings, rng: random.Random, progress: Progress
) -> Generator[Turn, tuple[float, float], PairedRun]:
    """The A/B method as a sampler: asks for turns, is sent (A's time, B's time) of each.

    The warm-up is Criterion's doubling (``_sampling.warm_up``) over the two sides' summed time; the plan is
    :func:`paired_plan` for the slower side.
    """
    progress.warming_up(settings.warm_up_time)
    warm_up = _sampling.warm_up(settings)
    warm_ns = [0.0, 0.0]
    iters = next(warm_up)
    while True:
        time_a, time_b = yield Turn(iters, a_first=True)
        warm_ns[0] += time_a
        warm_ns[1] += time_b
        try:
            iters = warm_up.send(time_a + time_b)
        except StopIteration as stop:
            warm_iters: int = stop.value[0]
            break
    k, pairs = paired_plan(max(warm_ns) / warm_iters, settings)
    progress.collecting(pairs, pairs * k * sum(warm_ns) / warm_iters, pairs * k)
    times_a: list[float] = []
    times_b: list[float] = []
    order: list[bool] = []
    for _ in range(pairs):
        a_first = rng.random() < 0.5
        time_a, time_b = yield Turn(k, a_first)
        times_a.append(time_a)
        times_b.append(time_b)
        order.append(a_first)
    return PairedRun((k,) * pairs, tuple(times_a), tuple(times_b), tuple(order))


def measure_pair(
    side_a: PairSide, side_b: PairSide, settings: Settings, *, rng: random.Random, progress: Progress
) -> PairedRun:
    """Warm both sides up and take alternating pairs of samples, as planned by :func:`paired_plan`."""
    a, b = _Side(side_a), _Side(side_b)
    started: list[_Side] = []

    async def take(turn: Turn) -> tuple[float, float]:
        if turn.a_first:
            time_a = a.ask(turn.iters)
            return time_a, b.ask(turn.iters)
        time_b = b.ask(turn.iters)
        return a.ask(turn.iters), time_b

    try:
        for side in (a, b):
            with side.revision.active():
                side.start()
                started.append(side)
                side.wait_ready()
        run = run_to_end(drive(paired_sampler(settings, rng, progress), take))
    except BaseException:
        for side in started:
            with contextlib.suppress(BaseException):
                side.stop()
        raise
    # What a side raises after its measurement (a second iter* call, say) fails the pair, as it would a run.
    errors = [side.stop() for side in started]
    for error in errors:
        if error is not None:
            raise error
    return run
