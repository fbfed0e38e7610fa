#!/usr/bin/env python3
"""An A/B harness independent of critbench, to check what ``critbench ab`` reports for two revisions.

Each revision's package is exported with ``git archive`` (the repository's checkout, index and worktree list
are not touched) into a folder of its own. Each of PROCESSES fresh processes imports both revisions (in a
random order), then times PAIRS pairs of samples of about SAMPLE_MS each, the two sides in a random order per
pair, and keeps the median log ratio B/A of its pairs. The printed change is exp(mean of the per-process
medians) − 1, with a t-interval over processes.

The options move one part of the harness at a time towards what ``critbench ab`` does, to find which part
(if any) makes the two disagree:

    --threads          each side's loop runs in a thread of its own, handed requests through queues
    --lambda           the routine is ``lambda: loads(DATA)`` called from a loop, not ``loads`` itself
    --sample-ms 5      samples of 5 ms per side instead of 2
    --pin              the process pinned to the CPU it started on
    --order a|b|random which revision is imported first
    --clock thread     CPU time of the measuring thread (time.thread_time_ns) instead of wall time: what
                       the code did, without the time it waited for a CPU
    --first-iteration  also time each sample's first iteration alone (how much a switch of sides costs)
    --sweep 1,2,5,20   samples of each of these lengths (ms), drawn at random pair by pair in every process,
                       so that all lengths share the machine's moods; one change per length is printed

    python3 experiments/revisions/independent.py /tmp/tomli 1.0.3 1.0.4 --package tomli \\
        --data benchmark/data.toml --processes 8
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

CHILD = r"""
import gc, importlib, json, math, os, queue, random, statistics, sys, threading, time

config = json.loads(sys.argv[1])
rng = random.Random(config["seed"])
if config["pin"] and hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {os.sched_getaffinity(0).pop()})
data = open(config["data"], encoding="utf-8").read()
clock = time.thread_time_ns if config["clock"] == "thread" else time.perf_counter_ns

def load(folder):
    saved = list(sys.path)
    sys.path.insert(0, folder)
    before = set(sys.modules)
    try:
        module = importlib.import_module(config["package"])
    finally:
        sys.path[:] = saved
    for name in set(sys.modules) - before:
        if name == config["package"] or name.startswith(config["package"] + "."):
            del sys.modules[name]
    return module

order = {"a": ["a", "b"], "b": ["b", "a"]}.get(config["order"]) or rng.sample(["a", "b"], 2)
modules = {side: load(config["folders"][side]) for side in order}

def routine_of(side):
    loads = modules[side].loads
    if config["lambda"]:
        call = lambda: loads(data)
        def run(n):
            t0 = clock()
            for _ in range(n):
                call()
            return clock() - t0
    else:
        def run(n):
            t0 = clock()
            for _ in range(n):
                loads(data)
            return clock() - t0
    return run

runs = {side: routine_of(side) for side in "ab"}
firsts = {"a": [], "b": []}
if config["first_iteration"]:
    def with_first(side):
        loads = modules[side].loads
        def run(n):
            t0 = time.perf_counter_ns()
            loads(data)
            t1 = time.perf_counter_ns()
            for _ in range(n - 1):
                loads(data)
            t2 = time.perf_counter_ns()
            if n > 1:
                firsts[side].append((t1 - t0) / ((t2 - t1) / (n - 1)))
            return t2 - t0
        return run
    runs = {side: with_first(side) for side in "ab"}
if config["threads"]:
    requests = {side: queue.Queue() for side in "ab"}
    replies = {side: queue.Queue() for side in "ab"}
    def serve(side):
        while (n := requests[side].get()) > 0:
            replies[side].put(runs[side](n))
    for side in "ab":
        threading.Thread(target=serve, args=(side,), daemon=True).start()
    def timed(side, n):
        requests[side].put(n)
        return replies[side].get()
else:
    def timed(side, n):
        return runs[side](n)

# warm-up: both sides for about half a second, then the iteration count of a sample
n, spent = 1, 0.0
while spent < 0.5e9:
    spent += timed("a", n) + timed("b", n)
    n *= 2
per_call = max(timed("a", 50) / 50, timed("b", 50) / 50)
lengths = config["sweep"] or [config["sample_ms"]]
ks = [max(1, round(ms * 1e6 / per_call)) for ms in lengths]
k = ks[0]
logs = {kk: [] for kk in ks}
for _ in range(config["pairs"]):
    kk = rng.choice(ks)
    first = rng.random() < 0.5
    if first:
        ta = timed("a", kk); tb = timed("b", kk)
    else:
        tb = timed("b", kk); ta = timed("a", kk)
    logs[kk].append(math.log(tb / ta))
first = {side: statistics.median(values) if values else None for side, values in firsts.items()}
sweep = {str(ms): statistics.median(logs[kk]) for ms, kk in zip(lengths, ks) if logs[kk]}
print(json.dumps({"median": statistics.median(logs[k]), "k": k, "per_call_ns": per_call, "order": order,
                  "first": first, "sweep": sweep}))
"""


def export(repo: Path, revision: str, package: str, into: Path) -> Path:
    """``package`` (a folder, or ``src/package``) of ``revision``, exported with git archive."""
    folder = into / revision.replace("/", "_")
    folder.mkdir(parents=True)
    for where in (package, f"src/{package}"):
        listing = subprocess.run(
            ["git", "-C", str(repo), "ls-tree", "--name-only", revision, where],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        if listing:
            archive = subprocess.run(
                ["git", "-C", str(repo), "archive", "--format=tar", revision, where], capture_output=True, check=True
            ).stdout
            tar_path = folder / "export.tar"
            tar_path.write_bytes(archive)
            with tarfile.open(tar_path) as tar:
                tar.extractall(folder, filter="data")
            tar_path.unlink()
            return folder / where.rsplit("/", 1)[0] if "/" in where else folder
    raise SystemExit(f"{revision} has no folder {package} or src/{package}")


def t_quantile(df: int) -> float:
    """Student's t at 97.5% for small df (enough for an experiment's interval)."""
    table = {1: 12.71, 2: 4.30, 3: 3.18, 4: 2.78, 5: 2.57, 6: 2.45, 7: 2.36, 8: 2.31, 9: 2.26, 10: 2.23}
    return table.get(df, 2.0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("repo", type=Path)
    parser.add_argument("rev_a")
    parser.add_argument("rev_b")
    parser.add_argument("--package", required=True)
    parser.add_argument("--data", required=True, help="the input file, relative to the repository")
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--pairs", type=int, default=500)
    parser.add_argument("--sample-ms", type=float, default=2.0)
    parser.add_argument("--threads", action="store_true")
    parser.add_argument("--lambda", dest="use_lambda", action="store_true")
    parser.add_argument("--pin", action="store_true")
    parser.add_argument("--order", choices=["a", "b", "random"], default="random")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--clock", choices=["wall", "thread"], default="wall")
    parser.add_argument(
        "--first-iteration",
        action="store_true",
        help="also time each sample's first iteration alone; prints its median cost relative to the others'",
    )
    parser.add_argument("--sweep", type=lambda text: [float(x) for x in text.split(",")], default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ab-independent-") as scratch:
        folders = {
            side: str(export(args.repo, rev, args.package, Path(scratch) / side))
            for side, rev in (("a", args.rev_a), ("b", args.rev_b))
        }
        data = str((args.repo / args.data).resolve())
        medians = []
        sweeps: list[dict[str, float]] = []
        firsts: list[dict[str, float]] = []
        for index in range(args.processes):
            config = {
                "seed": args.seed * 1000 + index,
                "pin": args.pin,
                "data": data,
                "package": args.package,
                "folders": folders,
                "order": args.order,
                "lambda": args.use_lambda,
                "threads": args.threads,
                "sample_ms": args.sample_ms,
                "pairs": args.pairs,
                "first_iteration": args.first_iteration,
                "clock": args.clock,
                "sweep": args.sweep,
            }
            env = {**os.environ, "PYTHONHASHSEED": "0"}
            out = subprocess.run(
                [sys.executable, "-c", CHILD, json.dumps(config)], capture_output=True, text=True, env=env, check=True
            ).stdout
            reply = json.loads(out)
            medians.append(reply["median"])
            sweeps.append(reply["sweep"])
            if args.first_iteration:
                firsts.append(reply["first"])
    mean = statistics.mean(medians)
    half = t_quantile(len(medians) - 1) * statistics.stdev(medians) / math.sqrt(len(medians))
    options = " ".join(
        f"{name}={getattr(args, name)}"
        for name in ("threads", "use_lambda", "sample_ms", "pin", "order", "pairs", "clock")
    )
    if args.sweep:
        for key in sweeps[0]:
            values = [sweep[key] for sweep in sweeps if key in sweep]
            centre = statistics.mean(values)
            spread = t_quantile(len(values) - 1) * statistics.stdev(values) / math.sqrt(len(values))
            print(
                f"sweep {float(key):5.1f} ms samples: "
                f"change {math.expm1(centre) * 100:+.2f}% "
                f"[{math.expm1(centre - spread) * 100:+.2f}% {math.expm1(centre + spread) * 100:+.2f}%]"
            )
    if firsts:
        for side in "ab":
            values = [f[side] for f in firsts if f[side] is not None]
            print(f"first iteration of a sample, side {side}: {statistics.median(values):.3f}× a later one's")
    print(
        f"{args.rev_a}→{args.rev_b} [{options}] change {math.expm1(mean) * 100:+.2f}% "
        f"[{math.expm1(mean - half) * 100:+.2f}% {math.expm1(mean + half) * 100:+.2f}%] "
        f"per process: {' '.join(f'{math.expm1(m) * 100:+.1f}' for m in medians)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
