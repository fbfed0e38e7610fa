"""What one iteration allocates, seen by ``tracemalloc`` in a pass of its own (never during a timed sample).

The loops' :meth:`~critbench.engine._loops.Loop.peak_bytes` and the batched loop's sizing of its inputs use
these; tracing is switched on for the block and left on if it already was.
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from types import TracebackType

TRACED_TRIES = 3


class PeakTrace:
    """tracemalloc on for the block (left on if it already was), and the smallest of the peaks seen between
    each :meth:`begin` and :meth:`end`: the first iteration may fill caches that later ones reuse."""

    def __enter__(self) -> PeakTrace:
        self._was_tracing = tracemalloc.is_tracing()
        if not self._was_tracing:
            tracemalloc.start()
        self._peaks: list[int] = []
        self._before = 0
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        if not self._was_tracing:
            tracemalloc.stop()

    def begin(self) -> None:
        tracemalloc.reset_peak()
        self._before = tracemalloc.get_traced_memory()[0]

    def end(self) -> None:
        self._peaks.append(max(0, tracemalloc.get_traced_memory()[1] - self._before))

    @property
    def smallest(self) -> int:
        return min(self._peaks)


def retained_bytes(make: Callable[[], object]) -> tuple[object, int]:
    """What ``make()`` returns, and the memory tracemalloc sees it hold once made."""
    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        made = make()
        return made, max(0, tracemalloc.get_traced_memory()[0] - before)
    finally:
        if not was_tracing:
            tracemalloc.stop()


def traced_peak_bytes(one_iteration: Callable[[], object]) -> int:
    """Peak memory tracemalloc sees during one iteration, above what was allocated before it (best of 3)."""
    with PeakTrace() as trace:
        for _ in range(TRACED_TRIES):
            trace.begin()
            result = one_iteration()
            trace.end()
            del result
    return trace.smallest
