"""What a save killed with SIGKILL leaves behind is tidied up by the next save or delete, which says so.

Before, a ``.tmp-R-…`` folder stayed for good, through later saves and deletes. Now any save or delete
recovers or removes every staging and set-aside folder whose lock is free (a live run holds its own, so its
folders are never touched) and prints one line saying what it removed or restored.
"""

from __future__ import annotations

import re
import signal
from pathlib import Path

import pytest

from critbench.errors import EXIT_OK
from tests.conftest import Completed, Workspace
from tests.faults.test_saves_interrupted import (
    BEFORE,
    OLD,
    copy_of,
    finish,
    make_template,
    per_iteration,
    start_paused,
    stray,
)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return make_template(tmp_path_factory.mktemp("template") / "ws")


@pytest.fixture
def ws(template: Workspace, tmp_path: Path) -> Workspace:
    return copy_of(template, tmp_path / "ws")


def _killed_saving_r(ws: Workspace, tmp_path: Path, stage: str) -> Completed:
    marker = tmp_path / "paused"
    process = start_paused(ws, marker, "R", stage, "run", "-p", "pkg", "--save-baseline", "R")
    process.send_signal(signal.SIGKILL)
    killed = finish(process, marker)
    assert killed.returncode == -signal.SIGKILL
    return killed


TIDIED = "Tidied up after an earlier save that was cut off: "


def test_the_next_save_removes_a_killed_saves_staging_folder_and_says_so(ws: Workspace, tmp_path: Path) -> None:
    _killed_saving_r(ws, tmp_path, "staging")
    left = [p.name for p in ws.output_root.iterdir() if p.name.startswith(".tmp-R-")]
    assert len(left) == 1
    assert (ws.output_root / ".lock-R").exists()
    saved = ws.critbench("run", "-p", "keep", "--save-baseline", "other", fake=OLD)
    assert saved.returncode == EXIT_OK, saved.stderr
    assert f"{TIDIED}removed 1 hidden folder ({left[0]})\n" in saved.stderr
    assert stray(ws.output_root) == []
    assert per_iteration(ws.output_root, "R") == BEFORE
    again = ws.critbench("run", "-p", "keep", "--save-baseline", "other", fake=OLD)
    assert TIDIED not in again.stderr


def test_the_next_save_restores_a_baseline_a_killed_swap_had_set_aside(ws: Workspace, tmp_path: Path) -> None:
    _killed_saving_r(ws, tmp_path, "set-aside")
    assert not (ws.output_root / "R").exists()
    saved = ws.critbench("run", "-p", "keep", "--save-baseline", "other", fake=OLD)
    assert saved.returncode == EXIT_OK, saved.stderr
    found = re.search(
        rf"{TIDIED}restored baseline 'R'; removed 1 hidden folder \(\.tmp-R-[0-9a-f]{{8}}\)\n", saved.stderr
    )
    assert found is not None, saved.stderr
    assert per_iteration(ws.output_root, "R") == BEFORE
    assert stray(ws.output_root) == []


@pytest.mark.parametrize("deleted", ["R", "other"])
def test_a_delete_tidies_up_too(ws: Workspace, tmp_path: Path, deleted: str) -> None:
    if deleted == "other":
        assert ws.critbench("run", "-p", "keep", "--save-baseline", "other", fake=OLD).returncode == EXIT_OK
    _killed_saving_r(ws, tmp_path, "staged")
    result = ws.critbench("baselines", "delete", deleted)
    assert result.returncode == EXIT_OK, result.stderr
    assert result.stdout == f"Deleted baseline '{deleted}'\n"
    assert re.fullmatch(rf"{TIDIED}removed 1 hidden folder \(\.tmp-R-[0-9a-f]{{8}}\)\n", result.stderr)
    assert stray(ws.output_root) == []
    assert sorted(p.name for p in ws.output_root.iterdir() if not p.name.startswith(".")) == sorted(
        {"R", "report"} - {deleted}
    )
