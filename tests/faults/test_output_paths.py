"""Faults in where results go: found before anything is measured, or the measurements rescued after."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from critbench import cli
from critbench.errors import EXIT_USAGE
from critbench.storage import BaselineStore
from critbench.testing import FakeClock
from tests.conftest import Workspace

TARGET = "from critbench import bench\n\n@bench\ndef f(b):\n    b.iter(lambda: None)\n"


@pytest.fixture
def ws(make_workspace: Callable[..., Workspace]) -> Workspace:
    workspace = make_workspace()
    workspace.package("pkg", "pkg", {"t": TARGET})
    return workspace


@pytest.fixture
def immutable(tmp_path: Path) -> Iterator[Path]:
    """A folder nobody can write in, root included (``chattr +i``): a read-only output root's parent."""
    folder = tmp_path / "locked"
    folder.mkdir()
    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(folder)], check=False).returncode:
        pytest.skip("chattr +i is not available here (it needs root and a filesystem that supports it)")
    try:
        yield folder
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=False)


def _nothing_measured(stderr: str) -> bool:
    return "Benchmarking" not in stderr


def test_an_output_root_that_is_a_file_is_refused_before_measuring(ws: Workspace) -> None:
    (ws.root / "target").mkdir()
    (ws.root / "target" / "critbench").write_text("not a folder")
    result = ws.critbench("run", fake=FakeClock(1000))
    assert result.returncode == EXIT_USAGE
    assert "is a file, not a folder" in result.stderr
    assert _nothing_measured(result.stderr)
    assert "Traceback" not in result.stderr


def test_a_read_only_output_root_is_refused_before_measuring(ws: Workspace, immutable: Path) -> None:
    result = ws.critbench("--output-dir", str(immutable / "out"), "run", fake=FakeClock(1000))
    assert result.returncode == EXIT_USAGE, result.stderr
    assert f"the output root {immutable / 'out'} is not writable" in result.stderr
    assert _nothing_measured(result.stderr)


@pytest.mark.parametrize("where", ["a-folder", "locked/results.json"])
def test_a_json_path_that_cannot_be_written_is_refused_before_measuring(
    ws: Workspace, immutable: Path, where: str
) -> None:
    (ws.root / "a-folder").mkdir()
    target = ws.root / where if where == "a-folder" else immutable / "results.json"
    result = ws.critbench("run", "--json", str(target), fake=FakeClock(1000))
    assert result.returncode == EXIT_USAGE, result.stderr
    assert "--json" in result.stderr
    assert _nothing_measured(result.stderr)


def test_a_save_that_fails_after_measuring_keeps_the_measurements(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(BaselineStore, "save", disk_full)
    err = io.StringIO()
    argv = ["--fake-clock", FakeClock(1000).to_json(), "--workspace", str(ws.root), "run"]
    status = cli.run(argv, io.StringIO(), err)
    assert status == EXIT_USAGE
    message = err.getvalue()
    assert "No space left on device" in message
    found = re.search(r"every result is in (\S+\.json)", message)
    assert found is not None, message
    rescued = json.loads(Path(found.group(1)).read_text())
    assert [bench["id"] for bench in rescued["benchmarks"]] == ["t/f"]
    assert len(rescued["benchmarks"][0]["samples"]["times_ns"]) == 20
    Path(found.group(1)).unlink()
