"""The lifecycle events of a run, for progress displays (Criterion's reporter events)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from critbench.model import BenchmarkResult


class RunObserver(Protocol):
    """Lifecycle events of a run, for progress displays. Every method may do nothing."""

    def planned(self, processes: Mapping[str, int]) -> None:
        """A target listed its benchmarks: each one's id and how many worker processes will measure it."""

    def benchmark_start(self, benchmark_id: str, process: int, processes: int) -> None: ...
    def warming_up(self, benchmark_id: str, seconds: float) -> None: ...
    def collecting(self, benchmark_id: str, samples: int, expected_s: float, iterations: int) -> None: ...
    def warning(self, benchmark_id: str, text: str) -> None: ...
    def benchmark_finished(self, result: BenchmarkResult) -> None: ...


class SilentObserver:
    def planned(self, processes: Mapping[str, int]) -> None:
        pass

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
