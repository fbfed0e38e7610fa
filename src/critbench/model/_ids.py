"""Benchmark identity: the ``group/function[/parameter]`` id, selections of ids, throughput declarations."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

_NAME_PART = re.compile(r"[^/\n]+")
_PARAMETER_PART = re.compile(r"[^\n]+")


@dataclass(frozen=True, order=True)
class BenchmarkId:
    """The id of one benchmark: ``group/function[/parameter]``.

    Only the parameter may contain ``/`` (it is the last part, so the id still parses back).

    The group defaults to the bench target's file name; the parameter is present for benchmarks declared
    with ``params=``. ``str(id)`` is the full id that filters match and reports print.
    """

    group: str
    function: str
    parameter: str | None = None

    def __post_init__(self) -> None:
        for part in (self.group, self.function):
            if not _NAME_PART.fullmatch(part):
                raise ValueError(f"group and function names must be non-empty, without '/': {part!r}")
        if self.parameter is not None and not _PARAMETER_PART.fullmatch(self.parameter):
            raise ValueError(f"a parameter must be non-empty, on one line: {self.parameter!r}")

    @property
    def full_id(self) -> str:
        parts = [self.group, self.function]
        if self.parameter is not None:
            parts.append(self.parameter)
        return "/".join(parts)

    def __str__(self) -> str:
        return self.full_id

    @classmethod
    def parse(cls, full_id: str) -> BenchmarkId:
        """Read back an id printed by :attr:`full_id`."""
        parts = full_id.split("/", 2)
        if len(parts) not in (2, 3):
            raise ValueError(f"not a benchmark id (expected group/function[/parameter]): {full_id!r}")
        return cls(*parts)


@dataclass(frozen=True)
class Selection:
    """Which benchmarks a command takes: Criterion's FILTER (a regex searched in the full id), or with
    ``exact`` one full id. The CLI applies it to stored results, workers to the ids their target declares."""

    pattern: str | None = None
    exact: bool = False

    def matches(self, full_id: str) -> bool:
        if self.pattern is None:
            return True
        if self.exact:
            return full_id == self.pattern
        return re.search(self.pattern, full_id) is not None


class ThroughputKind(enum.Enum):
    BYTES = "bytes"
    BYTES_DECIMAL = "bytes_decimal"
    ELEMENTS = "elements"
    BITS = "bits"


@dataclass(frozen=True)
class Throughput:
    """How much work one iteration does, so times can also be shown as a rate (bytes/s, elements/s).

    Build one with :meth:`bytes`, :meth:`bytes_decimal`, :meth:`elements` or :meth:`bits`.
    """

    kind: ThroughputKind
    amount: int

    def __post_init__(self) -> None:
        if self.amount <= 0:
            raise ValueError(f"throughput must be a positive count, got {self.amount}")

    @classmethod
    def bytes(cls, n: int) -> Throughput:
        """``n`` bytes per iteration, shown with 1024-based units (KiB/s, MiB/s)."""
        return cls(ThroughputKind.BYTES, n)

    @classmethod
    def bytes_decimal(cls, n: int) -> Throughput:
        """``n`` bytes per iteration, shown with 1000-based units (KB/s, MB/s)."""
        return cls(ThroughputKind.BYTES_DECIMAL, n)

    @classmethod
    def elements(cls, n: int) -> Throughput:
        """``n`` elements per iteration (elem/s)."""
        return cls(ThroughputKind.ELEMENTS, n)

    @classmethod
    def bits(cls, n: int) -> Throughput:
        """``n`` bits per iteration (b/s)."""
        return cls(ThroughputKind.BITS, n)
