"""``critbench baselines show``: a saved baseline's benchmarks in a table that fits their names."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from critbench.compare import analyze
from critbench.model import BenchmarkId, BenchmarkInfo, Environment, RunRecord, Samples, SamplingMode, Settings, to_data
from critbench.storage import BaselineStore, StoredBenchmark
from tests.conftest import Workspace

LONG = "a_benchmark_whose_name_is_longer_than_the_column_was_wide_with_more_besides"


def _save(root: Path, name: str, per_iteration_ns: dict[str, float]) -> None:
    settings = Settings()
    stored = []
    for function, ns in per_iteration_ns.items():
        samples = Samples(SamplingMode.FLAT, (10.0,) * 20, tuple(10 * ns * (1 + i / 1e6) for i in range(20)), (0,) * 20)
        info = BenchmarkInfo(BenchmarkId("t", function), settings=settings, package="pkg", bench_target="t")
        stored.append(StoredBenchmark(info, samples, analyze(samples, 2000, 0.95, 0, f"t/{function}")))
    record = RunRecord(
        "2024-01-01T00:00:00+00:00", "2024-01-01T00:00:01+00:00", Environment(), settings=to_data(settings)
    )
    BaselineStore(root).save(name, record, stored)


def test_show_fits_the_columns_to_the_longest_name(make_workspace: Callable[..., Workspace]) -> None:
    workspace = make_workspace()
    _save(workspace.output_root, "main", {"short": 1.0, LONG: 1_234_567.0})
    shown = workspace.critbench("baselines", "show", "main")
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    by_name = {line.split()[0]: line for line in lines if line.startswith("  t/")}
    assert set(by_name) == {"t/short", f"t/{LONG}"}
    # every row's interval starts at the same column, its typical time right-aligned just before it
    assert len({row.index("[") for row in by_name.values()}) == 1, lines
    assert len({row.index(" ns") if " ns" in row else row.index(" ms") for row in by_name.values()}) == 1, lines
    assert by_name["t/short"].split()[1:3] == ["1.0000", "ns"]
    assert by_name[f"t/{LONG}"].split()[1:3] == ["1.2346", "ms"]
    # under a header naming the columns
    header = next(line for line in lines if line.split()[:1] == ["benchmark"])
    assert header.index("[lower upper]") == by_name["t/short"].index("[")


def test_list_fits_the_name_column_to_the_longest_name(make_workspace: Callable[..., Workspace]) -> None:
    workspace = make_workspace()
    long_name = "release-candidate-with-a-name-past-the-old-24-columns"
    for name in ("main", long_name):
        _save(workspace.output_root, name, {"short": 1.0})
    listed = workspace.critbench("baselines", "list")
    assert listed.returncode == 0, listed.stderr
    rows = {line.split()[0]: line for line in listed.stdout.splitlines() if line.startswith("  ") and line.split()}
    assert set(rows) == {"main", long_name}
    # every row's save time starts in the same column, one space after the longest name
    assert {row.index("2024-01-01T") for row in rows.values()} == {2 + len(long_name) + 1}


def test_the_actions_take_the_location_options_after_them(
    make_workspace: Callable[..., Workspace], tmp_path: Path
) -> None:
    workspace = make_workspace()
    _save(workspace.output_root, "main", {"short": 1.0})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for action in (("list",), ("show", "main")):
        after = workspace.critbench("baselines", *action, "--workspace", str(workspace.root), cwd=elsewhere)
        before = workspace.critbench("baselines", "--workspace", str(workspace.root), *action, cwd=elsewhere)
        assert after.returncode == 0, after.stderr
        assert after.stdout == before.stdout
        assert "main" in after.stdout


def test_showing_or_deleting_a_missing_baseline_says_so_in_its_own_words(
    make_workspace: Callable[..., Workspace],
) -> None:
    workspace = make_workspace()
    _save(workspace.output_root, "main", {"short": 1.0})
    for action in ("show", "delete"):
        missing = workspace.critbench("baselines", action, "gone")
        assert missing.returncode == 2
        assert missing.stderr == f"error: no baseline 'gone' to {action} (saved baselines: main)\n"
    compared = workspace.critbench("compare", "gone")
    assert "Baseline 'gone' must exist before comparison is allowed" in compared.stderr
