#!/usr/bin/env python3
"""Instructions per iteration of critbench benchmarks, measured under callgrind in one valgrind process.

Prototype for experiments/instructions/README.md. Usage (from the repository root):

    .venv/bin/python experiments/instructions/prototype.py experiments/instructions/sample_benches.py
    .venv/bin/python experiments/instructions/prototype.py --cache-sim --native FILE [FILE ...]
    .venv/bin/python experiments/instructions/prototype.py --precondition --layouts 3 --json out.json FILE

Options worth knowing: --cache-sim (I1/D1/LL simulation and a cycle estimate), --native (also time each routine
without valgrind, to flag routines that mostly wait), --layouts K (measure in K heap layouts, report the
minimum and the spread), --precondition (fresh pymalloc pools before each interval), --diagnose (dump-only
markers, so that the per-function costs in the files are right), --only WORD, --python PYTHON.

How it works
------------
The parent starts ONE valgrind process:

    valgrind --tool=callgrind --zero-before=getsid --dump-before=getpgid \
             --callgrind-out-file=OUT/cg.%p  PYTHON prototype.py --child ...   (env PYTHONHASHSEED=0)

Inside it, the child imports the bench files, then for each benchmark (in a forked copy of itself, so that
benchmarks cannot influence each other and start-up is paid once) runs *marked intervals*:

    os.getsid(0)              # callgrind zeroes its counters when libc's getsid is entered
    for _ in it: routine()    # n iterations
    os.getpgid(0)             # callgrind writes a dump when libc's getpgid is entered

Each interval becomes one dump file holding exactly the instructions between the two markers; everything
else (start-up, imports, setup, planning, gc.collect(), the event loop's start and stop) is zeroed before
the next interval and never written. Per-iteration counts are the slope over intervals of N, 2N and 3N
iterations, so the markers' and the loop's fixed costs cancel; the second difference checks linearity.
The loop's own per-iteration cost is measured the same way on an empty routine and subtracted ("net").
The parent reads the dump files itself (cgfile.py) after valgrind exits and prints a table.

No compiled code of ours is involved: getsid and getpgid are exported libc functions that CPython calls
only from os.getsid / os.getpgid; the runner checks that every dump came from its own markers.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import inspect
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Awaitable, Callable, Generator
from itertools import repeat
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from cgfile import dump_path, read_totals  # noqa: E402

START_FN = "getsid"  # os.getsid(0): callgrind zeroes all counters on entry
END_FN = "getpgid"  # os.getpgid(0): callgrind dumps (and zeroes) on entry
# Pinned cache geometry so the simulated misses do not depend on the host (valgrind's autodetection gives a
# 256 MiB direct-mapped "LL" on this VM). LL sets must be a power of two.
CACHES = ("--I1=32768,8,64", "--D1=32768,8,64", "--LL=8388608,16,64")
CACHE_EVENTS = ("Ir", "Dr", "Dw", "I1mr", "D1mr", "D1mw", "ILmr", "DLmr", "DLmw")


def valgrind_command(
    python: str, out_dir: Path, cache_sim: bool, child_args: list[str], diagnose: bool = False
) -> list[str]:
    cmd = [
        "valgrind",
        "--tool=callgrind",
        f"--dump-before={START_FN}" if diagnose else f"--zero-before={START_FN}",
        f"--dump-before={END_FN}",
        f"--callgrind-out-file={out_dir / 'cg'}.%p",
        "--quiet",
    ]
    if cache_sim:
        cmd += ["--cache-sim=yes", *CACHES]
    return [*cmd, python, str(Path(__file__).resolve()), "--child", *child_args]


# ----------------------------------------------------------------------------------------------------------
# Child side: runs inside valgrind.
# ----------------------------------------------------------------------------------------------------------

# Compiled afresh for every benchmark, so each gets code objects of its own: CPython 3.11 specialises
# bytecode per code object, and a loop shared by several routines would keep re-specialising its call site
# (with exponential back-off), which shows up as a few hundred instructions here and there.
# The markers are METH_O/FASTCALL builtins, whose call sites specialise; os.getppid() (METH_NOARGS) does not
# in 3.11 and retries its specialisation now and then inside the intervals. The iterator is made outside.
TEMPLATES = """
def loop(routine, it, start, end):
    start(0)
    for _ in it:
        routine()
    end(0)

async def aloop(routine, it, start, end):
    start(0)
    for _ in it:
        await routine()
    end(0)

def batches(setup, routine, sizes, start, end, clock):
    spent = 0.0
    for size in sizes:
        inputs = [setup() for _ in repeat(None, size)]
        t0 = clock()  # before the zeroing marker: not counted
        start(0)
        outputs = list(map(routine, inputs))
        end(0)
        spent += clock() - t0  # after the dump: not counted
        del outputs, inputs
    return spent

def custom(routine, n, start, end):
    start(0)
    routine(n)
    end(0)
"""


def fresh_templates() -> dict[str, Any]:
    namespace: dict[str, Any] = {"repeat": repeat}
    exec(compile(TEMPLATES, "<critbench-instructions>", "exec"), namespace)
    return namespace


class Recorder:
    """Counts this process's dumps, so an interval knows which files hold it.

    Markers "zero" (default): the start marker zeroes, the end marker dumps: one file per interval.
    Markers "dump" (--diagnose): both markers dump, so every other file is the gap between intervals; slower,
    but then the per-function costs in an interval's file are right (after --zero-before, the file's body
    still holds costs from before the zero; only its "summary:" line is the interval's count).
    """

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.pid = os.getpid()
        self.base = out_dir / f"cg.{self.pid}"
        self.count = 0
        self.step = 2 if os.environ.get("CRITBENCH_CG_MARKERS") == "dump" else 1

    def took(self, intervals: int) -> list[int]:
        indices = [self.count + self.step * (k + 1) for k in range(intervals)]
        self.count += self.step * intervals
        for i in indices:
            if not dump_path(self.base, i).exists():
                raise RuntimeError(
                    f"no dump {dump_path(self.base, i)}: not running under callgrind with --dump-before={END_FN}?"
                )
        return indices

    def ir(self, indices: list[int]) -> int:
        return sum(read_totals(dump_path(self.base, i)).ir for i in indices)


RECORDER: Recorder | None = None


def recorder() -> Recorder:
    global RECORDER  # noqa: PLW0603
    if RECORDER is None or RECORDER.pid != os.getpid():
        RECORDER = Recorder(Path(os.environ["CRITBENCH_CG_DIR"]))
    return RECORDER


PLAN: dict[str, Any] = {"target_ir": 4_000_000, "ir_budget": 400_000_000, "budget_s": 20.0, "max_batches": 60}

Interval = tuple[list[int], float, int]  # dump indices, seconds under valgrind, instructions (read back)


def planner(
    batch_of: Callable[[int], int] | None = None, state: dict[str, Any] | None = None
) -> Generator[int, Interval, dict[str, Any]]:
    """Yields iteration counts to run as marked intervals; returns what was run.

    Three one-iteration intervals warm up the fresh loop (CPython quickens a code object after a few calls
    and back-edges) and the routine's first calls; then the interval grows fourfold until it holds a quarter
    of the target instructions and at least 16 iterations were run; then N, 2N, 3N are measured, N chosen
    from the last warm-up. Every decision depends on instruction counts only, so that two runs make the same
    decisions whatever the machine's load (a time limit applies only to routines that mostly wait, and is
    reported). ``batch_of(n)`` (batched routines) gives the batch size for a count, which also caps N.
    """
    runs: list[list[Any]] = []
    ir_budget, time_budget = PLAN["ir_budget"], PLAN["budget_s"]
    n = 1
    warm_iters, warm_ir, warm_s, time_capped = 0, 0, 0.0, False
    for _ in range(3):
        indices, seconds, ir = yield n
        runs.append(["warm", n, indices, seconds])
        warm_iters, warm_ir, warm_s = warm_iters + n, warm_ir + ir, warm_s + seconds
    while ir < PLAN["target_ir"] / 4 or warm_iters < 16:
        if warm_ir + 4 * ir > ir_budget / 2:
            break
        if warm_s + 4 * seconds > time_budget / 2:  # only a routine that mostly waits gets here
            time_capped = time_capped or ir < PLAN["target_ir"] / 4
            break
        n *= 4
        if batch_of is not None and math.ceil(n / batch_of(n)) * 6 > PLAN["max_batches"]:
            n //= 4
            break
        indices, seconds, ir = yield n
        runs.append(["warm", n, indices, seconds])
        warm_iters, warm_ir, warm_s = warm_iters + n, warm_ir + ir, warm_s + seconds
    per_iter_ir = max(ir / n, 1.0)
    per_iter_s = max(seconds / n, 1e-9)
    big_n = max(1, math.ceil(PLAN["target_ir"] / per_iter_ir))
    big_n = max(1, min(big_n, math.floor(ir_budget / 6 / per_iter_ir)))
    if 6 * big_n * per_iter_s > time_budget and big_n > 1:
        big_n = max(1, math.floor(time_budget / 6 / per_iter_s))
        time_capped = True
    if batch_of is not None:
        size = batch_of(big_n)
        big_n = max(size, (big_n // size) * size)  # whole batches: N, 2N, 3N hold K, 2K, 3K batches
        while big_n > size and 6 * big_n // size > PLAN["max_batches"]:
            big_n -= size
        if state is not None:
            state["batch"] = size  # the same batch size for N, 2N and 3N
    for m in (1, 2, 3):
        gc.collect()  # same collector state at the start of every measured interval
        indices, seconds, _ = yield m * big_n
        runs.append(["measure", m * big_n, indices, seconds])
    return {
        "runs": runs,
        "N": big_n,
        "batch": state.get("batch") if state is not None else None,
        "time_capped": time_capped,
    }


KEEPERS: list[Any] = []


def precondition() -> None:
    """Give every small pymalloc size class a nearly empty pool at the front of its used-pool list.

    pymalloc serves an allocation from the pool at the front of its size class's list. When a routine's
    short-lived objects share a pool that is otherwise full of long-lived objects, every free of theirs makes
    that pool "not full" again (it is relinked to the front) and the next allocation fills it (unlinked):
    ~10 more instructions per allocation, in a mode that any unrelated change of the heap switches on or
    off. Allocating two pools' worth of blocks per class and keeping only the last one alive leaves the
    routine a pool with room to spare. Runs outside the marked interval.
    """
    KEEPERS.clear()
    for size in (16, 32):  # object() is 16 bytes; a 2-digit int 32
        made = [object() for _ in range(2 * 16384 // size)] if size == 16 else [2**40 + i for i in range(1024)]
        KEEPERS.append(made[-1])
        del made
    for payload in range(15, 480, 16):  # bytes of 33 + payload bytes: the classes from 48 to 512
        made = [bytes(payload) for _ in range(2 * 16384 // (33 + payload) + 1)]
        KEEPERS.append(made[-1])
        del made


def drive(gen: Generator[int, Interval, dict[str, Any]], run: Callable[[int], tuple[int, float]]) -> dict[str, Any]:
    rec = recorder()
    try:
        n = next(gen)
        while True:
            if PLAN.get("precondition"):
                precondition()
            dumps, seconds = run(n)
            indices = rec.took(dumps)
            n = gen.send((indices, seconds, rec.ir(indices)))
    except StopIteration as stop:
        return stop.value  # type: ignore[no-any-return]


async def drive_async(
    gen: Generator[int, Interval, dict[str, Any]], run: Callable[[int], Awaitable[tuple[int, float]]]
) -> dict[str, Any]:
    rec = recorder()
    try:
        n = next(gen)
        while True:
            if PLAN.get("precondition"):
                precondition()
            dumps, seconds = await run(n)
            indices = rec.took(dumps)
            n = gen.send((indices, seconds, rec.ir(indices)))
    except StopIteration as stop:
        return stop.value  # type: ignore[no-any-return]


def sync_runner(routine: Callable[[], object]) -> Callable[[int], tuple[int, float]]:
    loop = fresh_templates()["loop"]
    start, end = os.getsid, os.getpgid

    def run(n: int) -> tuple[int, float]:
        it = repeat(None, n)
        t = time.perf_counter()
        loop(routine, it, start, end)
        return 1, time.perf_counter() - t

    return run


def async_runner(routine: Callable[[], Awaitable[object]]) -> Callable[[int], Awaitable[tuple[int, float]]]:
    aloop = fresh_templates()["aloop"]
    start, end = os.getsid, os.getpgid

    async def run(n: int) -> tuple[int, float]:
        it = repeat(None, n)
        t = time.perf_counter()
        await aloop(routine, it, start, end)
        return 1, time.perf_counter() - t

    return run


def in_runner(
    runner: asyncio.Runner, run: Callable[[int], Awaitable[tuple[int, float]]]
) -> Callable[[int], tuple[int, float]]:
    # The coroutine brackets itself with the markers: creating the task, starting and stopping the event
    # loop for it happen outside the interval.
    return lambda n: runner.run(run(n))  # type: ignore[arg-type]


def batched_runner(
    setup: Callable[[], Any], routine: Callable[[Any], object], batch_of: Callable[[int], int], state: dict[str, Any]
) -> Callable[[int], tuple[int, float]]:
    batches = fresh_templates()["batches"]
    start, end = os.getsid, os.getpgid

    def run(n: int) -> tuple[int, float]:
        size = state.get("batch") or batch_of(n)
        sizes = [size] * (n // size) + ([n % size] if n % size else [])
        return len(sizes), batches(setup, routine, sizes, start, end, time.perf_counter)

    return run


def custom_runner(routine: Callable[[int], object]) -> Callable[[int], tuple[int, float]]:
    custom = fresh_templates()["custom"]
    start, end = os.getsid, os.getpgid

    def run(n: int) -> tuple[int, float]:
        t = time.perf_counter()
        custom(routine, n, start, end)
        return 1, time.perf_counter() - t

    return run


def batch_size_for(batch_size: Any, iters: int) -> int:
    if batch_size == "small":
        return math.ceil(iters / 10)
    if batch_size == "large":
        return math.ceil(iters / 1000)
    if batch_size == "per_iteration":
        return 1
    return int(batch_size)


def _noop() -> None:
    pass


def _noop_input(_: object) -> None:
    pass


async def _anoop() -> None:
    pass


class CallgrindBencher:
    """Stands in for critbench's Bencher (same iter* methods, duck-typed so that the prototype does not
    depend on the Bencher base class, which is being reworked): runs marked intervals instead of timing."""

    def __init__(self, benchmark_id: Any) -> None:
        self._id = benchmark_id
        self.record: dict[str, Any] | None = None

    @property
    def id(self) -> Any:
        return self._id

    def _done(self, kind: str, result: dict[str, Any], **extra: Any) -> None:
        if self.record is not None:
            raise RuntimeError("the benchmark called more than one iter* method")
        self.record = {"kind": kind, **result, **extra}

    def iter(self, routine: Callable[[], object]) -> None:
        self._done("iter", drive(planner(), sync_runner(routine)))

    def iter_custom(self, routine: Callable[[int], object]) -> None:
        self._done("custom", drive(planner(), custom_runner(routine)))

    def iter_batched(
        self, setup: Callable[[], Any], routine: Callable[[Any], object], batch_size: Any = "small"
    ) -> None:
        def batch_of(n: int) -> int:
            return max(1, min(n, batch_size_for(batch_size, n)))

        state: dict[str, Any] = {}
        result = drive(planner(batch_of, state), batched_runner(setup, routine, batch_of, state))
        # The empty routine with exactly the same batch layout: what list(map()) and the markers cost per batch
        # and per item. Subtracted, it leaves the routine alone (setup and dropping the outputs are outside).
        same = {"batch": result["batch"]}
        calibration = drive(planner_fixed(result["N"]), batched_runner(_none, _noop_input, batch_of, same))
        self._done("batched", result, calibration=calibration)

    def iter_async(self, routine: Callable[[], Awaitable[object]]) -> Awaitable[None]:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            with asyncio.Runner() as runner:
                self._done("async", drive(planner(), in_runner(runner, async_runner(routine))))
            return _Done()
        return self._in_loop(routine)

    async def _in_loop(self, routine: Callable[[], Awaitable[object]]) -> None:
        self._done("async", await drive_async(planner(), async_runner(routine)))


def _none() -> None:
    return None


def planner_fixed(big_n: int) -> Generator[int, Interval, dict[str, Any]]:
    """Same warm-up and N, 2N, 3N as a measured planner, with N given (for calibrations)."""
    runs: list[list[Any]] = []
    for _ in range(3):
        indices, seconds, _ = yield 1
        runs.append(["warm", 1, indices, seconds])
    for m in (1, 2, 3):
        gc.collect()
        indices, seconds, _ = yield m * big_n
        runs.append(["measure", m * big_n, indices, seconds])
    return {"runs": runs, "N": big_n, "batch": None}


class _Done:
    def __await__(self) -> Generator[Any, None, None]:
        return
        yield


def load_instances(files: list[str]) -> list[tuple[str, Callable[..., Any], tuple[Any, ...]]]:
    """(id, benchmark function, extra args) for every benchmark of the files, in file order."""
    from critbench.api import collecting
    from critbench.engine._loading import import_file

    found = []
    for index, name in enumerate(files):
        path = Path(name).resolve()
        sys.path.insert(0, str(path.parent))
        with collecting() as specs:
            import_file(path, f"critbench_instructions_target_{index}")
        for spec in specs:
            for inst in spec.instances(path.stem):
                args = (inst.parameter,) if inst.has_parameter else ()
                found.append((inst.id.full_id, spec.function, args))
    return found


def call_benchmark(function: Callable[..., Any], bencher: Any, args: tuple[Any, ...]) -> None:
    if inspect.iscoroutinefunction(function):
        asyncio.run(function(bencher, *args))
        return
    returned = function(bencher, *args)
    if inspect.isawaitable(returned):

        async def wait() -> None:
            await returned

        asyncio.run(wait())


def measure_one(benchmark_id: str, function: Callable[..., Any], args: tuple[Any, ...]) -> dict[str, Any]:
    started = time.perf_counter()
    bencher = CallgrindBencher(benchmark_id)
    try:
        call_benchmark(function, bencher, args)
        if bencher.record is None:
            raise RuntimeError("the benchmark called no iter* method")
        record = bencher.record
    except Exception as exc:
        record = {"error": f"{type(exc).__name__}: {exc}", "detail": traceback.format_exc()}
    record.update(id=benchmark_id, pid=os.getpid(), dumps=recorder().count, wall_s=time.perf_counter() - started)
    return record


PERTURBATION: list[Any] = []


def perturb_heap(layout: int) -> None:
    """Layout 0: the heap as the imports left it. Layout k > 0: first allocate a seeded assortment of small
    objects (ints, floats, bytes and tuples: pymalloc size classes from 24 to 512 bytes; larger bytes for glibc
    malloc) and free a random half of them, leaving holes. The spread of a routine's count over layouts is how much it depends on the
    allocator's state, which any unrelated change (an environment variable, a longer path, one more import)
    also moves."""
    if layout == 0:
        return
    import random

    rng = random.Random(layout)
    made: list[Any] = []
    for _ in range(rng.randrange(500, 5000)):
        kind = rng.randrange(4)
        if kind == 0:
            made.append(rng.randrange(2**31, 2**62))
        elif kind == 1:
            made.append(rng.random())
        elif kind == 2:
            made.append(bytes(rng.randrange(0, 480)))
        else:
            made.append((None,) * rng.randrange(1, 60))
    for _ in range(rng.randrange(20, 200)):  # above 512 bytes: glibc malloc's bins and top chunk
        made.append(bytes(rng.randrange(513, 65536)))
    PERTURBATION.append([o for o in made if rng.random() < 0.5])
    del made


def child_main(args: argparse.Namespace) -> int:
    out_dir = Path(args.out_dir)
    os.environ["CRITBENCH_CG_DIR"] = str(out_dir)
    for key, value in json.loads(args.plan).items():
        PLAN[key] = value
    t0 = time.perf_counter()
    instances = load_instances(args.files)
    loaded_s = time.perf_counter() - t0
    if args.only:
        instances = [i for i in instances if any(word in i[0] for word in args.only)]
    # The loop's own cost per iteration, measured once in the root process (forks inherit nothing from it
    # that matters: every benchmark gets fresh loop code).
    calibration = {"iter": drive(planner_fixed(20_000), sync_runner(_noop))}
    with asyncio.Runner() as runner:
        calibration["async"] = drive(planner_fixed(5_000), in_runner(runner, async_runner(_anoop)))
    calibration_s = time.perf_counter() - t0 - loaded_s
    results = []
    jobs = [(b, f, e, k) for b, f, e in instances for k in range(args.layouts)]
    forks: list[tuple[str, int, float]] = []
    for benchmark_id, function, extra, layout in jobs:
        if args.isolate == "fork":
            sys.stdout.flush()
            sys.stderr.flush()
            t = time.perf_counter()
            pid = os.fork()
            if pid == 0:  # the forked copy measures one benchmark, writes its record to a file and exits
                code = 0
                try:
                    perturb_heap(layout)
                    record = measure_one(benchmark_id, function, extra)
                    record["layout"] = layout
                    (out_dir / f"record.{os.getpid()}.json").write_text(json.dumps(record))
                except BaseException:
                    traceback.print_exc()
                    code = 1
                finally:
                    sys.stdout.flush()
                    sys.stderr.flush()
                    os._exit(code)
            # The root only waits: reading the record here (its timings differ from run to run) would leave
            # the heap that the next fork inherits different from run to run.
            os.waitpid(pid, 0)
            forks.append((benchmark_id, pid, time.perf_counter() - t))
        else:
            results.append(measure_one(benchmark_id, function, extra))
    for benchmark_id, pid, fork_wall_s in forks:
        path = out_dir / f"record.{pid}.json"
        record = json.loads(path.read_text()) if path.exists() else {"error": "the forked worker died"}
        record["fork_wall_s"] = fork_wall_s
        record.setdefault("id", benchmark_id)
        results.append(record)
    manifest = {
        "root_pid": os.getpid(),
        "root_dumps": recorder().count,
        "calibration": calibration,
        "benchmarks": results,
        "load_s": loaded_s,
        "calibration_s": calibration_s,
        "child_s": time.perf_counter() - t0,
        "python": sys.version,
        "hashseed": os.environ.get("PYTHONHASHSEED"),
        "isolate": args.isolate,
    }
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=1))
    return 0


# ----------------------------------------------------------------------------------------------------------
# Native timing (no valgrind): the same loops, timed, for the cost comparison and the wait detection.
# ----------------------------------------------------------------------------------------------------------


class NativeBencher(CallgrindBencher):
    """Times the routine with the harness's plain loop: 5 samples of ~0.1 s after ~0.2 s of warm-up."""

    def _time(self, run: Callable[[int], float]) -> dict[str, Any]:
        n, spent = 1, 0.0
        while spent < 0.02:
            spent = run(n)
            n *= 2
        n = max(1, int(n / 2 * 0.1 / max(spent, 1e-9)))
        deadline = time.perf_counter() + 0.2
        while time.perf_counter() < deadline:
            run(n)
        samples = [run(n) / n for _ in range(5)]
        return {"native_s_per_iter": statistics.median(samples), "native_min_s": min(samples), "native_n": n}

    def iter(self, routine: Callable[[], object]) -> None:
        def run(n: int) -> float:
            t = time.perf_counter()
            for _ in repeat(None, n):
                routine()
            return time.perf_counter() - t

        self._done("iter", self._time(run))

    def iter_custom(self, routine: Callable[[int], object]) -> None:
        def run(n: int) -> float:
            t = time.perf_counter()
            routine(n)
            return time.perf_counter() - t

        self._done("custom", self._time(run))

    def iter_batched(
        self, setup: Callable[[], Any], routine: Callable[[Any], object], batch_size: Any = "small"
    ) -> None:
        def run(n: int) -> float:
            size = max(1, min(n, batch_size_for(batch_size, n)))
            elapsed, left = 0.0, n
            while left > 0:
                inputs = [setup() for _ in range(min(size, left))]
                t = time.perf_counter()
                outputs = list(map(routine, inputs))
                elapsed += time.perf_counter() - t
                left -= len(inputs)
                del outputs, inputs
            return elapsed

        self._done("batched", self._time(run))

    def iter_async(self, routine: Callable[[], Awaitable[object]]) -> Awaitable[None]:
        async def timed(n: int) -> float:
            t = time.perf_counter()
            for _ in repeat(None, n):
                await routine()
            return time.perf_counter() - t

        try:
            asyncio.get_running_loop()
        except RuntimeError:
            with asyncio.Runner() as runner:
                self._done("async", self._time(lambda n: runner.run(timed(n))))
            return _Done()

        async def in_loop() -> None:
            # Inside a running loop, time with a nested synchronous driver is impossible: sample by awaiting.
            n, spent = 1, 0.0
            while spent < 0.02:
                spent = await timed(n)
                n *= 2
            n = max(1, int(n / 2 * 0.1 / max(spent, 1e-9)))
            samples = [await timed(n) / n for _ in range(5)]
            self._done(
                "async", {"native_s_per_iter": statistics.median(samples), "native_min_s": min(samples), "native_n": n}
            )

        return in_loop()


def native_main(args: argparse.Namespace) -> int:
    instances = load_instances(args.files)
    if args.only:
        instances = [i for i in instances if any(word in i[0] for word in args.only)]
    out = {}
    for benchmark_id, function, extra in instances:
        bencher = NativeBencher(benchmark_id)
        t = time.perf_counter()
        call_benchmark(function, bencher, extra)
        out[benchmark_id] = {**(bencher.record or {}), "native_wall_s": time.perf_counter() - t}
    Path(args.out_dir, "native.json").write_text(json.dumps(out, indent=1))
    return 0


# ----------------------------------------------------------------------------------------------------------
# Parent side: start valgrind, read the dumps, compute, print.
# ----------------------------------------------------------------------------------------------------------


def events_of(out_dir: Path, pid: int, indices: list[int]) -> dict[str, int]:
    total: dict[str, int] = {}
    for i in indices:
        dump = read_totals(dump_path(out_dir / f"cg.{pid}", i))
        if dump.trigger != f"--dump-before={END_FN}":
            raise RuntimeError(f"dump {dump.path} was triggered by {dump.trigger!r}, not by the end marker")
        for event, value in dump.totals.items():
            total[event] = total.get(event, 0) + value
    return total


def fit(out_dir: Path, pid: int, result: dict[str, Any]) -> dict[str, Any]:
    """Per-iteration slope of every event over the N, 2N, 3N intervals, and the checks."""
    measured = [r for r in result["runs"] if r[0] == "measure"]
    (_, n1, i1, s1), (_, _n2, i2, _s2), (_, n3, i3, s3) = measured
    e1, e2, e3 = (events_of(out_dir, pid, i) for i in (i1, i2, i3))
    slope = {e: (e3[e] - e1[e]) / (n3 - n1) for e in e1}
    second = {e: e3[e] - 2 * e2[e] + e1[e] for e in e1}
    return {
        "N": n1,
        "slope": slope,
        "second_diff": second,  # 0 when the three intervals are exactly linear in n
        "fixed": {e: e1[e] - slope[e] * n1 for e in e1},  # cost of an interval with no iteration
        "intervals": [e1, e2, e3],
        # slopes, so the dump written at the end marker (milliseconds) does not count
        "seconds_per_iter": max(s3 - s1, 0.0) / (n3 - n1),
        "ir_per_second": (e3["Ir"] - e1["Ir"]) / max(s3 - s1, 1e-9),
    }


def cycles(ev: dict[str, float]) -> float | None:
    """iai-callgrind's / pythonspeed's estimate: L1 hits + 5 x LL hits + 35 x RAM (LL-miss) accesses."""
    if not all(e in ev for e in CACHE_EVENTS):
        return None
    l1_access = ev["Ir"] + ev["Dr"] + ev["Dw"]
    l1_miss = ev["I1mr"] + ev["D1mr"] + ev["D1mw"]
    ram = ev["ILmr"] + ev["DLmr"] + ev["DLmw"]
    return (l1_access - l1_miss) + 5 * (l1_miss - ram) + 35 * ram


def analyse(out_dir: Path) -> dict[str, Any]:
    manifest = json.loads((out_dir / "manifest.json").read_text())
    root = manifest["root_pid"]
    calib = {kind: fit(out_dir, root, res) for kind, res in manifest["calibration"].items()}
    rows = []
    for bench in manifest["benchmarks"]:
        row: dict[str, Any] = {"id": bench.get("id"), "kind": bench.get("kind"), "wall_s": bench.get("wall_s")}
        row["fork_wall_s"] = bench.get("fork_wall_s")
        if "error" in bench:
            row["error"] = bench["error"]
            rows.append(row)
            continue
        pid = bench["pid"]
        files = {p.name for p in out_dir.glob(f"cg.{pid}.*")}
        if manifest["isolate"] == "fork" and len(files) != bench["dumps"]:
            row["error"] = f"{len(files)} dumps for {bench['dumps']} marked intervals: the routine calls {END_FN}?"
            rows.append(row)
            continue
        raw = fit(out_dir, pid, bench)
        if bench["kind"] == "batched":
            base = fit(out_dir, pid, bench["calibration"])
        elif bench["kind"] in ("iter", "async"):
            base = calib[bench["kind"]]
        else:
            base = None
        overhead = base["slope"] if base else dict.fromkeys(raw["slope"], 0.0)
        net = {e: raw["slope"][e] - overhead.get(e, 0.0) for e in raw["slope"]}
        row.update(
            N=raw["N"],
            batch=bench.get("batch"),
            raw=raw["slope"],
            overhead=overhead,
            net=net,
            second_diff=raw["second_diff"],
            fixed=raw["fixed"],
            intervals=raw["intervals"],
            cycles=cycles(net),
            raw_cycles=cycles(raw["slope"]),
            vg_s_per_iter=raw["seconds_per_iter"],
            vg_s_per_iter_net=raw["seconds_per_iter"] - (base["seconds_per_iter"] if base else 0.0),
            layout=bench.get("layout", 0),
            time_capped=bench.get("time_capped", False),
            ir_per_second=raw["ir_per_second"],
        )
        rows.append(row)
    return {"manifest": manifest, "calibration": calib, "rows": rows}


def fmt(x: float | None, digits: int = 0) -> str:
    if x is None:
        return "-"
    return f"{x:,.{digits}f}"


def group_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One entry per benchmark: the minimum over its heap layouts, and their spread."""
    order: list[str] = []
    by_id: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        if row["id"] not in by_id:
            order.append(row["id"])
            by_id[row["id"]] = []
        by_id[row["id"]].append(row)
    grouped = []
    for bid in order:
        rs = by_id[bid]
        ok = [r for r in rs if "error" not in r]
        if not ok:
            grouped.append(rs[0])
            continue
        ok.sort(key=lambda r: r["net"]["Ir"])
        mid = ok[0]  # the minimum over layouts: allocator slow paths only ever add instructions
        nets = [r["net"]["Ir"] for r in ok]
        grouped.append(
            {
                **mid,
                "layouts": len(ok),
                "net_values": nets,
                "spread_pct": (max(nets) - min(nets)) / max(abs(mid["net"]["Ir"]), 1e-9) * 100,
                "nonlinear_pct": max(abs(r["second_diff"]["Ir"]) / max(r["intervals"][2]["Ir"], 1) * 100 for r in ok),
                "wall_s": sum(r.get("fork_wall_s") or r.get("wall_s") or 0 for r in rs),
            }
        )
    return grouped


def print_table(result: dict[str, Any], native: dict[str, Any] | None, elapsed: float, out=sys.stdout) -> None:
    calib_rate = result["calibration"]["iter"]["ir_per_second"]
    rows = group_rows(result["rows"])
    result["grouped"] = rows
    print(
        f"{'benchmark':42} {'kind':7} {'N':>6} {'Ir/iter':>14} {'layout±':>8} {'raw Ir/iter':>14} {'nonlin':>7} "
        f"{'cycles/iter':>14} {'vg s':>6} {'native':>9}  flags",
        file=out,
    )
    for row in rows:
        if "error" in row:
            print(f"{row['id']:42} {row.get('kind') or '-':7} ERROR {row['error']}", file=out)
            continue
        native_s = (native or {}).get(row["id"], {}).get("native_s_per_iter")
        flags = []
        # A routine that mostly waits: its wall time is not explained by its instructions. Natively, CPython
        # retires ~1-4 G instructions/s, so < 0.3 G/s means waiting; under valgrind a wait is not slowed down
        # while computing is (x50-100), so the signal is weaker: 10x under the calibration loop's rate.
        if native_s:
            rate = row["raw"]["Ir"] / native_s
            if rate < 3e8:
                flags.append(f"waits ({rate / 1e9:.2f} G instr/s natively)")
        vg_rate = row["net"]["Ir"] / row["vg_s_per_iter_net"] if row["vg_s_per_iter_net"] > 0 else math.inf
        if vg_rate < calib_rate / 10:
            flags.append(f"waits ({calib_rate / vg_rate:.0f}x slower than its instructions)")
        if row.get("time_capped"):
            flags.append("N limited by time (not reproducible)")
        if row["nonlinear_pct"] > 0.1:
            flags.append(f"not linear in N ({row['nonlinear_pct']:.2f}%)")
        spread = f"{row['spread_pct']:.3f}%" if row["layouts"] > 1 else "-"
        print(
            f"{row['id']:42} {row['kind']:7} {row['N']:>6} {fmt(row['net']['Ir'], 1):>14} {spread:>8} "
            f"{fmt(row['raw']['Ir'], 1):>14} {row['nonlinear_pct']:>6.3f}% {fmt(row['cycles'], 0):>14} "
            f"{fmt(row['wall_s'], 1):>6} {_si(native_s):>9}  {'; '.join(flags)}",
            file=out,
        )
    m = result["manifest"]
    bench_s = sum(r.get("wall_s") or 0 for r in rows)
    print(
        f"\none valgrind process: {elapsed:.1f} s wall; in it: start-up and imports until the child ran "
        f"{elapsed - m['child_s']:.1f} s, loading the bench files {m['load_s']:.1f} s, calibration "
        f"{m['calibration_s']:.1f} s, benchmarks {bench_s:.1f} s ({len(rows)} benchmarks); "
        f"loop overhead subtracted: {result['calibration']['iter']['slope']['Ir']:.1f} Ir/iter (iter), "
        f"{result['calibration']['async']['slope']['Ir']:.1f} Ir/iter (async); PYTHONHASHSEED={m['hashseed']}",
        file=out,
    )
    print(
        "columns: Ir/iter = instructions per iteration, net of the loop (minimum over heap layouts); layout± = "
        "max-min over layouts; nonlin = |I(3N) - 2 I(2N) + I(N)| / I(3N); cycles = L1 hits + 5 LL hits + 35 RAM",
        file=out,
    )
    if any(row.get("cycles") is not None for row in rows):
        print("\ncache events per iteration (net of the loop):", file=out)
        print(f"{'benchmark':42} " + " ".join(f"{e:>11}" for e in CACHE_EVENTS), file=out)
        for row in rows:
            if "net" in row:
                print(f"{row['id']:42} " + " ".join(f"{row['net'][e]:>11,.1f}" for e in CACHE_EVENTS), file=out)


def _si(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    for unit, scale in (("s", 1), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def parent_main(args: argparse.Namespace) -> int:
    if shutil.which("valgrind") is None:
        print(
            "valgrind is not installed: instruction counts are unavailable (apt-get install valgrind)", file=sys.stderr
        )
        return 2
    out_dir = Path(args.out_dir) if args.out_dir else Path(tempfile.mkdtemp(prefix="critbench-cg-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in [*out_dir.glob("cg.*"), out_dir / "manifest.json", out_dir / "native.json"]:
        if old.exists():
            old.unlink()
    python = args.python or sys.executable
    plan = json.dumps(
        {
            "target_ir": args.target_ir,
            "ir_budget": args.ir_budget,
            "budget_s": args.budget_s,
            "max_batches": args.max_batches,
            "precondition": args.precondition,
        }
    )
    child_args = ["--out-dir", str(out_dir), "--plan", plan, "--isolate", args.isolate, "--layouts", str(args.layouts)]
    for word in args.only or []:
        child_args += ["--only", word]
    child_args += ["--", *[str(Path(f).resolve()) for f in args.files]]
    native = None
    if args.native:
        subprocess.run([python, str(Path(__file__).resolve()), "--native-child", *child_args], check=True)
        native = json.loads((out_dir / "native.json").read_text())
    cmd = valgrind_command(python, out_dir, args.cache_sim, child_args, args.diagnose)
    if args.setarch:
        cmd = ["setarch", os.uname().machine, "-R", *cmd]
    env = {**os.environ, "PYTHONHASHSEED": args.hashseed, "CRITBENCH_CG_MARKERS": "dump" if args.diagnose else "zero"}
    if args.hashseed == "random":
        env.pop("PYTHONHASHSEED")
    print("$ " + " ".join(cmd), file=sys.stderr)
    t = time.perf_counter()
    proc = subprocess.run(cmd, env=env, check=False)
    elapsed = time.perf_counter() - t
    if proc.returncode != 0:
        print(f"valgrind exited with {proc.returncode}", file=sys.stderr)
        return 1
    result = analyse(out_dir)
    result["elapsed_s"] = elapsed
    result["native"] = native
    result["command"] = cmd
    print_table(result, native, elapsed)
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1, default=str))
    print(f"\ncallgrind files and manifest: {out_dir}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", help="bench files (critbench's @bench API)")
    parser.add_argument("--python", help="the Python to measure with (default: this one)")
    parser.add_argument("--cache-sim", action="store_true", help="simulate I1/D1/LL caches and estimate cycles")
    parser.add_argument("--native", action="store_true", help="also time each routine natively, without valgrind")
    parser.add_argument(
        "--isolate", choices=("fork", "none"), default="fork", help="fork a copy per benchmark (default)"
    )
    parser.add_argument("--only", action="append", help="only benchmarks whose id contains this (repeatable)")
    parser.add_argument("--out-dir", help="where callgrind writes its files (default: a new temporary folder)")
    parser.add_argument("--json", help="write every figure to this file")
    parser.add_argument("--target-ir", type=int, default=4_000_000, help="instructions in the N-interval (default 4M)")
    parser.add_argument(
        "--ir-budget", type=int, default=400_000_000, help="instructions for the 6N measured iterations (default 400M)"
    )
    parser.add_argument(
        "--budget-s",
        type=float,
        default=20.0,
        help="valgrind seconds for 6N iterations, for waiting routines (default 20)",
    )
    parser.add_argument("--max-batches", type=int, default=60)
    parser.add_argument("--precondition", action="store_true", help="give pymalloc a fresh pool per size class first")
    parser.add_argument("--hashseed", default="0", help="PYTHONHASHSEED for the valgrind process ('random': unset)")
    parser.add_argument("--setarch", action="store_true", help="run valgrind under setarch -R (no ASLR)")
    parser.add_argument("--diagnose", action="store_true", help="both markers dump: per-function costs are valid")
    parser.add_argument(
        "--layouts", type=int, default=1, help="measure each benchmark in this many heap layouts (fork only; default 1)"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--native-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--plan", default="{}", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child_main(args)
    if args.native_child:
        return native_main(args)
    return parent_main(args)


if __name__ == "__main__":
    sys.exit(main())
