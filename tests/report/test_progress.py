"""The run's overall progress on each progress line: ``[k/N]`` and, once a process finished, the time left."""

from __future__ import annotations

import io

from critbench.report import ProgressReporter, Style
from critbench.report._progress import eta_text


def test_position_and_eta() -> None:
    now = [0.0]
    stream = io.StringIO()
    progress = ProgressReporter(stream, overwrite=False, verbose=False, style=Style(color=False), clock=lambda: now[0])
    progress.expect(4)
    progress.benchmark_start("g/a", 0, 2)
    now[0] = 30.0
    progress.benchmark_start("g/b", 0, 2)
    lines = stream.getvalue().splitlines()
    assert lines[0] == "[1/4] Benchmarking g/a [process 1/2]"
    assert lines[1] == "[2/4] Benchmarking g/b [process 1/2]  ETA 2m"


def test_without_an_expected_total_the_announced_benchmarks_count() -> None:
    stream = io.StringIO()
    progress = ProgressReporter(stream, overwrite=False, verbose=False, style=Style(color=False))
    progress.benchmark_start("g/a", 0, 3)
    assert stream.getvalue().startswith("[1/3] Benchmarking g/a")


def test_eta_text() -> None:
    assert [eta_text(s) for s in (0.2, 42, 240, 3900)] == ["ETA 1s", "ETA 42s", "ETA 4m", "ETA 1h05m"]


def test_a_targets_listed_benchmarks_count_from_the_first_line() -> None:
    stream = io.StringIO()
    progress = ProgressReporter(stream, overwrite=False, verbose=False, style=Style(color=False))
    progress.planned({"g/a": 3, "g/b": 2})
    progress.benchmark_start("g/a", 0, 3)
    progress.planned({"h/c": 5})
    progress.benchmark_start("h/c", 0, 5)
    assert stream.getvalue().splitlines()[0] == "[1/5] Benchmarking g/a [process 1/3]"
    assert stream.getvalue().splitlines()[1].startswith("[2/10] Benchmarking h/c")
