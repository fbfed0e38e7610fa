"""``critbench run --measure instructions`` for real, under valgrind, on a tiny bench file.

Skipped with the reason when valgrind is missing locally; CI installs it (``.ci/valgrind.sh``) and fails
rather than skips (``$CI`` set), so the counting worker is always exercised there.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable

import pytest

from tests.conftest import Workspace

TARGET = """\
from critbench import bench

def kernel(n):
    total = 0
    for i in range(n):
        total += i * i % 7
    return total

@bench(target="1M instructions")
def loop(b):
    b.iter(lambda: kernel(20))

@bench
def batched(b):
    b.iter_batched(lambda: list(range(50, 0, -1)), lambda xs: xs.sort(), batch_size=8)

async def akernel():
    return kernel(20)

@bench
def coroutine(b):
    b.iter_async(akernel)
"""

CONFIG = """\
[tool.critbench]
layouts = 2
cache-simulation = false
"""


@pytest.fixture(autouse=True)
def _valgrind() -> None:
    if shutil.which("valgrind") is None:
        reason = "valgrind is not installed (apt-get install valgrind): instruction counts cannot be tested"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


def test_two_runs_count_the_same_instructions(make_workspace: Callable[..., Workspace]) -> None:
    ws = make_workspace(CONFIG)
    ws.package("pkg", "pkg", {"t": TARGET})
    first = ws.critbench("run", "--measure", "instructions", "--save-baseline", "base", "--json", "a.json", timeout=900)
    assert first.returncode == 0, first.stderr
    assert "instr:" in first.stdout
    # One start per benchmark: the progress reaches its total, and names no process the run does not start.
    assert "[3/3] Benchmarking" in first.stderr
    assert "/6]" not in first.stderr
    assert "[process" not in first.stderr
    # Counts do not depend on the machine's load (this machine is often busy): no advice to quieten it.
    assert "the machine was busy" not in first.stdout + first.stderr
    document = json.loads((ws.root / "a.json").read_text())
    assert document["run"]["settings"]["measure"] == "instructions"
    by_id = {b["id"]: b for b in document["benchmarks"]}
    assert set(by_id) == {"t/loop", "t/batched", "t/coroutine"}
    for benchmark in by_id.values():
        assert benchmark["unit"] == "instructions"
        assert benchmark["samples"]["unit"] == "instructions"
        assert set(benchmark["samples"]["events"]) >= {"Ir", "wall_ns"}
        counts = benchmark["analysis"]["counts"]
        assert len(counts["per_process"]) == 2
        assert min(counts["per_process"]) > 1000
    loop = by_id["t/loop"]
    # Pure Python, but the heap's holes still decide when pymalloc takes a new pool or arena: layouts agree
    # to well under a percent (0 or 0.6% in the runs seen), never exactly by promise.
    assert loop["analysis"]["counts"]["spread"] < 0.01
    assert loop["time_target"]["metric"] == "instructions"
    # The loop's own cost is taken out: kernel(20) is about 11,000 instructions, the bare loop about 400.
    assert 5_000 < loop["typical"]["point"] < 20_000

    second = ws.critbench(
        "run", "--measure", "instructions", "--baseline", "base", "--json", "b.json", "--", "loop", timeout=900
    )
    assert second.returncode == 0, second.stderr
    # The same count, or by how much the two differ per iteration: a layout that takes a new pymalloc pool in
    # one run and not in the other moves a pure-Python count by a fraction of a percent.
    assert re.search(r"the same count as base|[+−][\d,.]+ instr per iteration against base", second.stdout)
    assert "No change in performance detected." in second.stdout
    again = json.loads((ws.root / "b.json").read_text())["benchmarks"][0]
    assert again["typical"]["point"] == pytest.approx(loop["typical"]["point"], rel=0.01)
    assert again["comparison"]["unit"] == "count"

    history = ws.critbench("history", "t/loop")
    assert history.returncode == 0, history.stderr
    assert "instructions per iteration" in history.stdout
    report = ws.output_root / "report" / "index.html"
    assert "instr" in report.read_text()
