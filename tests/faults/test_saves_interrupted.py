"""A real ``critbench run --save-baseline`` stopped at every stage of its save by SIGINT, SIGTERM or SIGKILL.

The storage test hook (``critbench.storage._hooks``) pauses the save at a named stage; the test then sends
the signal, so it lands exactly there, whatever the machine's speed. Every case ends with the documented
exit status and message, the baseline holding its old data or its new data whole (never a mix, never
less), and no hidden staging, set-aside or lock file left once the next command has read the baseline.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from critbench.errors import EXIT_INTERRUPTED
from critbench.model import LAST_RUN, PREVIOUS_RUN
from critbench.storage import BaselineStore
from critbench.storage._hooks import PAUSE_VARIABLE
from critbench.testing import FakeClock
from tests.conftest import FAST_CONFIG, Completed, Workspace, start_critbench

TARGET = "from critbench import bench\n\n@bench\ndef {name}(b):\n    b.iter(lambda: None)\n"
OLDER = FakeClock(500)
OLD = FakeClock(1000)
"""The clocks of the two runs that saved what is stored before the interrupted one."""
NEW = FakeClock(2000)
"""The clock of the interrupted run, so its numbers (twice as slow) are told from the stored ones."""


def make_template(root: Path) -> Workspace:
    """Packages ``pkg`` (benchmark t/f) and ``keep`` (k/g), saved twice as baseline R; the last run and the
    previous one measured 1000 ns and 500 ns per iteration."""
    ws = Workspace(root)
    ws.write("pyproject.toml", '[project]\nname = "ws"\nversion = "0.1"\n\n' + FAST_CONFIG)
    ws.package("pkg", "pkg", {"t": TARGET.format(name="f")})
    ws.package("keep", "keep", {"k": TARGET.format(name="g")})
    for fake in (OLDER, OLD):
        result = ws.critbench("run", "--save-baseline", "R", fake=fake)
        assert result.returncode == 0, result.stderr
    return ws


def copy_of(template: Workspace, root: Path) -> Workspace:
    shutil.copytree(template.root, root, symlinks=True)
    return Workspace(root)


def start_paused(
    ws: Workspace, marker: Path, name: str, stage: str, *args: str, fake: FakeClock = NEW
) -> subprocess.Popen[str]:
    """``critbench ARGS`` in the background, returned once its save of ``name`` waits at ``stage``."""
    env = {**os.environ, "NO_COLOR": "1", PAUSE_VARIABLE: f"{name}:{stage}:{marker}"}
    env.pop("CRITBENCH_HOME", None)
    process = start_critbench(["--fake-clock", fake.to_json(), *args], ws.root, env)
    deadline = time.monotonic() + 300
    while not marker.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            _, stderr = process.communicate()
            pytest.fail(f"the run never paused at {name}:{stage} (exit {process.returncode}): {stderr}")
        time.sleep(0.02)
    return process


def finish(process: subprocess.Popen[str], marker: Path) -> Completed:
    """Let a paused run go on (if it still can) and wait for it to end."""
    marker.unlink(missing_ok=True)
    stdout, stderr = process.communicate(timeout=300)
    return Completed(process.returncode, stdout, stderr)


def stray(root: Path) -> list[str]:
    """What an operation should never leave behind in the output root."""
    return sorted(p.name for p in root.iterdir() if p.name.startswith((".tmp-", ".old-", ".lock-")))


def per_iteration(root: Path, name: str) -> dict[str, float]:
    """The stored time per iteration of each benchmark of ``name``, by id (1000 stored before, 2000 new)."""
    stored = BaselineStore(root).load(name)
    return {
        item.info.id.full_id: round(sorted(item.samples.per_iteration_ns)[len(item.samples.iters) // 2], -2)
        for item in stored.benchmarks
    }


BEFORE = {"k/g": 1000.0, "t/f": 1000.0}
AFTER = {"k/g": 1000.0, "t/f": 2000.0}
"""Baseline R after ``run -p pkg --save-baseline R`` with the new clock: t/f replaced, k/g kept."""

HELD_STAGES = {"set-aside", "rotated", "swapped"}
"""Stages inside a swap, where SIGINT and SIGTERM are held until the swap is over."""


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return make_template(tmp_path_factory.mktemp("template") / "ws")


@pytest.fixture
def ws(template: Workspace, tmp_path: Path) -> Workspace:
    return copy_of(template, tmp_path / "ws")


def _save_into_r(ws: Workspace, tmp_path: Path, name: str, stage: str, signum: signal.Signals) -> Completed:
    marker = tmp_path / "paused"
    process = start_paused(ws, marker, name, stage, "run", "-p", "pkg", "--save-baseline", "R")
    process.send_signal(signum)
    if signum is not signal.SIGKILL:
        time.sleep(0.2)  # the signal is in before the run goes on (held ones wait for the swap's end)
    return finish(process, marker)


SAVE_STAGES = ["lock", "locked", "staging", "staged", "set-aside", "swapped"]


@pytest.mark.parametrize("stage", SAVE_STAGES)
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_an_interrupt_during_a_named_save_keeps_the_baseline_whole(
    ws: Workspace, tmp_path: Path, stage: str, signum: signal.Signals
) -> None:
    root = ws.output_root
    before = {p.relative_to(root / "R"): p.read_bytes() for p in (root / "R").rglob("*") if p.is_file()}
    result = _save_into_r(ws, tmp_path, "R", stage, signum)
    assert result.returncode == EXIT_INTERRUPTED, result.stderr
    assert "Traceback" not in result.stderr
    last_run = "interrupted after saving the results as the last run (target/critbench/.last)"
    if stage in HELD_STAGES:
        assert f"{last_run}, baseline 'R'; nothing else from this run was written" in result.stderr
        assert per_iteration(root, "R") == AFTER
    else:
        assert f"{last_run}; nothing else from this run was written" in result.stderr
        assert {p.relative_to(root / "R"): p.read_bytes() for p in (root / "R").rglob("*") if p.is_file()} == before
    assert stray(root) == []


@pytest.mark.parametrize("stage", SAVE_STAGES)
def test_a_kill_during_a_named_save_loses_nothing_once_the_baseline_is_read(
    ws: Workspace, tmp_path: Path, stage: str
) -> None:
    root = ws.output_root
    result = _save_into_r(ws, tmp_path, "R", stage, signal.SIGKILL)
    assert result.returncode == -signal.SIGKILL
    shown = ws.critbench("baselines", "show", "R")
    assert shown.returncode == 0, shown.stderr
    assert "t/f" in shown.stdout
    assert "k/g" in shown.stdout
    assert per_iteration(root, "R") == (AFTER if stage == "swapped" else BEFORE)
    assert stray(root) == []
    assert sorted(p.name for p in root.iterdir() if not p.name.startswith(".")) == ["R", "report"]


LAST_STAGES = ["staged", "set-aside", "rotated", "swapped"]


def _pair(root: Path) -> tuple[float, float]:
    return per_iteration(root, LAST_RUN)["t/f"], per_iteration(root, PREVIOUS_RUN)["t/f"]


@pytest.mark.parametrize("stage", LAST_STAGES)
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGKILL], ids=["SIGINT", "SIGKILL"])
def test_the_last_runs_rotation_cut_off_anywhere_leaves_a_consistent_pair(
    ws: Workspace, tmp_path: Path, stage: str, signum: signal.Signals
) -> None:
    """Saving the last run renames three times; the last and previous runs stay a pair, (new, old) or
    (old, older), never one lost nor the same run twice."""
    root = ws.output_root
    result = _save_into_r(ws, tmp_path, LAST_RUN, stage, signum)
    landed = (stage in HELD_STAGES and signum is not signal.SIGKILL) or stage == "swapped"
    if signum is signal.SIGKILL:
        assert result.returncode == -signal.SIGKILL
        report = ws.critbench("report")  # reads the last run and the one before it
        assert report.returncode == 0, report.stderr
    else:
        assert result.returncode == EXIT_INTERRUPTED, result.stderr
        saved = "interrupted after saving the results as the last run" if landed else "nothing from this run was saved"
        assert saved in result.stderr
    assert _pair(root) == ((2000.0, 1000.0) if landed else (1000.0, 500.0))
    assert per_iteration(root, "R") == BEFORE, "the named save comes after the last run's: never reached"
    assert stray(root) == []
