"""--quick comparisons (too few samples to test) judge each process's fastest window against a drift band,
wider for code whose windows drift like memory-bound code's: hand-built samples of one process each."""

from __future__ import annotations

from critbench.compare import evaluate
from critbench.model import (
    BenchmarkId,
    BenchmarkInfo,
    BenchmarkResult,
    Comparison,
    ComparisonUnit,
    ProcessStatistic,
    Samples,
    SamplingMode,
    Settings,
    Verdict,
)
from critbench.report import OutputFormat, Style, render_result

SETTINGS = Settings(nresamples=1000)


def _quick(window_ns: float, gap: float, *, busy: float = 0.0) -> Samples:
    """Two samples of 1000 iterations in one process: windows at ``window_ns`` and ``window_ns·(1 + gap)``,
    whole samples ``1 + busy`` times slower than the fastest window."""
    times = (1000 * window_ns * (1 + busy) * 1.01, 1000 * window_ns * (1 + busy) * 1.02)
    return Samples(SamplingMode.FLAT, (1000.0, 1000.0), times, (0, 0), fastest_ns=(window_ns, window_ns * (1 + gap)))


def _judge(new: Samples, base: Samples) -> tuple[Comparison, str]:
    result = BenchmarkResult(info=BenchmarkInfo(BenchmarkId("g", "f"), settings=SETTINGS), samples=new)
    (judged,) = evaluate([result], {"g/f": base}, "main-baseline").results
    assert judged.comparison is not None
    return judged.comparison, render_result(judged, OutputFormat.CRITERION, Style())


def test_a_doubling_of_cpu_bound_code_is_caught_even_after_a_busy_baseline() -> None:
    # The baseline's samples took 1.6x their windows (a busy machine), the comparison's none: by the samples'
    # means the doubling reads +25%; by the windows it is +100%, against the windows' 10% band (z = 4.9).
    comparison, text = _judge(_quick(2000.0, 0.002), _quick(1000.0, 0.002, busy=0.6))
    assert comparison.unit is ComparisonUnit.RUN
    assert comparison.process_statistic is ProcessStatistic.FASTEST_WINDOW
    assert comparison.verdict is Verdict.REGRESSED
    assert abs(comparison.change.mean.point - 1.0) < 1e-9
    assert "too few samples to test: each process's fastest ~0.1 ms window against ±10% drift per run" in text


def test_memory_bound_code_in_another_state_is_not_called_regressed() -> None:
    # A million-key dict's one process landed in a fast state in the baseline (56 us) and a slow one in the
    # comparison (140 us): 2.5x, unchanged code. Its windows' gap (2.5%) widens the band to 40%.
    comparison, text = _judge(_quick(140_000.0, 0.025), _quick(56_000.0, 0.025))
    assert comparison.verdict is not Verdict.REGRESSED
    assert comparison.noise_floor == 0.40
    assert comparison.window_gap is not None
    assert abs(comparison.window_gap - 0.025) < 1e-9
    assert (
        "against ±40% drift per run (raised: a process's two fastest windows differ by 2.5%, as memory-bound "
        "code's do)" in text
    )
