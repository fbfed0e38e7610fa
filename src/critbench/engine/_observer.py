"""The lifecycle events of a run, for progress displays (Criterion's reporter events)."""

from __future__ import annotations

from typing import Protocol

from critbench.model import BenchmarkResult


class RunObserver(Protocol):
    """Lifecycle events of a run, for progress displays. Every method may do nothing."""

    def benchmark_start(self, benchmark_id: str, process: int, processes: int) -> None: ...
    def warming_up(self, benchmark_id: str, seconds: float) -> None: ...
    def collecting(self, benchmark_id: str, samples: int, expected_s: float, iterations: int) -> None: ...
    def warning(self, benchmark_id: str, text: str) -> None: ...
    def benchmark_finished(self, result: BenchmarkResult) -> None: ...


class SilentObserver:
    def benchmark_start(self, benchmark_id: str, process: int, processes: int) -> None:
        pass

    def warming_up(self, benchmark_id: str, seconds: float) -> None:
        pass

    def collecting(self, benchmark_id: str, samples: int, expected_s: float, iterations: int) -> None:
        pass

    def warning(self, benchmark_id: str, text: str) -> None:
        pass

    def benchmark_finished(self, result: BenchmarkResult) -> None:
        pass
