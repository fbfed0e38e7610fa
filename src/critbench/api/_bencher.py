"""The ``Bencher`` a benchmark function receives: the timing loops an author can choose from.

This is the contract only. The worker process supplies the implementation that times (see
``critbench.engine``), so the API layer itself never times, stores or prints anything.
"""

from __future__ import annotations

import abc
from collections.abc import Awaitable, Callable
from typing import Literal, TypeVar

from critbench.model import BenchmarkId

I = TypeVar("I")  # noqa: E741 - the input of a batched routine, as Criterion names it

BatchSize = Literal["small", "large", "per_iteration"] | int
"""How many inputs ``iter_batched`` prepares at once, untimed, before timing the routine over them.

``"small"`` (the default): a tenth of a sample's iterations per batch; ``"large"``: a thousandth, for inputs
too big to hold many of; ``"per_iteration"``: one input per timed call; an int ``k``: batches of ``k``.
"""


class Bencher(abc.ABC):
    """Runs and times the routine handed to exactly one of its ``iter*`` methods.

    The benchmark function is called once per worker process. Setup written before the ``iter*`` call runs
    once and is not timed; the call itself performs the warm-up and every sample.
    """

    @property
    @abc.abstractmethod
    def id(self) -> BenchmarkId:
        """The id of the benchmark being measured."""

    @abc.abstractmethod
    def iter(self, routine: Callable[[], object]) -> None:
        """Time ``routine()`` called repeatedly in one loop (its return values are discarded)."""

    @abc.abstractmethod
    def iter_batched(
        self,
        setup: Callable[[], I],
        routine: Callable[[I], object],
        batch_size: BatchSize = "small",
    ) -> None:
        """Time ``routine(input)`` on fresh inputs made by ``setup()``; setup and dropping outputs are untimed."""

    @abc.abstractmethod
    def iter_custom(self, routine: Callable[[int], float]) -> None:
        """Let ``routine(iters)`` time itself: it runs ``iters`` iterations and returns the nanoseconds taken."""

    @abc.abstractmethod
    def iter_async(self, routine: Callable[[], Awaitable[object]]) -> Awaitable[None]:
        """Time ``await routine()``, every iteration of a sample inside one event loop.

        From a plain ``def`` benchmark the measurement happens during the call (one event loop serves the
        whole benchmark; creating it is never timed). From an ``async def`` benchmark, ``await`` the result:
        the samples are then taken in the benchmark's own running loop, next to anything it set up there.
        """
