"""compare._machine: how much slower the machine was for a run than for its baseline's, read from the ratio
of each run's samples to its fastest windows; hand-computed cases."""

from __future__ import annotations

import pytest

from critbench.compare import found_busy, machine_slowdown, machine_speed_caution, one_minute_load
from critbench.model import (
    LAST_RUN,
    BenchmarkId,
    BenchmarkInfo,
    BenchmarkResult,
    Caution,
    CautionKind,
    Diagnostics,
    Samples,
    SamplingMode,
)


def _samples(cost_ns: float, lost: float, *, windows: bool = True) -> Samples:
    """Five processes of two samples of 10 iterations, each ``1 + lost`` times the cost, windows at the cost."""
    count = 10
    iters = (10.0,) * count
    times = tuple(10 * cost_ns * (1 + lost) for _ in range(count))
    fastest = (cost_ns,) * count if windows else None
    return Samples(SamplingMode.FLAT, iters, times, tuple(i // 2 for i in range(count)), fastest_ns=fastest)


def _result(name: str, samples: Samples) -> BenchmarkResult:
    return BenchmarkResult(info=BenchmarkInfo(BenchmarkId("g", name)), samples=samples)


def test_the_machine_slowdown_is_the_median_over_benchmarks_of_the_change_in_time_beyond_windows() -> None:
    # Per benchmark (new over base, of 1 + time beyond windows): 1.5/1.0, 1.65/1.1 = 1.5, 1.2/1.0 → median 1.5.
    # The second benchmark's code also got 30% slower, which cancels: its windows moved with it.
    base = {"g/a": _samples(100, 0.0), "g/b": _samples(100, 0.1), "g/c": _samples(100, 0.0)}
    new = [_result("a", _samples(100, 0.5)), _result("b", _samples(130, 0.65)), _result("c", _samples(100, 0.2))]
    found = machine_slowdown(new, base)
    assert found is not None
    slowdown, new_lost, base_lost, count = found
    assert slowdown == pytest.approx(0.5)
    assert new_lost == pytest.approx(0.5)
    assert base_lost == pytest.approx(0.0)
    assert count == 3


def test_benchmarks_without_windows_on_either_side_are_left_out() -> None:
    base = {"g/a": _samples(100, 0.0, windows=False), "g/b": _samples(100, 0.0)}
    assert machine_slowdown([_result("a", _samples(100, 0.5))], base) is None
    found = machine_slowdown([_result("a", _samples(100, 0.5)), _result("b", _samples(100, 0.3))], base)
    assert found is not None
    assert found[0] == pytest.approx(0.3)
    assert found[3] == 1


def test_a_slower_machine_is_a_warning_that_says_by_how_much_and_quotes_the_loads() -> None:
    base = {"g/a": _samples(100, 0.02)}
    caution = machine_speed_caution([_result("a", _samples(100, 0.53))], base, "main", load=4.2, baseline_load=1.1)
    assert caution is not None
    assert caution.kind is CautionKind.MACHINE_SPEED
    assert caution.text.startswith(
        "Warning: the machine was 50% slower during this run than during the run saved as baseline 'main': "
        "this run's samples took 53% longer than each process's fastest ~0.1 ms windows account for, those of "
        "the run saved as baseline 'main' 2% (median of 1 benchmark; load average 4.2 at the end of this run, "
        "1.1 at the end of that one)."
    )


def test_a_faster_machine_is_a_note_naming_how_much_slower_the_baseline_was() -> None:
    caution = machine_speed_caution([_result("a", _samples(100, 0.0))], {"g/a": _samples(100, 0.25)}, LAST_RUN)
    assert caution is not None
    assert caution.text.startswith("Note: the machine was 25% slower during the previous run than during this one")


def test_small_differences_and_missing_baselines_say_nothing() -> None:
    base = {"g/a": _samples(100, 0.0)}
    assert machine_speed_caution([_result("a", _samples(100, 0.09))], base, "main") is None
    assert machine_speed_caution([_result("a", _samples(100, 0.5))], None, None) is None


def test_on_a_busy_machine_a_small_difference_is_a_note_that_says_how_much() -> None:
    # Neighbours busy, but the scheduler gave the worker a CPU of its own: samples 12% over their windows
    # against the baseline's 7%, a 4.7% slower machine for the benchmarks, said rather than left to guess.
    base = {"g/a": _samples(100, 0.07)}
    caution = machine_speed_caution([_result("a", _samples(100, 0.12))], base, "main", busy=True)
    assert caution is not None
    assert caution.kind is CautionKind.MACHINE_SPEED
    assert caution.text == (
        "Note: the machine was busy, but the benchmarks lost about as much time to other processes as during the "
        "run saved as baseline 'main' (it was 5% slower for them in this run, under the 10% worth a warning): "
        "this run's samples took 12% longer than each process's fastest ~0.1 ms windows account for, those of "
        "the run saved as baseline 'main' 7% (median of 1 benchmark)."
    )
    faster = machine_speed_caution([_result("a", _samples(100, 0.0))], base, "main", busy=True)
    assert faster is not None
    assert "(it was 7% faster for them in this run" in faster.text
    slower = machine_speed_caution([_result("a", _samples(100, 0.5))], base, "main", busy=True)
    assert slower is not None
    assert slower.text.startswith("Warning: the machine was 40% slower during this run")


def test_the_busy_kinds_are_the_load_and_the_busy_processes() -> None:
    assert found_busy([None, Caution(CautionKind.BUSY_PROCESSES, "x")])
    assert found_busy([Caution(CautionKind.MACHINE_LOAD, "x")])
    assert not found_busy([Caution(CautionKind.GOVERNOR, "x"), Caution(CautionKind.STEAL, "x"), None])
    assert not found_busy([])


def test_one_minute_load_reads_the_diagnostics_where_they_have_it() -> None:
    assert one_minute_load(Diagnostics(cpu_count=2, load_average=(2.5, 2.0, 1.0))) == 2.5
    assert one_minute_load(Diagnostics(cpu_count=2)) is None
    assert one_minute_load(None) is None
