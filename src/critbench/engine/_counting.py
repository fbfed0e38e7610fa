"""Counting a routine's instructions per iteration inside a worker run under callgrind.

The counting loops bracket each measured interval with the :class:`~critbench.engine._measurement.
Instructions` markers, so callgrind writes one dump per interval holding exactly that interval; a
:class:`Recorder` reads the dump (its ``summary:`` line), checks that the end marker wrote it, and deletes it.
Everything else the process does (imports, the benchmark function's setup, ``iter_batched``'s setup, the event
loop's start and stop, ``gc.collect()``, reading dumps) happens between an end marker and the next start
marker, which zeroes it.

:func:`plan_counts` is a sampler like ``_sampling``'s, driven by ``_core.drive``: three one-iteration
intervals and intervals growing fourfold warm the routine and CPython's specialising interpreter up (at least
16 iterations), then N, 2N and 3N iterations are counted, N chosen so that N iterations hold about 4 million
instructions. Every decision is made on instruction counts, never on time, so two runs plan alike whatever
the machine's load; only a routine that mostly waits meets the time budget.

The loops are compiled afresh for every benchmark: CPython 3.11 specialises bytecode per code object, and a
loop shared by several routines would keep re-specialising its call site, a few hundred instructions here
and there (measured in experiments/instructions).
"""

from __future__ import annotations

import gc
import math
import os
import time
from collections.abc import Awaitable, Callable, Generator, Mapping
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import Any

from critbench.api._bencher import AsyncRoutine, BatchedRoutine, Bencher, BencherMisuse, CustomRoutine, IterRoutine
from critbench.api._bencher import Routine as RoutineSpec
from critbench.engine._callgrind import TRIGGER, dump_path, read_dump
from critbench.engine._core import Progress, drive
from critbench.engine._heap import settle_glibc, settle_small_objects
from critbench.engine._loops import async_noop, noop, noop_input
from critbench.engine._measurement import INSTRUCTIONS
from critbench.model import WALL_EVENT, BenchmarkId

TARGET_INSTRUCTIONS = 4_000_000
"""Instructions the N interval should hold: the markers' and dump's fixed cost is then negligible."""
INSTRUCTION_BUDGET = 400_000_000
"""Instructions the 6N counted iterations may take (a routine of 100 M instructions counts N = 1)."""
TIME_BUDGET_S = 20.0
"""Seconds under valgrind the 6N counted iterations may take: reached only by routines that mostly wait."""
MAX_BATCHES = 60
"""Dumps the counted intervals of ``iter_batched`` may write (one per batch, milliseconds each)."""
MIN_WARM_UP_ITERATIONS = 16
"""CPython 3.11 quickens a code object after 8 calls or loop back-edges; twice that warms it up."""
CALIBRATION_ITERATIONS = {"iter": 4_000, "iter_async": 2_000}
"""N for the harness loops' own cost, counted once per worker on an empty routine."""


class CountingError(Exception):
    """The dumps do not match the intervals: not under callgrind, or the routine calls a marker itself."""


_LOOPS = """
def loop(routine, it, start, end):
    started = start()
    for _ in it:
        routine()
    end(started)

async def aloop(routine, it, start, end):
    started = start()
    for _ in it:
        await routine()
    end(started)

def batches(setup, routine, sizes, start, end, clock):
    spent = 0.0
    for size in sizes:
        inputs = [setup() for _ in repeat(None, size)]
        before = clock()
        started = start()
        outputs = list(map(routine, inputs))
        end(started)
        spent += clock() - before
        del outputs, inputs
    return spent

def custom(routine, n, start, end):
    started = start()
    routine(n)
    end(started)
"""


def fresh_loops() -> dict[str, Any]:
    """The counting loops as new code objects, specialised by nothing yet."""
    namespace: dict[str, Any] = {"repeat": repeat}
    exec(compile(_LOOPS, "<critbench-counting>", "exec"), namespace)
    return namespace


class Recorder:
    """This process's dump files: callgrind numbers them per process, so a forked child starts again at 1."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.pid = os.getpid()
        self.count = 0

    def forked(self) -> None:
        """Start counting this (new) process's dumps."""
        self.pid, self.count = os.getpid(), 0

    def collect(self, dumps: int) -> dict[str, int]:
        """The summed counts of the next ``dumps`` dump files, each checked and then deleted."""
        total: dict[str, int] = {}
        for _ in range(dumps):
            self.count += 1
            path = dump_path(self.out_dir, self.pid, self.count)
            if not path.exists():
                raise CountingError(
                    f"callgrind wrote no dump {path.name} for a counted interval: the worker is not running under "
                    "valgrind --tool=callgrind --dump-before=getpgid"
                )
            dump = read_dump(path)
            if dump.trigger != TRIGGER:
                raise CountingError(f"dump {path.name} was written by {dump.trigger!r}, not by the end marker")
            for name, value in dump.events.items():
                total[name] = total.get(name, 0) + value
            path.unlink()
        return total

    def check_no_stray_dumps(self) -> None:
        """A routine that calls ``os.getpgid`` writes dumps of its own, shifting every interval's count."""
        if dump_path(self.out_dir, self.pid, self.count + 1).exists():
            raise BencherMisuse(
                "the routine calls os.getpgid() (or os.getsid()), which --measure instructions uses as its markers; "
                "its counts would be wrong: measure it with --measure wall"
            )


@dataclass(frozen=True)
class Interval:
    """What one counted interval gave: every event's count, and the wall time it took under valgrind."""

    events: dict[str, int]
    seconds: float


@dataclass(frozen=True)
class LayoutCount:
    """One benchmark counted in one heap layout: the N, 2N and 3N intervals and the loop's own cost."""

    iters: tuple[int, ...]
    events: tuple[dict[str, float], ...]
    """Per counted interval, every event's count and :data:`~critbench.model.WALL_EVENT` (nanoseconds)."""
    overhead: dict[str, float] = field(default_factory=dict)
    """The harness loop's count of each event per iteration (empty for ``iter_custom``: nothing is taken out)."""
    batch: int | None = None
    time_capped: bool = False
    """N was cut by the time budget: the routine mostly waits, and its N may differ from run to run."""
    replanned: bool = False
    """The N asked for (the baseline's) would have broken the budget; this count used its own."""


Sampler = Generator[int, Interval, tuple[int, bool, bool, list[tuple[int, Interval]]]]


def plan_counts(
    batch_of: Callable[[int], int] | None = None,
    pinned: int | None = None,
    batch: list[int] | None = None,
    on_plan: Callable[[int, float], None] | None = None,
) -> Sampler:
    """Ask for warm-up intervals, then N, 2N, 3N; return (N, time capped, replanned, the counted intervals).

    ``batch_of(n)`` (``iter_batched``) is the batch size of an interval of n; N is then whole batches of
    ``batch_of(N)``, and ``batch[0]`` is set to that size before N, 2N and 3N are asked for, so the three
    share it. ``pinned`` is the N to count with (the baseline's), kept unless it breaks the budget.
    ``on_plan(N, seconds)`` hears N and how long the counted intervals should take under valgrind.
    """
    n, warm_iters, warm_ir, warm_s = 1, 0, 0, 0.0
    interval = Interval({}, 0.0)
    for _ in range(3):
        interval = yield n
        warm_iters, warm_ir, warm_s = warm_iters + n, warm_ir + interval.events["Ir"], warm_s + interval.seconds
    time_capped = False
    ir, seconds = interval.events["Ir"], interval.seconds
    while ir < TARGET_INSTRUCTIONS / 4 or warm_iters < MIN_WARM_UP_ITERATIONS:
        if warm_ir + 4 * ir > INSTRUCTION_BUDGET / 2:
            break
        if warm_s + 4 * seconds > TIME_BUDGET_S / 2:  # only a routine that mostly waits gets here
            time_capped = ir < TARGET_INSTRUCTIONS / 4
            break
        if batch_of is not None and math.ceil(4 * n / batch_of(4 * n)) * 6 > MAX_BATCHES:
            break
        n *= 4
        interval = yield n
        ir, seconds = interval.events["Ir"], interval.seconds
        warm_iters, warm_ir, warm_s = warm_iters + n, warm_ir + ir, warm_s + seconds
    per_iter_ir, per_iter_s = max(ir / n, 1.0), max(seconds / n, 1e-9)
    big_n = max(1, min(math.ceil(TARGET_INSTRUCTIONS / per_iter_ir), math.floor(INSTRUCTION_BUDGET / 6 / per_iter_ir)))
    if 6 * big_n * per_iter_s > TIME_BUDGET_S and big_n > 1:
        big_n, time_capped = max(1, math.floor(TIME_BUDGET_S / 6 / per_iter_s)), True
    replanned = False
    if pinned is not None:
        fits = 6 * pinned * per_iter_ir <= 2 * INSTRUCTION_BUDGET and 6 * pinned * per_iter_s <= 2 * TIME_BUDGET_S
        big_n, replanned = (pinned, False) if fits else (big_n, True)
    if batch_of is not None:
        size = batch_of(big_n)
        if not replanned and pinned is None:
            big_n = max(size, (big_n // size) * size)
            while big_n > size and 6 * big_n // size > MAX_BATCHES:
                big_n -= size
        if batch is not None:
            batch[0] = size
    if on_plan is not None:
        on_plan(big_n, 6 * big_n * per_iter_s)
    counted = []
    for m in (1, 2, 3):
        counted.append((m * big_n, (yield m * big_n)))
    return big_n, time_capped, replanned, counted


def fixed_plan(big_n: int) -> Sampler:
    """The intervals of :func:`plan_counts` with N given: three one-iteration warm-ups, then N, 2N, 3N."""
    for _ in range(3):
        yield 1
    counted = []
    for m in (1, 2, 3):
        counted.append((m * big_n, (yield m * big_n)))
    return big_n, False, False, counted


def per_iteration(counted: list[tuple[int, Interval]]) -> dict[str, float]:
    """Each event's slope over the counted intervals (and the wall time's, as :data:`WALL_EVENT`, in ns)."""
    (n1, first), *_, (n3, last) = counted
    slopes = {name: (last.events.get(name, 0) - value) / (n3 - n1) for name, value in first.events.items()}
    slopes[WALL_EVENT] = (last.seconds - first.seconds) * 1e9 / (n3 - n1)
    return slopes


def as_layout(
    result: tuple[int, bool, bool, list[tuple[int, Interval]]], overhead: Mapping[str, float], batch: int | None = None
) -> LayoutCount:
    _, time_capped, replanned, counted = result
    return LayoutCount(
        iters=tuple(n for n, _ in counted),
        events=tuple({**interval.events, WALL_EVENT: interval.seconds * 1e9} for _, interval in counted),
        overhead=dict(overhead),
        batch=batch,
        time_capped=time_capped,
        replanned=replanned,
    )


Run = Callable[[int], Awaitable[tuple[int, float]]]
"""Runs one interval of n iterations: how many dumps (marked blocks) it wrote, and the seconds they took."""


async def count(sampler: Sampler, run: Run, recorder: Recorder) -> tuple[int, bool, bool, list[tuple[int, Interval]]]:
    """Answer ``sampler`` with counted intervals: collect garbage, run, read the dumps."""

    asked = 0

    async def interval(n: int) -> Interval:
        nonlocal asked
        asked += 1
        if asked > 3:  # outside the markers: empty young generations, and pymalloc's pools in a fixed state
            gc.collect()
            settle_small_objects()
            settle_glibc()  # last: it takes the chunks that settling pymalloc freed, and frees nothing itself
        dumps, seconds = await run(n)
        return Interval(recorder.collect(dumps), seconds)

    return await drive(sampler, interval)


def runner_of(spec: RoutineSpec, loops: Mapping[str, Any], batch: list[int]) -> Run:
    """The interval runner of one ``iter*`` call; ``batch[0]`` is the batch size fixed for N, 2N, 3N."""
    start, end, clock = INSTRUCTIONS.start, INSTRUCTIONS.end, time.perf_counter
    match spec:
        case IterRoutine(routine=routine):
            loop = loops["loop"]

            async def run_iter(n: int) -> tuple[int, float]:
                it = repeat(None, n)  # made outside the interval: a type call never specialises
                before = clock()
                loop(routine, it, start, end)
                return 1, clock() - before

            return run_iter
        case AsyncRoutine(routine=coroutine):
            aloop = loops["aloop"]

            async def run_async(n: int) -> tuple[int, float]:
                it = repeat(None, n)
                before = clock()
                await aloop(coroutine, it, start, end)
                return 1, clock() - before

            return run_async
        case BatchedRoutine():
            batches, setup, batched = loops["batches"], spec.setup, spec.routine

            async def run_batched(n: int) -> tuple[int, float]:
                size = batch[0] or max(1, min(n, spec.inputs_per_batch(n)))
                sizes = [size] * (n // size) + ([n % size] if n % size else [])
                return len(sizes), batches(setup, batched, sizes, start, end, clock)

            return run_batched
        case CustomRoutine(routine=custom_routine):
            custom = loops["custom"]

            async def run_custom(n: int) -> tuple[int, float]:
                before = clock()
                custom(custom_routine, n, start, end)
                return 1, clock() - before

            return run_custom


async def calibrate(recorder: Recorder) -> dict[str, dict[str, float]]:
    """The harness loops' own count per iteration (``iter`` and ``iter_async``), on empty routines."""
    iter_loop = runner_of(IterRoutine(noop), fresh_loops(), [0])
    found = {"iter": per_iteration((await count(fixed_plan(CALIBRATION_ITERATIONS["iter"]), iter_loop, recorder))[3])}
    async_loop = runner_of(AsyncRoutine(async_noop), fresh_loops(), [0])
    counted = await count(fixed_plan(CALIBRATION_ITERATIONS["iter_async"]), async_loop, recorder)
    found["iter_async"] = per_iteration(counted[3])
    return found


class CountingBencher(Bencher):
    """The Bencher of a counting worker: its ``iter*`` call counts the routine in this process's layout."""

    def __init__(
        self,
        benchmark_id: BenchmarkId,
        recorder: Recorder,
        calibration: Mapping[str, Mapping[str, float]],
        progress: Progress,
        pinned: int | None = None,
    ) -> None:
        super().__init__(benchmark_id)
        self._recorder = recorder
        self._calibration = calibration
        self._progress = progress
        self._pinned = pinned
        self._result: LayoutCount | None = None

    async def _measure(self, routine: RoutineSpec) -> None:
        batch = [0]
        batch_of = None
        if isinstance(routine, BatchedRoutine):

            def batch_of(n: int) -> int:
                return max(1, min(n, routine.inputs_per_batch(n)))

        def planned(n: int, seconds: float) -> None:
            self._progress.collecting(3, seconds * 1e9, 6 * n)

        run = runner_of(routine, fresh_loops(), batch)
        result = await count(plan_counts(batch_of, self._pinned, batch, planned), run, self._recorder)
        self._recorder.check_no_stray_dumps()
        if isinstance(routine, BatchedRoutine):
            # The empty routine with exactly the same batches: what list(map()) and the markers cost per batch
            # and per input, taken out so the routine is left alone (setup and dropping outputs are outside).
            empty = runner_of(BatchedRoutine(noop, noop_input, routine.batch_size), fresh_loops(), batch)
            overhead = per_iteration((await count(fixed_plan(result[0]), empty, self._recorder))[3])
        elif isinstance(routine, CustomRoutine):
            overhead = {}
        else:
            overhead = dict(self._calibration[routine.method])
        self._result = as_layout(result, overhead, batch[0] or None)

    def counted(self) -> LayoutCount:
        """The count, once the benchmark function returned; BencherMisuse if there is none."""
        return self._finished(self._result, "count")
