"""The worker process: imports one bench target, measures the selected benchmarks, reports over a pipe.

Run as ``python -m critbench.engine._worker --fd N --job FILE``. Everything it says goes to file
descriptor N as protocol messages; the benchmark's own stdout and stderr go wherever the runner pointed
them. This is the only place user code is imported.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import sys
import traceback
from dataclasses import replace
from pathlib import Path
from typing import Any

from critbench.api import BenchInstance, collecting
from critbench.engine._bencher_impl import FakeTimer, TimingBencher
from critbench.engine._job import Job
from critbench.engine._loading import call_benchmark, import_file
from critbench.engine._paired import load_revision, measure_pair, pin_to_one_cpu
from critbench.engine._protocol import encode
from critbench.engine._sampling import process_count, process_share
from critbench.model import BenchmarkInfo, MemoryUsage, Samples, SamplingMode, from_data, to_data


class _Channel:
    def __init__(self, fd: int) -> None:
        self._fd = fd

    def send(self, message_type: str, **data: Any) -> None:
        payload = memoryview(encode(message_type, **data))
        while payload:
            written = os.write(self._fd, payload)
            payload = payload[written:]


class _ProgressToChannel:
    def __init__(self, channel: _Channel, benchmark_id: str) -> None:
        self._channel = channel
        self._id = benchmark_id

    def warming_up(self, seconds: float) -> None:
        self._channel.send("warmup", id=self._id, seconds=seconds)

    def collecting(self, samples: int, expected_ns: float, iterations: int) -> None:
        self._channel.send(
            "collecting", id=self._id, samples=samples, expected_s=expected_ns / 1e9, iterations=iterations
        )

    def warning(self, text: str) -> None:
        self._channel.send("warning", id=self._id, text=text)


def _import_target(path: Path, package: str) -> None:
    import_file(path, "critbench_target_" + re.sub(r"\W", "_", f"{package}_{path.stem}"))


def _describe(instance: BenchInstance, job: Job) -> BenchmarkInfo:
    spec = instance.spec
    settings = job.settings.apply(spec.group_settings).apply(spec.bench_settings)
    return BenchmarkInfo(
        id=instance.id,
        description=spec.description,
        target_ns=spec.target_ns,
        memory_target_bytes=spec.memory_target_bytes,
        throughput=instance.throughput,
        settings=settings,
        package=job.package,
        bench_target=job.target,
        source=spec.source,
    )


def _selected(info: BenchmarkInfo, job: Job) -> bool:
    full_id = info.id.full_id
    if full_id in job.skip:
        return False
    if job.list_only:
        return _matches(full_id, job)
    if process_share(info.settings, job.process_index, extension=job.extension) is None:
        return False
    if job.only is not None:
        return full_id in job.only
    if info.memory_target_bytes is not None:
        return False  # measured alone, in a worker of its own
    return _matches(full_id, job)


def _matches(full_id: str, job: Job) -> bool:
    if job.pattern is None:
        return True
    if job.exact:
        return full_id == job.pattern
    return re.search(job.pattern, full_id) is not None


def _error_reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"raised {type(exc).__name__}" + (f": {text[0]}" if text else "")


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


def _measure(instance: BenchInstance, info: BenchmarkInfo, job: Job, channel: _Channel) -> tuple[Samples, MemoryUsage]:
    full_id = info.id.full_id
    settings = process_share(info.settings, job.process_index, extension=job.extension)
    assert settings is not None
    if job.modes and full_id in job.modes:
        settings = replace(settings, sampling_mode=SamplingMode(job.modes[full_id]))
    fake = None
    if job.fake_clock is not None:
        cost = job.fake_clock.cost_ns(full_id)
        fake = FakeTimer(cost, f"{job.fake_clock.seed:g}:{full_id}#{job.process_index}")
    bencher = TimingBencher(info.id, settings, _ProgressToChannel(channel, full_id), fake)
    _peak_rss_reset()
    args: tuple[Any, ...] = (bencher, instance.parameter) if instance.has_parameter else (bencher,)
    call_benchmark(instance.spec.function, args)
    run = bencher.finish()
    samples = Samples(
        mode=run.mode,
        iters=tuple(float(n) for n in run.iters),
        times_ns=run.times_ns,
        process=(job.process_index,) * len(run.iters),
        overhead_ns=run.overhead_ns,
        fastest_ns=run.fastest_ns,
    )
    if fake is not None:
        return samples, MemoryUsage()  # the fake clock's runs are for golden output; memory is never repeatable
    return samples, MemoryUsage(_peak_rss_bytes(), run.allocated_per_iteration_bytes)


def run_paired_job(job: Job, channel: _Channel) -> int:
    """critbench ab: both revisions of the target in this process, sampled in alternation."""
    assert job.paired is not None
    paired = job.paired
    rng = random.Random(f"{paired.seed}:{job.target}:{job.process_index}")
    try:
        # Which revision is imported first decides where its objects live in memory; drawing the order per
        # process turns that layout difference into spread between processes, which the test allows for,
        # instead of a bias of one side. Measured on unchanged code (the 1 ms JSON benchmark): with B always
        # loaded first, B came out 0.2-0.9% slower; with the order drawn, 0.1-0.2%.
        sides = {
            "a": (paired.label_a, paired.root_a, paired.target_path, paired.sys_path),
            "b": (paired.label_b, paired.root_b, job.target_path, job.sys_path),
        }
        loaded = {}
        for side in ("b", "a") if rng.random() < 0.5 else ("a", "b"):
            label, root, target_path, sys_path = sides[side]
            loaded[side] = load_revision(label, Path(root), Path(target_path), list(sys_path), f"critbench_ab_{side}")
        revision_a, revision_b = loaded["a"], loaded["b"]
        instances_b = {i.id.full_id: i for spec in revision_b.specs for i in spec.instances(job.target)}
        instances_a = {i.id.full_id: i for spec in revision_a.specs for i in spec.instances(job.target)}
        infos = [_describe(instance, job) for instance in instances_b.values()]
    except Exception as exc:
        channel.send("fatal", reason=f"could not load the target: {_error_reason(exc)}", detail=traceback.format_exc())
        return 1
    matched = [info for info in infos if info.id.full_id in instances_a and _matches(info.id.full_id, job)]
    chosen = [info for info in matched if info.id.full_id not in job.skip]
    channel.send(
        "benchmarks",
        infos=[to_data(info) for info in infos],
        matched=[info.id.full_id for info in matched],
        selected=[info.id.full_id for info in chosen],
    )
    pin_to_one_cpu()
    for info in chosen:
        full_id = info.id.full_id
        share = process_share(info.settings, job.process_index)
        if share is None:
            continue
        channel.send("start", id=full_id, process=job.process_index, processes=process_count(info.settings))
        try:
            run = measure_pair(revision_a, instances_a[full_id], revision_b, instances_b[full_id], share, rng=rng)
        except Exception as exc:
            channel.send("failed", id=full_id, kind="error", reason=_error_reason(exc), detail=traceback.format_exc())
            continue
        iters = tuple(float(n) for n in run.iters)
        process = (job.process_index,) * len(iters)
        samples_b = Samples(
            SamplingMode.FLAT, iters, run.times_b, process, ran_first=tuple(not first for first in run.a_first)
        )
        samples_a = Samples(SamplingMode.FLAT, iters, run.times_a, process, ran_first=run.a_first)
        channel.send("paired", id=full_id, samples=to_data(samples_b), samples_a=to_data(samples_a))
    channel.send("done")
    return 0


def run_job(job: Job, channel: _Channel) -> int:
    channel.send("hello", pid=os.getpid())
    if job.paired is not None:
        return run_paired_job(job, channel)
    for entry in reversed(job.sys_path):
        if entry not in sys.path:
            sys.path.insert(0, entry)
    try:
        with collecting() as specs:
            _import_target(Path(job.target_path), job.package)
        instances = [instance for spec in specs for instance in spec.instances(job.target)]
        infos = [_describe(instance, job) for instance in instances]
    except Exception as exc:
        channel.send("fatal", reason=f"could not load the target: {_error_reason(exc)}", detail=traceback.format_exc())
        return 1
    seen: set[str] = set()
    for info in infos:
        if info.id.full_id in seen:
            channel.send("fatal", reason=f"two benchmarks have the id {info.id.full_id!r}", detail="")
            return 1
        seen.add(info.id.full_id)

    chosen = [(inst, info) for inst, info in zip(instances, infos, strict=True) if _selected(info, job)]
    channel.send(
        "benchmarks",
        infos=[to_data(info) for info in infos],
        matched=[info.id.full_id for info in infos if _matches(info.id.full_id, job)],
        selected=[info.id.full_id for _, info in chosen],
    )
    if not job.list_only:
        for instance, info in chosen:
            full_id = info.id.full_id
            channel.send(
                "start",
                id=full_id,
                process=job.process_index,
                processes=process_count(info.settings),
            )
            try:
                samples, memory = _measure(instance, info, job, channel)
            except Exception as exc:
                channel.send(
                    "failed",
                    id=full_id,
                    kind="error",
                    reason=_error_reason(exc),
                    detail=traceback.format_exc(),
                )
                continue
            channel.send("measured", id=full_id, samples=to_data(samples), memory=to_data(memory))
    channel.send("done")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="critbench-worker")
    parser.add_argument("--fd", type=int, required=True)
    parser.add_argument("--job", required=True)
    args = parser.parse_args(argv)
    with open(args.job, encoding="utf-8") as handle:
        job_data = json.load(handle)
    job = from_data(Job, job_data)
    if job.list_only:
        job = replace(job, skip=())
    return run_job(job, _Channel(args.fd))


if __name__ == "__main__":
    sys.exit(main())
