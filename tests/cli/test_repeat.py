"""``critbench run --repeat N``: N whole runs, the last one reported, gated and saved, and the stability table."""

from __future__ import annotations

import json
from collections.abc import Callable

from critbench.testing import FakeClock
from tests.conftest import Workspace

TARGET = """
from critbench import Bencher, bench

@bench
def work(b: Bencher) -> None:
    b.iter(lambda: sum(range(200)))

@bench(params=[1, 2])
def sized(b: Bencher, n: int) -> None:
    b.iter(lambda: sum(range(n)))
"""

FLAKY = """
from pathlib import Path
from critbench import Bencher, bench

MARKER = Path(__file__).with_name("ran-once")

@bench
def flaky(b: Bencher) -> None:
    if not MARKER.exists():
        MARKER.touch()
        raise RuntimeError("only the first time")
    b.iter(lambda: None)
"""

CONFIG = """\
[tool.critbench]
warm-up-time = 0.001
measurement-time = 0.01
sample-size = 10
nresamples = 500
processes = 2
"""

FAKE = FakeClock(1000, seed=1)
IDS = ("t/work", "t/sized/1", "t/sized/2")


def _table_rows(stdout: str) -> dict[str, list[str]]:
    table = stdout.split("Stability across ", 1)[1].splitlines()
    return {line.split()[0]: line.split() for line in table[2:] if line.strip()}


def test_repeat_runs_the_suite_n_times_and_shows_stability(make_workspace: Callable[..., Workspace]) -> None:
    ws = make_workspace(CONFIG)
    ws.package("pkg", "pkg", {"t": TARGET})

    result = ws.critbench("run", "--repeat", "3", "--json", "results.json", fake=FAKE)

    assert result.returncode == 0, result.stderr
    assert [line for line in result.stderr.splitlines() if line.startswith("Run ")] == [
        "Run 1 of 3",
        "Run 2 of 3",
        "Run 3 of 3",
    ]
    # The last run is printed once, then the summary, then the table.
    assert result.stdout.count("t/work ") == 2
    assert result.stdout.index("Summary: 3 benchmarks") < result.stdout.index("Stability across 3 runs")
    rows = _table_rows(result.stdout)
    assert sorted(rows) == sorted(IDS)
    for full_id in IDS:
        assert rows[full_id][1] == "3"
        assert rows[full_id][-1].endswith("%")

    document = json.loads((ws.root / "results.json").read_text())
    assert [row["benchmark"] for row in document["stability"]] == list(IDS)
    for row in document["stability"]:
        assert row["runs"] == 3
        assert len(row["typicals_ns"]) == 3
        assert row["cv"] is not None
    diagnostics = document["run"]["diagnostics_start"]
    assert diagnostics["cpu_count"] >= 1
    assert document["run"]["diagnostics_end"] is not None

    # Every run is in the history; only the last one is saved, as the previous run.
    history = ws.critbench("history")
    assert history.returncode == 0, history.stderr
    assert "Last 3 runs" in history.stdout
    saved = json.loads((ws.output_root / ".last" / "run.json").read_text())
    assert saved["run"]["diagnostics_end"] is not None


def test_repeat_one_is_a_plain_run(make_workspace: Callable[..., Workspace]) -> None:
    ws = make_workspace(CONFIG)
    ws.package("pkg", "pkg", {"t": TARGET})

    result = ws.critbench("run", "--repeat", "1", "--json", "results.json", fake=FAKE)

    assert result.returncode == 0, result.stderr
    assert "Stability" not in result.stdout
    assert "Run 1 of 1" not in result.stderr
    assert "stability" not in json.loads((ws.root / "results.json").read_text())


def test_repeat_must_be_at_least_one(make_workspace: Callable[..., Workspace]) -> None:
    ws = make_workspace(CONFIG)
    ws.package("pkg", "pkg", {"t": TARGET})

    for bad in ("0", "-2", "x"):
        result = ws.critbench("run", "--repeat", bad, fake=FAKE)
        assert result.returncode == 2
        assert "--repeat" in result.stderr


def test_repeat_cannot_be_combined_with_load_baseline_or_interleave(make_workspace: Callable[..., Workspace]) -> None:
    ws = make_workspace(CONFIG)
    ws.package("pkg", "pkg", {"t": TARGET})
    assert ws.critbench("run", "--save-baseline", "base", fake=FAKE).returncode == 0

    loaded = ws.critbench("run", "--repeat", "2", "--baseline", "base", "--load-baseline", "base")
    interleaved = ws.critbench("run", "--repeat", "2", "--baseline", "base", "--interleave")

    assert loaded.returncode == 2
    assert "--load-baseline measures nothing" in loaded.stderr
    assert interleaved.returncode == 2
    assert "cannot be combined with --interleave" in interleaved.stderr


def test_a_failure_in_an_earlier_run_is_reported_and_fails_the_exit_status(
    make_workspace: Callable[..., Workspace],
) -> None:
    ws = make_workspace(CONFIG)
    ws.package("pkg", "pkg", {"flaky": FLAKY})

    result = ws.critbench("run", "--repeat", "3", fake=FAKE)

    assert result.returncode == 3
    assert "Warning: run 1 of 3: 1 benchmark(s) failed: flaky/flaky" in result.stderr
    assert "only the first time" in result.stderr
    assert _table_rows(result.stdout)["flaky/flaky"][1] == "2"
