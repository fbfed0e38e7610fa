"""A saved baseline with one damaged file, met by the real commands: a clear message naming the file, exit 2,
nothing the baseline still holds thrown away, and the other baselines still listed.

Before, the next ``--save-baseline`` of that name dropped the baseline's intact data along with the damaged
file, valid JSON of the wrong shape crashed with a traceback, and NaN in a sample ended the run with exit 3
("a benchmark failed to run").
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from critbench.errors import EXIT_OK, EXIT_USAGE
from tests.conftest import Workspace
from tests.faults.test_saves_interrupted import OLD, copy_of, make_template, stray


def _edit(relative: str, change: Callable[[dict[str, Any]], object]) -> Callable[[Path], None]:
    def damage(baseline: Path) -> None:
        document = json.loads((baseline / relative).read_text())
        change(document)
        (baseline / relative).write_text(json.dumps(document))

    return damage


def _write(relative: str, text: str) -> Callable[[Path], None]:
    def damage(baseline: Path) -> None:
        (baseline / relative).write_text(text)

    return damage


def _remove(relative: str) -> Callable[[Path], None]:
    return lambda baseline: (baseline / relative).unlink()


DAMAGE: dict[str, tuple[Callable[[Path], None], str, str]] = {
    # kind: (damage done to baseline R, the file the message names, what it says)
    "truncated JSON": (_write("t/f/sample.json", '{"schema_version": 1, "ki'), "t/f/sample.json", "cannot be read"),
    "index of the wrong shape": (
        _edit("run.json", lambda d: d.update(benchmarks=["t/f"])),
        "run.json",
        "must be objects",
    ),
    "samples of the wrong shape": (
        _edit("t/f/sample.json", lambda d: d.update(samples=[1, 2, 3])),
        "t/f/sample.json",
        "expected an object",
    ),
    "NaN in a sample": (
        _write("t/f/sample.json", '{"schema_version": 1, "kind": "sample", "samples": {"times_ns": [NaN, 1.0]}}'),
        "t/f/sample.json",
        "holds NaN, which is not a finite number",
    ),
    "missing file": (_remove("t/f/estimates.json"), "t/f/estimates.json", "is missing"),
    "missing run.json": (_remove("run.json"), "run.json", "is missing"),
    "newer schema version": (
        _edit("k/g/benchmark.json", lambda d: d.update(schema_version=7)),
        "k/g/benchmark.json",
        "has schema version 7; this critbench reads up to 1 (upgrade critbench)",
    ),
}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """Baselines R (t/f and k/g) and ``good``, and the last runs."""
    ws = make_template(tmp_path_factory.mktemp("template") / "ws")
    saved = ws.critbench("run", "--save-baseline", "good", fake=OLD)
    assert saved.returncode == EXIT_OK, saved.stderr
    return ws


@pytest.fixture(params=list(DAMAGE))
def damaged(template: Workspace, tmp_path: Path, request: pytest.FixtureRequest) -> tuple[Workspace, str, str]:
    """A copy of the template whose baseline R has one kind of damage; the file it names, what it says."""
    ws = copy_of(template, tmp_path / "ws")
    damage, relative, says = DAMAGE[request.param]
    damage(ws.output_root / "R")
    return ws, str(Path("target/critbench/R") / relative), says


def _files(folder: Path) -> dict[Path, bytes]:
    return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_comparing_with_a_damaged_baseline_stops_before_measuring(damaged: tuple[Workspace, str, str]) -> None:
    ws, named, says = damaged
    before = _files(ws.output_root / "R")
    result = ws.critbench("run", "-p", "pkg", "--baseline", "R", fake=OLD)
    assert result.returncode == EXIT_USAGE, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert re.search(rf"^error: .*{re.escape(named)}.*{re.escape(says)}", result.stderr, re.MULTILINE), result.stderr
    assert "Benchmarking" not in result.stderr, "found before anything is measured"
    assert _files(ws.output_root / "R") == before


def test_saving_into_a_damaged_baseline_keeps_it_and_rescues_the_measurements(
    damaged: tuple[Workspace, str, str],
) -> None:
    ws, named, says = damaged
    before = _files(ws.output_root / "R")
    result = ws.critbench("run", "-p", "pkg", "--baseline", "good", "--save-baseline", "R", fake=OLD)
    assert result.returncode == EXIT_USAGE, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    message = result.stderr.splitlines()[-1]
    assert message.startswith("error: baseline 'R' was not saved, so that nothing it holds is lost: "), message
    assert named in message
    assert says in message
    assert "critbench baselines delete R" in message
    rescued = re.search(r"the measurements were not lost: every result is in (\S+\.json)", message)
    assert rescued is not None, message
    assert [bench["id"] for bench in json.loads(Path(rescued.group(1)).read_text())["benchmarks"]] == ["t/f"]
    Path(rescued.group(1)).unlink()
    assert _files(ws.output_root / "R") == before, "nothing written over, not even the damaged file"
    assert stray(ws.output_root) == []


def test_the_list_shows_the_good_baselines_and_says_what_is_wrong_with_the_damaged_one(
    damaged: tuple[Workspace, str, str],
) -> None:
    ws, named, says = damaged
    listed = ws.critbench("baselines", "list")
    assert listed.returncode == EXIT_OK, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[0] == "Saved baselines in target/critbench:"
    assert lines[1].split()[:1] == ["R"]
    assert "cannot be read:" in lines[1]
    assert named in lines[1]
    assert says in lines[1]
    assert lines[2].split()[0] == "good"
    assert "2 benchmarks" in lines[2]
    shown = ws.critbench("baselines", "show", "R")
    assert shown.returncode == EXIT_USAGE
    assert named in shown.stderr


def test_a_damaged_baseline_can_be_deleted_and_saved_afresh(damaged: tuple[Workspace, str, str]) -> None:
    ws, _, _ = damaged
    deleted = ws.critbench("baselines", "delete", "R")
    assert deleted.returncode == EXIT_OK, deleted.stderr
    saved = ws.critbench("run", "-p", "pkg", "--save-baseline", "R", fake=OLD)
    assert saved.returncode == EXIT_OK, saved.stderr
    assert stray(ws.output_root) == []
