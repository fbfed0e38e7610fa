"""The allocator state a counted interval starts from, natively and for real under callgrind."""

from __future__ import annotations

import gc
import os
import shutil
import subprocess
import sys
from array import array
from pathlib import Path

import pytest

from critbench.engine._callgrind import read_dump
from critbench.engine._heap import CLASSES, free_blocks, settle_small_objects

CHILD = """\
import gc, os, sys
from critbench.engine._heap import free_blocks, settle_small_objects, CLASSES
from array import array

def routine():  # one temporary int (a 28-byte block) made and freed per step
    total = 0
    for i in range(1000, 1600):
        total += i * 3
    return total

def child(starved, settle):
    kept = []
    gc.collect()
    if starved:  # every partly used pool of the ints' size class filled but for one block
        free = array("q", bytes(8 * (CLASSES + 1)))
        free_blocks(free)
        kept.append([1_000_000 + i for i in range(free[1] - 1)])
    if settle:
        settle_small_objects()
    for _ in range(20):
        routine()
    for n in (10, 30):
        os.getsid(0)
        for _ in range(n):
            routine()
        os.getpgid(0)
    os._exit(0)

for starved in (False, True):
    for settle in (False, True):
        pid = os.fork()
        if pid == 0:
            child(starved, settle)
        os.waitpid(pid, 0)
        print(os.getpid(), pid, starved, settle, flush=True)
"""


def test_settling_fills_every_partly_used_pool_and_opens_a_fresh_one() -> None:
    kept = [bytes(40 + i % 400) for i in range(5000)][::2]  # holes in most size classes
    gc.collect()
    settle_small_objects()
    free = array("q", bytes(8 * (CLASSES + 1)))
    assert free_blocks(free)
    capacity = [(16384 - 48) // (16 * (k + 1)) for k in range(CLASSES)]
    # Classes 2 to 31 (bytes objects): exactly one partly used pool each, a fresh one, a few blocks in use.
    for k in range(2, CLASSES):
        assert capacity[k] - 12 <= free[k] < capacity[k], (k, free[k])
    del kept


@pytest.mark.skipif(sys.platform != "linux", reason="callgrind runs on Linux")
def test_a_count_does_not_follow_the_pools_state_once_settled(tmp_path: Path) -> None:
    if shutil.which("valgrind") is None:
        reason = "valgrind is not installed (apt-get install valgrind): instruction counts cannot be tested"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    done = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--zero-before=getsid",
            "--dump-before=getpgid",
            f"--callgrind-out-file={tmp_path}/cg.%p",
            "--quiet",
            sys.executable,
            str(script),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    per_iteration = {}
    for line in done.stdout.splitlines():
        _, pid, starved, settle = line.split()
        first, second = (read_dump(tmp_path / f"cg.{pid}.{k}").events["Ir"] for k in (1, 2))
        per_iteration[starved == "True", settle == "True"] = (second - first) / 20
    # Unsettled, the count follows the pools' state (here the heap as start-up left it took the slow paths:
    # 379,342 against 352,018 instructions an iteration, when this test was written).
    assert per_iteration[True, False] != per_iteration[False, False]
    # Settled, both heaps count the same, to the instruction.
    assert per_iteration[True, True] == per_iteration[False, True]
