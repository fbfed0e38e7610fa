"""What run, ab, compare and report share: the history opened once per command, warnings once per kind."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest

from critbench import cli
from critbench.model import BenchmarkId, BenchmarkInfo, BenchmarkResult, Caution, CautionKind
from critbench.report import Style, render_benchmark_warnings
from critbench.storage import HistoryStore
from critbench.testing import FakeClock
from tests.conftest import Workspace

TARGET = """
from critbench import bench

@bench
def a(b):
    b.iter(lambda: None)

@bench
def b(b):
    b.iter(lambda: None)
"""


def test_a_run_opens_the_history_once(
    make_workspace: Callable[..., Workspace], monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = make_workspace()
    ws.package("pkg", "pkg", {"t": TARGET})
    clock = ["--fake-clock", FakeClock(1000).to_json(), "--workspace", str(ws.root)]
    assert cli.run([*clock, "run", "--save-baseline", "base"], io.StringIO(), io.StringIO()) == 0
    opened: list[str] = []
    real_open = HistoryStore.open

    def counting(url: str) -> HistoryStore:
        opened.append(url)
        return real_open(url)

    monkeypatch.setattr(HistoryStore, "open", counting)
    out = io.StringIO()
    assert cli.run([*clock, "run", "--baseline", "base"], out, io.StringIO()) == 0
    assert "No change in performance detected." in out.getvalue()
    assert len(opened) == 1, "read for the noise floor and the charts, written with the run: one connection"
    opened.clear()
    assert cli.run([*clock, "report"], io.StringIO(), io.StringIO()) == 0
    assert len(opened) == 1


def _result(name: str, *warnings: Caution) -> BenchmarkResult:
    return BenchmarkResult(info=BenchmarkInfo(BenchmarkId("g", name)), warnings=warnings)


def test_each_kind_of_benchmark_warning_is_shown_once() -> None:
    spread = [Caution(CautionKind.SPREAD, f"Warning: the spread is high (CV {cv}%).") for cv in (11, 12, 13)]
    overhead = Caution(CautionKind.OVERHEAD, "Warning: the harness's own loop costs much.")
    budget = Caution(CautionKind.SAMPLING_BUDGET, "Warning: Unable to complete 100 samples in 5.0s.")
    results = [
        _result("x", spread[0], overhead),
        _result("y", spread[1], budget),
        _result("z", spread[2]),
        _result("quiet"),
    ]
    assert render_benchmark_warnings(results, Style()) == (
        "Warning: the spread is high (CV 11%). [g/x]\n"
        "  The same for 2 more: g/y, g/z\n"
        "Warning: the harness's own loop costs much. [g/x]\n"
    )
    assert render_benchmark_warnings([_result("quiet")], Style()) == ""
