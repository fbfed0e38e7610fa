"""Progress on stderr while benchmarks run, in Criterion's words.

On a terminal each line overwrites the previous one; elsewhere (CI logs) each event is its own line.
Results themselves go to stdout once every verdict of the suite is final.
"""

from __future__ import annotations

from typing import TextIO

from critbench.model import BenchmarkResult
from critbench.report import _format as fmt
from critbench.report._terminal import Style

_CLEAR_LINE = "\r\x1b[2K"


class ProgressReporter:
    def __init__(self, stream: TextIO, *, overwrite: bool, verbose: bool, style: Style) -> None:
        self._stream = stream
        self._overwrite = overwrite
        self._verbose = verbose
        self._style = style
        self._done = 0
        self._total: int | None = None

    def expect(self, total: int) -> None:
        """How many benchmarks the run will measure, for the ``[3/12]`` counter."""
        self._total = total

    def _show(self, text: str) -> None:
        counter = f"[{self._done + 1}/{self._total}] " if self._total else ""
        if self._overwrite:
            self._stream.write(f"{_CLEAR_LINE}{counter}{text}")
        else:
            self._stream.write(f"{counter}{text}\n")
        self._stream.flush()

    def benchmark_start(self, benchmark_id: str) -> None:
        self._show(f"Benchmarking {benchmark_id}")

    def warming_up(self, benchmark_id: str, seconds: float) -> None:
        self._show(f"Benchmarking {benchmark_id}: Warming up for {fmt.time(seconds * 1e9).strip()}")

    def collecting(self, benchmark_id: str, samples: int, expected_s: float, iterations: int) -> None:
        count = fmt.iterations(iterations, exact=self._verbose)
        self._show(
            f"Benchmarking {benchmark_id}: Collecting {samples} samples in estimated "
            f"{fmt.time(expected_s * 1e9).strip()} ({count})"
        )

    def warning(self, benchmark_id: str, text: str) -> None:
        if self._overwrite:
            self._stream.write(_CLEAR_LINE)
        self._stream.write(f"\n{self._style.yellow(text)}\n")
        self._stream.flush()

    def benchmark_finished(self, result: BenchmarkResult) -> None:
        name = result.id.full_id
        if result.failure is not None:
            self._show(f"Benchmarking {name}: {self._style.red('FAILED')}: {result.failure.reason}")
            if self._overwrite:
                self._stream.write("\n")
        else:
            self._show(f"Benchmarking {name}: Analyzing")
        self._done += 1

    def finish(self) -> None:
        if self._overwrite:
            self._stream.write(_CLEAR_LINE)
            self._stream.flush()
