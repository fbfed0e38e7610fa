"""The history store on SQLite and PostgreSQL: round trips, schema versions, bad URLs, concurrency, crashes."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

import critbench
from critbench.model import HistoryPoint, Verdict
from critbench.storage import StorageError
from critbench.storage import _history_schema as schema
from critbench.storage._history import HistoryStore, StoredRun, mask_password
from tests.storage.conftest import make_failure, make_result, make_run

REPO = Path(__file__).resolve().parents[2]


def _engine(store: HistoryStore) -> sa.Engine:
    return store._engine


def _count(store: HistoryStore, table: sa.Table) -> int:
    with _engine(store).connect() as connection:
        return connection.scalar(sa.select(sa.func.count()).select_from(table)) or 0


def test_runs_round_trip(store_url: str) -> None:
    with HistoryStore.open(store_url) as store:
        first = store.record_run(make_run(1, saved_as="main", dirty=True), [make_result("g/a"), make_result("g/b")])
        second = store.record_run(
            make_run(2, commit="fedcba9876543210", branch=None, dirty=None, compared_with="main"),
            [make_result("g/a"), make_failure("g/b"), make_failure("g/c")],
        )
        third = store.record_run(make_run(3), [])
        runs = store.runs()
        assert store.runs(2) == runs[1:]
        assert store.runs(0) == []

    assert first < second < third
    assert [run.run_id for run in runs] == [first, second, third]
    assert runs[0] == StoredRun(
        run_id=first,
        started_at="2026-01-01T10:00:00+00:00",
        finished_at="2026-01-01T10:05:00+00:00",
        command="critbench run",
        git_commit="0123456789abcdef",
        git_branch="main",
        git_dirty=True,
        saved_as="main",
        compared_with=None,
        benchmark_count=2,
        failed_count=0,
    )
    assert (runs[1].git_commit, runs[1].git_branch, runs[1].git_dirty) == ("fedcba9876543210", None, None)
    assert (runs[1].compared_with, runs[1].benchmark_count, runs[1].failed_count) == ("main", 3, 2)
    assert (runs[2].benchmark_count, runs[2].failed_count) == (0, 0)


def test_series_round_trip(store_url: str) -> None:
    with HistoryStore.open(store_url) as store:
        first = store.record_run(make_run(1, saved_as="main"), [make_result("g/a", 1000.0, memory_peak_bytes=123_456)])
        store.record_run(make_run(2), [make_failure("g/a")])
        third = store.record_run(
            make_run(3, compared_with="main", dirty=True),
            [make_result("g/other", 5.0), make_result("g/a", 1250.5, verdict=Verdict.REGRESSED)],
        )
        series = store.series("g/a")
        assert store.series("g/a", 1) == series[1:]
        assert store.series("g/a", 0) == []
        assert store.series("g/unknown") == []

    assert [point.run_id for point in series] == [first, third], "failed measurements are not points"
    oldest, newest = series
    assert oldest == HistoryPoint(
        run_id=first,
        started_at="2026-01-01T10:00:00+00:00",
        git_commit="0123456789abcdef",
        git_branch="main",
        git_dirty=False,
        typical=make_result("g/a", 1000.0).analysis.estimates.typical,  # type: ignore[union-attr]
        saved_as="main",
        compared_with=None,
        verdict=None,
        memory_peak_bytes=123_456,
    )
    assert newest.typical.point == 1250.5
    assert (newest.verdict, newest.compared_with, newest.git_dirty) == (Verdict.REGRESSED, "main", True)
    assert newest.change == 0.12, "the change the run judged, as it printed it"
    assert newest.memory_peak_bytes is None


def test_results_keep_every_figure_and_the_raw_samples(store_url: str) -> None:
    result = make_result("g/a/param with / slash", 1000.0, verdict=Verdict.IMPROVED, samples=5, memory_peak_bytes=5000)
    with HistoryStore.open(store_url) as store:
        run_id = store.record_run(make_run(1, compared_with="base"), [result, make_failure("g/broken")])
        with _engine(store).connect() as connection:
            rows = connection.execute(sa.select(schema.results).order_by(schema.results.c.position)).mappings().all()
            stored_samples = connection.execute(sa.select(schema.samples)).mappings().all()
            run_row = connection.execute(sa.select(schema.runs)).mappings().one()

    measured, failed = rows
    assert (measured["run_id"], measured["benchmark_id"], measured["parameter"]) == (
        run_id,
        "g/a/param with / slash",
        "param with / slash",
    )
    assert (measured["status"], measured["typical_kind"], measured["package"], measured["bench_target"]) == (
        "ok",
        "slope",
        "pkg",
        "target",
    )
    assert (measured["mad_point"], measured["std_dev_upper"]) == (20.0, 30.0)
    assert (measured["change_mean_point"], measured["p_value"], measured["verdict"]) == (0.12, 0.001, "IMPROVED")
    assert (measured["target_ns"], measured["time_target_status"]) == (2000.0, "EXCELLENT")
    assert (measured["memory_peak_bytes"], measured["memory_allocated_per_iteration_bytes"]) == (5000, 500)
    assert (measured["memory_target_bytes"], measured["memory_target_status"]) == (50_000_000, "EXCELLENT")
    assert (failed["status"], failed["failure_kind"], failed["failure_reason"], failed["typical_point"]) == (
        "failed",
        "error",
        "raised ValueError: bad input",
        None,
    )
    assert len(stored_samples) == 1, "a failed benchmark has no samples"
    assert result.samples is not None
    assert json.loads(stored_samples[0]["iters"]) == list(result.samples.iters)
    assert json.loads(stored_samples[0]["times_ns"]) == list(result.samples.times_ns)
    assert json.loads(stored_samples[0]["process"]) == list(result.samples.process)
    assert (stored_samples[0]["sampling_mode"], stored_samples[0]["overhead_ns"]) == ("linear", 1.5)
    assert json.loads(run_row["environment"])["hostname"] == "ci-1"
    assert json.loads(run_row["settings"]) == {"sample_size": 20, "measurement_time": 0.1}


def test_all_series_is_one_query_with_a_limit_per_benchmark(store_url: str) -> None:
    ids = [f"group/bench_{n:02d}" for n in range(30)]
    with HistoryStore.open(store_url) as store:
        for day in range(1, 6):
            store.record_run(make_run(day), [make_result(full_id, 100.0 * day + n) for n, full_id in enumerate(ids)])
        store.record_run(make_run(6), [make_failure(ids[0])])
        statements: list[str] = []
        sa.event.listen(_engine(store), "before_cursor_execute", lambda *args: statements.append(args[2]))
        everything = store.all_series()
        assert len([sql for sql in statements if sql.lstrip().upper().startswith("SELECT")]) == 1
        latest_two = store.all_series(limit_per_benchmark=2)
        assert latest_two == {full_id: store.series(full_id, 2) for full_id in ids}
        assert store.benchmark_ids() == ids

    assert sorted(everything) == ids
    assert all(len(points) == 5 for points in everything.values())
    assert [point.typical.point for point in everything["group/bench_03"]] == [103.0, 203.0, 303.0, 403.0, 503.0]
    assert [point.typical.point for point in latest_two["group/bench_03"]] == [403.0, 503.0]


def test_empty_store_reads_empty(store_url: str) -> None:
    with HistoryStore.open(store_url) as store:
        assert (store.runs(), store.benchmark_ids(), store.all_series(), store.series("g/a")) == ([], [], {}, [])
        with pytest.raises(ValueError, match="zero or more"):
            store.runs(-1)


def test_a_failed_only_benchmark_has_an_id_but_no_series(store_url: str) -> None:
    with HistoryStore.open(store_url) as store:
        store.record_run(make_run(1), [make_failure("g/broken")])
        assert store.benchmark_ids() == ["g/broken"]
        assert store.series("g/broken") == []
        assert store.all_series() == {}


def test_reopening_keeps_the_history(store_url: str) -> None:
    with HistoryStore.open(store_url) as store:
        store.record_run(make_run(1), [make_result("g/a")])
    with HistoryStore.open(store_url) as store:
        assert store.schema_version() == schema.SCHEMA_VERSION
        store.record_run(make_run(2), [make_result("g/a")])
        assert len(store.series("g/a")) == 2


def test_sqlite_store_is_created_in_its_folder_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / ".history.sqlite"
    url = f"sqlite:///{path}"
    assert not HistoryStore.exists(url)
    with HistoryStore.open(url) as store, _engine(store).connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    assert path.is_file()
    assert HistoryStore.exists(url)
    assert HistoryStore.exists("postgresql://user@host/db"), "a server store cannot be checked without connecting"


def test_a_store_from_a_newer_critbench_is_refused(store_url: str) -> None:
    with HistoryStore.open(store_url) as store:
        store.record_run(make_run(1), [make_result("g/a")])
        with _engine(store).begin() as connection:
            connection.execute(schema.schema_table.update().values(version=schema.SCHEMA_VERSION + 1))
    with pytest.raises(StorageError, match="upgrade critbench") as caught:
        HistoryStore.open(store_url)
    message = str(caught.value)
    assert f"schema version {schema.SCHEMA_VERSION + 1}" in message
    assert mask_password(store_url) in message


def _run_columns(store: HistoryStore) -> set[str]:
    with _engine(store).connect() as connection:
        return {column["name"] for column in sa.inspect(connection).get_columns(schema.runs.name)}


def test_migrations_run_each_missing_step_once(store_url: str) -> None:
    calls: list[int] = []

    def to_v2(connection: sa.Connection) -> None:
        calls.append(2)
        connection.execute(sa.text("ALTER TABLE critbench_runs ADD COLUMN note TEXT"))

    def to_v3(connection: sa.Connection) -> None:
        calls.append(3)
        connection.execute(schema.runs.update().values(command="migrated"))

    with HistoryStore.open(store_url) as store:
        store.record_run(make_run(1), [make_result("g/a")])
        steps = {2: to_v2, 3: to_v3}
        assert schema.upgrade(_engine(store), "test store", "test", latest=3, migrations=steps) == 3
        assert schema.upgrade(_engine(store), "test store", "test", latest=3, migrations=steps) == 3
        assert calls == [2, 3]
        assert store.schema_version() == 3
        assert "note" in _run_columns(store)
        assert [run.command for run in store.runs()] == ["migrated"]


def test_a_failing_migration_leaves_the_store_at_its_old_version(store_url: str) -> None:
    def half_done(connection: sa.Connection) -> None:
        connection.execute(sa.text("ALTER TABLE critbench_runs ADD COLUMN note TEXT"))
        raise RuntimeError("migration bug")

    with HistoryStore.open(store_url) as store:
        store.record_run(make_run(1), [make_result("g/a")])
        with pytest.raises(RuntimeError, match="migration bug"):
            schema.upgrade(_engine(store), "test store", "test", latest=2, migrations={2: half_done})
        assert store.schema_version() == 1
        assert "note" not in _run_columns(store), "the schema change was rolled back with the version"
        assert len(store.runs()) == 1


def test_opening_an_older_store_migrates_it(store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with HistoryStore.open(store_url) as store:
        store.record_run(make_run(1), [make_result("g/a")])

    def to_v2(connection: sa.Connection) -> None:
        connection.execute(sa.text("ALTER TABLE critbench_runs ADD COLUMN note TEXT"))

    monkeypatch.setattr(schema, "SCHEMA_VERSION", 2)
    monkeypatch.setattr(schema, "MIGRATIONS", {2: to_v2})
    with HistoryStore.open(store_url) as store:
        assert store.schema_version() == 2
        assert "note" in _run_columns(store)
        assert len(store.series("g/a")) == 1
        with _engine(store).connect() as connection:
            assert (
                connection.scalar(sa.select(schema.schema_table.c.written_by)) == f"critbench {critbench.__version__}"
            )


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("not a url", "invalid history store URL 'not a url'"),
        ("nosuchdatabase://host/db", "names a database SQLAlchemy does not know"),
        ("mysql+mysqldb://bench:s3cret@localhost/db", "driver for history store mysql+mysqldb://bench:***@"),
        ("postgresql://bench:s3cret@127.0.0.1:1/db", "cannot open history store postgresql://bench:***@127.0.0.1:1"),
    ],
)
def test_bad_urls_become_one_line_storage_errors_without_the_password(url: str, expected: str) -> None:
    with pytest.raises(StorageError) as caught:
        HistoryStore.open(url)
    message = str(caught.value)
    assert expected in message
    assert "s3cret" not in message
    assert "\n" not in message


def test_an_unusable_sqlite_folder_is_a_storage_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(StorageError, match="cannot open history store sqlite:///"):
        HistoryStore.open(f"sqlite:///{blocker}/sub/.history.sqlite")


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        ("postgresql+psycopg://user:pa:ss@w@host:5432/db?x=1", "postgresql+psycopg://user:***@host:5432/db?x=1"),
        ("postgresql://user@host/db", "postgresql://user@host/db"),
        ("postgresql://host/db?password=s3cret&sslmode=require", "postgresql://host/db?password=***&sslmode=require"),
        ("sqlite:////tmp/h.sqlite", "sqlite:////tmp/h.sqlite"),
        ("postgresql://u:a@data/db", "postgresql://u:***@data/db"),
        ("postgresql://u:p/w@ss@host/db?x=1", "postgresql://u:***@host/db?x=1"),
    ],
)
def test_mask_password(url: str, masked: str) -> None:
    assert mask_password(url) == masked


_WRITER = """
import pathlib, sys, time
from critbench.storage._history import HistoryStore
from tests.storage.conftest import make_result, make_run

url, name, count, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), pathlib.Path(sys.argv[4])
print("ready", flush=True)
deadline = time.monotonic() + 60
while not go.exists() and time.monotonic() < deadline:
    time.sleep(0.001)
with HistoryStore.open(url) as store:  # both writers create the store at once
    for n in range(count):
        store.record_run(make_run(1 + n % 28), [make_result(f"{name}/b{k}", 100.0 + n) for k in range(10)])
        time.sleep(0.005)  # a real run measures between writes; this lets the other writer in
"""


def test_two_processes_writing_at_once_both_land(store_url: str, tmp_path: Path) -> None:
    go = tmp_path / "go"
    runs_each = 20
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, store_url, name, str(runs_each), str(go)],
            cwd=REPO,
            stdout=subprocess.PIPE,
            text=True,
        )
        for name in ("first", "second")
    ]
    try:
        for writer in writers:
            assert writer.stdout is not None
            assert writer.stdout.readline().strip() == "ready"
        go.touch()
        for writer in writers:
            assert writer.wait(timeout=120) == 0
    finally:
        for writer in writers:
            if writer.poll() is None:
                writer.kill()
                writer.wait()
            if writer.stdout is not None:
                writer.stdout.close()

    with HistoryStore.open(store_url) as store:
        runs = store.runs()
        series = store.all_series()
    assert len(runs) == 2 * runs_each
    assert len({run.run_id for run in runs}) == 2 * runs_each
    assert all(run.benchmark_count == 10 for run in runs)
    for name in ("first", "second"):
        assert [point.typical.point for point in series[f"{name}/b0"]] == [100.0 + n for n in range(runs_each)]


_PAUSING_WRITER = """
import sys, time
import sqlalchemy as sa
from critbench.storage._history import HistoryStore
from tests.storage.conftest import make_result, make_run

store = HistoryStore.open(sys.argv[1])
pause_s = float(sys.argv[2])

def pause_inside_the_transaction(connection, cursor, statement, parameters, context, executemany):
    if statement.lstrip().upper().startswith("INSERT INTO CRITBENCH_RESULTS"):
        print("paused", flush=True)
        time.sleep(pause_s)

sa.event.listen(store._engine, "after_cursor_execute", pause_inside_the_transaction)
store.record_run(make_run(2), [make_result(f"paused/b{k}") for k in range(200)])
print("finished", flush=True)
"""


def _pausing_writer(store_url: str, pause_s: float) -> subprocess.Popen[str]:
    """A process recording a 200-benchmark run that stops for ``pause_s`` inside its transaction."""
    return subprocess.Popen(
        [sys.executable, "-c", _PAUSING_WRITER, store_url, str(pause_s)], cwd=REPO, stdout=subprocess.PIPE, text=True
    )


def test_a_writer_waits_for_another_runs_transaction(store_url: str) -> None:
    with HistoryStore.open(store_url) as store, _pausing_writer(store_url, 1.0) as writer:
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "paused"
        mine = store.record_run(make_run(3), [make_result("mine/a")])
        assert writer.wait(timeout=60) == 0
        assert writer.stdout.read().strip() == "finished"
        runs = store.runs()
    assert len(runs) == 2
    assert mine in {run.run_id for run in runs}
    assert sorted(run.benchmark_count for run in runs) == [1, 200]


def test_a_run_killed_mid_write_leaves_the_store_readable(store_url: str) -> None:
    with HistoryStore.open(store_url) as store:
        kept = store.record_run(make_run(1), [make_result("kept/a"), make_result("kept/b")])

    with _pausing_writer(store_url, 300.0) as writer:
        try:
            assert writer.stdout is not None
            assert writer.stdout.readline().strip() == "paused"
            with HistoryStore.open(store_url) as reader:
                assert [run.run_id for run in reader.runs()] == [kept], "readers never see a run being written"
        finally:
            writer.send_signal(signal.SIGKILL)
            writer.wait(timeout=30)
    assert writer.returncode == -signal.SIGKILL

    with HistoryStore.open(store_url) as store:
        assert [run.run_id for run in store.runs()] == [kept]
        assert store.benchmark_ids() == ["kept/a", "kept/b"]
        assert _count(store, schema.results) == 2, "no rows of the killed run are left behind"
        assert _count(store, schema.samples) == 2
        started = time.monotonic()
        after = store.record_run(make_run(3), [make_result("kept/a", 2000.0)])
        assert time.monotonic() - started < 10, "the killed run's lock was released"
        assert [point.typical.point for point in store.series("kept/a")] == [1000.0, 2000.0]
        assert after > kept
