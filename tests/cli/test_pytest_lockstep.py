"""``critbench ab HEAD`` on a pytest suite whose two revisions do not keep in step.

Each round runs a worker of each revision at once, their samples granted in lockstep pairs (``_lockstep``).
Here the working tree's code raises in one test, takes its worker down in the middle of another's samples,
and (its fake cost far higher) takes fewer samples in a third: the run must still end, each benchmark with
the right verdict. The fake clock times everything, and the run is killed if it hangs
(``Workspace.critbench``'s timeout), so nothing depends on real timing.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from critbench.errors import EXIT_INTERRUPTED
from critbench.testing import FakeClock
from tests.cli.test_pytest_target import CONFIG, LIBRARY, _git
from tests.conftest import Workspace, start_critbench

TESTS = """\
import pytest

import mylib


@pytest.mark.parametrize("n", [100, 1000])
def test_work(benchmark, n):
    assert benchmark(mylib.work, n) == sum(i * i for i in range(n))


def test_steady(benchmark):
    benchmark(mylib.work, 30)


@pytest.mark.benchmark(min_rounds=2)
def test_fewer(benchmark):
    benchmark(mylib.work, 20)
"""

BROKEN = """\
import os

calls = 0


def work(n):
    global calls
    if n == 100:
        raise ValueError("no hundreds in this revision")
    if n == 1000:
        calls += 1
        if calls > 20:  # past the warm-up, in the middle of the samples
            os._exit(3)
    return sum(i * i for i in range(n))
"""

FEWER = "tests.test_bench/test_fewer"
CLOCK = FakeClock(1000, seed=5, costs_b_ns={FEWER: 30e6})
"""The working tree's ``test_fewer`` costs 30 ms an iteration: its 4 samples a process (20 in 5) do not fit
in the 20 ms each process measures, so it takes the 2 that ``min_rounds`` allows, against A's 4."""


@pytest.fixture
def project(tmp_path: Path) -> Workspace:
    ws = Workspace(tmp_path / "proj")
    ws.write("pyproject.toml", '[project]\nname = "mylib"\nversion = "0.1"\n\n' + CONFIG)
    ws.write("src/mylib/__init__.py", LIBRARY)
    ws.write("tests/test_bench.py", TESTS)
    _git(ws.root, "init", "-q", "-b", "main")
    _git(ws.root, "add", "-A")
    _git(ws.root, "commit", "-qm", "first")
    return ws


def _section(output: str, benchmark_id: str) -> str:
    return output.split(benchmark_id + "\n", 1)[1].split("\ntests.", 1)[0]


def test_a_revision_that_fails_crashes_and_samples_less_still_gets_every_verdict(project: Workspace) -> None:
    project.write("src/mylib/__init__.py", BROKEN)
    done = project.critbench("ab", "HEAD", fake=CLOCK, timeout=600)
    output = done.stdout + done.stderr
    assert done.returncode == 3, output
    assert "no hundreds in this revision" in _section(output, "tests.test_bench/test_work/100")
    crashed = _section(output, "tests.test_bench/test_work/1000")
    assert "exited with status 3" in crashed, crashed
    steady = _section(done.stdout, "tests.test_bench/test_steady")
    assert "20 pairs measured in alternation in 5 processes" in steady, "every sample of both sides paired"
    assert "regressed" not in steady
    fewer = _section(done.stdout, FEWER)
    assert "Performance has regressed." in fewer
    assert "10 pairs measured in alternation in 5 processes" in fewer, "B's 2 samples a process, paired with A's"
    assert "1 regressed, 0 improved, 1 unchanged" in done.stdout
    assert "failed: 2" in done.stdout


HANGING = """\
import os
import time
from pathlib import Path


def work(n):
    if n == 1000:
        Path(os.environ["PIDS"], "hanging").write_text(str(os.getpid()))
        time.sleep(300)
    return sum(i * i for i in range(n))
"""

WORKER_PIDS = """\
import os
from pathlib import Path

Path(os.environ["PIDS"], f"worker-{os.getpid()}").write_text(str(os.getpid()))
"""


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_lockstep_run_kills_both_sides_workers(
    project: Workspace, tmp_path: Path, how: signal.Signals
) -> None:
    """B's worker hangs in a test while A's waits at a gate for it: an interrupt must end both."""
    pids = tmp_path / "pids"
    pids.mkdir()
    project.write("tests/conftest.py", WORKER_PIDS)
    _git(project.root, "add", "-A")
    _git(project.root, "commit", "-qm", "workers say who they are")
    project.write("src/mylib/__init__.py", HANGING)
    process = start_critbench(
        ["--fake-clock", CLOCK.to_json(), "ab", "HEAD"],
        project.root,
        {**os.environ, "NO_COLOR": "1", "PIDS": str(pids)},
    )
    try:
        deadline = time.monotonic() + 240
        while not (pids / "hanging").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert (pids / "hanging").exists(), "B's worker reached the hanging test"
        workers = [int(path.read_text()) for path in pids.glob("worker-*")]
        assert len(workers) >= 2, "both sides' workers are alive at once"
        process.send_signal(how)
        _, stderr = process.communicate(timeout=60)
    finally:  # never leave it running (nor its pipes open) for a later test to trip over
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == EXIT_INTERRUPTED, stderr
    deadline = time.monotonic() + 10
    while (left := [pid for pid in workers if _alive(pid)]) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not left, f"still running: {left}"


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie waiting for its parent to reap it does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")
