#!/usr/bin/env python3
"""Which summary of a run moves least between runs of the same code?

Runs critbench RUNS times on the sensitivity experiment's two workloads (10 worker processes, default
warm-up and measurement), keeps the raw samples, and prints the run-to-run standard deviation (log scale) of
several summaries: Criterion's slope, per-process slopes or fastest times averaged, and the faster half or
fastest of the processes.

    python3 experiments/noise/run_summaries.py 20
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "sensitivity"))
from run import CRITBENCH_TARGET  # noqa: E402 - the sensitivity experiment's bench target, measured the same way

WORKLOADS = HERE.parent / "sensitivity" / "workloads.py"


def collect(runs: int, root: Path) -> list[dict[str, object]]:
    (root / "pkg" / "benches").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project]\nname = "noise"\n\n[tool.critbench]\nprocesses = 10\n')
    (root / "pkg" / "pyproject.toml").write_text('[project]\nname = "pkg"\n')
    (root / "pkg" / "benches" / "w.py").write_text(CRITBENCH_TARGET)
    (root / "pkg" / "benches" / "workloads.py").write_text(WORKLOADS.read_text())
    rows = []
    for _ in range(runs):
        out = root / "r.json"
        subprocess.run(
            [sys.executable, "-m", "critbench", "run", "--discard-baseline", "--json", str(out)],
            cwd=root,
            capture_output=True,
            check=True,
        )
        rows.extend(json.loads(out.read_text())["benchmarks"])
    return rows


def per_process(bench: dict[str, object], statistic: str) -> np.ndarray:
    samples = bench["samples"]
    assert isinstance(samples, dict)
    n, t, p = (np.asarray(samples[key], dtype=float) for key in ("iters", "times_ns", "process"))
    windows = np.asarray(samples.get("fastest_ns") or t / n, dtype=float)
    values = []
    for key in np.unique(p):
        chosen = p == key
        if statistic == "slope":
            values.append(float((n[chosen] * t[chosen]).sum() / (n[chosen] ** 2).sum()))
        elif statistic == "window":
            values.append(float(windows[chosen].min()))
        else:
            values.append(float((t[chosen] / n[chosen]).min()))
    return np.asarray(values)


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    with tempfile.TemporaryDirectory() as folder:
        rows = collect(runs, Path(folder))
    summaries = {
        "slope over all samples": lambda b: float(b["typical"]["point"]),  # type: ignore[index]
        "mean of per-process slopes": lambda b: float(np.exp(np.log(per_process(b, "slope")).mean())),
        "mean of per-process fastest": lambda b: float(np.exp(np.log(per_process(b, "min")).mean())),
        "faster half of per-process fastest": lambda b: float(
            np.exp(np.sort(np.log(per_process(b, "min")))[:5].mean())
        ),
        "fastest process": lambda b: float(per_process(b, "min").min()),
        "faster half of per-process fastest 0.1 ms window": lambda b: float(
            np.exp(np.sort(np.log(per_process(b, "window")))[:5].mean())
        ),
        "mean of per-process fastest 0.1 ms window": lambda b: float(np.exp(np.log(per_process(b, "window")).mean())),
    }
    for bench_id in sorted({str(row["id"]) for row in rows}):
        chosen = [row for row in rows if row["id"] == bench_id]
        print(f"{bench_id} ({len(chosen)} runs): run-to-run sd (log)")
        for name, summary in summaries.items():
            values = np.log([summary(row) for row in chosen])
            print(f"  {name:36s} {values.std(ddof=1) * 100:5.1f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
