"""The comparison line of separate runs names the statistic it compared, and why a floor was raised."""

from __future__ import annotations

from critbench.compare import evaluate
from critbench.model import BenchmarkId, BenchmarkInfo, BenchmarkResult, Samples, SamplingMode, Settings
from critbench.report import OutputFormat, Style, render_result

SETTINGS = Settings(nresamples=1000, processes=10)


def _samples(cost_ns: float, windows: tuple[float, float] | None) -> Samples:
    """Ten processes of ten samples; each process's windows ``windows[0]`` then ``windows[1]`` (or none)."""
    count = 100
    iters = (100.0,) * count
    times = tuple(100 * cost_ns * (1 + 0.001 * (i % 7)) for i in range(count))
    fastest = tuple(windows[0] if i % 10 == 0 else windows[1] for i in range(count)) if windows else None
    return Samples(SamplingMode.FLAT, iters, times, tuple(i // 10 for i in range(count)), fastest_ns=fastest)


def _apart(step: float, per: int, gap: float) -> Samples:
    """Ten processes of ten 1 µs samples whose fastest windows rise by ``step`` every ``per`` processes, each
    process's other windows ``gap`` above its fastest."""
    count = 100
    fastest = tuple(1000.0 * (1 + step * (i // (10 * per))) * (1 if i % 10 == 0 else 1 + gap) for i in range(count))
    return Samples(
        SamplingMode.FLAT,
        (100.0,) * count,
        (100_000.0,) * count,
        tuple(i // 10 for i in range(count)),
        fastest_ns=fastest,
    )


def _line(new: Samples, base: Samples) -> str:
    result = BenchmarkResult(info=BenchmarkInfo(BenchmarkId("g", "f"), settings=SETTINGS), samples=new)
    (judged,) = evaluate([result], {"g/f": base}, "before").results
    text = render_result(judged, OutputFormat.CRITERION, Style())
    return next(line.strip() for line in text.splitlines() if "could detect" in line)


def test_windows_on_both_sides_are_named() -> None:
    line = _line(_samples(1000, (1000.0, 1002.0)), _samples(1000, (1000.0, 1003.0)))
    assert line.endswith("(of each process's fastest ~0.1 ms window; noise floor 3.0%, 10 processes)")


def test_a_floor_raised_for_drifting_windows_says_why() -> None:
    line = _line(_samples(1000, (1000.0, 1025.0)), _samples(1000, (1000.0, 1002.0)))
    assert line.endswith(
        "(of each process's fastest ~0.1 ms window; noise floor 40.0% (raised: a process's two fastest windows "
        "differ by 2.5%, as memory-bound code's do), 10 processes)"
    )


def test_a_floor_raised_for_processes_far_apart_says_why() -> None:
    # Small gaps within each process, but the processes' fastest windows lie 0-18% above the fastest one
    # (median 9%), as the million-key dict's did: the floor is raised by the second signal.
    line = _line(_apart(0.04, 1, 0.002), _samples(1000, (1000.0, 1002.0)))
    assert line.endswith(
        "(of each process's fastest ~0.1 ms window; noise floor 40.0% (raised: the median process's fastest "
        "window is 18.0% above the fastest process's, as memory-bound code's are), 10 processes)"
    )


def test_a_floor_raised_by_a_gap_and_a_spread_together_names_both() -> None:
    # Gaps of 1% in every process (over 0.8%, under 1.5%) and processes 0-24% apart (median 12%): neither
    # sign alone, both together.
    line = _line(_apart(0.06, 2, 0.01), _samples(1000, (1000.0, 1002.0)))
    assert line.endswith(
        "(of each process's fastest ~0.1 ms window; noise floor 40.0% (raised: a process's two fastest windows "
        "differ by 1.0% and the median process's fastest window is 12.0% above the fastest process's, as "
        "memory-bound code's do), 10 processes)"
    )


def test_without_windows_on_a_side_the_fastest_sample_is_named() -> None:
    line = _line(_samples(1000, (1000.0, 1002.0)), _samples(1000, None))
    assert line.endswith("(of each process's fastest sample; noise floor 3.0%, 10 processes)")
