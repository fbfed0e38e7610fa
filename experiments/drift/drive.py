#!/usr/bin/env python3
"""Drift experiment driver: a sequence of runs of the same code, some beside CPU-bound neighbours.

    python3 experiments/drift/drive.py --runs 40 --schedule QQ2QQ1

Each run starts ``--processes`` fresh worker processes one after another (as critbench does: one round at
a time), each timing every benchmark and the references (see worker.py), and writes
``results/run-<UTC time>.json.gz``: the raw per-sample times, the load average at the start and end, the
machine's CPU use over the run (from /proc/stat), and how many CPU-bound neighbours ran beside it.

``--schedule`` is a cycle of letters, one per run: ``Q`` quiet (no neighbour of ours), ``1`` or ``2`` that
many ``python -c "while True: pass"`` processes started 2 s before the run and stopped after it. Runs follow
each other without a pause unless ``--pause`` seconds are given, so pairs of runs at every gap (back to back,
~5 min, ~15 min, hours) come from one sequence; the analysis pairs them up. ``DRIFT_SLOWDOWN=0.1`` in the
environment makes the benchmarks (not the references) do 10% more work: a true change, for validation.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"

CONFIG = {
    "warm_up_s": 0.3,  # critbench's defaults split over 10 processes: 3 s warm-up, 5 s measurement, 100 samples
    "measurement_s": 0.5,
    "samples": 10,
    "block_samples": 8,  # a reference block: 8 samples of ~3 ms per reference (after one discarded)
    "block_sample_ms": 3.0,
    "rounds": 40,  # interleaved phase: 40 rounds of one ~5 ms benchmark sample and one ~2.5 ms sample per reference
    "inter_w_ms": 5.0,
    "inter_ref_ms": 2.5,
}


def cpu_ticks() -> list[int]:
    """The machine's /proc/stat 'cpu' line: user nice system idle iowait irq softirq steal."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:9]
    return [int(f) for f in fields]


def git_commit() -> str | None:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=HERE, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def one_run(index: int, neighbours: int, processes: int, only: list[str] | None, out: Path) -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    meta: dict[str, object] = {
        "run": index,
        "stamp": stamp,
        "neighbours": neighbours,
        "python": sys.version.split()[0],
        "executable": sys.executable,
        "commit": git_commit(),
        "config": CONFIG,
        "slowdown": float(os.environ.get("DRIFT_SLOWDOWN", "0")),
    }
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(neighbours)]
    try:
        if hogs:
            time.sleep(2.0)
        meta["load_start"] = os.getloadavg()
        meta["wall_start"] = time.time()
        ticks0 = cpu_ticks()
        workers = []
        for k in range(processes):
            cfg = dict(CONFIG, process=k, seed=random.randrange(2**32))
            if only:
                cfg["only"] = only
            done = subprocess.run(
                [sys.executable, str(HERE / "worker.py"), json.dumps(cfg)], capture_output=True, text=True, check=True
            )
            workers.append(json.loads(done.stdout))
        ticks1 = cpu_ticks()
        meta["wall_end"] = time.time()
        meta["load_end"] = os.getloadavg()
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()
    diff = [b - a for a, b in zip(ticks0, ticks1, strict=True)]
    total = sum(diff) or 1
    meta["cpu_busy_share"] = round(1 - (diff[3] + diff[4]) / total, 4)  # of both CPUs, all processes
    meta["steal_share"] = round(diff[7] / total, 4)
    meta["workers"] = workers
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"run-{stamp}.json.gz"
    with gzip.open(path, "wt") as fh:
        json.dump(meta, fh, separators=(",", ":"))
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--schedule", default="QQ2QQ1")
    parser.add_argument("--processes", type=int, default=10)
    parser.add_argument("--pause", type=float, default=0.0, help="seconds to wait between runs")
    parser.add_argument("--only", nargs="*", help="benchmarks to time (default: all)")
    parser.add_argument("--first-index", type=int, default=0, help="index of the first run (for the schedule)")
    parser.add_argument("--inter-ref-ms", type=float, help="length of an interleaved reference sample (default 2.5)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="folder for the run files (default results/)")
    args = parser.parse_args()
    if args.inter_ref_ms:
        CONFIG["inter_ref_ms"] = args.inter_ref_ms
    for i in range(args.first_index, args.first_index + args.runs):
        letter = args.schedule[i % len(args.schedule)]
        neighbours = 0 if letter == "Q" else int(letter)
        start = time.time()
        path = one_run(i, neighbours, args.processes, args.only, args.out)
        load = os.getloadavg()[0]
        print(f"run {i} neighbours={neighbours} {time.time() - start:.0f}s load={load:.2f} -> {path.name}", flush=True)
        if args.pause and i < args.first_index + args.runs - 1:
            time.sleep(args.pause)
    return 0


if __name__ == "__main__":
    sys.exit(main())
