"""pytest-benchmark's ``benchmark`` fixture: its surface, written once, over one hook.

A test calls the fixture exactly once, in one of two forms, and gets the function's result back:

- ``benchmark(fn, *args, **kwargs)`` (also as a decorator, ``@benchmark`` over a function of no arguments):
  critbench chooses the iterations, as for ``Bencher.iter``;
- ``benchmark.pedantic(target, args=, kwargs=, setup=, teardown=, rounds=, warmup_rounds=, iterations=)``:
  the author fixes rounds and iterations; ``setup`` (untimed) may return ``(args, kwargs)`` for each round.

As with the :class:`~critbench.api.Bencher`, the call is reduced to a description (:class:`Call` or
:class:`PedanticCall`) handed to one hook, :meth:`BenchmarkFixture._run`. In a pytest-benchmark suite run
under critbench, a worker process's fixture measures there (``critbench.engine``); the pytest session the
user started replays the call once and shows what the workers measured (``critbench.pytest_plugin``); with
``--benchmark-disable`` the call simply runs once. This layer never times, stores or prints.

A coroutine function is measured inside one event loop (never one loop per iteration): from a plain test
the call runs that loop and returns the result; from an ``async def`` test it returns an awaitable, to be
awaited in the test's own loop.
"""

from __future__ import annotations

import abc
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from critbench.api._fixture_stats import Metadata

MARKER_OPTIONS = frozenset(
    {
        "max_time",
        "min_rounds",
        "min_time",
        "precision",
        "confidence",
        "timer",
        "group",
        "disable_gc",
        "warmup",
        "warmup_iterations",
        "calibration_precision",
        "cprofile",
        "max_rounds",
    }
)
"""What ``@pytest.mark.benchmark`` accepts: pytest-benchmark's keywords and pytest-codspeed's ``max_rounds``."""


class FixtureAlreadyUsed(Exception):
    """The test called its ``benchmark`` fixture a second time (pytest-benchmark's error, by its name)."""


def _is_async(function: Callable[..., Any]) -> bool:
    return inspect.iscoroutinefunction(function)


@dataclass(frozen=True)
class Call:
    """``benchmark(function, *args, **kwargs)``."""

    function: Callable[..., Any]
    args: tuple[Any, ...]
    kwargs: Mapping[str, Any]

    @property
    def is_async(self) -> bool:
        return _is_async(self.function)

    def once(self) -> Any:
        """One call, as the test expects to see its result (a coroutine, for a coroutine function)."""
        return self.function(*self.args, **self.kwargs)


@dataclass(frozen=True)
class PedanticCall:
    """``benchmark.pedantic(...)``: the author's own rounds, iterations, setup and teardown."""

    target: Callable[..., Any]
    args: tuple[Any, ...] = ()
    kwargs: Mapping[str, Any] | None = None
    setup: Callable[[], Any] | None = None
    teardown: Callable[..., Any] | None = None
    rounds: int = 1
    warmup_rounds: int = 0
    iterations: int = 1

    def __post_init__(self) -> None:
        # pytest-benchmark's checks, with its messages: suites test for them.
        if not isinstance(self.iterations, int) or isinstance(self.iterations, bool) or self.iterations < 1:
            raise ValueError("Must have positive int for `iterations`.")
        if not isinstance(self.rounds, int) or isinstance(self.rounds, bool) or self.rounds < 1:
            raise ValueError("Must have positive int for `rounds`.")
        if not isinstance(self.warmup_rounds, int) or isinstance(self.warmup_rounds, bool) or self.warmup_rounds < 0:
            raise ValueError("Must have positive int for `warmup_rounds`.")
        if self.iterations > 1 and self.setup is not None:
            raise ValueError("Can't use more than 1 `iterations` with a `setup` function.")

    @property
    def is_async(self) -> bool:
        return _is_async(self.target)

    def arguments(self) -> tuple[tuple[Any, ...], dict[str, Any]]:
        """The arguments of one round: ``setup()``'s ``(args, kwargs)`` when it returns them, else the given ones."""
        args, kwargs = self.args, dict(self.kwargs or {})
        if self.setup is not None:
            made = self.setup()
            if made:
                if self.args or self.kwargs:
                    raise TypeError("Can't use `args` or `kwargs` if `setup` returns the arguments.")
                args, kwargs = made
                args, kwargs = tuple(args), dict(kwargs)
        return args, kwargs

    def finish(self, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> None:
        """The untimed teardown of one round."""
        if self.teardown is not None:
            self.teardown(*args, **kwargs)

    def once(self) -> Any:
        """One round with one iteration, setup and teardown included; the target's result (for a coroutine
        function, a coroutine that runs the target and then the teardown)."""
        args, kwargs = self.arguments()
        if self.is_async:
            return self._once_async(args, kwargs)
        result = self.target(*args, **kwargs)
        self.finish(args, kwargs)
        return result

    async def _once_async(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        result = await self.target(*args, **kwargs)
        self.finish(args, kwargs)
        return result


AnyCall = Call | PedanticCall


@dataclass(frozen=True)
class TestNode:
    """What the fixture knows of its test: pytest's node id, name, and parameters."""

    __test__ = False  # not a test class, whatever pytest's collection thinks of the name

    nodeid: str
    name: str
    param: str | None = None
    params: Mapping[str, Any] | None = None


class BenchmarkFixture(abc.ABC):
    """pytest-benchmark's ``benchmark`` fixture: call it once with the function to measure.

    After the call, ``stats`` holds the rounds' statistics (``benchmark.stats["mean"]``, seconds per
    iteration); ``extra_info`` is a dict the test may fill, stored with the results; ``group``, ``name``,
    ``fullname``, ``param`` and ``params`` say which benchmark this is.
    """

    def __init__(self, node: TestNode, *, group: str | None = None, disabled: bool = False) -> None:
        self.name = node.name
        self.fullname = node.nodeid
        self.param = node.param
        self.params = node.params
        self.group = group
        self.disabled = disabled
        self.extra_info: dict[str, Any] = {}
        self.stats: Metadata | None = None
        self.has_error = False
        self.skipped = False
        self._mode: str | None = None
        self._cleanups: list[Callable[[], object]] = []

    @property
    def enabled(self) -> bool:
        return not self.disabled

    @property
    def used(self) -> bool:
        """Whether the test called the fixture."""
        return self._mode is not None

    def __call__(self, function_to_benchmark: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Measure ``function_to_benchmark(*args, **kwargs)`` and return its result."""
        self._claim("benchmark(...)")
        return self._start(Call(function_to_benchmark, args, kwargs))

    def pedantic(  # noqa: PLR0917 - pytest-benchmark's signature, positional arguments included
        self,
        target: Callable[..., Any],
        args: tuple[Any, ...] = (),
        kwargs: Mapping[str, Any] | None = None,
        setup: Callable[[], Any] | None = None,
        teardown: Callable[..., Any] | None = None,
        rounds: int = 1,
        warmup_rounds: int = 0,
        iterations: int = 1,
    ) -> Any:
        """Measure ``target`` in ``rounds`` rounds of ``iterations`` calls, after ``warmup_rounds`` untimed
        ones; ``setup()`` runs untimed before each round (returning ``(args, kwargs)`` if it makes them),
        ``teardown(*args, **kwargs)`` untimed after it. Returns the target's result."""
        self._claim("benchmark.pedantic(...)")
        try:
            call = PedanticCall(target, tuple(args), kwargs, setup, teardown, rounds, warmup_rounds, iterations)
        except Exception:
            self.has_error = True
            raise
        return self._start(call)

    def weave(self, target: Any, **kwargs: Any) -> None:
        """pytest-benchmark's ``benchmark_weave``: measure every call of ``target`` (needs ``aspectlib``)."""
        try:
            import aspectlib  # type: ignore[import-not-found]
        except ImportError as exc:
            raise ImportError(exc.args, "Please install aspectlib to use benchmark.weave") from exc

        def aspect(function: Callable[..., Any]) -> Callable[..., Any]:
            def wrapper(*args: Any, **kwargs: Any) -> Any:
                return self(function, *args, **kwargs)

            return wrapper

        self._cleanups.append(aspectlib.weave(target, aspect, **kwargs).rollback)

    patch = weave

    def cleanup(self) -> None:
        """Undo :meth:`weave`, when the test ends."""
        while self._cleanups:
            self._cleanups.pop()()

    def _claim(self, mode: str) -> None:
        if self._mode is not None:
            self.has_error = True
            raise FixtureAlreadyUsed(f"Fixture can only be used once. Previously it was used in {self._mode} mode.")
        self._mode = mode

    def _start(self, call: AnyCall) -> Any:
        if call.is_async:
            return self._start_async(call)
        try:
            return self._run(call)
        except Exception:
            self.has_error = True
            raise

    def _start_async(self, call: AnyCall) -> Any:
        import asyncio

        try:
            asyncio.get_running_loop()
        except RuntimeError:
            try:
                return asyncio.run(self._run_async(call))
            except Exception:
                self.has_error = True
                raise
        return self._awaited(call)

    async def _awaited(self, call: AnyCall) -> Any:
        try:
            return await self._run_async(call)
        except Exception:
            self.has_error = True
            raise

    @abc.abstractmethod
    def _run(self, call: AnyCall) -> Any:
        """Do this implementation's work with a call of a plain function; return the function's result."""

    @abc.abstractmethod
    async def _run_async(self, call: AnyCall) -> Any:
        """The same for a coroutine function, inside the running event loop."""


class CallOnceFixture(BenchmarkFixture):
    """``--benchmark-disable``: the function runs once, nothing is measured (pytest-benchmark's meaning)."""

    def _run(self, call: AnyCall) -> Any:
        return call.once()

    async def _run_async(self, call: AnyCall) -> Any:
        return await call.once()
