"""A baseline's files: benchmarks kept apart by package, older baselines read as they are, damage named."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from critbench.model import BenchmarkResult, Failure, FailureKind, MemoryUsage, RunRecord
from critbench.storage import BaselineStore, StorageError, StoredBenchmark, stored_benchmarks
from tests.storage.test_baselines import RUN, _stored


def _in(package: str, full_id: str, value: float = 100.0) -> StoredBenchmark:
    item = _stored(full_id, value)
    return dataclasses.replace(item, info=dataclasses.replace(item.info, package=package))


def _result(item: StoredBenchmark) -> BenchmarkResult:
    return BenchmarkResult(item.info, item.samples, item.analysis)


def _run_of(*measured: StoredBenchmark) -> RunRecord:
    return dataclasses.replace(RUN, measured=tuple(item.info.id.full_id for item in measured))


def _point(item: StoredBenchmark) -> float:
    return item.analysis.estimates.mean.point


def test_a_baseline_keeps_the_measured_and_analysed_results_only() -> None:
    kept, unanalysed, failed = _stored("t/kept"), _stored("t/unanalysed"), _stored("t/failed")
    memory = MemoryUsage(peak_rss_bytes=1 << 20)
    results = [
        dataclasses.replace(_result(kept), memory=memory),
        BenchmarkResult(unanalysed.info, unanalysed.samples),
        BenchmarkResult(failed.info, failure=Failure(FailureKind.ERROR, "raised")),
    ]
    assert stored_benchmarks(results) == [dataclasses.replace(kept, memory=memory)]


def test_namesakes_in_two_packages_are_stored_apart(tmp_path: Path) -> None:
    store = BaselineStore(tmp_path)
    store.save("R", RUN, [_in("A", "t/f", 1.0), _in("A", "t/g", 2.0)])
    store.save("R", _run_of(_in("B", "t/f")), [_in("B", "t/f", 50_000.0)])
    loaded = store.load("R")
    assert [(item.key, _point(item)) for item in loaded.benchmarks] == [
        (("A", "t/f"), 1.0),
        (("B", "t/f"), 50_000.0),
        (("A", "t/g"), 2.0),
    ]
    assert loaded.measured_last == {("B", "t/f")}
    document = json.loads((tmp_path / "R" / "run.json").read_text())
    assert document["benchmarks"] == {"t/g": "t/g"}, "an id one package holds is indexed as before"
    assert document["shared_ids"] == {
        "t/f": [
            {"package": "A", "folder": "t/f", "measured": False},
            {"package": "B", "folder": "t/f_2", "measured": True},
        ]
    }


def test_a_comparison_takes_the_samples_of_the_same_package_only(tmp_path: Path) -> None:
    store = BaselineStore(tmp_path)
    store.save("R", RUN, [_in("A", "t/f", 1.0)])
    store.save("R", RUN, [_in("B", "t/f", 50_000.0)])
    loaded = store.load("R")
    assert loaded.samples_for([_result(_in("A", "t/f"))]) == {"t/f": _in("A", "t/f", 1.0).samples}
    assert loaded.samples_for([_result(_in("B", "t/f"))]) == {"t/f": _in("B", "t/f", 50_000.0).samples}
    assert loaded.samples_for([_result(_in("C", "t/f"))]) == {}, "a third package's namesake has no data"


def test_an_id_stored_for_two_packages_fails_when_read_back_as_results(tmp_path: Path) -> None:
    """As the engine fails an id two bench targets of one run declare, never one package's numbers as both."""
    store = BaselineStore(tmp_path)
    store.save("R", RUN, [_in("A", "t/f", 1.0), _in("A", "t/g", 2.0)])
    store.save("R", _run_of(_in("B", "t/f")), [_in("B", "t/f", 50_000.0)])
    results = store.load("R").results()
    assert [(r.info.package, r.id.full_id, r.ok) for r in results] == [
        ("A", "t/f", False),
        ("B", "t/f", False),
        ("A", "t/g", True),
    ]
    failure = results[0].failure
    assert failure is not None
    assert failure.kind is FailureKind.ERROR
    assert "stores the id t/f for more than one package (A, B)" in failure.reason
    assert [(r.info.package, r.id.full_id, r.ok) for r in store.load("R").results(measured_last_only=True)] == [
        ("B", "t/f", True)
    ], "the last save measured B's t/f alone: reported alone, it is no clash"


def test_a_baseline_written_before_packages_were_told_apart_is_read_as_it_is(tmp_path: Path) -> None:
    store = BaselineStore(tmp_path)
    store.save("old", _run_of(_in("A", "t/f")), [_in("A", "t/f", 1.0), _in("A", "t/g", 2.0)])
    run_json = tmp_path / "old" / "run.json"
    document = json.loads(run_json.read_text())
    assert set(document) == {"schema_version", "kind", "run", "benchmarks"}, "no shared ids: the old format exactly"
    loaded = store.load("old")
    assert [item.key for item in loaded.benchmarks] == [("A", "t/f"), ("A", "t/g")]
    assert loaded.measured_last == {("A", "t/f")}, "from the run's measured ids, as before"
    store.save("old", RUN, [_in("B", "t/f", 3.0)])
    assert [item.key for item in store.load("old").benchmarks] == [("A", "t/f"), ("B", "t/f"), ("A", "t/g")]


Damage = Callable[[Path], None]


def _edit(relative: str, change: Callable[[dict[str, Any]], object]) -> Damage:
    def damage(baseline: Path) -> None:
        path = baseline / relative
        document = json.loads(path.read_text())
        change(document)
        path.write_text(json.dumps(document))

    return damage


def _write(relative: str, text: str) -> Damage:
    def damage(baseline: Path) -> None:
        (baseline / relative).write_text(text)

    return damage


def _remove(relative: str) -> Damage:
    def damage(baseline: Path) -> None:
        (baseline / relative).unlink()

    return damage


DAMAGE: dict[str, tuple[Damage, str, str]] = {
    # name: (damage, the file the message names, what it says)
    "truncated JSON": (
        _write("t/f/sample.json", '{"schema_version": 1, "kind": "sam'),
        "t/f/sample.json",
        "cannot be read",
    ),
    "not UTF-8": (_write("t/f/sample.json", "\xff\xfe"), "t/f/sample.json", "cannot be read"),
    "empty file": (_write("run.json", ""), "run.json", "cannot be read"),
    "a list, not an object": (_write("run.json", "[]"), "run.json", "is not a critbench baseline file"),
    "index is a list": (_edit("run.json", lambda d: d.update(benchmarks=[])), "run.json", "must be objects"),
    "index entry is a number": (
        _edit("run.json", lambda d: d.update(benchmarks={"t/f": 5})),
        "run.json",
        "not a folder",
    ),
    "index points outside": (
        _edit("run.json", lambda d: d.update(benchmarks={"t/f": "../../elsewhere"})),
        "run.json",
        "not a folder inside the baseline",
    ),
    "index disagrees with the files": (
        _edit("run.json", lambda d: d.update(benchmarks={"t/h": "t/f"})),
        "run.json",
        "which holds 't/f'",
    ),
    "shared ids of the wrong shape": (
        _edit("run.json", lambda d: d.update(shared_ids={"t/f": "A"})),
        "run.json",
        "must be a list of objects",
    ),
    "run record missing": (_edit("run.json", lambda d: d.pop("run")), "run.json", "it has no 'run'"),
    "run record of the wrong shape": (
        _edit("run.json", lambda d: d.update(run=[1, 2])),
        "run.json",
        "expected an object",
    ),
    "samples of the wrong shape": (
        _edit("t/f/sample.json", lambda d: d["samples"].update(iters={"a": 1})),
        "t/f/sample.json",
        "expected a list",
    ),
    "samples not a record": (_edit("t/f/sample.json", lambda d: d.update(samples="x")), "t/f/sample.json", "damaged"),
    "too few samples": (
        _edit("t/f/sample.json", lambda d: d["samples"].update(iters=[1.0], times_ns=[1.0], process=[0])),
        "t/f/sample.json",
        "at least two samples",
    ),
    "NaN": (
        _write("t/f/sample.json", '{"schema_version": 1, "kind": "sample", "samples": {"times_ns": [NaN, 1]}}'),
        "t/f/sample.json",
        "holds NaN, which is not a finite number",
    ),
    "infinity": (
        _write("t/f/estimates.json", '{"schema_version": 1, "kind": "estimates", "analysis": {"x": -Infinity}}'),
        "t/f/estimates.json",
        "holds -Infinity",
    ),
    "a number too big for a float": (
        _write("t/f/sample.json", '{"schema_version": 1, "kind": "sample", "samples": {"times_ns": [1e999, 1]}}'),
        "t/f/sample.json",
        "holds 1e999",
    ),
    "missing file": (_remove("t/f/estimates.json"), "t/f/estimates.json", "is missing"),
    "missing run.json": (_remove("run.json"), "run.json", "is missing"),
    "newer schema version": (
        _edit("t/f/benchmark.json", lambda d: d.update(schema_version=2)),
        "t/f/benchmark.json",
        "upgrade critbench",
    ),
    "schema version not a number": (
        _edit("t/f/sample.json", lambda d: d.update(schema_version="1")),
        "t/f/sample.json",
        "schema version '1' is not one critbench writes",
    ),
    "schema version zero": (_edit("run.json", lambda d: d.update(schema_version=0)), "run.json", "not one critbench"),
    "wrong kind": (
        _edit("t/f/sample.json", lambda d: d.update(kind="estimates")),
        "t/f/sample.json",
        "not a critbench",
    ),
}


@pytest.fixture
def damaged_store(tmp_path: Path) -> BaselineStore:
    store = BaselineStore(tmp_path)
    store.save("R", RUN, [_in("A", "t/f", 1.0), _in("A", "t/g", 2.0)])
    return store


@pytest.mark.parametrize("kind", DAMAGE)
def test_damage_of_every_kind_is_a_storage_error_naming_the_file(damaged_store: BaselineStore, kind: str) -> None:
    damage, relative, says = DAMAGE[kind]
    damage(damaged_store.root / "R")
    with pytest.raises(StorageError) as caught:
        damaged_store.load("R")
    message = str(caught.value)
    assert str(damaged_store.root / "R" / relative) in message
    assert says in message


@pytest.mark.parametrize("kind", DAMAGE)
def test_a_damaged_baseline_is_never_written_over(damaged_store: BaselineStore, kind: str) -> None:
    damage, relative, _ = DAMAGE[kind]
    baseline = damaged_store.root / "R"
    damage(baseline)
    before = {p.relative_to(baseline): p.read_bytes() for p in baseline.rglob("*") if p.is_file()}
    with pytest.raises(StorageError) as caught:
        damaged_store.save("R", RUN, [_in("A", "t/h", 3.0)])
    message = str(caught.value)
    assert message.startswith("baseline 'R' was not saved, so that nothing it holds is lost: ")
    assert str(baseline / relative) in message
    assert "critbench baselines delete R" in message
    assert {p.relative_to(baseline): p.read_bytes() for p in baseline.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in damaged_store.root.iterdir()) == ["R"], "no staging folder or lock is left"
