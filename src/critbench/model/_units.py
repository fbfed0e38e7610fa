"""Reading durations and sizes the way users write them: ``"10ms"``, ``2.5``, ``"50MB"``."""

from __future__ import annotations

import re

_DURATION = re.compile(r"\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(ns|us|µs|μs|ms|s|min)?\s*")
_DURATION_NS = {"ns": 1.0, "us": 1e3, "µs": 1e3, "μs": 1e3, "ms": 1e6, "s": 1e9, "min": 60e9}

_SIZE = re.compile(r"\s*([0-9]*\.?[0-9]+)\s*(B|KB|MB|GB|KiB|MiB|GiB|kB)?\s*")
_SIZE_BYTES = {
    "B": 1,
    "KB": 10**3,
    "kB": 10**3,
    "MB": 10**6,
    "GB": 10**9,
    "KiB": 2**10,
    "MiB": 2**20,
    "GiB": 2**30,
}


def parse_duration_ns(value: str | float | int, *, default_unit: str = "s") -> float:
    """Nanoseconds from ``"10ms"``, ``"1.5s"``, ``"250us"`` or a bare number in ``default_unit``.

    Raises ValueError with the accepted forms when the text is not a duration or is not positive.
    """
    if isinstance(value, bool):
        raise ValueError(f"not a duration: {value!r}")
    if isinstance(value, int | float):
        ns = float(value) * _DURATION_NS[default_unit]
    else:
        match = _DURATION.fullmatch(value)
        if match is None:
            raise ValueError(f"not a duration: {value!r} (write e.g. '10ms', '1.5s', '250us')")
        ns = float(match.group(1)) * _DURATION_NS[match.group(2) or default_unit]
    if not 0 < ns < float("inf"):
        raise ValueError(f"a duration must be positive and finite, got {value!r}")
    return ns


def parse_size_bytes(value: str | int | float) -> int:
    """Bytes from ``"50MB"`` (decimal), ``"64MiB"`` (binary), or a bare number of bytes."""
    if isinstance(value, bool):
        raise ValueError(f"not a size: {value!r}")
    if isinstance(value, int | float):
        size = float(value)
    else:
        match = _SIZE.fullmatch(value)
        if match is None:
            raise ValueError(f"not a size: {value!r} (write e.g. '50MB', '64MiB', '1GB')")
        size = float(match.group(1)) * _SIZE_BYTES[match.group(2) or "B"]
    if not size > 0:
        raise ValueError(f"a size must be positive, got {value!r}")
    return int(size)


_INSTRUCTIONS = re.compile(
    r"\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*([kKMG]?)\s*(?:instructions|instruction|instr|Ir)\s*"
)
_INSTRUCTION_SCALE = {"": 1.0, "k": 1e3, "K": 1e3, "M": 1e6, "G": 1e9}


def parse_instructions(value: str) -> float:
    """Instructions from ``"2M instructions"``, ``"1500 instr"``, ``"2.5e6 Ir"`` (k, M, G are 10³, 10⁶, 10⁹).

    Raises ValueError with the accepted forms when the text is not a count of instructions or not positive.
    """
    match = _INSTRUCTIONS.fullmatch(value)
    if match is None:
        raise ValueError(f"not a count of instructions: {value!r} (write e.g. '2M instructions', '1500 instr')")
    count = float(match.group(1)) * _INSTRUCTION_SCALE[match.group(2)]
    if not 0 < count < float("inf"):
        raise ValueError(f"a count of instructions must be positive and finite, got {value!r}")
    return count


def parse_target(value: str | float | int) -> tuple[float | None, float | None]:
    """A benchmark's ``target=``: ``(nanoseconds, None)`` for a time (``"10ms"``, a number of seconds), or
    ``(None, instructions)`` for a count of instructions (``"2M instructions"``)."""
    if isinstance(value, str) and re.search(r"instr|Ir\s*$", value):
        return None, parse_instructions(value)
    return parse_duration_ns(value), None
