"""The seed's workflow end to end, with the real command in a temporary two-package workspace."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from critbench.testing import FakeClock
from tests.conftest import Workspace

SYNC_TARGET = '''
from critbench import Bencher, bench, group

def work(n: int) -> int:
    return sum(i * i for i in range(n))

SLOWDOWN = 1

@bench(target="10s")
def squares(b: Bencher) -> None:
    """Sum of squares below 2000."""
    b.iter(lambda: work(2000 * SLOWDOWN))

@bench(params=[10, 100])
def squares_param(b: Bencher, n: int) -> None:
    """Sum of squares, one benchmark per size."""
    b.iter(lambda: work(n))

small = group("small_group", sample_size=10)

@small.bench
def grouped(b: Bencher) -> None:
    """A benchmark in a group with its own sample size."""
    b.iter(lambda: work(50))
'''

ASYNC_TARGET = '''
import asyncio
from critbench import Bencher, bench

@bench
async def async_echo(b: Bencher) -> None:
    """Awaits a queue round trip inside one event loop."""
    queue: asyncio.Queue[int] = asyncio.Queue()

    async def roundtrip() -> int:
        await queue.put(1)
        return await queue.get()

    await b.iter_async(roundtrip)

@bench
def batched_sort(b: Bencher) -> None:
    """Sorts a fresh reversed list; making the list is not timed."""
    b.iter_batched(lambda: list(range(200, 0, -1)), sorted)
'''


@pytest.fixture
def workspace(make_workspace: Callable[..., Workspace]) -> Workspace:
    ws = make_workspace()
    ws.package("alpha", "alpha", {"compute": SYNC_TARGET})
    ws.package("beta", "beta", {"io": ASYNC_TARGET})
    return ws


def test_list_shows_every_benchmark_with_description_and_target(workspace: Workspace) -> None:
    result = workspace.critbench("list")
    assert result.returncode == 0, result.stderr
    for expected in (
        "alpha",
        "beta",
        "compute/squares  [target < 10.000 s]",
        "Sum of squares below 2000.",
        "compute/squares_param/10",
        "compute/squares_param/100",
        "small_group/grouped",
        "io/async_echo",
        "Awaits a queue round trip inside one event loop.",
        "io/batched_sort",
        "Saved baselines in target/critbench: none",
    ):
        assert expected in result.stdout


def test_save_then_regression_gates_and_fail_on_never_does_not(workspace: Workspace) -> None:
    measured = workspace.critbench("run", "--save-baseline", "measured", "--", "squares$")
    assert measured.returncode == 0, measured.stdout + measured.stderr
    memory = json.loads((workspace.output_root / "measured" / "compute" / "squares" / "memory.json").read_text())
    assert memory["memory"]["peak_rss_bytes"] > 1_000_000, "memory figures are kept with the baseline"

    # A fake clock from here: on a loaded machine real timings of a doubling can land where no test sees it.
    saved = workspace.critbench("run", "--save-baseline", "before", fake=FakeClock(1000, seed=1))
    assert saved.returncode == 0, saved.stdout + saved.stderr
    assert "time:   [" in saved.stdout
    assert "small_group/grouped" in saved.stdout
    assert "target: 10.000 s  EXCELLENT" in saved.stdout
    assert (workspace.output_root / "before" / "run.json").is_file()

    compared = workspace.critbench("run", "--baseline", "before", "--", "squares$", fake=FakeClock(2000, seed=2))
    assert compared.returncode == 1, compared.stdout + compared.stderr
    block = compared.stdout.split("compute/squares", 1)[1].split("\n\n")[0]
    assert "Performance has regressed." in block
    assert "✗" in block.splitlines()[1]
    assert "regressed compute/squares" in compared.stdout

    not_gated = workspace.critbench(
        "run", "--baseline", "before", "--fail-on", "never", "--", "squares$", fake=FakeClock(2000, seed=3)
    )
    assert not_gated.returncode == 0, not_gated.stdout + not_gated.stderr
    assert "Performance has regressed." in not_gated.stdout


def test_unknown_baseline_exits_2_and_names_the_saved_ones(workspace: Workspace) -> None:
    assert workspace.critbench("run", "--save-baseline", "first", "--", "--exact", "io/batched_sort").returncode == 0
    result = workspace.critbench("run", "--baseline", "nope")
    assert result.returncode == 2
    assert "nope" in result.stderr
    assert "saved baselines: first" in result.stderr


def test_invalid_baseline_name_exits_2_and_writes_nothing(workspace: Workspace) -> None:
    result = workspace.critbench("run", "--save-baseline", "../x")
    assert result.returncode == 2
    assert "invalid baseline name" in result.stderr
    assert not workspace.output_root.exists()
    assert not (workspace.root / "target" / "x").exists()
    assert not (workspace.root / "x").exists()


def test_plain_runs_compare_with_the_previous_run_and_never_gate(workspace: Workspace) -> None:
    first = workspace.critbench("run", "--", "--exact", "compute/squares", fake=FakeClock(1000, seed=1))
    assert first.returncode == 0
    assert "change:" not in first.stdout
    second = workspace.critbench("run", "--", "--exact", "compute/squares", fake=FakeClock(3000, seed=2))
    assert second.returncode == 0, "a plain run must never gate"
    assert "change:" in second.stdout
    assert "Performance has regressed." in second.stdout
    assert "vs the previous run" in second.stdout
    assert [p.name for p in workspace.output_root.iterdir() if not p.name.startswith(".")] == ["report"]


def test_report_rebuilds_a_plain_runs_comparison_with_the_run_before_it(
    make_workspace: Callable[..., Workspace],
) -> None:
    ws = make_workspace()
    ws.package("pkg", "pkg", {"t": "from critbench import bench\n\n@bench\ndef f(b):\n    b.iter(lambda: None)\n"})
    assert ws.critbench("run", fake=FakeClock(1000)).returncode == 0
    second = ws.critbench("run", fake=FakeClock(2000))
    assert "Performance has regressed." in second.stdout

    rebuilt = ws.critbench("report", "--markdown", "report.md")
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    text = (ws.root / "report.md").read_text()
    assert "## Comparison with `the previous run`" in text
    assert "regressed" in text
    assert "t/f" in text.split("## Comparison with", 1)[1]


def test_a_report_after_a_filtered_run_lists_only_what_it_measured(make_workspace: Callable[..., Workspace]) -> None:
    ws = make_workspace()
    two = "from critbench import bench\n\n@bench\ndef a(b):\n    b.iter(lambda: None)\n\n@bench\ndef b(b):\n    b.iter(lambda: None)\n"
    ws.package("pkg", "pkg", {"t": two})
    assert ws.critbench("run", fake=FakeClock(1000)).returncode == 0
    assert ws.critbench("run", "--", "--exact", "t/a", fake=FakeClock(1000)).returncode == 0
    rebuilt = ws.critbench("report", "--markdown", "report.md")
    assert rebuilt.returncode == 0, rebuilt.stderr
    text = (ws.root / "report.md").read_text()
    assert "`t/a`" in text
    assert "`t/b`" not in text, "t/b was not measured by the last run; its old samples are no change of anything"


@pytest.mark.parametrize("odd", ["with?query", "with%2Fslash", "with#hash", "naïve space"])
def test_the_history_database_lands_in_the_output_root_whatever_its_name(
    make_workspace: Callable[..., Workspace], odd: str
) -> None:
    ws = make_workspace()
    ws.package("pkg", "pkg", {"t": "from critbench import bench\n\n@bench\ndef f(b):\n    b.iter(lambda: None)\n"})
    root = ws.root / "out" / odd
    result = ws.critbench("--output-dir", str(root), "run", fake=FakeClock(1000))
    assert result.returncode == 0, result.stderr
    assert (root / ".history.sqlite").is_file()
    strays = [p for p in ws.root.rglob("*.sqlite*") if not p.is_relative_to(root)]
    assert strays == []
    listed = ws.critbench("--output-dir", str(root), "history")
    assert "Last 1 run" in listed.stdout, listed.stdout + listed.stderr
