"""pytest-benchmark's results table: one block per group, a row per test, each time with its ratio to the best.

Rows are pytest-benchmark's flat entries (``Metadata.as_dict(flat=True)``): the statistics of the rounds,
in seconds. ``--benchmark-group-by``, ``--benchmark-sort``, ``--benchmark-columns``, ``--benchmark-name``
and ``--benchmark-time-unit`` keep their meaning. The numbers come from critbench's samples (every worker
process's), net of the harness's own cost; see docs/pytest-benchmark.md for what that changes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from critbench.pytest_plugin._options import COLUMNS

_TIME_COLUMNS = ("min", "max", "mean", "stddev", "median", "iqr")
_UNITS = (("ns", 1e9), ("us", 1e6), ("ms", 1e3), ("s", 1.0))
_HEADERS = {
    "min": "Min",
    "max": "Max",
    "mean": "Mean",
    "stddev": "StdDev",
    "median": "Median",
    "iqr": "IQR",
    "outliers": "Outliers",
    "ops": "OPS",
    "rounds": "Rounds",
    "iterations": "Iterations",
}
LEGEND = [
    "Legend:",
    "  Outliers: 1 Standard Deviation from Mean; 1.5 IQR (InterQuartile Range) from 1st Quartile and 3rd Quartile.",
    "  OPS: Operations Per Second, computed as 1 / Mean",
]


def group_key(row: Mapping[str, Any], group_by: str) -> str | None:
    """The table block a row belongs to under ``--benchmark-group-by``."""
    parts: list[str] = []
    for grouping in group_by.split(","):
        if grouping == "group":
            value = row.get("group")
        elif grouping == "name":
            value = row["name"]
        elif grouping == "func":
            value = row["name"].split("[")[0]
        elif grouping == "fullname":
            value = row["fullname"]
        elif grouping == "fullfunc":
            value = row["fullname"].split("[")[0]
        elif grouping == "param":
            value = row.get("param")
        elif grouping.startswith("param:"):
            name = grouping.removeprefix("param:")
            value = f"{name}={(row.get('params') or {}).get(name)}"
        else:
            raise ValueError(f"Unsupported grouping {group_by!r}.")
        if value:
            parts.append(str(value))
    return " ".join(parts) or None


def _name(row: Mapping[str, Any], name_format: str) -> str:
    if name_format == "long":
        return str(row["fullname"])
    name = str(row["name"])
    if name_format == "short" and name.startswith("test_"):
        return name[5:]
    return name


def _time_unit(best_s: float, unit: str | None) -> tuple[str, float]:
    if unit not in (None, "auto"):
        return next(item for item in _UNITS if item[0] == unit)
    for label, scale in _UNITS:
        if best_s * scale < 1000:
            return label, scale
    return _UNITS[-1]


def _ops_unit(worst_ops: float) -> tuple[str, float]:
    if worst_ops >= 1e6:
        return "Mops/s", 1e-6
    if worst_ops >= 1e3:
        return "Kops/s", 1e-3
    return "ops/s", 1.0


def render_table(
    rows: Sequence[Mapping[str, Any]],
    *,
    group_by: str = "group",
    sort: str = "min",
    columns: Sequence[str] = COLUMNS,
    name_format: str = "normal",
    time_unit: str | None = None,
) -> list[str]:
    """The table's lines (no colour)."""
    groups: dict[str | None, list[Mapping[str, Any]]] = {}
    for row in rows:
        groups.setdefault(group_key(row, group_by), []).append(row)
    lines: list[str] = []
    for key in sorted(groups, key=lambda k: k or ""):
        members = sorted(groups[key], key=lambda r: r[sort] if sort not in ("name", "fullname") else str(r[sort]))
        lines += _block(key, members, columns=columns, name_format=name_format, time_unit=time_unit, sort=sort)
    if lines:
        lines += ["", *LEGEND]
    return lines


def _block(
    key: str | None,
    rows: Sequence[Mapping[str, Any]],
    *,
    columns: Sequence[str],
    name_format: str,
    time_unit: str | None,
    sort: str,
) -> list[str]:
    best_key = sort if sort in _TIME_COLUMNS else "min"
    unit, scale = _time_unit(min(float(row[best_key]) for row in rows), time_unit)
    ops_label, ops_scale = _ops_unit(min(float(row["ops"]) for row in rows))
    best = {column: min(float(row[column]) for row in rows) for column in _TIME_COLUMNS}
    best["ops"] = max(float(row["ops"]) for row in rows)
    header = [f"Name (time in {unit})"]
    cells: list[list[str]] = []
    for column in columns:
        header.append(f"OPS ({ops_label})" if column == "ops" else _HEADERS[column])
    for row in rows:
        line = [_name(row, name_format)]
        for column in columns:
            value = row[column]
            if column in _TIME_COLUMNS:
                ratio = float(value) / best[column] if best[column] else 1.0
                line.append(f"{float(value) * scale:,.4f} ({ratio:.2f})")
            elif column == "ops":
                ratio = float(value) / best["ops"] if best["ops"] else 1.0
                line.append(f"{float(value) * ops_scale:,.4f} ({ratio:.2f})")
            else:
                line.append(str(value))
        cells.append(line)
    widths = [max(len(line[i]) for line in [header, *cells]) for i in range(len(header))]

    def join(line: list[str]) -> str:
        first = line[0].ljust(widths[0])
        return "  ".join([first, *(cell.rjust(width) for cell, width in zip(line[1:], widths[1:], strict=True))])

    title = f" benchmark{f' {key!r}' if key else ''}: {len(rows)} test{'s' if len(rows) != 1 else ''} "
    width = len(join(header))
    rule = "-" * width
    return [title.center(width, "-"), join(header), rule, *(join(line) for line in cells), rule, ""]
