"""What a timing loop reads around the region it measures (Criterion's ``Measurement``).

A measurement brackets the measured region with :meth:`Measurement.start` and :meth:`Measurement.end` and
produces a plain number in its :attr:`~Measurement.unit`; turning numbers into text (``1.234 µs``) is the
reporters' business. Wall time is the only measurement today. An instruction count under valgrind is the next:
its ``start``/``end`` would switch the instrumentation on and off around the region, and the count may only
be known outside the process, from valgrind's output, so nothing here may assume that ``end`` reads a clock.

The timing loops hold a measurement's two methods in local variables and call them once per timed block (a
sample, or a window of about 0.1 ms), never once per iteration, so what they add is absorbed in the
calibrated overhead.
"""

from __future__ import annotations

from time import perf_counter_ns
from typing import Protocol


class Measurement(Protocol):
    """Brackets a measured region; ``end(start())`` is the region's value in :attr:`unit`."""

    @property
    def unit(self) -> str: ...

    def start(self) -> int: ...

    def end(self, started: int) -> float: ...


class WallTime:
    """Elapsed time on the monotonic high-resolution clock (``time.perf_counter_ns``), in nanoseconds."""

    unit = "ns"
    start = staticmethod(perf_counter_ns)

    def end(self, started: int) -> float:
        return perf_counter_ns() - started


WALL_TIME = WallTime()
