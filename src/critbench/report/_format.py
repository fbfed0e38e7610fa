"""Criterion's number formatting (``format.rs``): four significant-ish digits, each value scaled alone."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TypeVar

from critbench.model import Throughput, ThroughputKind

MINUS = "\u2212"

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def printable(text: str) -> str:
    """``text`` with every control character (C0, DEL, C1, line separators) written as its escape.

    Benchmark ids, descriptions and failure reasons come from user code; an escape sequence in a
    parameter's ``str()`` must not reach the terminal or a Markdown file as it is.
    """
    return _CONTROL.sub(lambda match: match.group().encode("unicode_escape").decode("ascii"), text)


_Rung = TypeVar("_Rung")


def _rung(value: float, ladder: Sequence[tuple[float, _Rung]], top: _Rung) -> _Rung:
    """What ``ladder`` (limits ascending) gives for the first limit ``value`` is below; ``top`` above them all.

    Every scale here is such a ladder: decimals by magnitude, time units, iteration-count suffixes.
    """
    for limit, rung in ladder:
        if value < limit:
            return rung
    return top


_DECIMALS = ((10.0, 4), (100.0, 3), (1000.0, 2), (10000.0, 1))


def short(n: float) -> str:
    """4, 3, 2, 1 or 0 decimals for values below 10, 100, 1000, 10000 and above."""
    return f"{n:.{_rung(n, _DECIMALS, 0)}f}"


def signed_short(n: float) -> str:
    sign = "+" if n >= 0 else MINUS
    return sign + short(abs(n))


_TIME_UNITS = ((1.0, (1e-3, "ps")), (1e3, (1.0, "ns")), (1e6, (1e3, "µs")), (1e9, (1e6, "ms")))
"""(below this many ns, (divide by, unit)), smallest first; from 1e9 ns on, seconds."""


def time_scale(ns: float) -> tuple[float, str]:
    """The divisor and unit a time of ``ns`` is shown in: ps, ns, µs, ms or s, whichever keeps it below 1000."""
    return _rung(ns, _TIME_UNITS, (1e9, "s"))


def time(ns: float) -> str:
    """``"{:>6} {unit}"`` with ps, ns, µs, ms or s."""
    divisor, unit = time_scale(ns)
    return f"{short(ns / divisor):>6} {unit}"


def instructions(n: float) -> str:
    """An instruction count as counted: every digit, thousands separated (``1,456,689 instr``), one decimal
    where the per-iteration count is not whole (``10,612.4 instr``)."""
    shown = f"{n:,.0f}" if abs(n - round(n)) < 0.05 else f"{n:,.1f}"
    return f"{shown} instr"


_COUNT_UNITS = ((1e3, (1.0, "instr")), (1e6, (1e3, "K instr")), (1e9, (1e6, "M instr")))


def count_scale(n: float) -> tuple[float, str]:
    """The divisor and unit a chart shows counts as large as ``n`` in: instr, K, M or G instr."""
    return _rung(n, _COUNT_UNITS, (1e9, "G instr"))


def measured(value: float, unit: str) -> str:
    """A measured value in its unit, unpadded: a time (``1.2345 µs``) or a count (``11,031 instr``)."""
    return instructions(value) if unit == "instructions" else time(value).strip()


def value_scale(value: float, unit: str) -> tuple[float, str]:
    """The divisor and unit label of a chart axis for values as large as ``value`` in ``unit``."""
    return count_scale(value) if unit == "instructions" else time_scale(value)


def change(fraction: float) -> str:
    """A relative change as a signed percentage with U+2212 for minus: ``+2.5012%``, ``−1.2034%``."""
    return f"{signed_short(fraction * 1e2):>6}%"


def percent(fraction: float) -> str:
    return f"{short(fraction * 1e2):>6}%"


_UNITS: dict[ThroughputKind, tuple[float, tuple[str, ...]]] = {
    ThroughputKind.BYTES: (1024.0, ("  B/s", "KiB/s", "MiB/s", "GiB/s")),
    ThroughputKind.BYTES_DECIMAL: (1000.0, (" B/s", "KB/s", "MB/s", "GB/s")),
    ThroughputKind.ELEMENTS: (1000.0, (" elem/s", "Kelem/s", "Melem/s", "Gelem/s")),
    ThroughputKind.BITS: (1000.0, ("  b/s", "Kb/s", "Mb/s", "Gb/s")),
}


def throughput(spec: Throughput, ns_per_iteration: float) -> str:
    """The rate ``spec.amount`` per iteration makes at ``ns_per_iteration``, scaled to its unit."""
    step, units = _UNITS[spec.kind]
    rate = spec.amount * 1e9 / ns_per_iteration
    for unit in units[:-1]:
        if rate < step:
            return f"{short(rate):>6} {unit}"
        rate /= step
    return f"{short(rate):>6} {units[-1]}"


def bytes_size(n: float) -> str:
    """A memory size in decimal units, as targets are written: ``"23.4 MB"``, ``"512 B"``."""
    value = float(n)
    if value < 1000:
        return f"{value:.0f} B"
    for unit in ("kB", "MB", "GB"):
        value /= 1000.0
        if value < 1000 or unit == "GB":
            return f"{value:.1f} {unit}"
    raise AssertionError("unreachable")


def thousands(n: float) -> str:
    """An integer with comma thousands separators, as the bencher format prints."""
    return f"{round(n):,}"


def iterations(count: int, *, exact: bool) -> str:
    """Criterion's abbreviated iteration count: ``5050 iterations``, ``12k iterations``, ``1.5M``."""
    if exact or count < 10_000:
        return f"{count} iterations"
    divisor, decimals, suffix = _rung(count, _ITERATION_SUFFIXES, (1e9, 0, "B"))
    return f"{count / divisor:.{decimals}f}{suffix} iterations"


_ITERATION_SUFFIXES = (
    (1_000_000, (1e3, 0, "k")),
    (10_000_000, (1e6, 1, "M")),
    (1_000_000_000, (1e6, 0, "M")),
    (10_000_000_000, (1e9, 1, "B")),
)
"""(below this count, (divide by, decimals, suffix)), from 10,000 iterations on."""


def count(n: int, noun: str, plural: str | None = None) -> str:
    """``1 process``, ``10 processes``: a count with its noun in the right number."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"
