"""What a worker measures: one target's benchmarks (``critbench run``), or two revisions' side by side (ab).

A suite loads the user's code, says which benchmarks it declares, and measures one of them into the message
the runner receives. Both kinds measure through the same core (``_core``): a plain benchmark gets the timing
Bencher, an A/B pair the paired coordinator, which serves each side's ``iter*`` call with the same loops.
"""

from __future__ import annotations

import abc
import contextlib
import random
import re
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path

from critbench.api import Bencher, BenchInstance, collecting
from critbench.engine._core import Progress, TimingBencher, overhead_of
from critbench.engine._fake_timer import FakeTimer
from critbench.engine._isolation import Boundaries, load_alone, load_revision
from critbench.engine._job import Job, PairedTarget
from critbench.engine._loading import import_file
from critbench.engine._paired import PairSide, measure_pair, pin_to_one_cpu
from critbench.engine._protocol import Measured, Message
from critbench.model import BenchmarkInfo, FakeClock, MemoryUsage, Samples, SamplingMode, Settings


def error_reason(exc: BaseException) -> str:
    """What benchmark code raised, in one line: ``raised ValueError: bad input``, ``called sys.exit(0)``."""
    if isinstance(exc, SystemExit):
        return f"called sys.exit({'' if exc.code is None else repr(exc.code)})"
    text = str(exc).strip().splitlines()
    return f"raised {type(exc).__name__}" + (f": {text[0]}" if text else "")


def _describe(instance: BenchInstance, job: Job) -> BenchmarkInfo:
    """The instance as the run measures it: its settings with the job's, group's and its own layers applied."""
    spec = instance.spec
    settings = job.settings.apply(spec.group_settings).apply(spec.bench_settings)
    return replace(instance.info, settings=settings, package=job.package, bench_target=job.target)


class Suite(abc.ABC):
    """The benchmarks one worker can measure; ``infos`` in declaration order."""

    measures_memory: bool = True
    """Whether benchmarks with a memory target get a worker of their own (their peak RSS is judged)."""

    def __init__(self, instances: list[BenchInstance], job: Job) -> None:
        self.instances = {instance.id.full_id: instance for instance in instances}
        self.infos = [_describe(instance, job) for instance in instances]
        self.whole_settings = {info.id.full_id: info.settings for info in self.infos}
        """Each benchmark's settings before they are shared out over its processes."""

    def comparable(self, full_id: str) -> bool:
        """Whether the benchmark can be measured at all (under ab: whether both revisions declare it)."""
        return True

    def prepare(self) -> None:  # noqa: B027 - most suites need nothing
        """Get the process ready to measure, once its benchmarks are chosen."""

    @abc.abstractmethod
    def measure(self, info: BenchmarkInfo, job: Job, progress: Progress) -> Message:
        """Measure one benchmark with ``info.settings`` (this process's share); the message reporting it."""


class PlainSuite(Suite):
    """One bench target, each benchmark measured on its own by the timing Bencher."""

    def __init__(self, job: Job) -> None:
        for entry in reversed(job.sys_path):
            if entry not in sys.path:
                sys.path.insert(0, entry)
        path = Path(job.target_path)
        with collecting() as specs:
            import_file(path, "critbench_target_" + re.sub(r"\W", "_", f"{job.package}_{path.stem}"))
        super().__init__([instance for spec in specs for instance in spec.instances(job.target)], job)

    def measure(self, info: BenchmarkInfo, job: Job, progress: Progress) -> Message:
        instance = self.instances[info.id.full_id]
        return _measure_alone(instance, info, job, progress, job.fake_clock, whole=self.whole_settings[info.id.full_id])


def _measure_alone(
    instance: BenchInstance,
    info: BenchmarkInfo,
    job: Job,
    progress: Progress,
    clock: FakeClock | None,
    *,
    whole: Settings,
) -> Measured:
    """One benchmark timed on its own by the timing Bencher, with its memory figures."""
    full_id = info.id.full_id
    fake = FakeTimer.of(clock, full_id, job.process_index) if clock is not None else None
    bencher = TimingBencher(info.id, info.settings, progress, fake, whole=whole)
    _peak_rss_reset()
    instance.call(bencher)
    run = bencher.measured()
    samples = run.samples(job.process_index)
    if fake is not None:
        # The fake clock's runs are for golden output; memory is never repeatable.
        return Measured(full_id, samples, MemoryUsage())
    return Measured(full_id, samples, MemoryUsage(_peak_rss_bytes(), run.allocated_per_iteration_bytes))


def _boundaries(paired: PairedTarget) -> Boundaries:
    """The revisions' folders, with the worker's own ``sys.path`` (working directory included) cleared of them."""
    boundaries = Boundaries.of(paired.isolated)
    boundaries.clear_sys_path()
    return boundaries


class PairedSuite(Suite):
    """critbench ab: both revisions of the target in this process, each benchmark sampled in alternation."""

    measures_memory = False

    def __init__(self, job: Job) -> None:
        assert job.paired is not None
        paired = job.paired
        self.commits = (paired.a.commit, paired.b.commit)
        self.rng = random.Random(f"{paired.seed}:{job.target}:{job.process_index}")
        boundaries = _boundaries(paired)
        # Which revision is imported first decides where its objects live in memory; drawing the order per
        # process turns that layout difference into spread between processes, which the test allows for,
        # instead of a bias of one side. Measured on unchanged code (the 1 ms JSON benchmark): with B always
        # loaded first, B came out 0.2-0.9% slower; with the order drawn, 0.1-0.2%.
        loaded = {}
        for side in ("b", "a") if self.rng.random() < 0.5 else ("a", "b"):
            code = paired.a if side == "a" else paired.b
            loaded[side] = load_revision(
                code.label, Path(code.target_path), list(code.sys_path), f"critbench_ab_{side}", boundaries
            )
        self.revision_a, self.revision_b = loaded["a"], loaded["b"]
        self.instances_a = {i.id.full_id: i for spec in self.revision_a.specs for i in spec.instances(job.target)}
        super().__init__([i for spec in self.revision_b.specs for i in spec.instances(job.target)], job)

    def comparable(self, full_id: str) -> bool:
        return full_id in self.instances_a

    def prepare(self) -> None:
        pin_to_one_cpu()

    def measure(self, info: BenchmarkInfo, job: Job, progress: Progress) -> Message:
        full_id = info.id.full_id
        clock = job.fake_clock

        def fake(side: str, commit: str | None) -> FakeTimer | None:
            if clock is None:
                return None
            return FakeTimer.of(clock.for_commit(commit), full_id, job.process_index, side=side)

        instance_a, instance_b = _Watched.of(self.instances_a[full_id]), _Watched.of(self.instances[full_id])
        fake_a, fake_b = fake("a", self.commits[0]), fake("b", self.commits[1])
        side_a = PairSide(self.revision_a, instance_a, fake_a)
        side_b = PairSide(self.revision_b, instance_b, fake_b)
        run = measure_pair(side_a, side_b, info.settings, rng=self.rng, progress=progress)
        iters = tuple(float(n) for n in run.iters)
        process = (job.process_index,) * len(iters)
        ran_first_b = tuple(not first for first in run.a_first)
        samples_b = Samples(
            SamplingMode.FLAT, iters, run.times_b, process, instance_b.overhead_ns(fake_b), ran_first=ran_first_b
        )
        samples_a = Samples(
            SamplingMode.FLAT, iters, run.times_a, process, instance_a.overhead_ns(fake_a), ran_first=run.a_first
        )
        return Measured(full_id, samples_b, samples_a=samples_a)


class AloneSuite(Suite):
    """One revision of an ab comparison in a process of its own (``paired.alone``), measured as a run is:
    for revisions that cannot share a process, whose processes then alternate."""

    def __init__(self, job: Job) -> None:
        assert job.paired is not None
        assert job.paired.alone in ("a", "b")
        code = job.paired.a if job.paired.alone == "a" else job.paired.b
        self.commit = code.commit
        self.revision = load_alone(
            code.label, Path(code.target_path), list(code.sys_path), "critbench_ab", _boundaries(job.paired)
        )
        super().__init__([i for spec in self.revision.specs for i in spec.instances(job.target)], job)

    def measure(self, info: BenchmarkInfo, job: Job, progress: Progress) -> Message:
        clock = job.fake_clock.for_commit(self.commit) if job.fake_clock is not None else None
        with self.revision.active():
            full_id = info.id.full_id
            return _measure_alone(
                self.instances[full_id], info, job, progress, clock, whole=self.whole_settings[full_id]
            )


@dataclass(frozen=True)
class _Watched(BenchInstance):
    """One side's benchmark under ab, keeping the Bencher it is called with: the paired coordinator times
    each side through the same loops as a run, and the loop a side measured through tells which calibrated
    overhead its samples carry, so the analysis nets it out of ab's samples as it does out of a run's."""

    benchers: list[Bencher] = field(default_factory=list)

    @classmethod
    def of(cls, instance: BenchInstance) -> _Watched:
        return cls(instance.spec, instance.info, instance.parameter)

    def call(self, bencher: Bencher) -> None:
        self.benchers.append(bencher)
        super().call(bencher)

    def overhead_ns(self, fake: FakeTimer | None) -> float:
        """The harness's cost per iteration of the loop this side was measured through (calibrated now, once
        per process and timing method, after the pairs: never during them)."""
        return overhead_of(self.benchers[-1], fake) if self.benchers else 0.0


def load_suite(job: Job) -> Suite:
    """Import the job's target (both revisions of it under ab, or one with ``paired.alone``)."""
    if job.paired is None:
        return PlainSuite(job)
    return AloneSuite(job) if job.paired.alone is not None else PairedSuite(job)


def _peak_rss_reset() -> None:
    """Start a fresh peak-RSS count for this process (Linux: writing 5 to clear_refs resets VmHWM)."""
    with contextlib.suppress(OSError), open("/proc/self/clear_refs", "w", encoding="ascii") as handle:
        handle.write("5")


def _peak_rss_bytes() -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        import resource

        return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * 1024
    except (ImportError, OSError):
        return None
