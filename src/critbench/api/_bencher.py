"""The ``Bencher`` a benchmark function receives: the timing loops an author can choose from.

Every Bencher shares the bookkeeping written here once: it lets a benchmark call exactly one ``iter*``
method, checks the arguments, and reduces the call to one description of the routine (:data:`Routine`)
handed to a single hook, :meth:`Bencher._measure`. What the hook does is up to the implementation: the worker
process times the routine (``critbench.engine``), ``critbench ab`` serves two revisions' timings to a
coordinator, ``critbench.testing.smoke_run`` only runs it a few times. The API layer itself never times,
stores or prints anything.

The hook is a coroutine so that one implementation serves both kinds of benchmark. A synchronous ``iter*``
call runs it to its end at once, without an event loop (a measurement of synchronous code never waits for
one); ``iter_async`` runs it in the benchmark's own event loop, or in a fresh one from a plain ``def``.
"""

from __future__ import annotations

import abc
import inspect
import math
from collections.abc import Awaitable, Callable, Coroutine, Generator
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Literal, TypeVar

from critbench.model import BenchmarkId

I = TypeVar("I")  # noqa: E741 - the input of a batched routine, as Criterion names it
T = TypeVar("T")
R = TypeVar("R", bound="IterRoutine | BatchedRoutine[Any] | CustomRoutine | AsyncRoutine")

BatchSize = Literal["small", "large", "per_iteration"] | int
"""How many inputs ``iter_batched`` prepares at once, untimed, before timing the routine over them.

``"small"`` (the default): a tenth of a sample's iterations per batch; ``"large"``: a thousandth, for inputs
too big to hold many of; ``"per_iteration"``: one input per timed call; an int ``k``: batches of ``k``.
"""


class BencherMisuse(Exception):
    """The benchmark function used its Bencher in a way that cannot produce a measurement."""


@dataclass(frozen=True)
class IterRoutine:
    """``iter(routine)``: ``routine()`` called repeatedly, its return values discarded."""

    method: ClassVar[str] = "iter"
    routine: Callable[[], object]

    async def exercise(self, iterations: int) -> None:
        """Run ``iterations`` iterations, untimed."""
        for _ in range(iterations):
            self.routine()


@dataclass(frozen=True)
class BatchedRoutine(Generic[I]):
    """``iter_batched(setup, routine, batch_size)``: ``routine(setup())``, the setup untimed."""

    method: ClassVar[str] = "iter_batched"
    setup: Callable[[], I]
    routine: Callable[[I], object]
    batch_size: BatchSize

    def __post_init__(self) -> None:
        size = self.batch_size
        if size not in ("small", "large", "per_iteration") and (
            isinstance(size, bool) or not isinstance(size, int) or size <= 0
        ):
            raise BencherMisuse(f"batch_size must be 'small', 'large', 'per_iteration' or a positive int, got {size!r}")

    def inputs_per_batch(self, iters: int) -> int:
        """How many inputs one untimed setup pass prepares, for a sample of ``iters`` iterations (Criterion's
        ``SmallInput = ceil(iters/10)``, ``LargeInput = ceil(iters/1000)``, ``PerIteration = 1``)."""
        if self.batch_size == "small":
            return math.ceil(iters / 10)
        if self.batch_size == "large":
            return math.ceil(iters / 1000)
        if self.batch_size == "per_iteration":
            return 1
        return int(self.batch_size)

    async def exercise(self, iterations: int) -> None:
        for _ in range(iterations):
            self.routine(self.setup())


@dataclass(frozen=True)
class CustomRoutine:
    """``iter_custom(routine)``: ``routine(iters)`` runs the iterations and returns the nanoseconds taken."""

    method: ClassVar[str] = "iter_custom"
    routine: Callable[[int], float]

    def call(self, iters: int) -> float:
        """The routine's own timing of ``iters`` iterations, checked to be a number of nanoseconds."""
        elapsed = self.routine(iters)
        if (
            isinstance(elapsed, bool)
            or not isinstance(elapsed, int | float)
            or not math.isfinite(elapsed)
            or elapsed < 0
        ):
            raise BencherMisuse(
                f"iter_custom's routine must return nanoseconds (a finite number, at least 0), got {elapsed!r}"
            )
        return float(elapsed)

    async def exercise(self, iterations: int) -> None:
        self.call(iterations)


@dataclass(frozen=True)
class AsyncRoutine:
    """``iter_async(routine)``: ``await routine()``, every iteration of a sample inside one event loop."""

    method: ClassVar[str] = "iter_async"
    routine: Callable[[], Awaitable[object]]

    async def exercise(self, iterations: int) -> None:
        for _ in range(iterations):
            await self.routine()


Routine = IterRoutine | BatchedRoutine[Any] | CustomRoutine | AsyncRoutine
"""One ``iter*`` call, reduced to what an implementation needs to run it."""


def run_to_end(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine that never suspends (a measurement of synchronous code) to its end, with no event loop."""
    try:
        coroutine.send(None)
    except StopIteration as stop:
        return stop.value  # type: ignore[no-any-return]
    coroutine.close()
    raise RuntimeError("a measurement of synchronous code waited for an event loop")


def call_benchmark(function: Callable[..., Any], args: tuple[Any, ...]) -> None:
    """Call a benchmark function: an ``async def`` one (or one returning an awaitable) in a fresh event loop."""
    import asyncio

    if inspect.iscoroutinefunction(function):
        asyncio.run(function(*args))
        return
    returned = function(*args)
    if inspect.isawaitable(returned):
        asyncio.run(_await(returned))


async def _await(awaitable: Awaitable[object]) -> None:
    await awaitable


class _Done:
    """What ``iter_async`` returns when the measurement already happened during the call."""

    def __await__(self) -> Generator[Any, None, None]:
        return
        yield


class Bencher(abc.ABC):
    """Runs and times the routine handed to exactly one of its ``iter*`` methods.

    The benchmark function is called once per worker process. Setup written before the ``iter*`` call runs
    once and is not timed; the call itself performs the warm-up and every sample.
    """

    def __init__(self, benchmark_id: BenchmarkId) -> None:
        self._id = benchmark_id
        self._method: str | None = None
        self._routine: Routine | None = None
        """The description of the ``iter*`` call, once made: what an implementation measured through."""
        self._pending: Coroutine[Any, Any, None] | None = None

    @property
    def id(self) -> BenchmarkId:
        """The id of the benchmark being measured."""
        return self._id

    def iter(self, routine: Callable[[], object]) -> None:
        """Time ``routine()`` called repeatedly in one loop (its return values are discarded)."""
        self._claim(IterRoutine.method)
        run_to_end(self._measure(self._described(IterRoutine(routine))))

    def iter_batched(
        self,
        setup: Callable[[], I],
        routine: Callable[[I], object],
        batch_size: BatchSize = "small",
    ) -> None:
        """Time ``routine(input)`` on fresh inputs made by ``setup()``; setup and dropping outputs are untimed."""
        self._claim(BatchedRoutine.method)
        run_to_end(self._measure(self._described(BatchedRoutine(setup, routine, batch_size))))

    def iter_custom(self, routine: Callable[[int], float]) -> None:
        """Let ``routine(iters)`` time itself: it runs ``iters`` iterations and returns the nanoseconds taken."""
        self._claim(CustomRoutine.method)
        run_to_end(self._measure(self._described(CustomRoutine(routine))))

    def iter_async(self, routine: Callable[[], Awaitable[object]]) -> Awaitable[None]:
        """Time ``await routine()``, every iteration of a sample inside one event loop.

        From a plain ``def`` benchmark the measurement happens during the call (one event loop serves the
        whole benchmark; creating it is never timed). From an ``async def`` benchmark, ``await`` the result:
        the samples are then taken in the benchmark's own running loop, next to anything it set up there.
        """
        import asyncio

        self._claim(AsyncRoutine.method)
        description = self._described(AsyncRoutine(routine))
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            asyncio.run(self._measure(description))
            return _Done()
        self._pending = self._measure_when_awaited(description)
        return self._pending

    async def _measure_when_awaited(self, routine: AsyncRoutine) -> None:
        self._pending = None
        await self._measure(routine)

    def finish(self) -> None:
        """Check, once the benchmark function returned, that it used its Bencher; BencherMisuse if not."""
        if self._pending is not None:
            self._pending.close()
            raise BencherMisuse("iter_async() was called inside an async benchmark but never awaited")
        if self._method is None:
            raise BencherMisuse("the benchmark returned without calling an iter* method of its Bencher")

    def _finished(self, result: T | None, what: str) -> T:
        """``result``, once the benchmark function returned and :meth:`finish` found it used its Bencher;
        BencherMisuse when there is none (its ``iter*`` call did not complete ``what``)."""
        self.finish()
        if result is None:
            raise BencherMisuse(f"{self._method}() did not complete its {what}")
        return result

    def _described(self, routine: R) -> R:
        self._routine = routine
        return routine

    def _claim(self, method: str) -> None:
        if self._method is not None:
            raise BencherMisuse(
                f"the benchmark called {method}() after {self._method}(); call exactly one iter* method"
            )
        self._method = method

    @abc.abstractmethod
    async def _measure(self, routine: Routine) -> None:
        """Do this implementation's work with the routine of the one ``iter*`` call (see the module's doc)."""
