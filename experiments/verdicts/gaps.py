"""Which within-run figure tells code whose windows drift between runs (the million-key dict) from CPU-bound code?

The comparison of separate runs raises τ to 12% when a run's windows "drift like memory-bound code's"
(src/critbench/stats/_windows.py): the median over processes of the gap between a process's two fastest
windows over 1%, or the processes' spread over 15%. This script keeps, for every default run of the verdicts
workloads, each sample's fastest window by process, and prints four candidate figures per run and workload:

    gap2    median over processes of (second-fastest window / fastest − 1)      (the rule's)
    gap3    the same with the third-fastest
    median  median over processes of (median window / fastest − 1)
    spread  median process's fastest window / the fastest process's − 1        (the rule's second signal)

    .venv/bin/python experiments/verdicts/gaps.py collect --runs 10      # appends to results/gaps.jsonl
    python3 experiments/verdicts/gaps.py summarize                      # needs numpy: use .venv/bin/python

Each run is `critbench run --json` of the workspace of run.py at SLOWDOWN=0, with the 1-minute load average
read before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "gaps.jsonl"
PY = Path(sys.executable)


def windows_of(document: dict) -> dict[str, dict[str, list]]:  # type: ignore[type-arg]
    """Each benchmark's per-sample fastest windows and their processes, from critbench's JSON."""
    found = {}
    for bench in document["benchmarks"]:
        samples = bench["samples"]
        found[bench["id"].split("/")[-1]] = {"process": samples["process"], "fastest_ns": samples["fastest_ns"]}
    return found


def collect(runs: int) -> None:
    sys.path.insert(0, str(HERE))
    import run  # the verdicts experiment's workspace

    with tempfile.TemporaryDirectory(prefix="critbench-gaps-") as tmp:
        root = Path(tmp)
        run.workspace(root)
        env = {**os.environ, "SLOWDOWN": "0", "PYTHONPATH": str(HERE), "NO_COLOR": "1"}
        for _ in range(runs):
            out = root / "out.json"
            load_before = os.getloadavg()[0]
            started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
            subprocess.run(
                [str(PY), "-m", "critbench", "run", "--json", str(out)],
                cwd=root,
                env=env,
                capture_output=True,
                check=True,
            )
            record = {
                "started": started,
                "load_before": load_before,
                "load_after": os.getloadavg()[0],
                "windows": windows_of(json.loads(out.read_text())),
            }
            with RESULTS.open("a") as handle:
                handle.write(json.dumps(record) + "\n")


def figures(process: list[int], fastest_ns: list[float]) -> tuple[float, float, float, float]:
    import numpy as np

    values, processes = np.asarray(fastest_ns, dtype=float), np.asarray(process)
    gap2, gap3, median, best = [], [], [], []
    for key in np.unique(processes):
        ordered = np.sort(values[processes == key])
        gap2.append(ordered[1] / ordered[0] - 1)
        gap3.append(ordered[2] / ordered[0] - 1)
        median.append(float(np.median(ordered)) / ordered[0] - 1)
        best.append(ordered[0])
    spread = float(np.median(best)) / min(best) - 1
    return float(np.median(gap2)), float(np.median(gap3)), float(np.median(median)), spread


def summarize() -> None:
    import numpy as np

    records = [json.loads(line) for line in RESULTS.read_text().splitlines() if line.strip()]
    names = list(records[0]["windows"])
    print(f"{len(records)} runs, {records[0]['started']} … {records[-1]['started']}")
    print()
    print(
        "| workload | gap2 (rule: > 1%) | gap3 | median window | spread (rule: > 15%) | runs the rule calls drifting |"
    )
    print("|---|---|---|---|---|---|")
    for name in names:
        rows = np.asarray([figures(**record["windows"][name]) for record in records]) * 100
        cells = [f"{np.min(col):.2f} … {np.median(col):.2f} … {np.max(col):.2f}%" for col in rows.T]
        drifting = int(np.sum((rows[:, 0] > 1.0) | (rows[:, 3] > 15.0)))
        print(f"| {name} | {' | '.join(cells)} | {drifting} of {len(rows)} |")
    print()
    print("(min … median … max over runs)")
    loads = [value for record in records for value in (record["load_before"], record["load_after"])]
    print(f"1-minute load average at the runs' starts and ends: {min(loads):.1f} … {max(loads):.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("collect").add_argument("--runs", type=int, default=10)
    sub.add_parser("summarize")
    options = parser.parse_args()
    if options.command == "collect":
        collect(options.runs)
    else:
        summarize()


if __name__ == "__main__":
    main()
