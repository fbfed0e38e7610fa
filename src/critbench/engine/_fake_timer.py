"""The fake clock's timer: deterministic stand-in times for golden-output tests of the whole pipeline."""

from __future__ import annotations

import random
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from critbench.model import FakeClock


@dataclass(frozen=True)
class FakeTimer:
    """A deterministic stand-in for the clock, for golden-output tests of the whole pipeline.

    Each timed call still runs the routine once (so the benchmark's code is exercised), but reports
    ``iters × cost_ns`` scaled by a small seeded jitter instead of the real elapsed time; with ``busy``
    (the clock's), also ``1 + busy`` times that, and a fastest window per call at the cost itself.
    """

    cost_ns: float
    key: str
    busy: float | None = None

    @classmethod
    def of(cls, clock: FakeClock, full_id: str, process_index: int, *, side: str | None = None) -> FakeTimer:
        """The timer of one benchmark in one worker process; ``side`` "a" or "b" under ``critbench ab``,
        where revision B costs what the clock's ``costs_b_ns`` says."""
        key = f"{clock.seed:g}:{full_id}#{process_index}"
        if side is None:
            return cls(clock.cost_ns(full_id), key, clock.busy)
        return cls(clock.cost_ns(full_id, side_b=side == "b"), f"{key}:{side}", clock.busy)

    def timer(self) -> Callable[[int], float]:
        rng = random.Random(zlib.crc32(self.key.encode()))
        stretch = 1.0 + (self.busy or 0.0)

        def fake_time(iters: int) -> float:
            return iters * self.cost_ns * stretch * (1.0 + 0.02 * rng.gauss(0.0, 1.0))

        return fake_time

    def window_timer(self) -> Callable[[], float] | None:
        """The fastest window's time per iteration of each call, or None when the clock keeps no windows."""
        if self.busy is None:
            return None
        rng = random.Random(zlib.crc32(f"{self.key}:windows".encode()))
        return lambda: self.cost_ns * (1.0 + 0.002 * rng.gauss(0.0, 1.0))
