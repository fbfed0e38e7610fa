"""Baselines on disk: names, the baseline-first layout, merging, atomic swaps and schema versions."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from critbench.model import (
    BenchmarkId,
    BenchmarkInfo,
    Environment,
    Estimate,
    Estimates,
    OutlierCounts,
    RunRecord,
    SampleAnalysis,
    Samples,
    SamplingMode,
    TukeyFences,
)
from critbench.storage import (
    LAST_RUN,
    MAX_BASELINE_NAME_LENGTH,
    PREVIOUS_RUN,
    BaselineNotFound,
    BaselineStore,
    InvalidBaselineName,
    StorageError,
    StoredBaseline,
    StoredBenchmark,
    Tidied,
    check_baseline_name,
)
from critbench.storage._layout import lock_path, set_aside_path
from critbench.storage._locks import locked


def _stored(full_id: str, value: float = 100.0) -> StoredBenchmark:
    estimate = Estimate(value, value - 1, value + 1, 0.5, 0.95)
    return StoredBenchmark(
        info=BenchmarkInfo(id=BenchmarkId.parse(full_id)),
        samples=Samples(SamplingMode.FLAT, (10.0, 10.0), (10 * value, 10 * value), (0, 0)),
        analysis=SampleAnalysis(
            estimates=Estimates(estimate, estimate, estimate, estimate),
            fences=TukeyFences(0, 1, 2, 3),
            outliers=OutlierCounts(0, 0, 0, 0, 2),
        ),
    )


def by_id(baseline: StoredBaseline) -> dict[str, StoredBenchmark]:
    """The benchmarks of a baseline that stores each id for one package only, by id."""
    found = {item.info.id.full_id: item for item in baseline.benchmarks}
    assert len(found) == len(baseline.benchmarks), "an id is stored for more than one package"
    return found


RUN = RunRecord(
    started_at="2026-01-01T00:00:00+00:00", finished_at="2026-01-01T00:01:00+00:00", environment=Environment()
)


@pytest.mark.parametrize("name", ["../x", "a/b", "", "a b", ".last", "x.y", "report", "ü"])
def test_invalid_names_are_refused(name: str) -> None:
    with pytest.raises(InvalidBaselineName):
        check_baseline_name(name)


def test_valid_names_pass() -> None:
    for name in ("phase10-final", "before_optimization", "v2", "_x", "9", "a-", "n" * MAX_BASELINE_NAME_LENGTH):
        assert check_baseline_name(name) == name


@pytest.mark.parametrize("name", ["-x", "--save-baseline", "-"])
def test_a_name_the_command_line_would_read_as_an_option_is_refused(name: str) -> None:
    with pytest.raises(InvalidBaselineName, match="cannot start with '-'"):
        check_baseline_name(name)


@pytest.mark.parametrize("length", [MAX_BASELINE_NAME_LENGTH + 1, 255, 300])
def test_a_name_too_long_for_the_filesystem_is_refused_up_front_with_the_limit(length: int, tmp_path: Path) -> None:
    with pytest.raises(InvalidBaselineName, match=rf"at most {MAX_BASELINE_NAME_LENGTH} characters") as caught:
        BaselineStore(tmp_path).save("n" * length, RUN, [_stored("a/b")])
    assert caught.value.exit_status == 2
    assert list(tmp_path.iterdir()) == []


def test_the_longest_name_saves_loads_and_deletes(tmp_path: Path) -> None:
    name = "n" * MAX_BASELINE_NAME_LENGTH
    store = BaselineStore(tmp_path)
    store.save(name, RUN, [_stored("a/b")])
    store.save(name, RUN, [_stored("a/c")])  # a second save sets the first copy aside under a longer name
    assert sorted(by_id(store.load(name))) == ["a/b", "a/c"]
    store.delete(name)
    assert list(tmp_path.iterdir()) == []


def test_save_load_round_trip_and_layout(tmp_path: Path) -> None:
    store = BaselineStore(tmp_path)
    store.save("before", RUN, [_stored("g/f"), _stored("g/f/<script>/x", 5.0)])
    loaded = store.load("before")
    assert loaded.run == RUN
    assert by_id(loaded)["g/f"] == _stored("g/f")
    assert by_id(loaded)["g/f/<script>/x"] == _stored("g/f/<script>/x", 5.0)
    assert (tmp_path / "before" / "g" / "f" / "sample.json").is_file()
    assert (tmp_path / "before" / "g" / "f" / "_script>_x" / "estimates.json").is_file() is False
    assert (tmp_path / "before" / "g" / "f" / "_script__x" / "estimates.json").is_file()
    assert store.names() == ["before"]


def test_saving_merges_with_what_the_baseline_already_holds(tmp_path: Path) -> None:
    store = BaselineStore(tmp_path)
    store.save("b", RUN, [_stored("a/one", 1.0), _stored("a/two", 2.0)])
    store.save("b", RUN, [_stored("a/two", 20.0), _stored("a/three", 3.0)])
    loaded = by_id(store.load("b"))
    assert {key: item.analysis.estimates.mean.point for key, item in loaded.items()} == {
        "a/one": 1.0,
        "a/two": 20.0,
        "a/three": 3.0,
    }


def test_the_last_run_is_hidden_from_names(tmp_path: Path) -> None:
    store = BaselineStore(tmp_path)
    store.save(LAST_RUN, RUN, [_stored("a/b")])
    store.save("kept", RUN, [_stored("a/b")])
    assert store.names() == ["kept"]
    assert store.exists(LAST_RUN)
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == ["kept"]


def test_replacing_the_last_run_keeps_it_as_the_previous_one(tmp_path: Path) -> None:
    store = BaselineStore(tmp_path)
    for value in (1.0, 2.0, 3.0):
        store.save(LAST_RUN, RUN, [_stored("a/b", value)])
    assert by_id(store.load(LAST_RUN))["a/b"].analysis.estimates.mean.point == 3.0
    assert by_id(store.load(PREVIOUS_RUN))["a/b"].analysis.estimates.mean.point == 2.0
    store.save("named", RUN, [_stored("a/b", 4.0)])
    assert by_id(store.load(PREVIOUS_RUN))["a/b"].analysis.estimates.mean.point == 2.0, "only .last rotates"
    assert store.names() == ["named"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".last", ".previous", "named"]


def test_missing_baseline_names_the_saved_ones(tmp_path: Path) -> None:
    store = BaselineStore(tmp_path)
    store.save("one", RUN, [_stored("a/b")])
    with pytest.raises(BaselineNotFound, match=r"saved baselines: one"):
        store.load("two")


def test_an_interrupted_swap_is_recovered(tmp_path: Path) -> None:
    store = BaselineStore(tmp_path)
    store.save("b", RUN, [_stored("a/b", 7.0)])
    # Simulate a crash between the two renames of a swap: the old copy moved aside, the new one not in place.
    (tmp_path / "b").rename(tmp_path / ".old-b-12345678")
    assert by_id(store.load("b"))["a/b"].analysis.estimates.mean.point == 7.0
    assert not list(tmp_path.glob(".old-*"))


def test_recovery_never_takes_another_baselines_copy(tmp_path: Path) -> None:
    store = BaselineStore(tmp_path)
    store.save("a-b", RUN, [_stored("x/y", 7.0)])
    (tmp_path / "a-b").rename(tmp_path / ".old-a-b-12345678")  # "a-b" cut off in the middle of a swap
    assert not store.exists("a"), "the copy set aside from 'a-b' is not a copy of 'a'"
    assert store.names() == []
    assert by_id(store.load("a-b"))["x/y"].analysis.estimates.mean.point == 7.0


def _point(store: BaselineStore, name: str) -> float:
    return by_id(store.load(name))["a/b"].analysis.estimates.mean.point


@pytest.mark.parametrize("first_read", [LAST_RUN, PREVIOUS_RUN])
@pytest.mark.parametrize("renames_done", [1, 2, 3])
def test_a_rotation_of_the_last_run_cut_off_anywhere_is_undone_or_finished(
    tmp_path: Path, renames_done: int, first_read: str
) -> None:
    """Saving the last run renames three times: .previous aside, .last to .previous, the new run to .last.
    After a hard crash (signals are held, so SIGKILL or a power cut) the next read sees a consistent pair."""
    store = BaselineStore(tmp_path)
    store.save(LAST_RUN, RUN, [_stored("a/b", 1.0)])
    store.save(LAST_RUN, RUN, [_stored("a/b", 2.0)])  # .last = 2, .previous = 1
    old = set_aside_path(tmp_path / PREVIOUS_RUN)
    (tmp_path / PREVIOUS_RUN).rename(old)
    if renames_done >= 2:
        (tmp_path / LAST_RUN).rename(tmp_path / PREVIOUS_RUN)
    if renames_done >= 3:
        BaselineStore(tmp_path / "elsewhere").save(LAST_RUN, RUN, [_stored("a/b", 3.0)])
        (tmp_path / "elsewhere" / LAST_RUN).rename(tmp_path / LAST_RUN)
        (tmp_path / "elsewhere").rmdir()
    store.load(first_read)  # either read finishes the recovery
    expected = (3.0, 2.0) if renames_done == 3 else (2.0, 1.0)
    assert (_point(store, LAST_RUN), _point(store, PREVIOUS_RUN)) == expected
    assert sorted(p.name for p in tmp_path.iterdir()) == [LAST_RUN, PREVIOUS_RUN]


def test_newer_schema_versions_are_refused_with_advice(tmp_path: Path) -> None:
    store = BaselineStore(tmp_path)
    store.save("b", RUN, [_stored("a/b")])
    run_json = tmp_path / "b" / "run.json"
    document = json.loads(run_json.read_text())
    document["schema_version"] = 99
    run_json.write_text(json.dumps(document))
    with pytest.raises(StorageError, match="upgrade critbench"):
        store.load("b")


def test_damaged_files_are_reported_not_crashed_on(tmp_path: Path) -> None:
    store = BaselineStore(tmp_path)
    store.save("b", RUN, [_stored("a/b")])
    (tmp_path / "b" / "a" / "b" / "sample.json").write_text("{not json")
    with pytest.raises(StorageError, match="cannot be read"):
        store.load("b")


@pytest.mark.parametrize("name", ["../outside", "a/b", "", ".", ".."])
def test_names_outside_the_root_are_never_read(tmp_path: Path, name: str) -> None:
    outside = tmp_path / "outside"
    BaselineStore(tmp_path).save("outside", RUN, [_stored("a/b")])
    store = BaselineStore(tmp_path / "root")
    assert not store.exists(name)
    with pytest.raises(InvalidBaselineName):
        store.load(name)
    assert (outside / "run.json").is_file()


def test_a_baseline_saved_before_a_naming_rule_can_still_be_read(tmp_path: Path) -> None:
    store = BaselineStore(tmp_path)
    store.save("legacy", RUN, [_stored("a/b")])
    (tmp_path / "legacy").rename(tmp_path / "-legacy")  # saved when a leading '-' was allowed
    assert store.names() == ["-legacy"]
    assert store.exists("-legacy")
    assert list(by_id(store.load("-legacy"))) == ["a/b"]


def test_delete(tmp_path: Path) -> None:
    store = BaselineStore(tmp_path)
    store.save("b", RUN, [_stored("a/b")])
    store.delete("b")
    assert store.names() == []
    with pytest.raises(BaselineNotFound):
        store.delete("b")


def test_listing_shows_the_readable_baselines_and_flags_the_damaged_ones(tmp_path: Path) -> None:
    store = BaselineStore(tmp_path)
    for name in ("a", "b", "c"):
        store.save(name, RUN, [_stored("g/f")])
    store.save(LAST_RUN, RUN, [_stored("g/f")])
    (tmp_path / "b" / "g" / "f" / "sample.json").write_text("{")
    (tmp_path / "c" / "run.json").unlink()
    (tmp_path / "report").mkdir()
    (tmp_path / "empty").mkdir()
    listed = store.listing()
    assert [(item.name, item.baseline is not None) for item in listed] == [("a", True), ("b", False), ("c", False)]
    assert listed[0].baseline == store.load("a")
    assert listed[0].problem is None
    assert str(tmp_path / "b" / "g" / "f" / "sample.json") in (listed[1].problem or "")
    assert listed[2].problem == f"{tmp_path / 'c' / 'run.json'} is missing"
    assert BaselineStore(tmp_path / "nowhere").listing() == []


def test_listing_finds_a_baseline_whose_swap_was_cut_off(tmp_path: Path) -> None:
    store = BaselineStore(tmp_path)
    store.save("b", RUN, [_stored("a/b", 7.0)])
    (tmp_path / "b").rename(tmp_path / ".old-b-12345678")
    assert [item.name for item in store.listing()] == ["b"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b"]


def test_a_delete_removes_a_damaged_baseline(tmp_path: Path) -> None:
    store = BaselineStore(tmp_path)
    store.save("b", RUN, [_stored("a/b")])
    (tmp_path / "b" / "run.json").write_text("[]")
    assert store.delete("b") == Tidied()
    assert list(tmp_path.iterdir()) == []


def _leave_leftovers(tmp_path: Path) -> None:
    """What runs killed at various points of a save leave behind (with every lock released by the kernel)."""
    store = BaselineStore(tmp_path)
    store.save("kept", RUN, [_stored("a/b", 1.0)])
    store.save("cut", RUN, [_stored("a/b", 2.0)])
    (tmp_path / "cut").rename(tmp_path / ".old-cut-00000001")  # killed between the two renames of a swap
    (tmp_path / ".tmp-kept-00000002").mkdir()  # killed while writing the new copy
    (tmp_path / ".tmp-kept-00000002" / "run.json").write_text("{")
    (tmp_path / ".old-kept-00000003").mkdir()  # killed after the swap, before the old copy was removed
    (tmp_path / ".tmp-report-00000004").mkdir()
    (tmp_path / ".tmp-.last-00000005").mkdir()
    (tmp_path / ".tmp-elsewhere-stuff").mkdir()  # not a name critbench makes: never touched
    (tmp_path / ".lock-kept").write_text("123\n")  # killed holding the lock: the kernel released it, not the file
    (tmp_path / ".lock-gone").write_text("123\n")


def test_a_save_tidies_up_what_killed_saves_left_and_says_what(tmp_path: Path) -> None:
    _leave_leftovers(tmp_path)
    store = BaselineStore(tmp_path)
    tidied = store.save("new", RUN, [_stored("a/b", 3.0)])
    assert sorted(tidied.removed) == [
        ".old-kept-00000003",
        ".tmp-.last-00000005",
        ".tmp-kept-00000002",
        ".tmp-report-00000004",
    ]
    assert tidied.restored == ("cut",)
    assert tidied.message() == (
        "Tidied up after an earlier save that was cut off: restored baseline 'cut'; removed 4 hidden folders "
        "(.old-kept-00000003, .tmp-.last-00000005, .tmp-kept-00000002, .tmp-report-00000004)"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == [".tmp-elsewhere-stuff", "cut", "kept", "new"]
    assert _point(store, "cut") == 2.0
    assert store.save("new", RUN, [_stored("a/b", 4.0)]) == Tidied()
    assert Tidied().message() is None


def test_a_delete_tidies_up_too(tmp_path: Path) -> None:
    _leave_leftovers(tmp_path)
    store = BaselineStore(tmp_path)
    tidied = store.delete("kept")
    assert len(tidied.removed) == 4
    assert tidied.restored == ("cut",)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".tmp-elsewhere-stuff", "cut"]


def test_the_folders_of_a_live_save_are_never_tidied_away(tmp_path: Path) -> None:
    """A run saving 'busy' holds its lock: another run's save leaves its staging folder alone."""
    store = BaselineStore(tmp_path)
    store.save("busy", RUN, [_stored("a/b", 1.0)])
    staging = tmp_path / ".tmp-busy-0000000a"
    staging.mkdir()
    with locked(lock_path(tmp_path / "busy")):
        assert store.save("other", RUN, [_stored("a/b")]) == Tidied()
        assert staging.is_dir()
    assert store.save("other", RUN, [_stored("a/b")]).removed == (staging.name,)


def test_landed_is_called_once_the_new_copy_is_in_place(tmp_path: Path) -> None:
    store = BaselineStore(tmp_path)
    seen = []
    store.save("b", RUN, [_stored("a/b", 1.0)])
    sample = tmp_path / "b" / "a" / "b" / "sample.json"
    store.save("b", RUN, [_stored("a/b", 2.0)], landed=lambda: seen.append(json.loads(sample.read_text())))
    assert seen[0]["samples"]["times_ns"] == [20.0, 20.0]


def test_a_read_only_root_can_still_be_read(tmp_path: Path, immutable_root: Path) -> None:
    store = BaselineStore(immutable_root)
    assert store.exists("b")
    assert _point(store, "b") == 7.0
    assert [item.name for item in store.listing()] == ["b"]


@pytest.fixture
def immutable_root(tmp_path: Path) -> Iterator[Path]:
    """An output root holding baseline 'b' that nobody can write in, root included (``chattr +i``)."""
    root = tmp_path / "ro"
    BaselineStore(root).save("b", RUN, [_stored("a/b", 7.0)])
    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(root)], check=False).returncode:
        pytest.skip("chattr +i is not available here (it needs root and a filesystem that supports it)")
    try:
        yield root
    finally:
        subprocess.run(["chattr", "-i", str(root)], check=False)


def test_no_lock_file_outlives_an_operation(tmp_path: Path) -> None:
    store = BaselineStore(tmp_path)
    store.save(LAST_RUN, RUN, [_stored("a/b")])
    store.save(LAST_RUN, RUN, [_stored("a/b")])
    store.save("b", RUN, [_stored("a/b")])
    store.load(PREVIOUS_RUN)
    store.exists("b")
    store.listing()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".last", ".previous", "b"]
