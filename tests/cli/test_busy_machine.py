"""A baseline saved on a quiet machine, compared with a run of the same code beside CPU-bound neighbours: no
regression is called, and the output says the machine was slower and by how much (fake clock: every sample
of the second run takes 1.5 times as long, its fastest windows do not)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from critbench.testing import FakeClock
from tests.conftest import Workspace

TARGET = """
from critbench import Bencher, bench

@bench
def parse(b: Bencher) -> None:
    b.iter(lambda: None)

@bench
def render(b: Bencher) -> None:
    b.iter(lambda: None)

@bench
def solve(b: Bencher) -> None:
    b.iter(lambda: None)
"""

CONFIG = """\
[tool.critbench]
warm-up-time = 0.001
measurement-time = 0.01
sample-size = 20
nresamples = 1000
processes = 5
"""

COSTS = {"busy/parse": 1000.0, "busy/render": 5000.0, "busy/solve": 20000.0}
WARNING = "Warning: the machine was 50% slower during this run than during the run saved as baseline 'quiet'"


@pytest.fixture
def workspace(make_workspace: Callable[..., Workspace]) -> Workspace:
    ws = make_workspace(CONFIG)
    ws.package("pkg", "pkg", {"busy": TARGET})
    return ws


def test_neighbours_during_the_comparison_slow_the_machine_not_the_code(workspace: Workspace) -> None:
    quiet = workspace.critbench("run", "--save-baseline", "quiet", fake=FakeClock(1000, COSTS, seed=1, busy=0.0))
    assert quiet.returncode == 0, quiet.stderr
    busy = workspace.critbench("run", "--baseline", "quiet", fake=FakeClock(1000, COSTS, seed=2, busy=0.5))
    assert busy.returncode == 0, busy.stdout + busy.stderr
    assert "Performance has regressed." not in busy.stdout
    assert "vs quiet: 0 regressed, 0 improved, 3 unchanged" in busy.stdout
    assert busy.stdout.count("(of each process's fastest ~0.1 ms window; noise floor 3.0%, 5 processes)") == 3
    assert WARNING in busy.stderr
    assert "(median of 3 benchmarks" in busy.stderr
    # The stored runs say the same when compared again.
    again = workspace.critbench("compare", "quiet")
    assert again.returncode == 0, again.stdout + again.stderr
    assert WARNING in again.stderr


def test_without_windows_the_fastest_sample_carries_the_neighbours_time(workspace: Workspace) -> None:
    # Runs that kept no windows (busy=None: as saved before windows were kept) fall back to each process's
    # fastest sample, which the neighbours slowed: that is the regression the windows avoid.
    quiet = workspace.critbench("run", "--save-baseline", "quiet", fake=FakeClock(1000, COSTS, seed=1))
    assert quiet.returncode == 0, quiet.stderr
    slowed = {key: 1.5 * cost for key, cost in COSTS.items()}
    busy = workspace.critbench("run", "--baseline", "quiet", fake=FakeClock(1500, slowed, seed=2))
    assert busy.returncode == 1
    assert "of each process's fastest sample;" in busy.stdout
    assert "slower during this run" not in busy.stderr
