"""What a timing loop reads around the region it measures (Criterion's ``Measurement``).

A measurement brackets the measured region with :meth:`Measurement.start` and :meth:`Measurement.end` and
produces a plain number in its :attr:`~Measurement.unit`; turning numbers into text (``1.234 µs``) is the
reporters' business. Two exist: wall time, and instructions counted under valgrind, whose ``start``/``end``
zero the counters and write them to a file around the region, so the count is only known from valgrind's
output: nothing here may assume that ``end`` reads a clock.

The timing loops hold a measurement's two methods in local variables and call them once per timed block (a
sample, or a window of about 0.1 ms), never once per iteration, so what they add is absorbed in the
calibrated overhead.
"""

from __future__ import annotations

from os import getpgid as _getpgid
from os import getsid as _getsid
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


class Instructions:
    """Instructions counted by valgrind's callgrind between the two markers (``engine/_callgrind.py``).

    ``start`` enters libc's ``getsid``, where callgrind zeroes its counters; ``end`` enters ``getpgid``, where
    it writes the count since then to a dump file. The value exists only in that file, so ``end`` returns 0
    and the counting loops read the dump. Both are plain functions around ``METH_O``/fastcall builtins, so
    CPython specialises their call sites after warm-up and they cost the same in every interval (which the
    per-iteration slope then cancels).
    """

    unit = "instructions"

    @staticmethod
    def start() -> int:
        _getsid(0)
        return 0

    @staticmethod
    def end(started: int) -> float:
        _getpgid(0)
        return 0.0


INSTRUCTIONS = Instructions()
