"""Two revisions of a bench target in one worker process, measured in alternation (critbench ab).

On a shared machine each process has its own luck: measured here, the fastest time of the same code moved by
6–10% from one process to the next, so comparing processes of A with processes of B cannot see a 2% change.
Alternating A and B sample by sample *inside one process* cancels that luck and the machine's drift.

Both revisions are imported into the process side by side. Each revision's own modules (those under its
checkout) are loaded with its folders first on ``sys.path`` and then taken out of ``sys.modules``, so the
other revision imports its own copies; before each of its turns a side's modules and paths are put back, so
an import inside a routine finds that side's code. Each side's benchmark function runs in a thread of its
own, set up once; its ``iter*`` call hands the timing loop to a coordinator, which asks the sides in turn
(in a random order for every pair) for the same number of iterations::

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

import asyncio
import contextlib
import importlib
import importlib.util
import math
import os
import queue
import random
import sys
import threading
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from critbench.api import BatchSize, Bencher, BenchInstance, BenchSpec, collecting
from critbench.api._bencher import I
from critbench.engine._bencher_impl import (
    AlreadyDone,
    BencherMisuse,
    async_timer,
    batch_size_for,
    batched_runner,
    check_time,
    iter_runner,
)
from critbench.engine._loading import call_benchmark, import_file
from critbench.model import BenchmarkId, Settings

_STOP = -1


class IsolationError(Exception):
    """The two revisions cannot share a process (e.g. a compiled module of the workspace)."""


@dataclass
class Revision:
    """One side's loaded code: its benchmark specs, its own modules and its ``sys.path`` entries."""

    label: str
    root: Path
    paths: list[str]
    specs: list[BenchSpec] = field(default_factory=list)
    modules: dict[str, ModuleType] = field(default_factory=dict)

    @contextlib.contextmanager
    def active(self) -> Iterator[None]:
        """This revision's modules in ``sys.modules`` and its folders first on ``sys.path``."""
        saved_path = list(sys.path)
        shadowed = {name: sys.modules[name] for name in self.modules if name in sys.modules}
        sys.path[:0] = self.paths
        sys.modules.update(self.modules)
        before = set(sys.modules)
        try:
            yield
        finally:
            # Modules first imported during the turn belong to this revision too. Only the new names are
            # checked: a turn is one sample, and resolving every module's path each time would cost more
            # than the sample.
            for name in set(sys.modules) - before:
                module = sys.modules[name]
                if _is_under(module, self.root):
                    self.modules[name] = module
            for name in self.modules:
                sys.modules.pop(name, None)
            sys.modules.update(shadowed)
            sys.path[:] = saved_path


def _is_under(module: ModuleType, root: Path) -> bool:
    filename = getattr(module, "__file__", None)
    if not filename:
        return False
    try:
        return Path(filename).resolve().is_relative_to(root)
    except (OSError, ValueError):
        return False


def load_revision(label: str, root: Path, target_path: Path, paths: list[str], module_name: str) -> Revision:
    """Import ``target_path`` with ``paths`` first on ``sys.path``; keep its own modules aside."""
    revision = Revision(label, root.resolve(), paths)
    importlib.invalidate_caches()
    with revision.active(), collecting() as specs:
        import_file(target_path, module_name)
    revision.specs = list(specs)
    compiled = [
        name
        for name, module in revision.modules.items()
        if str(getattr(module, "__file__", "")).endswith((".so", ".pyd", ".dylib"))
    ]
    if compiled:
        raise IsolationError(
            f"{label}: compiled modules of the workspace ({', '.join(sorted(compiled))}) cannot be loaded twice "
            "in one process, so the two revisions cannot be alternated"
        )
    return revision


class _Side:
    """One revision's benchmark running in its own thread, timing what the coordinator asks for."""

    def __init__(self, revision: Revision, instance: BenchInstance, settings: Settings) -> None:
        self.revision = revision
        self.instance = instance
        self.settings = settings
        self.requests: queue.Queue[int] = queue.Queue()
        self.replies: queue.Queue[tuple[str, Any]] = queue.Queue()
        self.thread = threading.Thread(target=self._main, name=f"critbench-{revision.label}", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _main(self) -> None:
        bencher = _PairedBencher(self)
        args: tuple[Any, ...] = (bencher,)
        if self.instance.has_parameter:
            args = (bencher, self.instance.parameter)
        try:
            call_benchmark(self.instance.spec.function, args)
            if not bencher.served:
                raise BencherMisuse("the benchmark returned without calling an iter* method of its Bencher")
            self.replies.put(("finished", None))
        except BaseException as exc:  # reported to the coordinator, which fails the benchmark
            self.replies.put(("error", exc))

    def ask(self, iters: int) -> float:
        """Time ``iters`` iterations on this side (its modules active); raises what the side raised."""
        with self.revision.active():
            self.requests.put(iters)
            kind, value = self.replies.get()
        if kind == "time":
            return float(value)
        if kind == "error":
            raise value
        raise BencherMisuse("the benchmark's routine returned before its measurement was complete")

    def wait_ready(self) -> None:
        kind, value = self.replies.get()
        if kind == "error":
            raise value
        if kind == "finished":
            raise BencherMisuse("the benchmark returned without calling an iter* method of its Bencher")

    def stop(self) -> None:
        with self.revision.active():
            self.requests.put(_STOP)
            kind, value = self.replies.get()
            self.thread.join()
        if kind == "error":
            raise value


class _PairedBencher(Bencher):
    """The Bencher a side's benchmark receives: its ``iter*`` call serves the coordinator's requests."""

    def __init__(self, side: _Side) -> None:
        self._side = side
        self.served = False

    @property
    def id(self) -> BenchmarkId:
        return self._side.instance.id

    def _claim(self) -> None:
        if self.served:
            raise BencherMisuse("call exactly one iter* method")
        self.served = True

    def _serve(self, run: Callable[[int], float]) -> None:
        self._claim()
        self._side.replies.put(("ready", None))
        while (iters := self._side.requests.get()) != _STOP:
            try:
                self._side.replies.put(("time", check_time(run(iters))))
            except BaseException as exc:
                self._side.replies.put(("error", exc))
                return
        self._side.replies.put(("stopped", None))

    async def _serve_async(self, timed: Callable[[int], Awaitable[float]]) -> None:
        self._claim()
        self._side.replies.put(("ready", None))
        loop = asyncio.get_running_loop()
        while (iters := await loop.run_in_executor(None, self._side.requests.get)) != _STOP:
            try:
                self._side.replies.put(("time", check_time(await timed(iters))))
            except BaseException as exc:
                self._side.replies.put(("error", exc))
                return
        self._side.replies.put(("stopped", None))

    def iter(self, routine: Callable[[], object]) -> None:
        self._serve(iter_runner(routine))

    def iter_batched(
        self, setup: Callable[[], I], routine: Callable[[I], object], batch_size: BatchSize = "small"
    ) -> None:
        batch_size_for(batch_size, 1)
        self._serve(batched_runner(setup, routine, batch_size))

    def iter_custom(self, routine: Callable[[int], float]) -> None:
        self._serve(lambda iters: float(routine(iters)))

    def iter_async(self, routine: Callable[[], Awaitable[object]]) -> Awaitable[None]:
        timed = async_timer(routine)
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            with asyncio.Runner() as runner:
                self._serve(lambda iters: runner.run(timed(iters)))
            return AlreadyDone()
        return self._serve_async(timed)


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


def measure_pair(
    revision_a: Revision,
    instance_a: BenchInstance,
    revision_b: Revision,
    instance_b: BenchInstance,
    settings: Settings,
    *,
    rng: random.Random,
) -> PairedRun:
    """Warm both sides up and take alternating pairs of samples, as planned by :func:`paired_plan`."""
    side_a = _Side(revision_a, instance_a, settings)
    side_b = _Side(revision_b, instance_b, settings)
    started: list[_Side] = []
    try:
        for side in (side_a, side_b):
            with side.revision.active():
                side.start()
                started.append(side)
                side.wait_ready()
        warm_ns = {id(side_a): 0.0, id(side_b): 0.0}
        warm_iters = 0
        n = 1
        limit = settings.warm_up_time * 1e9
        while sum(warm_ns.values()) <= limit:
            for side in (side_a, side_b):
                warm_ns[id(side)] += side.ask(n)
            warm_iters += n
            n *= 2
        k, pairs = paired_plan(max(warm_ns.values()) / warm_iters, settings)
        times_a: list[float] = []
        times_b: list[float] = []
        order: list[bool] = []
        for _ in range(pairs):
            a_first = rng.random() < 0.5
            if a_first:
                times_a.append(side_a.ask(k))
                times_b.append(side_b.ask(k))
            else:
                times_b.append(side_b.ask(k))
                times_a.append(side_a.ask(k))
            order.append(a_first)
        return PairedRun((k,) * pairs, tuple(times_a), tuple(times_b), tuple(order))
    finally:
        for side in started:
            with contextlib.suppress(BaseException):
                side.stop()
