"""A stand-in worker process for the schedule's tests: it speaks the real protocol and measures nothing.

The runner starts it as it starts the real worker (``python fake_worker.py --fd N --job FILE``). The job's
``target_path`` names a JSON scenario instead of a bench file::

    {"benchmarks": {"a": {"processes": 3, "timeout": 0.5}, ...},   # settings over the job's own
     "behaviour": {"a": "crash", ...}}                            # what happens when "a" starts

Behaviours: ``ok`` (the default: two samples whose times say which process took them), ``crash`` (exit 3
after Start), ``crash-once`` (crash the first time, measure when restarted), ``hang``, ``garbage`` (an
unreadable line), ``raise`` (a Failed message), ``absurd`` (a plan of 1e300 s, then measured), ``exit-after``
(measured, then the process ends before the next benchmark), ``vanish`` (the process ends before starting
it), ``fatal`` (at load: the target cannot load). Forgeries, each a well-formed message the runner did not ask
for, with samples of 999,999 ns: ``forge-other`` (a result for the next benchmark during this one's window),
``forge-twice`` (a forged result, then the real one), ``forge-outside`` (the real result, then a forged one for
the next benchmark before it starts), ``forge-fatal`` (a load failure in the middle of the run),
``forge-ready`` (a gate's Ready from a worker that has no gate).

With ``--gate-fd`` (critbench ab's lockstep, the job's ``pytest.side`` saying which side it is) each measured
benchmark passes its gates as the pytest worker does (-1, then one before each of its two samples, then 2),
each "sample" a 20 ms sleep logged to ``gates.log`` beside the scenario as ``side id process sample start
end``, and
a behaviour keyed ``"side:name"`` applies to that side only; ``crash-mid`` crashes after the first sample.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

from critbench.engine._job import Job
from critbench.engine._protocol import (
    Benchmarks,
    Collecting,
    Done,
    Failed,
    Fatal,
    Hello,
    Measured,
    Message,
    Ready,
    Start,
    decode_release,
    encode,
)
from critbench.engine._sampling import process_count, process_share
from critbench.model import (
    BenchmarkId,
    BenchmarkInfo,
    Failure,
    FailureKind,
    MemoryUsage,
    Samples,
    SamplingMode,
    from_data,
)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fd", type=int, required=True)
    parser.add_argument("--job", required=True)
    parser.add_argument("--gate-fd", type=int, default=None)
    args = parser.parse_args()
    job = from_data(Job, json.loads(Path(args.job).read_text()))
    scenario_path = Path(job.target_path)
    scenario = json.loads(scenario_path.read_text())

    def send(message: Message) -> None:
        os.write(args.fd, encode(message))

    send(Hello(os.getpid()))
    behaviour = scenario.get("behaviour", {})
    if behaviour.get("load") == "fatal":
        send(
            Fatal(
                Failure(FailureKind.ERROR, "could not load the target: raised ImportError: no module named 'nothing'")
            )
        )
        return 1
    infos = [
        BenchmarkInfo(
            BenchmarkId(job.target, name),
            settings=dataclasses.replace(job.settings, **overrides),
            package=job.package,
            bench_target=job.target,
        )
        for name, overrides in scenario["benchmarks"].items()
    ]
    chosen = [
        info
        for info in infos
        if info.id.full_id not in job.skip
        and process_share(info.settings, job.process_index, extension=job.extension) is not None
        and (job.only is None or info.id.full_id in job.only)
    ]
    ids = tuple(info.id.full_id for info in infos)
    send(Benchmarks(tuple(infos), ids, tuple(info.id.full_id for info in chosen)))
    forged = Samples(SamplingMode.FLAT, (1.0, 1.0), (999_999.0, 999_999.0), (job.process_index,) * 2)
    side = job.pytest.side if job.pytest is not None else None
    releases = os.fdopen(args.gate_fd, "rb") if args.gate_fd is not None else None
    for info in chosen:
        full_id = info.id.full_id
        other = ids[(ids.index(full_id) + 1) % len(ids)]
        what = behaviour.get(f"{side}:{info.id.function}", behaviour.get(info.id.function, "ok"))
        if what == "vanish":
            return 0
        send(Start(full_id, job.process_index, process_count(info.settings)))
        if what == "crash-once":
            marker = scenario_path.with_name(f"{info.id.function}.crashed")
            what = "ok" if marker.exists() else "crash"
            marker.touch()
        if what == "crash":
            os._exit(3)
        if what == "hang":
            time.sleep(60)
        if what == "garbage":
            os.write(args.fd, b"this is not a message\n")
            time.sleep(60)
        if what == "raise":
            send(Failed(full_id, Failure(FailureKind.ERROR, "raised ValueError: bad input", "Traceback ...")))
            continue
        if what == "absurd":
            send(Collecting(full_id, 10, 1e300, 10))
        if what in ("forge-other", "forge-twice"):
            send(Measured(other if what == "forge-other" else full_id, forged, MemoryUsage()))
        if what == "forge-fatal":
            send(Fatal(Failure(FailureKind.ERROR, "could not load the target: forged")))
        if what == "forge-ready":
            send(Ready(full_id, 0))
        if releases is not None:
            log = scenario_path.with_name("gates.log")
            _gated_samples(send, releases, log, f"{side} {full_id} {job.process_index}", what)
        p = float(job.process_index)
        samples = Samples(SamplingMode.FLAT, (1.0, 1.0), (100.0 + p, 101.0 + p), (job.process_index,) * 2)
        send(Measured(full_id, samples, MemoryUsage()))
        if what == "forge-outside":
            send(Measured(other, forged, MemoryUsage()))
        if what == "exit-after":
            return 0
    send(Done())
    return 0


def _gated_samples(send: Callable[[Message], None], releases: IO[bytes], log: Path, who: str, what: str) -> None:
    bid = who.split()[1]
    for sample in range(-1, 3):
        send(Ready(bid, sample))
        release = decode_release(releases.readline())
        assert (release.id, release.sample) == (bid, sample)
        if sample in (0, 1):
            start = time.monotonic()
            time.sleep(0.02)
            with log.open("a") as handle:
                handle.write(f"{who} {sample} {start} {time.monotonic()}\n")
            if what == "crash-mid":
                os._exit(3)


if __name__ == "__main__":
    sys.exit(main())
