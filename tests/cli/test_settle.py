"""A run stops giving a benchmark processes once more of them could no longer lower its detectable change.

On the fake clock every process measures the same cost, with a seeded jitter of 2% per sample: a few
processes on, the noise floor (3%) alone sets what a comparison could see, and the run settles there.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable

import pytest

from critbench import cli
from critbench.testing import FakeClock
from tests.conftest import Workspace

CONFIG = """\
[tool.critbench]
warm-up-time = 0.05
measurement-time = 0.2
sample-size = 20
nresamples = 2000
processes = 8
"""

TARGET = """
from critbench import bench

@bench
def a(b):
    b.iter(lambda: None)
"""


def _processes(ws: Workspace, *args: str, config: str = CONFIG) -> int:
    ws.write("pyproject.toml", '[project]\nname = "ws"\nversion = "0.1"\n\n' + config)
    clock = ["--fake-clock", FakeClock(1000).to_json(), "--workspace", str(ws.root)]
    out, err = io.StringIO(), io.StringIO()
    assert cli.run([*clock, "run", "--json", str(ws.root / "out.json"), *args], out, err) == 0, err.getvalue()
    document = json.loads((ws.root / "out.json").read_text())
    (benchmark,) = document["benchmarks"]
    return len(set(benchmark["samples"]["process"]))


@pytest.fixture
def ws(make_workspace: Callable[..., Workspace]) -> Workspace:
    workspace = make_workspace(CONFIG)
    workspace.package("pkg", "pkg", {"t": TARGET})
    return workspace


def test_processes_that_agree_settle_before_the_last(ws: Workspace) -> None:
    assert 5 <= _processes(ws) < 8


def test_all_processes_on_the_command_line_or_in_the_config(ws: Workspace) -> None:
    assert _processes(ws, "--all-processes") == 8
    assert _processes(ws, config=CONFIG + "settle = false\n") == 8


def test_fewer_than_five_processes_are_never_cut(ws: Workspace) -> None:
    assert _processes(ws, "--processes", "4") == 4
