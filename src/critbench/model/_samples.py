"""Raw measurements as a worker takes them: per sample, its iterations and its value, in the run's unit.

A sample's value is nanoseconds of wall time (``unit="ns"``) or instructions counted under callgrind
(``unit="instructions"``); everything downstream reads :attr:`Samples.unit` rather than assuming time, and
refuses to compare samples of two units.
"""

from __future__ import annotations

from dataclasses import dataclass

from critbench.model._settings import SamplingMode

UNITS = ("ns", "instructions")
"""The units a sample's values can be in: wall-time nanoseconds, or instructions."""

WALL_EVENT = "wall_ns"
"""Counted samples only: the pseudo-event holding the wall time an interval took under valgrind."""


@dataclass(frozen=True)
class Samples:
    """Raw measurements: sample ``i`` ran ``iters[i]`` iterations in ``times_ns[i]`` nanoseconds in total
    (or, when :attr:`unit` is ``"instructions"``, executed ``times_ns[i]`` instructions).

    ``process[i]`` is the index of the worker process that took the sample, so tests can treat the
    process, not the sample, as the unit when processes differ. ``overhead_ns`` is the calibrated cost per
    iteration of the timing loop itself (an empty routine through the same ``iter*`` method); the times
    here are raw, and :attr:`net_times_ns` takes the overhead out.
    """

    mode: SamplingMode
    iters: tuple[float, ...]
    times_ns: tuple[float, ...]
    process: tuple[int, ...]
    overhead_ns: float = 0.0
    fastest_ns: tuple[float, ...] | None = None
    """Per sample, the fastest ~0.1 ms window's time per iteration (raw), where the timing loop keeps it."""
    ran_first: tuple[bool, ...] | None = None
    """For samples taken in alternation with another revision's (critbench ab): whether this side's sample
    ran first in its pair."""
    unit: str = "ns"
    """What ``times_ns`` and ``overhead_ns`` hold: ``"ns"`` (wall time) or ``"instructions"``."""
    events: dict[str, tuple[float, ...]] | None = None
    """Counted samples: per sample, every event callgrind counted in its interval (``Ir``, and with the cache
    simulation ``Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw``), and :data:`WALL_EVENT`, the wall time it took."""
    overhead_events: dict[str, float] | None = None
    """Counted samples: the harness loop's own count of each event per iteration, as ``overhead_ns`` is Ir's."""
    reference_rate: float | None = None
    """Counted samples: instructions per second of wall time (under valgrind) of the harness's calibration
    loop in the same process; a routine far slower than its instructions explain mostly waits."""

    def __post_init__(self) -> None:
        if self.mode is SamplingMode.AUTO:
            raise ValueError("samples are taken in linear or flat mode, never auto")
        if not len(self.iters) == len(self.times_ns) == len(self.process):
            raise ValueError("iters, times_ns and process must have one entry per sample")
        if self.fastest_ns is not None and len(self.fastest_ns) != len(self.iters):
            raise ValueError("fastest_ns must have one entry per sample")
        if self.ran_first is not None and len(self.ran_first) != len(self.iters):
            raise ValueError("ran_first must have one entry per sample")
        if len(self.iters) < 2:
            raise ValueError("at least two samples are needed")
        if any(n <= 0 for n in self.iters):
            raise ValueError("every sample must have run at least one iteration")
        if self.unit not in UNITS:
            raise ValueError(f"unknown unit {self.unit!r} (known: {', '.join(UNITS)})")
        if self.events is not None and any(len(values) != len(self.iters) for values in self.events.values()):
            raise ValueError("every event must have one entry per sample")

    @property
    def counted(self) -> bool:
        """Whether the values are instruction counts rather than times."""
        return self.unit == "instructions"

    @property
    def per_iteration_ns(self) -> tuple[float, ...]:
        return tuple(t / n for t, n in zip(self.times_ns, self.iters, strict=True))

    @property
    def total_iterations(self) -> float:
        return sum(self.iters)

    @property
    def net_times_ns(self) -> tuple[float, ...]:
        """Times without the harness overhead, never below 1% of the raw time (an overhead-bound benchmark
        keeps a positive time and is warned about instead)."""
        return tuple(max(t - n * self.overhead_ns, 0.01 * t) for t, n in zip(self.times_ns, self.iters, strict=True))

    @property
    def net_per_iteration_ns(self) -> tuple[float, ...]:
        """Each sample's time per iteration without the harness overhead: the times the analysis uses."""
        return tuple(t / n for t, n in zip(self.net_times_ns, self.iters, strict=True))

    @property
    def net_fastest_ns(self) -> tuple[float, ...] | None:
        """:attr:`fastest_ns` without the harness overhead (never below 1% of the raw figure)."""
        if self.fastest_ns is None:
            return None
        return tuple(max(f - self.overhead_ns, 0.01 * f) for f in self.fastest_ns)

    @property
    def process_count(self) -> int:
        return len(set(self.process))

    def merged(self, other: Samples) -> Samples:
        """These samples followed by ``other``'s (from another worker process of the same benchmark)."""
        if other.mode is not self.mode:
            raise ValueError(f"cannot merge {other.mode.value} samples into {self.mode.value} samples")
        if other.unit != self.unit:
            raise ValueError(f"cannot merge samples in {other.unit} into samples in {self.unit}")
        count = self.process_count + other.process_count

        def weighted(mine: float, theirs: float) -> float:
            return (mine * self.process_count + theirs * other.process_count) / count

        fastest = (
            self.fastest_ns + other.fastest_ns if self.fastest_ns is not None and other.fastest_ns is not None else None
        )
        ran_first = (
            self.ran_first + other.ran_first if self.ran_first is not None and other.ran_first is not None else None
        )
        events = None
        if self.events is not None and other.events is not None and self.events.keys() == other.events.keys():
            events = {name: values + other.events[name] for name, values in self.events.items()}
        overhead_events = None
        if self.overhead_events is not None and other.overhead_events is not None:
            overhead_events = {
                name: weighted(value, other.overhead_events.get(name, value))
                for name, value in self.overhead_events.items()
            }
        return Samples(
            self.mode,
            self.iters + other.iters,
            self.times_ns + other.times_ns,
            self.process + other.process,
            weighted(self.overhead_ns, other.overhead_ns),
            fastest,
            ran_first,
            self.unit,
            events,
            overhead_events,
            self.reference_rate if self.reference_rate is not None else other.reference_rate,
        )
