"""What critbench's pytest plugin costs a pytest session that runs no benchmark.

Runs a trivial pytest session (one passing test) N times with the plugin and N times with
``-p no:critbench``, alternating, and reports the CPU time (user + system, of pytest's process) of each
kind: median and the difference of medians. Usage::

    .venv/bin/python experiments/pytest_plugin/session_cost.py [RUNS]
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
"""Bytecode caches written and used, as in an installed environment (pip compiles them at install)."""


def cpu_seconds(args: list[str], cwd: Path) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(args, cwd=cwd, env=ENV, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "test_trivial.py").write_text("def test_nothing():\n    assert True\n")
        base = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_trivial.py"]
        env_note = os.environ.get("PYTEST_ADDOPTS", "")
        with_plugin, without = [], []
        cpu_seconds(base, root)  # warm the file cache and write the bytecode caches
        for _ in range(runs):
            with_plugin.append(cpu_seconds(base, root))
            without.append(cpu_seconds([*base, "-p", "no:critbench"], root))
    med_with, med_without = statistics.median(with_plugin), statistics.median(without)
    print(f"{runs} runs each (PYTEST_ADDOPTS={env_note!r})")
    print(f"with the plugin:       median {med_with * 1000:.1f} ms CPU")
    print(f"with -p no:critbench:  median {med_without * 1000:.1f} ms CPU")
    print(f"the plugin's cost:     {1000 * (med_with - med_without):+.1f} ms CPU per session")


if __name__ == "__main__":
    main()
