"""Faults inside a benchmark: each fails that benchmark alone, in one line saying what happened, with exit
status 3; the benchmarks around it are measured and reported; nothing it started is left running."""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from critbench.errors import EXIT_FAILED, EXIT_INTERRUPTED
from critbench.testing import FakeClock
from tests.conftest import Completed, Workspace, start_critbench

CONFIG = """\
[tool.critbench]
warm-up-time = 0.05
measurement-time = 0.1
sample-size = 10
nresamples = 1000
processes = 2
"""

AROUND = '''
import os
import subprocess
import sys
import time
from pathlib import Path
from critbench import Bencher, bench

def start_child(name: str) -> None:
    """A child process that would run for five minutes, its pid left where the test finds it."""
    child = subprocess.Popen(["sleep", "300"])
    Path(os.environ["PIDS"], name).write_text(str(child.pid))

@bench
def before(b: Bencher) -> None:
    b.iter(lambda: sum(range(10)))

{case}

@bench
def after(b: Bencher) -> None:
    b.iter(lambda: sum(range(10)))
'''

CASES = {
    "sys_exit": (
        "@bench\ndef case(b: Bencher) -> None:\n    b.iter(lambda: sys.exit(0))\n",
        "FAILED: called sys.exit(0)",
    ),
    "keyboard_interrupt": (
        "@bench\ndef case(b: Bencher) -> None:\n    def routine() -> None:\n        raise KeyboardInterrupt\n"
        "    b.iter(routine)\n",
        "FAILED: raised KeyboardInterrupt",
    ),
    "os_exit": (
        "@bench\ndef case(b: Bencher) -> None:\n    b.iter(lambda: os._exit(0))\n",
        "FAILED: its worker process exited with status 0",
    ),
    "segfault": (
        "@bench\ndef case(b: Bencher) -> None:\n    import ctypes\n    b.iter(lambda: ctypes.string_at(0))\n",
        "FAILED: its worker process was killed by SIGSEGV",
    ),
    "crash_with_child": (
        "@bench\ndef case(b: Bencher) -> None:\n    start_child('crash')\n    os._exit(3)\n",
        "FAILED: its worker process exited with status 3",
    ),
    "hang_with_child": (
        "@bench(timeout=1)\ndef case(b: Bencher) -> None:\n    start_child('hang')\n    time.sleep(300)\n",
        "FAILED: timed out after 1s",
    ),
    "child_holding_the_pipe": (
        # A forked child inherits every descriptor, the worker's pipe included: the worker's death must be
        # seen when it happens, not when the child ends (or the deadline passes, and it reads "timed out").
        "@bench\ndef case(b: Bencher) -> None:\n    pid = os.fork()\n    if pid == 0:\n        time.sleep(300)\n"
        "        os._exit(0)\n    Path(os.environ['PIDS'], 'fork').write_text(str(pid))\n    os._exit(3)\n",
        "FAILED: its worker process exited with status 3",
    ),
    "finishes_with_child": (
        "@bench\ndef case(b: Bencher) -> None:\n    start_child('finish')\n    b.iter(lambda: None)\n",
        None,
    ),
}

REAL_CLOCK_CASES = {
    # The fake clock replaces what a routine measures, so these two run on the real one.
    "zero_time": (
        "@bench\ndef case(b: Bencher) -> None:\n    b.iter_custom(lambda iters: 0)\n",
        "FAILED: raised BencherMisuse: the routine measured 0 ns over its first 4,095 iterations, so no plan can "
        "be made from it: it is too fast for the clock, or (iter_custom) it returns 0; measure more work per "
        "iteration",
    ),
    "huge_iter_custom": (
        "@bench\ndef case(b: Bencher) -> None:\n    b.iter_custom(lambda iters: 10**30)\n",
        "FAILED: raised BencherMisuse: iter_custom's routine returned 1e+30 ns for 1 iteration(s), more time than",
    ),
}


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie waiting for its parent to reap it does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def _running_in(folder: Path) -> list[int]:
    """Processes whose working directory is under ``folder``: workers and whatever they started."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cwd = Path(os.readlink(entry / "cwd"))
        except OSError:
            continue
        if cwd.is_relative_to(folder) and _alive(int(entry.name)):
            found.append(int(entry.name))
    return found


def _nothing_left_running(ws: Workspace, pids: Path) -> None:
    started = [int(path.read_text()) for path in pids.iterdir()]
    deadline = time.monotonic() + 10
    while (left := [pid for pid in started if _alive(pid)] + _running_in(ws.root)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not left, f"still running: {left}"


@pytest.fixture
def ws(make_workspace: Callable[..., Workspace], tmp_path: Path) -> Workspace:
    if not Path("/proc/self/stat").exists():
        pytest.skip("needs /proc to see which processes are left")
    (tmp_path / "pids").mkdir()
    return make_workspace(CONFIG)


def _run(ws: Workspace, case: str, *args: str, fake: FakeClock | None = None) -> Completed:
    ws.package("pkg", "pkg", {"t": AROUND.format(case=case)})
    return ws.critbench("run", "--json", "out.json", *args, env={"PIDS": str(ws.root.parent / "pids")}, fake=fake)


@pytest.mark.parametrize("name", [*sorted(CASES), *sorted(REAL_CLOCK_CASES)])
def test_a_fault_fails_that_benchmark_alone_and_leaves_nothing_running(ws: Workspace, name: str) -> None:
    source, message = CASES.get(name) or REAL_CLOCK_CASES[name]
    result = _run(ws, source, fake=None if name in REAL_CLOCK_CASES else FakeClock(1000))
    named = [line for line in result.stdout.splitlines() if line.startswith("t/case")]
    if message is None:
        assert result.returncode == 0, result.stdout + result.stderr
    else:
        assert result.returncode == EXIT_FAILED, result.stdout + result.stderr
        assert len(named) == 1, result.stdout
        assert message in named[0], named[0]
        assert "failed: 1 (t/case)" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    status = {bench["id"]: bench["status"] for bench in json.loads((ws.root / "out.json").read_text())["benchmarks"]}
    assert status == {"t/before": "ok", "t/case": "ok" if message is None else "failed", "t/after": "ok"}
    _nothing_left_running(ws, ws.root.parent / "pids")


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_run_leaves_nothing_running(ws: Workspace, how: signal.Signals) -> None:
    ws.package(
        "pkg", "pkg", {"t": AROUND.format(case="@bench\ndef case(b):\n    start_child('hang')\n    time.sleep(300)\n")}
    )
    pids = ws.root.parent / "pids"
    process = start_critbench(["run"], ws.root, {**os.environ, "NO_COLOR": "1", "PIDS": str(pids)})
    try:
        deadline = time.monotonic() + 120
        while not (pids / "hang").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        process.send_signal(how)
        _, stderr = process.communicate(timeout=60)
    finally:  # never leave it running (nor its pipes open) for a later test to trip over
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == EXIT_INTERRUPTED, stderr
    _nothing_left_running(ws, pids)
