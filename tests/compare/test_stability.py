"""Stability across repeated runs, spread and machine warnings, checked against hand-computed numbers."""

from __future__ import annotations

import math

import pytest

from critbench.compare import (
    history_stability,
    machine_warnings,
    spread_warning,
    stability_table,
    stability_warnings,
    typicals_by_benchmark,
    with_spread_warning,
)
from critbench.model import (
    BenchmarkId,
    BenchmarkInfo,
    BenchmarkResult,
    BusyProcess,
    CautionKind,
    Diagnostics,
    Estimate,
    Estimates,
    Failure,
    FailureKind,
    HistoryPoint,
    OutlierCounts,
    SampleAnalysis,
    Stability,
    TukeyFences,
)


def _estimate(point: float) -> Estimate:
    return Estimate(point, point * 0.99, point * 1.01, point * 0.005, 0.95)


def _analysis(mean: float, std_dev: float, median: float | None = None, mad: float | None = None) -> SampleAnalysis:
    return SampleAnalysis(
        estimates=Estimates(
            mean=_estimate(mean),
            median=_estimate(median if median is not None else mean),
            median_abs_dev=_estimate(mad if mad is not None else std_dev),
            std_dev=_estimate(std_dev),
        ),
        fences=TukeyFences(0.0, 0.0, 0.0, 0.0),
        outliers=OutlierCounts(0, 0, 0, 0, 10),
    )


def _result(name: str, typical: float | None, std_dev: float = 1.0) -> BenchmarkResult:
    info = BenchmarkInfo(id=BenchmarkId("g", name))
    if typical is None:
        return BenchmarkResult(info=info, failure=Failure(FailureKind.ERROR, "boom"))
    return BenchmarkResult(info=info, analysis=_analysis(typical, std_dev))


def test_stability_matches_hand_computed_mean_std_dev_and_cv() -> None:
    rows = stability_table({"g/a": [100.0, 110.0, 120.0], "g/b": [2, 4, 4, 4, 5, 5, 7, 9], "g/c": [5.0], "g/d": []})

    a, b, c = rows
    # mean 110; deviations -10, 0, 10: s = sqrt(200 / 2) = 10; CV = 10 / 110.
    assert a == Stability("g/a", (100.0, 110.0, 120.0), 110.0, 10.0, 10.0 / 110.0)
    assert a.runs == 3
    # mean 5; squared deviations sum to 32: s = sqrt(32 / 7).
    assert b.mean_ns == 5.0
    assert b.std_dev_ns == pytest.approx(math.sqrt(32 / 7), rel=1e-12)
    assert b.cv == pytest.approx(math.sqrt(32 / 7) / 5, rel=1e-12)
    # One run: no spread to speak of.
    assert c == Stability("g/c", (5.0,), 5.0, None, None)


def test_stability_of_repeats_agrees_with_the_history_tables() -> None:
    typicals = {"g/a": [100.0, 104.0, 97.0, 111.0]}
    points = [
        HistoryPoint(run_id=i, started_at="", git_commit=None, git_branch=None, git_dirty=None, typical=_estimate(v))
        for i, v in enumerate(typicals["g/a"])
    ]
    (mine,) = stability_table(typicals)
    (theirs,) = history_stability({"g/a": points})
    assert mine.typicals_ns == theirs.typicals_ns
    assert mine.mean_ns == pytest.approx(theirs.mean_ns, rel=1e-12)
    assert mine.std_dev_ns == pytest.approx(theirs.std_dev_ns, rel=1e-12)
    assert mine.cv == pytest.approx(theirs.cv, rel=1e-12)


def test_typicals_are_gathered_per_benchmark_skipping_failures() -> None:
    runs = [
        [_result("a", 100.0), _result("b", None)],
        [_result("b", 20.0), _result("a", 110.0)],
        [_result("a", 120.0), _result("b", 22.0)],
    ]
    assert typicals_by_benchmark(runs) == {"g/a": [100.0, 110.0, 120.0], "g/b": [20.0, 22.0]}


def test_spread_warning_above_ten_percent_cv() -> None:
    assert spread_warning(_analysis(mean=1000.0, std_dev=100.0)) is None
    warning = spread_warning(_analysis(mean=1000.0, std_dev=234.0, median=950.0, mad=95.0))
    assert warning is not None
    assert warning.kind is CautionKind.SPREAD
    assert warning.text == (
        "Warning: the spread is high (CV 23.4%, MAD 10.0% of the median): the samples disagree, so only large "
        "changes can be detected. Close other programs, keep each call's work the same (fixed inputs, no I/O), "
        "or raise --measurement-time; critbench run --repeat 3 shows whether whole runs agree."
    )


def test_spread_warnings_are_added_once_and_never_to_failures() -> None:
    results = [_result("a", 1000.0, std_dev=300.0), _result("b", 1000.0, std_dev=10.0), _result("c", None)]
    warned = [with_spread_warning(r) for r in results]
    assert [len(r.warnings) for r in warned] == [1, 0, 0]
    assert warned[0].warnings[0].text.startswith("Warning: the spread is high (CV 30.0%")
    assert [with_spread_warning(r) for r in warned] == warned


def test_machine_warnings_thresholds() -> None:
    quiet = Diagnostics(cpu_count=2, load_average=(2.0, 1.0, 1.0), governor="performance", steal_share=0.05)
    assert machine_warnings(quiet, quiet) == []
    assert machine_warnings(None, None) == []
    assert machine_warnings(Diagnostics(), Diagnostics(load_average=(9.0, 9.0, 9.0))) == []  # CPU count unknown

    busy_at_start = Diagnostics(cpu_count=1, load_average=(1.5, 1.0, 1.0), steal_share=0.051)
    assert [w.kind for w in machine_warnings(busy_at_start, None)] == [CautionKind.MACHINE_LOAD, CautionKind.STEAL]
    # Instruction counts do not depend on the machine's load: no advice to quieten it.
    assert machine_warnings(busy_at_start, busy_at_start, counted=True) == []
    assert [w.text for w in machine_warnings(busy_at_start, None)] == [
        "Warning: the machine was busy (load 1.5 on 1 CPU at the start of the run). Close other programs or wait "
        "for them to finish, then run again; changes are still judged against the noise floor, but a busy "
        "machine widens it, so smaller changes go undetected.",
        "Warning: the hypervisor gave 5.1% of this virtual machine's CPU time to other guests just before the run "
        "(steal time). Timings on a shared host rise and fall with its neighbours' load: prefer a dedicated "
        "machine or instance, or measure both versions in one time window with critbench ab.",
    ]


def test_machine_warnings_prefer_the_runs_own_window() -> None:
    start = Diagnostics(
        cpu_count=4,
        load_average=(0.5, 0.5, 0.5),
        governor="schedutil",
        steal_share=0.5,
        busy_processes=(BusyProcess(7, "make", 0.9),),
    )
    end = Diagnostics(cpu_count=4, load_average=(4.5, 1.0, 1.0), steal_share=0.0)
    assert [w.text for w in machine_warnings(start, end)] == [
        "Warning: the machine was busy (load 4.5 on 4 CPUs at the end of the run). Close other programs or wait "
        "for them to finish, then run again; changes are still judged against the noise floor, but a busy "
        "machine widens it, so smaller changes go undetected.",
        "Note: the CPU frequency governor is 'schedutil', not 'performance', so the clock speed follows the load "
        "and adds noise. For steadier timings (needs root; shown for information): "
        "sudo cpupower frequency-set -g performance",
    ]
    assert machine_warnings(start, None)[1].text == (
        "Warning: other processes were busy just before the run: make (pid 7, 90% of a CPU). Close them or wait "
        "for them to finish, then run again."
    )


def test_stability_warning_names_the_unstable_benchmarks() -> None:
    rows = stability_table({"g/a": [100.0, 110.0, 120.0], "g/b": [100.0, 150.0, 100.0], "g/c": [1.0]})
    assert stability_warnings(rows[:1]) == []
    assert [w.text for w in stability_warnings(rows)] == [
        "Warning: whole runs disagree by more than 10% for g/b (CV 24.7%): a single run cannot show changes "
        "smaller than that. Close other programs, measure longer (--measurement-time), or compare versions "
        "side by side with critbench ab."
    ]
