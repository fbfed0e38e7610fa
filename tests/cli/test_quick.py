"""--quick comparisons cannot lie: two samples judged against run-to-run drift, never a calm verdict over a
large change, never a regression of unchanged code (the seed's CI recipe runs --quick on both sides)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from critbench.errors import EXIT_GATE, EXIT_OK
from critbench.testing import FakeClock
from tests.conftest import Workspace

TARGET = "from critbench import bench\n\n@bench\ndef f(b):\n    b.iter(lambda: None)\n"


@pytest.fixture
def quick_baseline(make_workspace: Callable[..., Workspace]) -> Workspace:
    ws = make_workspace()
    ws.package("pkg", "pkg", {"t": TARGET})
    saved = ws.critbench("run", "--save-baseline", "main-baseline", "--", "--quick", fake=FakeClock(1000, seed=1))
    assert saved.returncode == 0, saved.stderr
    return ws


@pytest.mark.parametrize(
    ("cost_ns", "status", "verdict"),
    [
        (1000, EXIT_OK, "No change in performance detected."),
        (1040, EXIT_OK, "No change in performance detected."),
        (1300, EXIT_OK, "Inconclusive: this comparison can neither confirm nor rule out a change this large."),
        (2000, EXIT_GATE, "Performance has regressed."),
        (38000, EXIT_GATE, "Performance has regressed."),
        (400, EXIT_OK, "Performance has improved."),
    ],
)
def test_quick_against_quick_catches_large_changes_only(
    quick_baseline: Workspace, cost_ns: float, status: int, verdict: str
) -> None:
    result = quick_baseline.critbench(
        "run", "--baseline", "main-baseline", "--", "--quick", fake=FakeClock(cost_ns, seed=2)
    )
    assert result.returncode == status, result.stdout + result.stderr
    assert verdict in result.stdout
    assert "too few samples to test: each process's fastest sample against ±20% drift per run" in result.stdout


@pytest.mark.parametrize(("base_busy", "new_busy"), [(0.6, 0.0), (0.0, 0.6)])
def test_quick_runs_compare_windows_so_a_busier_run_neither_hides_nor_fakes_a_change(
    make_workspace: Callable[..., Workspace], base_busy: float, new_busy: float
) -> None:
    # Whole samples of the busier run take 1.6x as long, its fastest windows do not: judged by the samples'
    # means, a doubling after a busy baseline read +25% ("No change") and a busy comparison of unchanged code
    # +60%; judged by windows, the doubling is +100% and the unchanged code ±0%.
    ws = make_workspace()
    ws.package("pkg", "pkg", {"t": TARGET})
    saved = ws.critbench("run", "--save-baseline", "b", "--", "--quick", fake=FakeClock(1000, seed=1, busy=base_busy))
    assert saved.returncode == EXIT_OK, saved.stderr
    doubled = ws.critbench("run", "--baseline", "b", "--", "--quick", fake=FakeClock(2000, seed=2, busy=new_busy))
    assert doubled.returncode == EXIT_GATE, doubled.stdout + doubled.stderr
    assert "Performance has regressed." in doubled.stdout
    unchanged = ws.critbench("run", "--baseline", "b", "--", "--quick", fake=FakeClock(1000, seed=3, busy=new_busy))
    assert unchanged.returncode == EXIT_OK, unchanged.stdout + unchanged.stderr
    assert "No change in performance detected." in unchanged.stdout


def test_quick_against_a_full_baseline_never_gates_unchanged_code(make_workspace: Callable[..., Workspace]) -> None:
    ws = make_workspace()
    ws.package("pkg", "pkg", {"t": TARGET})
    assert ws.critbench("run", "--save-baseline", "full", fake=FakeClock(1000, seed=1)).returncode == 0
    quick = ws.critbench("run", "--baseline", "full", "--", "--quick", fake=FakeClock(1000, seed=2))
    assert quick.returncode == EXIT_OK, quick.stdout
    assert "Performance has regressed." not in quick.stdout
