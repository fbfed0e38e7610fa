#!/usr/bin/env python3
"""Where a workload's count differs between heap layouts: per-function instructions per iteration.

Runs one workload of acceptance_workloads.py or validation_workloads.py under callgrind with both markers
dumping (per-function costs are then those of the interval alone), in the counting worker's three heap
layouts (``perturb_heap``), each in a fork, and prints the count per iteration of each layout and the
functions whose cost differs most between them, and any garbage-collector function that ran.

    python3 experiments/instructions/heap_diagnose.py acceptance_workloads json_dumps 2
    python3 experiments/instructions/heap_diagnose.py acceptance_workloads json_dumps 2 --settle

``--settle`` does what the counting worker does before every interval (``gc.freeze()`` once,
``settle_small_objects()`` then ``settle_glibc()`` after each ``gc.collect()``); without it, only the
``gc.collect()``. The last argument is N: the counts are of the N and 2N intervals' difference.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import subprocess
import sys
import tempfile
from itertools import repeat
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]

LOOPS = """
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
"""


def child(module: str, name: str, n: int, settle: bool) -> None:
    """Inside valgrind: fork per layout, warm up, count N and 2N iterations (one dump before each marker)."""
    sys.path.insert(0, str(HERE))
    workloads = __import__(module)
    for layout in range(3):
        pid = os.fork()
        if pid:
            os.waitpid(pid, 0)
            continue
        count_layout(getattr(workloads, "make_" + name)(1.0), name == "async_pipeline", layout, n, settle)
        os._exit(0)


def count_layout(routine: Any, is_async: bool, layout: int, n: int, settle: bool) -> None:
    from critbench.engine._counting_worker import perturb_heap
    from critbench.engine._heap import settle_glibc, settle_small_objects

    perturb_heap(layout)
    if settle:
        gc.collect()
        gc.freeze()
    loops: dict[str, Any] = {}
    exec(compile(LOOPS, "<loops>", "exec"), loops)

    def prepare() -> None:
        gc.collect()
        if settle:
            settle_small_objects()
            settle_glibc()

    async def main() -> None:
        for k in (1, 1, 1, 4, 16, 64, n, 2 * n):
            prepare()
            await loops["aloop"](routine, repeat(None, k), os.getsid, os.getpgid)

    if is_async:
        asyncio.run(main())
        return
    for k in (1, 1, 1, 4, 16, 64, n, 2 * n):
        prepare()
        loops["loop"](routine, repeat(None, k), os.getsid, os.getpgid)


def report(out: Path, n: int) -> None:
    sys.path.insert(0, str(HERE))
    import cgfile

    per_layout = []
    for pid in sorted({int(p.name.split(".")[1]) for p in out.glob("cg.*.*")}):
        files = sorted(out.glob(f"cg.{pid}.*"), key=lambda p: int(p.name.split(".")[2]))
        if len(files) < 16:
            continue  # the root process: it only forked
        first, second = (cgfile.read_dump(files[k], functions=True) for k in (-3, -1))
        costs = {
            f: (second.self_cost.get(f, {}).get("Ir", 0) - first.self_cost.get(f, {}).get("Ir", 0)) / n
            for f in set(first.self_cost) | set(second.self_cost)
        }
        per_layout.append(((second.ir - first.ir) / n, costs))
    print("instructions per iteration, layouts 0 1 2:", "  ".join(f"{ir:,.1f}" for ir, _ in per_layout))
    names = set().union(*(costs for _, costs in per_layout))

    def moved(f: str) -> float:
        values = [costs.get(f, 0.0) for _, costs in per_layout]
        return max(values) - min(values)

    print("functions whose cost differs most between layouts (per iteration):")
    for f in sorted(names, key=moved, reverse=True)[:8]:
        print(f"  {f[:64]:64s}", "  ".join(f"{costs.get(f, 0.0):12,.1f}" for _, costs in per_layout))
    collector = [f for f in names if f.split()[0] in {"gc_collect_main", "visit_decref", "subtract_refs"}]
    print("garbage-collector functions that ran:", ", ".join(sorted(collector)) or "none")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("module", choices=["acceptance_workloads", "validation_workloads"])
    parser.add_argument("workload")
    parser.add_argument("n", type=int)
    parser.add_argument("--settle", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.module, args.workload, args.n, args.settle)
        return 0
    with tempfile.TemporaryDirectory() as out:
        python = str(REPO / ".venv" / "bin" / "python")
        command = ["valgrind", "--tool=callgrind", "--dump-before=getsid", "--dump-before=getpgid"]
        command += [f"--callgrind-out-file={out}/cg.%p", "--quiet", python, __file__, "--child"]
        command += [args.module, args.workload, str(args.n)] + (["--settle"] if args.settle else [])
        env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/"), "PYTHONHASHSEED": "0"}
        subprocess.run(command, env=env, check=True)
        report(Path(out), args.n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
