"""The counting plan and the dump bookkeeping, driven without valgrind."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from critbench.api._bencher import BencherMisuse
from critbench.engine._counting import (
    INSTRUCTION_BUDGET,
    MIN_WARM_UP_ITERATIONS,
    TARGET_INSTRUCTIONS,
    CountingError,
    Interval,
    Recorder,
    Sampler,
    fixed_plan,
    per_iteration,
    plan_counts,
)
from critbench.model import WALL_EVENT


def drive(
    sampler: Sampler, per_iteration_ir: float, fixed_ir: int = 1000, seconds_per_ir: float = 1e-8
) -> tuple[list[int], tuple[int, bool, bool, list[tuple[int, Interval]]]]:
    """Answer a sampler as a routine of ``per_iteration_ir`` instructions would; the counts asked for."""
    asked = []
    request = next(sampler)
    while True:
        asked.append(request)
        ir = int(fixed_ir + per_iteration_ir * request)
        try:
            request = sampler.send(Interval({"Ir": ir}, ir * seconds_per_ir))
        except StopIteration as stop:
            return asked, stop.value


def test_warm_up_then_n_2n_3n_holding_the_target_count() -> None:
    asked, (big_n, capped, replanned, counted) = drive(plan_counts(), 1000.0)
    assert asked[:3] == [1, 1, 1]
    warm = asked[:-3]
    assert sum(warm) >= MIN_WARM_UP_ITERATIONS
    assert asked[-3:] == [big_n, 2 * big_n, 3 * big_n]
    assert big_n == pytest.approx(TARGET_INSTRUCTIONS / 1000, rel=0.01)  # 4 M instructions in the N interval
    assert not capped
    assert not replanned
    assert [n for n, _ in counted] == asked[-3:]


def test_two_runs_of_the_same_counts_plan_alike_whatever_the_time() -> None:
    slow = drive(plan_counts(), 1234.5, seconds_per_ir=1e-7)[0]
    fast = drive(plan_counts(), 1234.5, seconds_per_ir=1e-9)[0]
    assert slow == fast


def test_a_big_routine_counts_one_iteration_within_the_budget() -> None:
    asked, (big_n, _, _, _) = drive(plan_counts(), 160_000_000.0, seconds_per_ir=1e-9)
    assert big_n == 1
    assert 6 * big_n * 160_000_000 <= INSTRUCTION_BUDGET * 3
    assert asked[-3:] == [1, 2, 3]


def test_a_routine_that_waits_is_cut_by_time() -> None:
    # 800 instructions an iteration that take 1 ms each: the time budget, not the count, stops it.
    _, (big_n, capped, _, _) = drive(plan_counts(), 800.0, fixed_ir=0, seconds_per_ir=1.25e-6)
    assert capped
    assert big_n < TARGET_INSTRUCTIONS // 800


def test_the_baselines_n_is_kept_when_it_fits() -> None:
    asked, (big_n, _, replanned, _) = drive(plan_counts(pinned=3000), 1000.0)
    assert big_n == 3000
    assert not replanned
    assert asked[-3:] == [3000, 6000, 9000]
    _, (big_n, _, replanned, _) = drive(plan_counts(pinned=10_000_000), 1000.0)
    assert replanned
    assert big_n == pytest.approx(TARGET_INSTRUCTIONS / 1000, rel=0.01)


def test_batches_are_whole_and_fixed_for_the_counted_intervals() -> None:
    batch = [0]

    def batch_of(n: int) -> int:
        return max(1, -(-n // 10))

    asked, (big_n, _, _, _) = drive(plan_counts(batch_of, batch=batch), 1000.0)
    assert batch[0] > 1
    assert big_n % batch[0] == 0
    assert asked[-3:] == [big_n, 2 * big_n, 3 * big_n]


def test_per_iteration_is_the_slope_of_every_event() -> None:
    counted = [
        (10, Interval({"Ir": 1000 + 10 * 50, "Dr": 7 + 10 * 3}, 0.5)),
        (20, Interval({"Ir": 1000 + 20 * 50, "Dr": 7 + 20 * 3}, 0.6)),
        (30, Interval({"Ir": 1000 + 30 * 50, "Dr": 7 + 30 * 3}, 0.7)),
    ]
    slopes = per_iteration(counted)
    assert slopes["Ir"] == 50.0
    assert slopes["Dr"] == 3.0
    assert slopes[WALL_EVENT] == pytest.approx(0.2e9 / 20)


def test_fixed_plan_warms_up_then_counts_the_given_n() -> None:
    asked, (big_n, _, _, _) = drive(fixed_plan(500), 10.0)
    assert asked == [1, 1, 1, 500, 1000, 1500]
    assert big_n == 500


def _dump(folder: Path, pid: int, index: int, ir: int, trigger: str = "--dump-before=getpgid") -> None:
    (folder / f"cg.{pid}.{index}").write_text(f"desc: Trigger: {trigger}\nevents: Ir Dr\nsummary: {ir} 5\n")


def test_the_recorder_reads_sums_and_deletes_its_dumps(tmp_path: Path) -> None:
    recorder = Recorder(tmp_path)
    _dump(tmp_path, os.getpid(), 1, 100)
    _dump(tmp_path, os.getpid(), 2, 250)
    assert recorder.collect(2) == {"Ir": 350, "Dr": 10}
    assert not list(tmp_path.iterdir())
    recorder.check_no_stray_dumps()


def test_the_recorder_refuses_a_dump_it_did_not_cause(tmp_path: Path) -> None:
    recorder = Recorder(tmp_path)
    _dump(tmp_path, os.getpid(), 1, 100, trigger="Program termination")
    with pytest.raises(CountingError, match="not by the end marker"):
        recorder.collect(1)


def test_no_dump_means_no_valgrind(tmp_path: Path) -> None:
    with pytest.raises(CountingError, match="not running under valgrind"):
        Recorder(tmp_path).collect(1)


def test_a_routine_calling_the_marker_is_caught(tmp_path: Path) -> None:
    recorder = Recorder(tmp_path)
    _dump(tmp_path, os.getpid(), 1, 100)
    _dump(tmp_path, os.getpid(), 2, 100)  # written by the routine's own os.getpgid()
    recorder.collect(1)
    with pytest.raises(BencherMisuse, match=r"os\.getpgid"):
        recorder.check_no_stray_dumps()
