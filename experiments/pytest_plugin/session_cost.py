"""What critbench's pytest plugin costs a pytest session that runs no benchmark.

Runs a trivial pytest session (one passing test) N times with the plugin and N times with
``-p no:critbench``, alternating, and reports the CPU time (user + system, of pytest's process) of each
kind: median and the difference of medians. ``--instructions`` counts each kind's instructions once under
valgrind instead (``PYTHONHASHSEED=0``, so the count repeats to within a few thousand), which the load of a
shared machine does not move. ``--no-bytecode-cache`` runs with ``PYTHONDONTWRITEBYTECODE=1``, as a
container image often does (or a read-only site-packages would): no bytecode written, pip's own used.
``--also=PYTHON`` (repeatable) times other environments' interpreters in the same rounds, each round running
every interpreter with and without the plugin, so that two versions of critbench are compared under the same
load. Usage::

    .venv/bin/python experiments/pytest_plugin/session_cost.py [RUNS] [--instructions] [--no-bytecode-cache]
        [--also=/other/venv/bin/python ...]
"""

from __future__ import annotations

import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path


def environment(no_bytecode_cache: bool) -> dict[str, str]:
    """By default bytecode caches written and used, as in an installed environment (pip compiles them)."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    if no_bytecode_cache:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def cpu_seconds(args: list[str], cwd: Path, env: dict[str, str]) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(args, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def instructions(args: list[str], cwd: Path, env: dict[str, str]) -> int:
    """Instructions of the whole session, counted by callgrind."""
    out = cwd / "callgrind.out"
    command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *args]
    subprocess.run(command, cwd=cwd, env={**env, "PYTHONHASHSEED": "0"}, check=True, capture_output=True, text=True)
    totals = [line for line in out.read_text().splitlines() if line.startswith(("summary:", "totals:"))]
    out.unlink()
    return int(totals[0].split()[1])


def interval_ms(with_plugin: list[float], without: list[float], resamples: int = 2000) -> tuple[float, float]:
    """A 95% percentile-bootstrap interval of the difference of the two medians, in milliseconds (seeded)."""
    generator = random.Random(0)
    differences = sorted(
        statistics.median(generator.choices(with_plugin, k=len(with_plugin)))
        - statistics.median(generator.choices(without, k=len(without)))
        for _ in range(resamples)
    )
    return 1000 * differences[int(0.025 * resamples)], 1000 * differences[int(0.975 * resamples) - 1]


def main() -> None:
    flags = [arg for arg in sys.argv[1:] if arg.startswith("--")]
    numbers = [arg for arg in sys.argv[1:] if not arg.startswith("--")]
    runs = int(numbers[0]) if numbers else 20
    env = environment("--no-bytecode-cache" in flags)
    pythons = [sys.executable, *(flag.split("=", 1)[1] for flag in flags if flag.startswith("--also="))]
    note = f"PYTEST_ADDOPTS={os.environ.get('PYTEST_ADDOPTS', '')!r}"
    note += f", PYTHONDONTWRITEBYTECODE={env.get('PYTHONDONTWRITEBYTECODE', '')!r}"
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "test_trivial.py").write_text("def test_nothing():\n    assert True\n")
        kinds = {}
        for python in pythons:
            base = [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_trivial.py"]
            kinds[python] = (base, [*base, "-p", "no:critbench"])
        for args in (args for pair in kinds.values() for args in pair):  # warm the file cache, write bytecode
            cpu_seconds(args, root, env)
        if "--instructions" in flags:
            print(f"instructions, one session each ({note})")
            for python, (with_args, without_args) in kinds.items():
                count_with, count_without = instructions(with_args, root, env), instructions(without_args, root, env)
                difference = count_with - count_without
                print(
                    f"{python}: {count_with / 1e6:.1f} M with the plugin, {count_without / 1e6:.1f} M with "
                    f"-p no:critbench: {difference / 1e6:+.1f} M ({100 * difference / count_without:+.1f}%)"
                )
            return
        times: dict[str, tuple[list[float], list[float]]] = {python: ([], []) for python in pythons}
        for _ in range(runs):
            for python, (with_args, without_args) in kinds.items():
                times[python][0].append(cpu_seconds(with_args, root, env))
                times[python][1].append(cpu_seconds(without_args, root, env))
    print(f"{runs} runs each ({note})")
    for python, (with_plugin, without) in times.items():
        med_with, med_without = statistics.median(with_plugin), statistics.median(without)
        print(python)
        print(f"  with the plugin:       median {med_with * 1000:.1f} ms CPU")
        print(f"  with -p no:critbench:  median {med_without * 1000:.1f} ms CPU")
        low, high = interval_ms(with_plugin, without)
        print(
            f"  the plugin's cost:     {1000 * (med_with - med_without):+.1f} ms CPU per session "
            f"(95% bootstrap interval {low:+.1f} to {high:+.1f} ms)"
        )


if __name__ == "__main__":
    main()
