"""``critbench history [ID]``: the runs table, a benchmark's series, and the messages for what is not there.

Runs are recorded straight into the workspace's store, then the command is called with a real Context, so
these tests hold before ``critbench run`` records history; the last test drives the real command line.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest

from critbench.cli._context import Context, make_context
from critbench.cli._history import history_command, sparkline
from critbench.cli._options import HistoryOptions, Locations
from critbench.errors import UsageError
from critbench.model import BenchmarkResult, RunRecord, Verdict, ab_key
from critbench.storage import LAST_RUN
from critbench.storage._history import HistoryStore
from tests.conftest import Workspace
from tests.storage.conftest import make_failure, make_result, make_run


@pytest.fixture
def context(make_workspace: Callable[..., Workspace], monkeypatch: pytest.MonkeyPatch) -> Context:
    for variable in ("CRITBENCH_STORE", "CRITBENCH_HOME"):
        monkeypatch.delenv(variable, raising=False)
    workspace = make_workspace()
    return make_context(Locations(workspace.root), stdout=io.StringIO(), stderr=io.StringIO())


def _record(ctx: Context, runs: list[tuple[RunRecord, list[BenchmarkResult]]]) -> None:
    with HistoryStore.open(ctx.store_url) as store:
        for run, results in runs:
            store.record_run(run, results)


def _output(ctx: Context) -> str:
    assert isinstance(ctx.stdout, io.StringIO)
    return ctx.stdout.getvalue()


def _history(ctx: Context, benchmark_id: str | None = None, limit: int = 20) -> str:
    assert history_command(ctx, HistoryOptions(benchmark_id, limit)) == 0
    return _output(ctx)


def _three_runs(ctx: Context) -> None:
    _record(
        ctx,
        [
            (
                make_run(1, saved_as="main"),
                [make_result("kernel/startup", 1_000_000.0), make_result("kernel/io", 50.0)],
            ),
            (
                make_run(2, commit="1111111122222222", dirty=True, compared_with=LAST_RUN),
                [
                    make_result(
                        "kernel/startup",
                        1_100_000.0,
                        verdict=Verdict.REGRESSED,
                        baseline="the previous run",
                        change_point=0.031,
                    )
                ],
            ),
            (
                make_run(3, commit="3333333344444444", branch="fix", compared_with="main"),
                [
                    make_result("kernel/startup", 1_045_000.0, verdict=Verdict.NO_CHANGE, change_point=-0.004),
                    make_failure("kernel/io"),
                ],
            ),
        ],
    )


def test_without_a_store_nothing_is_recorded_and_nothing_is_created(context: Context) -> None:
    assert _history(context) == "No runs recorded yet (every 'critbench run' records one).\n"
    assert not context.output_root.exists(), "reading the history must not create the output root"
    with pytest.raises(UsageError, match="no run has been recorded yet"):
        history_command(context, HistoryOptions("kernel/startup"))


def test_lists_the_stored_runs(context: Context) -> None:
    _three_runs(context)
    with HistoryStore.open(context.store_url) as store:
        location = store.location
    assert _history(context).splitlines() == [
        f"Last 3 runs in {location}:",
        "",
        "  run  started (UTC)        commit     branch  benchmarks  failed  baseline",
        "    1  2026-01-01 10:00:00  01234567   main             2          saved as main",
        "    2  2026-01-02 10:00:00  11111111*  main             1          vs previous run",
        "    3  2026-01-03 10:00:00  33333333   fix              2       1  vs main",
        "",
        "  * measured with uncommitted changes",
        "",
        "'critbench history ID' shows one benchmark's series.",
    ]


def test_an_ab_run_names_revision_a_by_its_short_commit(context: Context) -> None:
    commit = "9b620dec6026e2339af4964e4467ca0ecf6534eb"
    _record(
        context,
        [
            (make_run(1, compared_with=ab_key(commit)), [make_result("kernel/startup", 1_000_000.0)]),
            (make_run(2, compared_with=ab_key("/tmp/release-1.0")), [make_result("kernel/startup", 1_000_000.0)]),
        ],
    )
    rows = _history(context).splitlines()[3:5]
    assert rows[0].endswith("  vs 9b620dec60 (ab)"), rows
    assert rows[1].endswith("  vs /tmp/release-1.0 (ab)"), rows


def test_limit_keeps_the_latest_runs(context: Context) -> None:
    _three_runs(context)
    lines = _history(context, limit=2).splitlines()
    assert lines[0].startswith("Last 2 runs in ")
    assert [line.split()[0] for line in lines[3:5]] == ["2", "3"]


def test_shows_a_benchmarks_series(context: Context) -> None:
    _three_runs(context)
    assert _history(context, "kernel/startup").splitlines() == [
        "kernel/startup: typical time in the last 3 runs that measured it",
        "",
        "  run  started (UTC)        commit     typical [lower estimate upper]     change  baseline",
        "    1  2026-01-01 10:00:00  01234567   [990.00 µs 1.0000 ms 1.0100 ms]            saved as main",
        "    2  2026-01-02 10:00:00  11111111*  [1.0890 ms 1.1000 ms 1.1110 ms]  +3.1000%  vs previous run: regressed",
        "    3  2026-01-03 10:00:00  33333333   [1.0346 ms 1.0450 ms 1.0554 ms]  −0.4000%  vs main: no change",
        "",
        "  ▁█▄  min 1.0000 ms, max 1.1000 ms, latest 1.0450 ms",
        "",
        "  * measured with uncommitted changes",
        "",
        "  change: as each run judged it against the baseline named beside it (the figure and statistic that run",
        "  printed, e.g. each process's fastest window), not the ratio of the typical times shown",
    ]


def test_the_change_is_the_one_each_run_judged_not_the_typical_times_ratio(context: Context) -> None:
    # The typical times moved +10% and -5%; the runs judged +3.1% and -0.4% (their own statistic), and the
    # history repeats what the runs printed, whichever points are shown.
    _three_runs(context)
    lines = _history(context, "kernel/startup", limit=2).splitlines()
    assert lines[0] == "kernel/startup: typical time in the last 2 runs that measured it"
    assert "+3.1000%" in lines[3]
    assert "−0.4000%" in lines[4]
    assert "+10.000%" not in "\n".join(lines)


def test_failed_measurements_are_left_out(context: Context) -> None:
    _three_runs(context)
    lines = _history(context, "kernel/io").splitlines()
    assert lines[0] == "kernel/io: typical time in the last 1 run that measured it"
    assert len([line for line in lines if line.startswith("    ")]) == 1


def test_a_benchmark_that_always_failed_says_so(context: Context) -> None:
    _record(context, [(make_run(1), [make_failure("kernel/broken")])])
    assert "no successful measurement" in _history(context, "kernel/broken")


@pytest.mark.parametrize(
    ("asked", "suggested"),
    [("kernel/startpu", "did you mean: kernel/startup"), ("startup", "did you mean: kernel/startup")],
)
def test_an_unknown_id_suggests_close_ones(context: Context, asked: str, suggested: str) -> None:
    _three_runs(context)
    with pytest.raises(UsageError, match=suggested):
        history_command(context, HistoryOptions(asked))


def test_an_id_like_nothing_recorded_points_to_list(context: Context) -> None:
    _three_runs(context)
    with pytest.raises(UsageError, match=r"no benchmark 'zzz' in the history \(2 recorded; 'critbench list'"):
        history_command(context, HistoryOptions("zzz"))


def test_an_unreachable_store_is_a_storage_error(make_workspace: Callable[..., Workspace], tmp_path: Path) -> None:
    from critbench.storage import StorageError

    workspace = make_workspace()
    ctx = make_context(
        Locations(workspace.root, store="postgresql://bench:s3cret@127.0.0.1:1/db"),
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    with pytest.raises(StorageError, match=r"postgresql://bench:\*\*\*@127\.0\.0\.1:1/db") as caught:
        history_command(ctx, HistoryOptions(None))
    assert "s3cret" not in str(caught.value)


@pytest.mark.parametrize(
    ("values", "line"),
    [([], ""), ([5.0, 5.0, 5.0], "▄▄▄"), ([1.0, 8.0], "▁█"), ([0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0], "▁▂▃▄▅▆▇█")],
)
def test_sparkline(values: list[float], line: str) -> None:
    assert sparkline(values) == line


def test_the_real_command_line(make_workspace: Callable[..., Workspace]) -> None:
    workspace = make_workspace()
    ctx = make_context(Locations(workspace.root), stdout=io.StringIO(), stderr=io.StringIO())
    _three_runs(ctx)
    listed = workspace.critbench("history", "--limit", "2")
    assert listed.returncode == 0, listed.stderr
    assert "Last 2 runs in " in listed.stdout
    series = workspace.critbench("history", "kernel/startup")
    assert series.returncode == 0, series.stderr
    assert "▁█▄" in series.stdout
    unknown = workspace.critbench("history", "kernel/startpu")
    assert unknown.returncode == 2
    assert "did you mean: kernel/startup" in unknown.stderr
