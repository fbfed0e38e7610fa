#!/usr/bin/env python3
"""Acceptance experiment for separate runs: does `critbench run --baseline` keep its verdicts' promises?

Each trial, in a fresh workspace of six workloads (workloads.py), runs the real command line:

    critbench run --save-baseline base                           # SLOWDOWN=0
    critbench run --baseline base --discard-baseline --json ...  # SLOWDOWN=0     (unchanged code)
    critbench run --baseline base --discard-baseline --json ...  # SLOWDOWN=0.25  (25% more work)

the two comparisons in a random order. With ``--neighbours 2`` the comparisons run beside two CPU-bound
processes (``python -c "while True: pass"``) that start 2 s before and stop after each comparison, while the
baseline ran without them: the "machine was busier during the comparison" case.

Every comparison's verdict, change, printed detectable change, statistic and noise floor (from --json), its
warning lines (stderr), the 1-minute load average before and after each run and the wall times are appended
to results/<name>.jsonl, one line per trial, so an interrupted experiment loses at most one trial.

critbench itself is a snapshot: ``git archive`` of the commit given (default HEAD) unpacked under
/tmp/critbench-verdicts/<commit>/ and put first on PYTHONPATH, so editing the repository while the
experiment runs cannot change what it measures. Reproduce with (from the repository root)::

    .venv/bin/python experiments/verdicts/run.py --trials 30 --name main \\
        -- --warm-up-time 1 --measurement-time 2
    .venv/bin/python experiments/verdicts/run.py --trials 8 --name neighbours --neighbours 2 --slowdowns 0
    .venv/bin/python experiments/verdicts/summarize.py experiments/verdicts/results/main.jsonl
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
PY = REPO / ".venv" / "bin" / "python"

BENCHES = """
from critbench import bench
import workloads

@bench
def str_build(b):
    b.iter(workloads.str_build)

@bench
def struct_pack(b):
    b.iter(workloads.struct_pack)

@bench
def recursion(b):
    b.iter(workloads.recursion)

@bench
def decimal_sum(b):
    b.iter(workloads.decimal_sum)

@bench
def set_ops(b):
    b.iter(workloads.set_ops)

@bench
def dict_big(b):
    workloads.dict_big_setup()
    b.iter(workloads.dict_big)
"""


def snapshot(commit: str) -> Path:
    """critbench's source at ``commit``, unpacked once under /tmp; returns its ``src`` folder."""
    full = subprocess.run(["git", "rev-parse", commit], cwd=REPO, capture_output=True, text=True, check=True)
    root = Path("/tmp/critbench-verdicts") / full.stdout.strip()
    if not (root / "src" / "critbench").is_dir():
        root.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", "archive", full.stdout.strip(), "src"], cwd=REPO, capture_output=True, check=True
        )
        with tempfile.TemporaryFile() as handle:
            handle.write(archive.stdout)
            handle.seek(0)
            with tarfile.open(fileobj=handle) as tar:
                tar.extractall(root, filter="data")
    return root / "src"


def workspace(root: Path) -> None:
    (root / "pkg" / "benches").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project]\nname = "exp"\n\n[tool.critbench]\n')
    (root / "pkg" / "pyproject.toml").write_text('[project]\nname = "pkg"\n')
    (root / "pkg" / "benches" / "w.py").write_text(BENCHES)


@contextlib.contextmanager
def neighbours(count: int) -> Iterator[None]:
    """``count`` CPU-bound processes beside the block, started 2 s before it."""
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(count)]
    try:
        if hogs:
            time.sleep(2)
        yield
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()


def critbench(src: Path, root: Path, slowdown: float, args: list[str]) -> dict[str, object]:
    env = {
        **os.environ,
        "SLOWDOWN": repr(slowdown),
        "PYTHONPATH": os.pathsep.join([str(src), str(HERE)]),
        "NO_COLOR": "1",
    }
    load_before = os.getloadavg()[0]
    start = time.monotonic()
    done = subprocess.run(
        [str(PY), "-m", "critbench", *args], cwd=root, env=env, capture_output=True, text=True, check=False
    )
    wall = time.monotonic() - start
    if done.returncode not in (0, 1):
        raise RuntimeError(f"critbench {' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
    return {
        "returncode": done.returncode,
        "wall_s": round(wall, 1),
        "load_before": load_before,
        "load_after": os.getloadavg()[0],
        "stdout": done.stdout,
        "stderr": done.stderr,
    }


def comparisons(results_json: Path) -> dict[str, dict[str, object]]:
    document = json.loads(results_json.read_text())
    found = {}
    for bench in document["benchmarks"]:
        comparison = bench.get("comparison") or {}
        found[bench["id"].split("/")[-1]] = {
            "verdict": comparison.get("verdict"),
            "change": ((comparison.get("change") or {}).get("mean") or {}).get("point"),
            "p_value": (comparison.get("change") or {}).get("p_value"),
            "p_value_adjusted": comparison.get("p_value_adjusted"),
            "min_detectable_change": comparison.get("min_detectable_change"),
            "unit": comparison.get("unit"),
            "process_statistic": comparison.get("process_statistic"),
            "noise_floor": comparison.get("noise_floor"),
            "window_gap": comparison.get("window_gap"),
            "window_spread": comparison.get("window_spread"),
        }
    return found


def trial(src: Path, slowdowns: list[float], extra: list[str], hogs: int, rng: random.Random) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="critbench-verdicts-") as tmp:
        root = Path(tmp)
        workspace(root)
        baseline = critbench(src, root, 0.0, ["run", "--save-baseline", "base", *extra])
        record: dict[str, object] = {
            "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "baseline": {k: v for k, v in baseline.items() if k != "stdout"},
        }
        order = list(slowdowns)
        rng.shuffle(order)
        runs = []
        for slowdown in order:
            out = root / f"out-{slowdown}.json"
            args = ["run", "--baseline", "base", "--discard-baseline", "--json", str(out), *extra]
            with neighbours(hogs):
                done = critbench(src, root, slowdown, args)
            runs.append({"slowdown": slowdown, "neighbours": hogs, **done, "comparisons": comparisons(out)})
        record["comparisons"] = runs
        return record


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument("--name", default="main")
    parser.add_argument("--commit", default="HEAD")
    parser.add_argument("--neighbours", type=int, default=0, help="CPU-bound processes beside each comparison")
    parser.add_argument("--slowdowns", type=float, nargs="+", default=[0.0, 0.25])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("critbench_args", nargs="*", help="after --: extra options of every critbench run")
    options = parser.parse_args()
    src = snapshot(options.commit)
    commit = src.parent.name
    out = HERE / "results" / f"{options.name}.jsonl"
    out.parent.mkdir(exist_ok=True)
    done = sum(1 for _ in out.open()) if out.exists() else 0
    rng = random.Random(options.seed + done)
    for index in range(done, options.trials):
        record = trial(src, options.slowdowns, options.critbench_args, options.neighbours, rng)
        record.update({"trial": index, "critbench_commit": commit, "args": options.critbench_args})
        with out.open("a") as handle:
            handle.write(json.dumps(record) + "\n")
        summary = [
            f"{run['slowdown']:+.0%}: "
            + " ".join(
                f"{name}={(c['verdict'] or '?')[:3]}"
                for name, c in run["comparisons"].items()  # type: ignore[union-attr]
            )
            for run in record["comparisons"]  # type: ignore[union-attr]
        ]
        print(f"trial {index} load {record['baseline']['load_before']:.1f} | " + " | ".join(summary), flush=True)  # type: ignore[index]


if __name__ == "__main__":
    main()
