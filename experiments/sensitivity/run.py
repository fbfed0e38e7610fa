#!/usr/bin/env python3
"""Sensitivity experiment: how often each tool calls a regression, by true slowdown, on this machine.

For each trial and load condition (idle, or a CPU-bound process on the other core), each tool measures the
unchanged workloads once (its baseline), then once per slowdown in 0%, 2%, 5%, 10%, 25% (random order), and
its own verdict on each comparison is recorded:

- critbench: defaults; ``critbench run --save-baseline base`` then ``critbench run --baseline base``;
  regressed = the verdict "Performance has regressed.".
- pytest-benchmark: defaults; ``--benchmark-save`` then ``--benchmark-compare --benchmark-compare-fail=mean:5%``;
  regressed = the benchmark is named in its "Performance has regressed" failure.
- pyperf: defaults; ``bench.py -o base.json`` then ``-o new.json`` and ``python -m pyperf compare_to``;
  regressed = the comparison says "slower" and not "Not significant".
- critbench ab: ``critbench ab HEAD`` on a git repository whose HEAD is the unchanged code and whose
  working tree has the slowdown written in; the wall time is the whole comparison (both sides).

Trials of the tools are interleaved (random tool order within every trial) so they see the same machine.
Results are appended to results/<name>.jsonl (one line per comparison) and the run can be resumed.

    python3 experiments/sensitivity/run.py --trials 20 --other-trials 10     # the full experiment, ~3 h
    python3 experiments/sensitivity/summarize.py results/*.jsonl              # the tables in docs/rigor.md
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import venv
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SLOWDOWNS = (0.0, 0.02, 0.05, 0.10, 0.25)
WORKLOADS = ("loop_20us", "json_1ms")
VENV = Path(os.environ.get("CRITBENCH_EXPERIMENT_VENV", HERE / ".venv"))
"""Set CRITBENCH_EXPERIMENT_VENV to keep a second snapshot (another critbench commit) beside a running one."""
PY = VENV / "bin" / "python"

CRITBENCH_TARGET = """
from critbench import bench
import workloads

@bench
def loop_20us(b):
    b.iter(workloads.loop_20us)

@bench
def json_1ms(b):
    b.iter(workloads.json_1ms)
"""

PYTEST_FILE = """
import workloads

def test_loop_20us(benchmark):
    benchmark(workloads.loop_20us)

def test_json_1ms(benchmark):
    benchmark(workloads.json_1ms)
"""

PYPERF_SCRIPT = """
import pyperf
import workloads

runner = pyperf.Runner()
runner.bench_func("loop_20us", workloads.loop_20us)
runner.bench_func("json_1ms", workloads.json_1ms)
"""


def ensure_venv() -> str:
    """A venv of its own with a *snapshot* of critbench (not editable), so editing the repo while the
    experiment runs cannot change what it measures; returns the critbench commit it holds."""
    commit = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, check=False
    ).stdout.strip()
    stamp = VENV / "critbench-commit"
    if PY.exists() and stamp.exists():
        return stamp.read_text()
    if not PY.exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    subprocess.run(
        [PY, "-m", "pip", "install", "-q", str(REPO), "pyperf==2.*", "pytest", "pytest-benchmark==5.*"], check=True
    )
    stamp.write_text(commit)
    return commit


def _run(args: list[str], cwd: Path, slowdown: float) -> tuple[subprocess.CompletedProcess[str], float]:
    env = {**os.environ, "SLOWDOWN": repr(slowdown), "PYTHONPATH": str(HERE), "NO_COLOR": "1"}
    start = time.monotonic()
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    return done, time.monotonic() - start


@contextlib.contextmanager
def background_load(active: bool) -> Iterator[None]:
    """A CPU-bound process (a busy loop) for the other core, or nothing."""
    if not active:
        yield
        return
    hog = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        yield
    finally:
        hog.kill()
        hog.wait()


DETAILS: dict[str, dict[str, float | None]] = {}
"""critbench's measured change and minimum detectable change per workload, from its last comparison."""


def _regressed(results_json: Path) -> dict[str, bool]:
    """critbench's verdict per workload, from its --json results (the figures behind it go to DETAILS)."""
    document = json.loads(results_json.read_text())
    verdicts = {}
    DETAILS.clear()
    for bench in document["benchmarks"]:
        name = bench["id"].split("/")[-1]
        comparison = bench.get("comparison") or {}
        verdicts[name] = comparison.get("verdict") == "regressed"
        DETAILS[name] = {
            "change": ((comparison.get("change") or {}).get("mean") or {}).get("point"),
            "min_detectable_change": comparison.get("min_detectable_change"),
        }
    return verdicts


class Critbench:
    name = "critbench"

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "pkg" / "benches").mkdir(parents=True)
        (root / "pyproject.toml").write_text('[project]\nname = "exp"\n\n[tool.critbench]\n')
        (root / "pkg" / "pyproject.toml").write_text('[project]\nname = "pkg"\n')
        (root / "pkg" / "benches" / "w.py").write_text(CRITBENCH_TARGET)
        self.cli = str(VENV / "bin" / "critbench")

    def baseline(self) -> float:
        shutil.rmtree(self.root / "target", ignore_errors=True)
        done, wall = _run([self.cli, "run", "--save-baseline", "base"], self.root, 0.0)
        if done.returncode != 0:
            raise RuntimeError(done.stdout + done.stderr)
        return wall

    def compare(self, slowdown: float) -> tuple[dict[str, bool], float]:
        out = self.root / "out.json"
        done, wall = _run(
            [self.cli, "run", "--baseline", "base", "--discard-baseline", "--json", str(out)], self.root, slowdown
        )
        if done.returncode not in (0, 1):
            raise RuntimeError(done.stdout + done.stderr)
        return _regressed(out), wall


class CritbenchAB:
    """critbench ab: HEAD is the unchanged workloads, the working tree has the slowdown written in."""

    name = "critbench-ab"

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "pkg" / "benches").mkdir(parents=True)
        (root / "pkg" / "src" / "wl").mkdir(parents=True)
        (root / "pyproject.toml").write_text('[project]\nname = "exp"\n\n[tool.critbench]\n')
        (root / "pkg" / "pyproject.toml").write_text('[project]\nname = "pkg"\n')
        (root / "pkg" / "benches" / "w.py").write_text(
            CRITBENCH_TARGET.replace("import workloads", "from wl import workloads")
        )
        (root / ".gitignore").write_text("target/\n")
        self._write(0.0)
        for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "unchanged"]):
            subprocess.run(
                ["git", "-c", "user.email=e@x", "-c", "user.name=e", *args], cwd=root, check=True, capture_output=True
            )
        self.cli = str(VENV / "bin" / "critbench")

    def _write(self, slowdown: float) -> None:
        source = (HERE / "workloads.py").read_text()
        source = source.replace('float(os.environ.get("SLOWDOWN", "0"))', repr(slowdown))
        (self.root / "pkg" / "src" / "wl" / "__init__.py").write_text("")
        (self.root / "pkg" / "src" / "wl" / "workloads.py").write_text(source)

    def baseline(self) -> float:
        return 0.0  # the baseline is measured inside every comparison, side by side

    def compare(self, slowdown: float) -> tuple[dict[str, bool], float]:
        self._write(slowdown)
        out = self.root / "out.json"
        done, wall = _run([self.cli, "ab", "HEAD", "--json", str(out)], self.root, 0.0)
        if done.returncode not in (0, 1):
            raise RuntimeError(done.stdout + done.stderr)
        return _regressed(out), wall


class PytestBenchmark:
    name = "pytest-benchmark"

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "test_w.py").write_text(PYTEST_FILE)
        self.storage = root / "storage"

    def _args(self, *extra: str) -> list[str]:
        return [str(PY), "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--benchmark-storage={self.storage}", *extra]

    def baseline(self) -> float:
        shutil.rmtree(self.storage, ignore_errors=True)
        done, wall = _run(self._args("--benchmark-save=base"), self.root, 0.0)
        if done.returncode != 0:
            raise RuntimeError(done.stdout + done.stderr)
        return wall

    def compare(self, slowdown: float) -> tuple[dict[str, bool], float]:
        done, wall = _run(
            self._args("--benchmark-compare=0001", "--benchmark-compare-fail=mean:5%"), self.root, slowdown
        )
        text = done.stdout + done.stderr
        failed = (
            set(re.findall(r"test_(\w+) \(0001", text.split("Performance has regressed", 1)[-1]))
            if ("Performance has regressed" in text)
            else set()
        )
        return {name: name in failed for name in WORKLOADS}, wall


class Pyperf:
    name = "pyperf"

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "bench.py").write_text(PYPERF_SCRIPT)

    def _bench(self, output: Path, slowdown: float) -> float:
        output.unlink(missing_ok=True)
        done, wall = _run(
            [str(PY), "bench.py", "--quiet", "--inherit-environ=SLOWDOWN,PYTHONPATH", "-o", str(output)],
            self.root,
            slowdown,
        )
        if done.returncode != 0:
            raise RuntimeError(done.stdout + done.stderr)
        return wall

    def baseline(self) -> float:
        return self._bench(self.root / "base.json", 0.0)

    def compare(self, slowdown: float) -> tuple[dict[str, bool], float]:
        wall = self._bench(self.root / "new.json", slowdown)
        done, _ = _run(
            [str(PY), "-m", "pyperf", "compare_to", str(self.root / "base.json"), str(self.root / "new.json")],
            self.root,
            0.0,
        )
        verdicts = {}
        for name in WORKLOADS:
            lines = [line for line in done.stdout.splitlines() if line.startswith(name)]
            text = " ".join(lines)
            verdicts[name] = "slower" in text and "Not significant" not in text
        return verdicts, wall


def _done_keys(path: Path) -> set[tuple[str, int, str]]:
    keys = set()
    if path.exists():
        for line in path.read_text().splitlines():
            row = json.loads(line)
            keys.add((row["tool"], row["trial"], row["load"]))
    return keys


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, default=20, help="trials for critbench (default 20)")
    parser.add_argument("--other-trials", type=int, default=10, help="trials for pytest-benchmark and pyperf")
    parser.add_argument("--name", default="sensitivity", help="results/<name>.jsonl")
    parser.add_argument("--tools", default="critbench,critbench-ab,pytest-benchmark,pyperf")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    commit = ensure_venv()
    results = HERE / "results" / f"{args.name}.jsonl"
    results.parent.mkdir(exist_ok=True)
    done = _done_keys(results)
    rng = random.Random(args.seed)
    wanted = set(args.tools.split(","))
    for trial in range(args.trials):
        for load in ("idle", "busy"):
            tools: list[type[Critbench] | type[CritbenchAB] | type[PytestBenchmark] | type[Pyperf]] = [
                Critbench,
                CritbenchAB,
            ]
            if trial < args.other_trials:
                tools += [PytestBenchmark, Pyperf]
            tools = [t for t in tools if t.name in wanted]
            rng.shuffle(tools)
            for tool_class in tools:
                if (tool_class.name, trial, load) in done:
                    continue
                with tempfile.TemporaryDirectory(prefix="critbench-sens-") as folder, background_load(load == "busy"):
                    tool = tool_class(Path(folder))
                    base_wall = tool.baseline()
                    slowdowns = list(SLOWDOWNS)
                    rng.shuffle(slowdowns)
                    rows = []
                    for slowdown in slowdowns:
                        load_before = os.getloadavg()[0]
                        DETAILS.clear()
                        verdicts, wall = tool.compare(slowdown)
                        for workload, regressed in verdicts.items():
                            rows.append(
                                {
                                    **DETAILS.get(workload, {}),
                                    "loadavg_before": load_before,
                                    "loadavg_after": os.getloadavg()[0],
                                    "tool": tool.name,
                                    "trial": trial,
                                    "load": load,
                                    "workload": workload,
                                    "slowdown": slowdown,
                                    "regressed": regressed,
                                    "wall_per_benchmark_s": wall / len(WORKLOADS),
                                    "baseline_wall_s": base_wall,
                                    "time": time.time(),
                                    "critbench_commit": commit,
                                }
                            )
                with results.open("a") as handle:
                    for row in rows:
                        handle.write(json.dumps(row) + "\n")
                print(f"trial {trial} {load} {tool_class.name}: done", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
