"""The progress of a pytest session's measurement on stderr: critbench's progress line, quieter in logs.

On a terminal it is the progress every run shows (``[12/56] Benchmarking ... ETA 4m``, overwritten in
place). In a log, where each event would be a line, a line is written each time another twentieth of the
run has started, and for each failure (every event with ``--benchmark-verbose``); Criterion's sampling
warnings, which the plugin's small per-test budget would print for every slow test, are left out.
"""

from __future__ import annotations

import os
from typing import TextIO

from critbench.model import BenchmarkResult, Settings
from critbench.report import ProgressReporter, Style


class SessionProgress(ProgressReporter):
    def __init__(self, stream: TextIO, settings: Settings, benchmarks: int, *, verbose: bool) -> None:
        terminal = stream.isatty()
        super().__init__(
            stream,
            overwrite=terminal,
            verbose=verbose,
            style=Style(color=terminal and not os.environ.get("NO_COLOR")),
        )
        self._quiet = not terminal and not verbose
        self._benchmarks = benchmarks
        self._cap: int | None = None
        self._total_expected = benchmarks * (1 if settings.quick else settings.processes)
        self._shown_twentieths = -1
        self.expect(self._total_expected)

    def expect(self, total: int) -> None:
        self._total_expected = total
        super().expect(total)

    def capped(self, processes: int) -> None:
        """The session capped each benchmark's processes at ``processes``: the total and the lines say so."""
        self._cap = processes
        self.expect(self._benchmarks * processes)

    def benchmark_start(self, benchmark_id: str, process: int, processes: int) -> None:
        if self._cap is not None:
            processes = min(processes, self._cap)
        if not self._quiet:
            super().benchmark_start(benchmark_id, process, processes)
            return
        twentieths = 20 * self._started // max(self._total_expected, 1)
        self._count_start(benchmark_id, processes)
        if twentieths > self._shown_twentieths:
            self._shown_twentieths = twentieths
            super()._show(f"Benchmarking {benchmark_id}")

    def benchmark_finished(self, result: BenchmarkResult) -> None:
        if not self._quiet or result.failure is not None:
            super().benchmark_finished(result)

    def warming_up(self, benchmark_id: str, seconds: float) -> None:
        if not self._quiet:
            super().warming_up(benchmark_id, seconds)

    def collecting(self, benchmark_id: str, samples: int, expected_s: float, iterations: int) -> None:
        if not self._quiet:
            super().collecting(benchmark_id, samples, expected_s, iterations)

    def warning(self, benchmark_id: str, text: str) -> None:
        pass
