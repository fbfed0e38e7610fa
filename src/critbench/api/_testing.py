"""Smoke-running benchmark functions in a project's own unit tests, without timing anything.

A bench file is code too: a benchmark whose routine raises, or that forgets to call its Bencher, should fail
the project's tests, not only its next benchmark run. :func:`smoke_run` calls a benchmark function with a
Bencher that runs each routine a few times and checks it was used correctly::

    from critbench.testing import smoke_run
    from benches.parsing import parse_document, sort_shuffled

    def test_benchmarks_run():
        smoke_run(parse_document)
        smoke_run(sort_shuffled, 1000)
"""

from __future__ import annotations

from typing import Any

from critbench.api._bench import F
from critbench.api._bencher import Bencher, BencherMisuse, Routine, call_benchmark
from critbench.model import BenchmarkId

_NO_PARAMETER = object()


class SmokeTestError(AssertionError):
    """The benchmark function used its Bencher in a way a real run would reject."""


class SmokeBencher(Bencher):
    """A Bencher that runs each routine ``iterations`` times, untimed; misuse is checked as in a real run."""

    def __init__(self, name: str, iterations: int) -> None:
        super().__init__(BenchmarkId("smoke", name))
        self.iterations = iterations
        self.method: str | None = None

    async def _measure(self, routine: Routine) -> None:
        self.method = routine.method
        await routine.exercise(self.iterations)

    def check(self) -> None:
        """:meth:`finish`, with misuse reported as :class:`SmokeTestError`."""
        try:
            self.finish()
        except BencherMisuse as exc:
            raise SmokeTestError(str(exc)) from exc


def smoke_run(function: F, parameter: Any = _NO_PARAMETER, *, iterations: int = 3) -> None:
    """Call a ``@bench`` function once with a Bencher that runs its routine ``iterations`` times.

    Raises what the benchmark raises, or :class:`SmokeTestError` when it misuses its Bencher. ``async def``
    benchmarks run in a fresh event loop. Nothing is timed, stored or printed.
    """
    bencher = SmokeBencher(getattr(function, "__name__", "benchmark"), iterations)
    args: tuple[Any, ...] = (bencher,) if parameter is _NO_PARAMETER else (bencher, parameter)
    try:
        call_benchmark(function, args)
    except BencherMisuse as exc:
        raise SmokeTestError(str(exc)) from exc
    bencher.check()
