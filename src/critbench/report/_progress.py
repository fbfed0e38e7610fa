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
        self._current_process = ""

    def _show(self, text: str) -> None:
        if self._overwrite:
            self._stream.write(f"{_CLEAR_LINE}{text}")
        else:
            self._stream.write(f"{text}\n")
        self._stream.flush()

    def benchmark_start(self, benchmark_id: str, process: int, processes: int) -> None:
        self._current_process = f" [process {process + 1}/{processes}]" if processes > 1 else ""
        self._show(f"Benchmarking {fmt.printable(benchmark_id)}{self._current_process}")

    def warming_up(self, benchmark_id: str, seconds: float) -> None:
        self._show(
            f"Benchmarking {fmt.printable(benchmark_id)}{self._current_process}: Warming up for {fmt.time(seconds * 1e9).strip()}"
        )

    def collecting(self, benchmark_id: str, samples: int, expected_s: float, iterations: int) -> None:
        count = fmt.iterations(iterations, exact=self._verbose)
        self._show(
            f"Benchmarking {fmt.printable(benchmark_id)}{self._current_process}: Collecting {samples} samples in estimated "
            f"{fmt.time(expected_s * 1e9).strip()} ({count})"
        )

    def warning(self, benchmark_id: str, text: str) -> None:
        if self._overwrite:
            self._stream.write(_CLEAR_LINE)
        self._stream.write(f"\n{self._style.yellow(fmt.printable(text))}\n")
        self._stream.flush()

    def benchmark_finished(self, result: BenchmarkResult) -> None:
        name = fmt.printable(result.id.full_id)
        if result.failure is not None:
            reason = fmt.printable(result.failure.reason)
            self._show(f"Benchmarking {name}: {self._style.red('FAILED')}: {reason}")
            if self._overwrite:
                self._stream.write("\n")
        else:
            self._show(f"Benchmarking {name}: Analyzing")

    def finish(self) -> None:
        if self._overwrite:
            self._stream.write(_CLEAR_LINE)
            self._stream.flush()
