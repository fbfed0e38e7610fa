"""Two packages whose benchmarks share an id, saved one package at a time into one baseline.

Both have a bench target ``t.py`` with a function ``f``: the id ``t/f``. A run measuring both fails them
(ids must be unique across the workspace), but ``-p a`` and ``-p b`` each measure one. Keyed by id alone,
the second save overwrote the first's entry and the next ``run -p a --baseline R`` compared a's 1 µs with
b's 50 ms: "improved −99.998%". Keyed by package and id, each compares with its own.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from critbench.errors import EXIT_FAILED, EXIT_OK
from critbench.testing import FakeClock
from tests.conftest import FAST_CONFIG, Workspace
from tests.faults.test_saves_interrupted import TARGET, stray

FAST = FakeClock(1000)
SLOW = FakeClock(50_000_000)


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    workspace = Workspace(tmp_path / "ws")
    workspace.write("pyproject.toml", '[project]\nname = "ws"\nversion = "0.1"\n\n' + FAST_CONFIG)
    workspace.package("a", "a", {"t": TARGET.format(name="f")})
    workspace.package("b", "b", {"t": TARGET.format(name="f")})
    for package, fake in (("a", FAST), ("b", SLOW)):
        saved = workspace.critbench("run", "-p", package, "--save-baseline", "R", fake=fake)
        assert saved.returncode == EXIT_OK, saved.stderr
    return workspace


def test_each_package_is_compared_with_its_own_stored_namesake(ws: Workspace) -> None:
    for package, fake in (("a", FAST), ("b", SLOW)):
        compared = ws.critbench("run", "-p", package, "--baseline", "R", fake=fake)
        assert compared.returncode == EXIT_OK, compared.stdout + compared.stderr
        assert "99.99" not in compared.stdout
        assert "0 regressed, 0 improved, 1 unchanged" in compared.stdout
        assert "has no data for" not in compared.stderr
    assert stray(ws.output_root) == []


def test_the_baseline_shows_both_namesakes_with_their_packages(ws: Workspace) -> None:
    shown = ws.critbench("baselines", "show", "R")
    assert shown.returncode == EXIT_OK, shown.stderr
    lines = [line.split()[:2] for line in shown.stdout.splitlines() if line.startswith("  t/f")]
    assert lines == [["t/f", "(a)"], ["t/f", "(b)"]]
    listed = ws.critbench("baselines", "list")
    assert "2 benchmarks" in listed.stdout


def test_comparing_stored_runs_that_hold_both_fails_the_namesakes_as_a_run_would(ws: Workspace) -> None:
    """The last run holds both packages' t/f (it merges as R does): read back by id, they clash, and fail
    with the reason, exactly as the engine fails an id two bench targets of one run declare."""
    compared = ws.critbench("compare", "R")
    assert compared.returncode == EXIT_FAILED, compared.stdout + compared.stderr
    assert "stores the id t/f for more than one package (a, b)" in compared.stdout
    assert "99.99" not in compared.stdout
