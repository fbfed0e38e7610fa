"""Two ``critbench run -p X --save-baseline R`` at once: R ends up holding both packages, every time.

Before the baselines were locked, each run read R, merged in its own package and swapped its copy in, so
the second swap dropped the first run's results while both printed "results saved". The first test makes
that race certain (one save is paused after reading R, the other goes ahead); the second lets two runs race
freely, as a CI matrix does.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from critbench.model import LAST_RUN
from critbench.storage import BaselineStore
from critbench.testing import FakeClock
from tests.conftest import FAST_CONFIG, Workspace, start_critbench
from tests.faults.test_saves_interrupted import TARGET, finish, start_paused, stray

FAKE = FakeClock(1000)


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    workspace = Workspace(tmp_path / "ws")
    workspace.write("pyproject.toml", '[project]\nname = "ws"\nversion = "0.1"\n\n' + FAST_CONFIG)
    workspace.package("a", "a", {"ta": TARGET.format(name="f")})
    workspace.package("b", "b", {"tb": TARGET.format(name="f")})
    return workspace


def _ids(root: Path, name: str) -> list[str]:
    return [item.info.id.full_id for item in BaselineStore(root).load(name).benchmarks]


def test_a_save_waits_for_one_in_progress_and_then_keeps_its_results(ws: Workspace, tmp_path: Path) -> None:
    # b gets as far as taking R's lock; then a reads R (still empty), writes its copy and pauses, lock held.
    b = start_paused(ws, tmp_path / "b-paused", "R", "lock", "run", "-p", "b", "--save-baseline", "R", fake=FAKE)
    a = start_paused(ws, tmp_path / "a-paused", "R", "staged", "run", "-p", "a", "--save-baseline", "R", fake=FAKE)
    (tmp_path / "b-paused").unlink()
    with pytest.raises(subprocess.TimeoutExpired):
        b.wait(timeout=3)  # unlocked, b would read R, write it with b's results alone, and end here
    a_done = finish(a, tmp_path / "a-paused")
    b_done = finish(b, tmp_path / "b-paused")
    for done in (a_done, b_done):
        assert done.returncode == 0, done.stderr
        assert "baseline 'R'" in done.stdout
    assert _ids(ws.output_root, "R") == ["ta/f", "tb/f"]
    assert _ids(ws.output_root, LAST_RUN) == ["ta/f", "tb/f"]
    assert stray(ws.output_root) == []


RACE_TRIALS = int(os.environ.get("CRITBENCH_TEST_RACE_TRIALS", "2"))
"""Trials of the free race; ``CRITBENCH_TEST_RACE_TRIALS=10 pytest -k racing`` runs more by hand."""


@pytest.mark.parametrize("trial", range(RACE_TRIALS))
def test_two_saves_racing_into_one_baseline_both_land(ws: Workspace, trial: int) -> None:
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("CRITBENCH_HOME", None)
    runs = [
        start_critbench(["--fake-clock", FAKE.to_json(), "run", "-p", package, "--save-baseline", "R"], ws.root, env)
        for package in ("a", "b")
    ]
    for run in runs:
        stdout, stderr = run.communicate(timeout=300)
        assert run.returncode == 0, stderr
        assert "baseline 'R'" in stdout
    assert _ids(ws.output_root, "R") == ["ta/f", "tb/f"]
    assert _ids(ws.output_root, LAST_RUN) == ["ta/f", "tb/f"]
    assert stray(ws.output_root) == []
