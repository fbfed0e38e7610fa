"""The session's progress line when the worker processes are capped after the first (``SessionProgress``)."""

from __future__ import annotations

import io

from critbench.model import Settings
from critbench.pytest_plugin._progress import SessionProgress


def test_a_cap_shrinks_the_total_and_the_process_count_shown() -> None:
    stream = io.StringIO()
    progress = SessionProgress(stream, Settings(processes=10), 2, verbose=True)
    progress.benchmark_start("g/a", 0, 10)
    progress.benchmark_start("g/b", 0, 10)
    progress.capped(5)
    progress.benchmark_start("g/a", 1, 10)
    lines = stream.getvalue().splitlines()
    assert lines[0] == "[1/20] Benchmarking g/a [process 1/10]"
    assert lines[2].startswith("[3/10] Benchmarking g/a [process 2/5]")
