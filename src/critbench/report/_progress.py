"""Progress on stderr while benchmarks run, in Criterion's words, with the run's overall progress.

On a terminal each line overwrites the previous one; elsewhere (CI logs) each event is its own line.
Results themselves go to stdout once every verdict of the suite is final. Each line starts with how far
the run is, counted in benchmark processes (a benchmark measured by ten worker processes counts ten), and
ends with an estimate of the time left once one has finished::

    [12/56] Benchmarking parsing/parse_document [process 2/10]: Collecting 10 samples in ... ETA 4m

The total is what the caller expects (:meth:`ProgressReporter.expect`), or else the processes of every
benchmark the targets listed so far (:meth:`ProgressReporter.planned`), exact once each target has started.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import TextIO

from critbench.model import BenchmarkResult
from critbench.report import _format as fmt
from critbench.report._terminal import Style

_CLEAR_LINE = "\r\x1b[2K"


def eta_text(seconds: float) -> str:
    """``ETA 42s``, ``ETA 4m``, ``ETA 1h05m``."""
    if seconds < 60:
        return f"ETA {max(seconds, 1):.0f}s"
    if seconds < 3600:
        return f"ETA {seconds / 60:.0f}m"
    return f"ETA {seconds // 3600:.0f}h{seconds % 3600 / 60:02.0f}m"


class ProgressReporter:
    def __init__(
        self,
        stream: TextIO,
        *,
        overwrite: bool,
        verbose: bool,
        style: Style,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._stream = stream
        self._overwrite = overwrite
        self._verbose = verbose
        self._style = style
        self._current_process = ""
        self._clock = clock
        self._expected: int | None = None
        self._processes: dict[str, int] = {}
        self._started = 0
        self._first_start: float | None = None

    def expect(self, total: int) -> None:
        """The number of benchmark processes the run will start, when the caller knows it."""
        self._expected = total

    def planned(self, processes: Mapping[str, int]) -> None:
        """A target's benchmarks and their processes, known before the first of them starts: the total is
        then exact from the first line, not only once every benchmark has started once."""
        for benchmark_id, count in processes.items():
            self._processes[benchmark_id] = max(count, self._processes.get(benchmark_id, 0))

    def _total(self) -> int:
        return self._expected if self._expected is not None else sum(self._processes.values())

    def _position(self) -> str:
        total = max(self._total(), self._started)
        return f"[{self._started}/{total}] " if total else ""

    def _eta(self) -> str:
        done = self._started - 1
        if done < 1 or self._first_start is None:
            return ""
        elapsed = self._clock() - self._first_start
        left = elapsed / done * max(self._total() - done, 0)
        return f"  {eta_text(left)}"

    def _show(self, text: str) -> None:
        text = f"{self._position()}{text}{self._eta()}"
        if self._overwrite:
            self._stream.write(f"{_CLEAR_LINE}{text}")
        else:
            self._stream.write(f"{text}\n")
        self._stream.flush()

    def _count_start(self, benchmark_id: str, processes: int) -> None:
        self._processes[benchmark_id] = max(processes, self._processes.get(benchmark_id, 0))
        self._started += 1
        if self._first_start is None:
            self._first_start = self._clock()

    def benchmark_start(self, benchmark_id: str, process: int, processes: int) -> None:
        self._count_start(benchmark_id, processes)
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
