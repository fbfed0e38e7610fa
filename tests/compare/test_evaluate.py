"""compare.evaluate: a suite judged at once — the test each comparison gets, its noise floor, the suite's
false-discovery adjustment, targets and warnings — and the noise floor read from the history."""

from __future__ import annotations

import math

import numpy as np
import pytest

from critbench.compare import evaluate, noise_floors
from critbench.compare._evaluate import MAX_NOISE_FLOOR
from critbench.model import (
    LAST_RUN,
    BenchmarkId,
    BenchmarkInfo,
    BenchmarkResult,
    CautionKind,
    ComparisonUnit,
    Estimate,
    Failure,
    FailureKind,
    HistoryPoint,
    ProcessStatistic,
    Samples,
    SamplingMode,
    Settings,
    TargetStatus,
    Verdict,
)

SETTINGS = Settings(nresamples=2000, processes=10)


def _samples(cost_ns: float, *, seed: int, processes: int, spread: float = 0.01, overhead_ns: float = 0.0) -> Samples:
    """Ten flat samples per process of ``cost_ns`` per iteration, with a lognormal jitter per sample."""
    rng = np.random.default_rng(seed)
    count = 10 * processes
    iters = np.full(count, 100.0)
    times = iters * (cost_ns + overhead_ns) * rng.lognormal(0.0, spread, count)
    process = tuple(i // 10 for i in range(count))
    return Samples(SamplingMode.FLAT, tuple(iters.tolist()), tuple(times.tolist()), process, overhead_ns)


def _result(name: str, samples: Samples, **info: object) -> BenchmarkResult:
    settings = info.pop("settings", SETTINGS)
    assert isinstance(settings, Settings)
    return BenchmarkResult(info=BenchmarkInfo(BenchmarkId("g", name), settings=settings, **info), samples=samples)  # type: ignore[arg-type]


def test_without_a_baseline_every_result_is_analysed_and_judged_against_its_targets() -> None:
    fast = _result("fast", _samples(1000, seed=1, processes=10), target_ns=4000.0)
    slow = _result("slow", _samples(1000, seed=2, processes=10), target_ns=900.0)
    failed = BenchmarkResult(info=BenchmarkInfo(BenchmarkId("g", "failed")), failure=Failure(FailureKind.ERROR, "x"))
    evaluation = evaluate([fast, slow, failed], None, None)
    judged_fast, judged_slow, judged_failed = evaluation.results
    assert judged_failed is failed
    assert evaluation.change_draws == {}
    for judged in (judged_fast, judged_slow):
        assert judged.comparison is None
        assert judged.analysis is not None
        assert judged.analysis.estimates.mean.point == pytest.approx(1000, rel=0.01)
    assert judged_fast.time_target is not None
    assert judged_fast.time_target.status is TargetStatus.EXCELLENT
    assert judged_slow.time_target is not None
    assert judged_slow.time_target.status is TargetStatus.CLOSE


def test_the_test_fits_the_data_processes_samples_or_pairs() -> None:
    base = {
        "g/many": _samples(1000, seed=3, processes=10),
        "g/few": _samples(1000, seed=4, processes=2),
    }
    results = [
        _result("many", _samples(1200, seed=5, processes=10)),
        _result("few", _samples(1200, seed=6, processes=2)),
    ]
    evaluation = evaluate(results, base, "before")
    many, few = evaluation.results
    assert many.comparison is not None
    assert few.comparison is not None
    assert many.comparison.unit is ComparisonUnit.PROCESS
    assert few.comparison.unit is ComparisonUnit.SAMPLE
    for judged in (many, few):
        assert judged.comparison is not None
        assert judged.comparison.baseline == "before"
        assert judged.comparison.verdict is Verdict.REGRESSED
        assert judged.comparison.change.mean.point == pytest.approx(0.2, abs=0.02)
        assert judged.comparison.noise_floor == SETTINGS.noise_floor
    # The sample-level test's band is widened to the noise floor's: √2 · 1.96 · 3% ≈ 8.7%, not Criterion's 1%.
    assert few.comparison.noise_threshold == pytest.approx(math.expm1(1.959964 * math.sqrt(2) * 0.03), rel=1e-4)
    assert many.comparison.noise_threshold == SETTINGS.noise_threshold
    assert set(evaluation.change_draws) == {"g/many", "g/few"}
    assert all(draws.size == SETTINGS.nresamples for draws in evaluation.change_draws.values())


def _windowed(samples: Samples, windows: list[float], *, busy: float = 0.0) -> Samples:
    """``samples`` stretched by ``1 + busy`` (time lost to other processes), each process's samples with the
    fastest windows ``windows`` in order (the last repeated), raw as the timing loop records them."""
    per_process = len(samples.iters) // samples.process_count
    fastest = tuple(
        windows[min(i % per_process, len(windows) - 1)] + samples.overhead_ns for i in range(len(samples.iters))
    )
    times = tuple(t * (1 + busy) for t in samples.times_ns)
    return Samples(samples.mode, samples.iters, times, samples.process, samples.overhead_ns, fastest_ns=fastest)


def test_separate_runs_are_compared_by_each_process_fastest_window_where_both_kept_windows() -> None:
    # The baseline's windows are 1000 ns, the new run's 1100 ns in every process: the faster half's mean of
    # log windows moves by exactly log(1.1), whatever the samples say. The new run's samples also lost half
    # again of their time to other processes (the fastest samples are ~65% slower), which the windows ignore.
    base = _windowed(_samples(1000, seed=40, processes=10), [1000.0, 1005.0])
    new = _windowed(_samples(1100, seed=41, processes=10), [1100.0, 1105.5], busy=0.5)
    (judged,) = evaluate([_result("w", new)], {"g/w": base}, "before").results
    comparison = judged.comparison
    assert comparison is not None
    assert comparison.unit is ComparisonUnit.PROCESS
    assert comparison.process_statistic is ProcessStatistic.FASTEST_WINDOW
    assert comparison.change.mean.point == pytest.approx(0.1, abs=1e-9)
    assert comparison.window_gap == pytest.approx(0.005)
    assert comparison.noise_floor == SETTINGS.noise_floor
    # Identical windows on each side: the spread is the noise floor's alone, se = √2 · 3%, and the detectable
    # change is exp((1.96 + 0.8416) · √2 · 0.03) − 1.
    assert comparison.min_detectable_change == pytest.approx(math.expm1((1.959964 + 0.841621) * math.sqrt(2) * 0.03))
    assert comparison.verdict is Verdict.REGRESSED


def test_unchanged_code_on_a_busier_machine_is_unchanged_by_its_windows() -> None:
    base = _windowed(_samples(1000, seed=42, processes=10), [1000.0, 1002.0])
    new = _windowed(_samples(1000, seed=43, processes=10), [1000.0, 1002.0], busy=0.5)
    (judged,) = evaluate([_result("w", new)], {"g/w": base}, "before").results
    assert judged.comparison is not None
    assert judged.comparison.change.mean.point == pytest.approx(0.0, abs=1e-12)
    assert judged.comparison.verdict is Verdict.NO_CHANGE


def test_windows_that_drift_like_memory_bound_code_raise_the_noise_floor() -> None:
    # Each process's two fastest windows differ by 2% (> 1%): the floor becomes 12%.
    base = _windowed(_samples(1000, seed=44, processes=10), [1000.0, 1020.0])
    new = _windowed(_samples(1100, seed=45, processes=10), [1100.0, 1122.0])
    (judged,) = evaluate([_result("w", new)], {"g/w": base}, "before").results
    comparison = judged.comparison
    assert comparison is not None
    assert comparison.window_gap == pytest.approx(0.02)
    assert comparison.noise_floor == 0.40
    assert comparison.min_detectable_change == pytest.approx(math.expm1((1.959964 + 0.841621) * math.sqrt(2) * 0.40))
    assert comparison.verdict is Verdict.NO_CHANGE, "+10% is inside 12% of drift a run"


def test_a_side_without_windows_falls_back_to_each_process_fastest_sample() -> None:
    base = _samples(1000, seed=46, processes=10)
    new = _windowed(_samples(1000, seed=47, processes=10), [1000.0])
    (judged,) = evaluate([_result("w", new)], {"g/w": base}, "before").results
    assert judged.comparison is not None
    assert judged.comparison.process_statistic is ProcessStatistic.FASTEST_SAMPLE
    assert judged.comparison.window_gap is None


def test_paired_samples_are_tested_pair_by_pair_without_a_noise_floor() -> None:
    a = _samples(1000, seed=7, processes=10)
    b = Samples(a.mode, a.iters, tuple(t * 1.02 for t in a.times_ns), a.process)
    (judged,) = evaluate([_result("f", b)], {"g/f": a}, "main (abc)", paired=True).results
    assert judged.comparison is not None
    assert judged.comparison.unit is ComparisonUnit.PAIR
    assert judged.comparison.noise_floor == 0.0
    assert judged.comparison.change.mean.point == pytest.approx(0.02, abs=1e-9)
    assert judged.comparison.verdict is Verdict.REGRESSED


def test_a_paired_comparison_does_not_warn_that_its_spread_hides_changes() -> None:
    """Samples that disagree by 30% would draw the spread warning ("only large changes can be detected"); in a
    paired comparison the pairing cancels that spread and the test detects a 2% change, so the warning would
    contradict the detectable change printed beside it. A run compared with stored numbers keeps it."""
    a = _samples(1000, seed=7, processes=10, spread=0.3)
    b = Samples(a.mode, a.iters, tuple(t * 1.02 for t in a.times_ns), a.process)
    (paired,) = evaluate([_result("f", b)], {"g/f": a}, "main (abc)", paired=True).results
    assert paired.comparison is not None
    assert paired.comparison.verdict is Verdict.REGRESSED
    assert not [w for w in paired.warnings if w.kind is CautionKind.SPREAD]
    (alone,) = evaluate([_result("f", b)], None, None).results
    assert [w for w in alone.warnings if w.kind is CautionKind.SPREAD]


def test_samples_that_do_not_pair_fail_that_benchmark_naming_the_baseline() -> None:
    a = _samples(1000, seed=8, processes=10)
    b = _samples(1000, seed=9, processes=5)
    (judged,) = evaluate([_result("f", b)], {"g/f": a}, LAST_RUN, paired=True).results
    assert judged.failure is not None
    assert judged.failure.reason.startswith("could not be compared with the previous run:")


def test_the_false_discovery_adjustment_spans_the_suite() -> None:
    base = {f"g/f{i}": _samples(1000, seed=10 + i, processes=10) for i in range(4)}
    results = [_result(f"f{i}", _samples(1000 * (1.3 if i == 0 else 1.0), seed=20 + i, processes=10)) for i in range(4)]
    judged = evaluate(results, base, "before").results
    adjusted = [r.comparison.p_value_adjusted for r in judged if r.comparison is not None]
    raw = [r.comparison.change.p_value for r in judged if r.comparison is not None]
    assert all(p is not None for p in adjusted)
    assert all(a is not None and a >= p for a, p in zip(adjusted, raw, strict=True))
    alone = evaluate(results[:1], {"g/f0": base["g/f0"]}, "before").results[0].comparison
    assert alone is not None
    assert alone.p_value_adjusted is None, "one comparison has nothing to adjust for"


def test_warnings_for_spread_and_harness_overhead() -> None:
    noisy = _result("noisy", _samples(1000, seed=30, processes=10, spread=0.3))
    overhead_bound = _result("overhead", _samples(10, seed=31, processes=10, overhead_ns=5.0))
    judged_noisy, judged_overhead = evaluate([noisy, overhead_bound], None, None).results
    assert [w.kind for w in judged_noisy.warnings] == [CautionKind.SPREAD]
    assert [w.kind for w in judged_overhead.warnings] == [CautionKind.OVERHEAD]
    assert "costs 5.0 ns per iteration, 33% of this benchmark's time" in judged_overhead.warnings[0].text


def _point(run: int, typical_ns: float, *, commit: str = "c" * 40, dirty: bool = False) -> HistoryPoint:
    estimate = Estimate(typical_ns, typical_ns * 0.999, typical_ns * 1.001, 0.0, 0.95)
    return HistoryPoint(run, f"2026-12-0{run}T00:00:00+00:00", commit, "main", dirty, estimate)


def test_the_noise_floor_comes_from_clean_runs_of_one_commit_and_is_capped() -> None:
    defaults = {"g/a": 0.03, "g/b": 0.03, "g/c": 0.03, "g/d": 0.03}
    drifting = [1.0, 1.2, 0.9, 1.25, 0.95, 1.15]
    history = {
        "g/a": [_point(i + 1, 1000 * f) for i, f in enumerate(drifting)],
        "g/b": [_point(i + 1, 1000 * f, dirty=True) for i, f in enumerate(drifting)],
        "g/c": [_point(i + 1, 1000 * f) for i, f in enumerate([1.0, 1.001, 0.999, 1.0, 1.001])],
        "g/d": [_point(i + 1, 1000 * f) for i, f in enumerate([1.0, 3.0, 0.4, 2.5, 0.5, 2.0])],
    }
    floors = noise_floors(history, defaults)
    assert floors["g/a"] > 0.05, "a history drifting by ±20% raises the floor"
    assert floors["g/b"] == 0.03, "runs with uncommitted changes are not evidence of noise"
    assert floors["g/c"] == 0.03, "a quieter history never lowers the configured floor"
    assert floors["g/d"] == MAX_NOISE_FLOOR
