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

import asyncio
import inspect
from collections.abc import Awaitable, Callable, Generator
from typing import Any

from critbench.api._bench import F
from critbench.api._bencher import BatchSize, Bencher, I
from critbench.model import BenchmarkId

_NO_PARAMETER = object()


class SmokeTestError(AssertionError):
    """The benchmark function used its Bencher in a way a real run would reject."""


class _Done:
    def __await__(self) -> Generator[Any, None, None]:
        return
        yield


class SmokeBencher(Bencher):
    """A Bencher that runs each routine ``iterations`` times and records which method was used."""

    def __init__(self, name: str, iterations: int) -> None:
        self._id = BenchmarkId("smoke", name)
        self.iterations = iterations
        self.method: str | None = None
        self._awaited = True

    @property
    def id(self) -> BenchmarkId:
        return self._id

    def _claim(self, method: str) -> None:
        if self.method is not None:
            raise SmokeTestError(f"the benchmark called {method}() after {self.method}(); call exactly one")
        self.method = method

    def iter(self, routine: Callable[[], object]) -> None:
        self._claim("iter")
        for _ in range(self.iterations):
            routine()

    def iter_batched(
        self, setup: Callable[[], I], routine: Callable[[I], object], batch_size: BatchSize = "small"
    ) -> None:
        self._claim("iter_batched")
        for _ in range(self.iterations):
            routine(setup())

    def iter_custom(self, routine: Callable[[int], float]) -> None:
        self._claim("iter_custom")
        elapsed = routine(self.iterations)
        if isinstance(elapsed, bool) or not isinstance(elapsed, int | float) or elapsed < 0:
            raise SmokeTestError(f"iter_custom's routine must return nanoseconds, got {elapsed!r}")

    def iter_async(self, routine: Callable[[], Awaitable[object]]) -> Awaitable[None]:
        self._claim("iter_async")

        async def run() -> None:
            for _ in range(self.iterations):
                await routine()
            self._awaited = True

        try:
            asyncio.get_running_loop()
        except RuntimeError:
            asyncio.run(run())
            return _Done()
        self._awaited = False
        return run()

    def check(self) -> None:
        if self.method is None:
            raise SmokeTestError("the benchmark returned without calling an iter* method of its Bencher")
        if not self._awaited:
            raise SmokeTestError("iter_async() was called inside an async benchmark but never awaited")


def smoke_run(function: F, parameter: Any = _NO_PARAMETER, *, iterations: int = 3) -> None:
    """Call a ``@bench`` function once with a Bencher that runs its routine ``iterations`` times.

    Raises what the benchmark raises, or :class:`SmokeTestError` when it misuses its Bencher. ``async def``
    benchmarks run in a fresh event loop. Nothing is timed, stored or printed.
    """
    bencher = SmokeBencher(getattr(function, "__name__", "benchmark"), iterations)
    args: tuple[Any, ...] = (bencher,) if parameter is _NO_PARAMETER else (bencher, parameter)
    if inspect.iscoroutinefunction(function):
        asyncio.run(function(*args))
    else:
        returned = function(*args)
        if inspect.isawaitable(returned):

            async def wait() -> None:
                await returned

            asyncio.run(wait())
    bencher.check()
