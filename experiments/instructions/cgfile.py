"""A small reader of callgrind's output files (format version 1), no external tools.

Reads what a benchmark runner needs: the event names and totals of a dump and the trigger that caused it;
for diagnosis, each function's self (exclusive) cost. Format reference:
https://valgrind.org/docs/manual/cl-format.html
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

_NAME = re.compile(r"^\((\d+)\)(?: (.*))?$")
_NAME_KEYS = {
    "ob": "ob",
    "cob": "ob",
    "fl": "fl",
    "fi": "fl",
    "fe": "fl",
    "cfi": "fl",
    "cfl": "fl",
    "fn": "fn",
    "cfn": "fn",
}


@dataclass
class Dump:
    path: Path
    part: int
    trigger: str
    events: list[str]
    totals: dict[str, int]
    self_cost: dict[str, dict[str, int]] = field(default_factory=dict)  # "function [object]" -> event -> count

    @property
    def ir(self) -> int:
        return self.totals.get("Ir", 0)


def read_totals(path: Path) -> Dump:
    """The header of a dump only (events, ``summary:``, trigger): fast, for use while a run is going on."""
    events: list[str] = []
    summary: list[int] = []
    part = 0
    trigger = ""
    with path.open(encoding="utf-8", errors="replace") as handle:
        for line in handle:
            if line.startswith("events:"):
                events = line.split()[1:]
            elif line.startswith("summary:"):
                summary = [int(v) for v in line.split()[1:]]
                break
            elif line.startswith("part:"):
                part = int(line.split()[1])
            elif line.startswith("desc: Trigger:"):
                trigger = line.split(":", 2)[2].strip()
    return Dump(path, part, trigger, events, _by_event(events, summary))


def read_dump(path: Path, functions: bool = False) -> Dump:
    """Reads one dump file; with ``functions=True`` also each function's self cost (calls' costs excluded)."""
    events: list[str] = []
    n_positions = 1
    totals: list[int] | None = None
    summary: list[int] = []
    part = 0
    trigger = ""
    names: dict[tuple[str, str], str] = {}
    current = "?"
    current_ob = "?"
    skip_next_cost = False
    per_fn: dict[str, list[int]] = defaultdict(list)
    with path.open(encoding="utf-8", errors="replace") as handle:
        for raw in handle:
            line = raw.rstrip("\n")
            if not line:
                continue
            first = line[0]
            if first.isdigit() or first in "+-*":
                if skip_next_cost:  # the inclusive cost of a call: not the caller's own
                    skip_next_cost = False
                elif functions:
                    fields = line.split()
                    _add(per_fn[f"{current} [{current_ob}]"], [int(v) for v in fields[n_positions:]])
                continue
            key, eq, value = line.partition("=")
            if eq and key in _NAME_KEYS:
                name = _resolve(names, _NAME_KEYS[key], value)
                if key == "fn":
                    current = name
                elif key == "ob":
                    current_ob = name.rsplit("/", 1)[-1]
                continue
            if eq and key == "calls":
                skip_next_cost = True
                continue
            if line.startswith("events:"):
                events = line.split()[1:]
            elif line.startswith("positions:"):
                n_positions = len(line.split()[1:])
            elif line.startswith("totals:"):
                totals = [int(v) for v in line.split()[1:]]
            elif line.startswith("summary:"):
                summary = [int(v) for v in line.split()[1:]]
            elif line.startswith("part:"):
                part = int(line.split()[1])
            elif line.startswith("desc: Trigger:"):
                trigger = line.split(":", 2)[2].strip()
    dump = Dump(path, part, trigger, events, _by_event(events, totals if totals is not None else summary))
    if functions:
        dump.self_cost = {fn: _by_event(events, vals) for fn, vals in per_fn.items()}
    return dump


def _by_event(events: list[str], values: list[int]) -> dict[str, int]:
    return {e: (values[i] if i < len(values) else 0) for i, e in enumerate(events)}


def _add(into: list[int], values: list[int]) -> None:
    while len(into) < len(values):
        into.append(0)
    for i, v in enumerate(values):
        into[i] += v


def _resolve(names: dict[tuple[str, str], str], kind: str, value: str) -> str:
    m = _NAME.match(value)
    if not m:
        return value
    ident, name = m.group(1), m.group(2)
    if name is not None:
        names[(kind, ident)] = name
        return name
    return names.get((kind, ident), f"({ident})")


def dump_path(out_base: Path, index: int) -> Path:
    """The file of the ``index``-th dump (1-based) of a process whose output file is ``out_base``."""
    return out_base.with_name(f"{out_base.name}.{index}")


def dumps_of(out_base: Path, functions: bool = False) -> list[Dump]:
    """All dumps of one process: ``out_base.1``, ``out_base.2``, ... in order, then ``out_base`` itself (the
    final dump, written at exit)."""
    numbered = sorted(
        (p for p in out_base.parent.glob(out_base.name + ".*") if p.suffix[1:].isdigit()),
        key=lambda p: int(p.suffix[1:]),
    )
    files = numbered + ([out_base] if out_base.exists() else [])
    return [read_dump(p, functions) for p in files]
