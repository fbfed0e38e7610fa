"""The counting worker: one bench target's benchmarks, each counted in forked copies of one process.

Run as ``env -i ... valgrind --tool=callgrind ... python -m critbench.engine._counting_worker --out-dir DIR
--fd N --job FILE`` (``_counting_runner`` builds the command). It speaks the runner's protocol on pipe N,
like the timing worker, but measures differently:

1. the root process imports the target once (valgrind's start-up, ~15 s, is paid once per target), reports
   what it declares, and counts the harness loops' own cost on empty routines;
2. for each selected benchmark and each of its ``layouts``, it forks; the child perturbs its heap (layout
   k > 0), counts the benchmark (``_counting``) and exits. Every child starts from the same state, whatever
   ran before it or was filtered out. The root only waits: parsing anything between forks (a record whose
   timings differ from run to run) would leave a different heap for the next fork to inherit;
3. a child writes its count to ``DIR`` for the last layout's child, which sends the benchmark's
   :class:`~critbench.engine._protocol.Measured` with every layout's intervals. A child that fails sends
   :class:`~critbench.engine._protocol.Failed` itself and exits with :data:`REPORTED`; one that dies without
   a word is reported by the root, from its exit status.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import random
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from critbench.engine import _protocol as protocol
from critbench.engine._counting import CountingBencher, LayoutCount, Recorder, calibrate
from critbench.engine._job import Job, read_job, worker_parser
from critbench.engine._sampling import process_count
from critbench.engine._suites import PlainSuite
from critbench.engine._worker import Channel, _ProgressToChannel, _raised, _settings_of, open_job
from critbench.engine._worker_process import describe_exit
from critbench.model import WALL_EVENT, BenchmarkInfo, Failure, FailureKind, Samples, SamplingMode, from_data, to_data

REPORTED = 3
"""A child's exit status when it reported its own failure."""


class CountingSuite(PlainSuite):
    """The target's benchmarks, all counted in this worker (no peak-RSS judging: nothing is timed here)."""

    measures_memory = False


_SURVIVORS: list[Any] = []


def perturb_heap(layout: int) -> None:
    """Layout 0: the heap as the imports left it. Layout k > 0: first allocate a seeded assortment of objects of
    every small size class (ints, floats, bytes, tuples: pymalloc's 24 to 512 bytes; larger bytes for glibc's
    malloc) and free a random half, leaving holes. The spread of a routine's count over layouts is how much it
    depends on the allocator's state, which any unrelated change (an environment variable, a longer path,
    one more import) also moves (experiments/instructions/README.md)."""
    if layout == 0:
        return
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
    made.extend(bytes(rng.randrange(513, 65536)) for _ in range(rng.randrange(20, 200)))
    _SURVIVORS.append([item for item in made if rng.random() < 0.5])
    del made


def _samples(layouts: list[LayoutCount], first_process: int, reference_rate: float | None) -> Samples:
    """Every layout's N, 2N, 3N intervals as one benchmark's samples (process = layout)."""
    names = sorted({name for layout in layouts for events in layout.events for name in events})
    iters, process = [], []
    events: dict[str, list[float]] = {name: [] for name in names}
    for k, layout in enumerate(layouts):
        for n, counted in zip(layout.iters, layout.events, strict=True):
            iters.append(float(n))
            process.append(first_process + k)
            for name in names:
                events[name].append(float(counted.get(name, 0)))
    overhead = {
        name: sum(layout.overhead.get(name, 0.0) for layout in layouts) / len(layouts)
        for name in sorted({name for layout in layouts for name in layout.overhead})
    }
    return Samples(
        mode=SamplingMode.LINEAR,
        iters=tuple(iters),
        times_ns=tuple(events["Ir"]),
        process=tuple(process),
        overhead_ns=overhead.get("Ir", 0.0),
        unit="instructions",
        events={name: tuple(values) for name, values in events.items()},
        overhead_events=overhead or None,
        reference_rate=reference_rate,
    )


def _rate(calibration: Mapping[str, Mapping[str, float]]) -> float | None:
    loop = calibration["iter"]
    return loop["Ir"] / (loop[WALL_EVENT] / 1e9) if loop.get(WALL_EVENT, 0) > 0 else None


def _record_path(out_dir: Path, index: int, layout: int) -> Path:
    return out_dir / f"layout.{index}.{layout}.json"


class _Counter:
    """What every fork of one worker shares: the target, the job, the pipe, the dumps and the loop's cost."""

    def __init__(self, suite: CountingSuite, job: Job, channel: Channel, recorder: Recorder) -> None:
        self.suite, self.job, self.channel, self.recorder = suite, job, channel, recorder
        self.calibration: Mapping[str, Mapping[str, float]] = {}

    def count(self, info: BenchmarkInfo, index: int, layout: int) -> None:
        """In a forked child: count ``info``'s benchmark in ``layout`` and hand the count on."""
        job, channel, recorder = self.job, self.channel, self.recorder
        full_id = info.id.full_id
        layouts = info.settings.layouts
        recorder.forked()
        perturb_heap(layout)
        # Everything alive now (the imports', the layout's) moves to the collector's permanent generation: a
        # full collection inside a counted interval traverses the benchmark's own objects only, however many
        # the process made before it. A routine that makes cycles still pays for collecting them.
        gc.collect()
        gc.freeze()
        pinned = (job.iterations or {}).get(full_id)
        bencher = CountingBencher(info.id, recorder, self.calibration, _ProgressToChannel(channel, full_id), pinned)
        self.suite.instances[full_id].call(bencher)
        counted = bencher.counted()
        if counted.replanned:
            text = (
                f"Warning: {full_id} was counted with N = {counted.iters[0]}, not the baseline's {pinned}: its "
                "count per iteration moved too far for the baseline's N to fit the budget"
            )
            channel.send(protocol.SamplingWarning(full_id, text))
        if layout < layouts - 1:
            _record_path(recorder.out_dir, index, layout).write_text(json.dumps(to_data(counted)))
            return
        found = []
        for k in range(layouts - 1):
            path = _record_path(recorder.out_dir, index, k)
            found.append(from_data(LayoutCount, json.loads(path.read_text())))
            path.unlink()
        samples = _samples([*found, counted], job.process_index * layouts, _rate(self.calibration))
        channel.send(protocol.Measured(full_id, samples, None))

    def fork(self, info: BenchmarkInfo, index: int, layout: int) -> bool:
        """Count one layout in a forked child; whether the benchmark's next layout should follow."""
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            status = 0
            try:
                self.count(info, index, layout)
            except Exception as exc:
                self.channel.send(protocol.Failed(info.id.full_id, _raised(exc)))
                status = REPORTED
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(status)
        _, status = os.waitpid(pid, 0)
        if status == 0:
            return True
        code = os.waitstatus_to_exitcode(status)
        if code != REPORTED:
            reason = describe_exit(code, f"its counting process (layout {layout})")
            self.channel.send(protocol.Failed(info.id.full_id, Failure(FailureKind.CRASH, reason)))
        return False


def run_counting_job(job: Job, channel: Channel, out_dir: Path) -> int:
    opened = open_job(job, channel, CountingSuite)
    if opened is None:
        return 1
    suite, chosen = opened
    if job.list_only or not chosen:
        channel.send(protocol.Done())
        return 0
    counter = _Counter(suite, job, channel, Recorder(out_dir))
    for index, declared in enumerate(chosen):
        info = _settings_of(declared, job)
        layouts = info.settings.layouts
        # One start per benchmark, for all its layouts (each child's progress renews the deadline); the
        # first benchmark's deadline, not the start-up budget, also covers counting the harness loop. The
        # progress counts starts, so it is told of the worker processes, not of the layouts: one start each.
        channel.send(protocol.Start(info.id.full_id, job.process_index, process_count(info.settings)))
        if index == 0:
            try:
                counter.calibration = asyncio.run(calibrate(counter.recorder))
            except Exception as exc:
                channel.send(protocol.Failed(info.id.full_id, _raised(exc, "could not count the harness's own loop: ")))
                return 1
        for layout in range(layouts):
            if not counter.fork(info, index, layout):
                break
    channel.send(protocol.Done())
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = worker_parser("critbench-counting-worker")
    parser.add_argument("--out-dir", required=True)
    args = parser.parse_args(argv)
    return run_counting_job(read_job(args.job), Channel.hidden(args.fd), Path(args.out_dir))


if __name__ == "__main__":
    sys.exit(main())
