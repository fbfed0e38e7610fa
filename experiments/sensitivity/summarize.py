#!/usr/bin/env python3
"""Tables of the sensitivity experiment: the rate of "regressed" verdicts per tool, workload, load and slowdown.

    python3 experiments/sensitivity/summarize.py experiments/sensitivity/results/sensitivity.jsonl
    python3 experiments/sensitivity/summarize.py --into docs/rigor.md results/a.jsonl results/b.jsonl

With ``--into FILE`` the tables replace what stands between the lines ``<!-- sensitivity-tables:start -->``
and ``<!-- sensitivity-tables:end -->`` in FILE instead of being printed.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

START = "<!-- sensitivity-tables:start -->"
END = "<!-- sensitivity-tables:end -->"
WORKLOADS = ("loop_20us", "json_1ms")
LOADS = ("idle", "busy")


def median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def verdict_table(rows: list[dict]) -> list[str]:
    cells: dict[tuple[str, str, str, float], list[bool]] = defaultdict(list)
    for row in rows:
        cells[(row["tool"], row["workload"], row["load"], row["slowdown"])].append(row["regressed"])
    tools = sorted({key[0] for key in cells})
    slowdowns = sorted({key[3] for key in cells})
    lines = [
        "| tool | workload | load | " + " | ".join(f"{s:.0%}" for s in slowdowns) + " |",
        "|" + "---|" * (3 + len(slowdowns)),
    ]
    for tool in tools:
        for workload in WORKLOADS:
            for load in LOADS:
                values = []
                for slowdown in slowdowns:
                    verdicts = cells.get((tool, workload, load, slowdown), [])
                    values.append(f"{sum(verdicts) / len(verdicts):.0%} ({len(verdicts)})" if verdicts else "–")
                lines.append(f"| {tool} | {workload} | {load} | " + " | ".join(values) + " |")
    return lines


def totals_table(rows: list[dict]) -> list[str]:
    """Per tool, the counts behind the claims: unchanged code called regressed, and each slowdown caught."""
    counts: dict[tuple[str, float], list[bool]] = defaultdict(list)
    for row in rows:
        counts[(row["tool"], row["slowdown"])].append(row["regressed"])
    tools = sorted({tool for tool, _ in counts})
    slowdowns = sorted({slowdown for _, slowdown in counts})
    lines = [
        "| tool | unchanged called regressed | " + " | ".join(f"{s:.0%} caught" for s in slowdowns if s) + " |",
        "|" + "---|" * (1 + len(slowdowns)),
    ]
    for tool in tools:
        values = []
        for slowdown in slowdowns:
            verdicts = counts.get((tool, slowdown), [])
            values.append(f"{sum(verdicts)} of {len(verdicts)}" if verdicts else "–")
        lines.append(f"| {tool} | " + " | ".join(values) + " |")
    return lines


def mdc_table(rows: list[dict]) -> list[str]:
    mdc: dict[tuple[str, str, str], list[float]] = defaultdict(list)
    for row in rows:
        if row.get("min_detectable_change") is not None:
            mdc[(row["tool"], row["workload"], row["load"])].append(row["min_detectable_change"])
    if not mdc:
        return []
    lines = ["| tool | workload | load | minimum detectable change, median (max) |", "|---|---|---|---|"]
    for (tool, workload, load), values in sorted(mdc.items()):
        lines.append(f"| {tool} | {workload} | {load} | {median(values):.1%} ({max(values):.1%}) |")
    return lines


def wall_table(rows: list[dict]) -> list[str]:
    walls: dict[str, list[float]] = defaultdict(list)
    for row in rows:
        walls[row["tool"]].append(row["wall_per_benchmark_s"])
    lines = ["| tool | wall time per benchmark, median (s) |", "|---|---|"]
    lines += [f"| {tool} | {median(values):.1f} |" for tool, values in sorted(walls.items())]
    return lines


def tables(rows: list[dict]) -> str:
    sections = [verdict_table(rows), totals_table(rows), mdc_table(rows)]
    loads = [row["loadavg_before"] for row in rows if "loadavg_before" in row]
    if loads:
        sections.append(
            [f"1-minute load average before a comparison: median {median(loads):.2f}, max {max(loads):.2f}"]
        )
    sections.append(wall_table(rows))
    return "\n\n".join("\n".join(section) for section in sections if section) + "\n"


def write_into(path: Path, text: str) -> None:
    document = path.read_text()
    if document.count(START) != 1 or document.count(END) != 1 or document.index(START) > document.index(END):
        raise SystemExit(f"{path}: needs exactly one {START} line followed by one {END} line")
    head, rest = document.split(START)
    _, tail = rest.split(END)
    path.write_text(f"{head}{START}\n\n{text}\n{END}{tail}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "results",
        nargs="+",
        help="results/*.jsonl files, one comparison per line; FILE:TOOL=LABEL shows that file's TOOL rows as LABEL "
        "(to set two builds of one tool side by side)",
    )
    parser.add_argument("--into", type=Path, help="a Markdown file whose marked section the tables replace")
    args = parser.parse_args()
    rows = []
    for argument in args.results:
        path, _, renames = argument.partition(":") if "=" in argument else (argument, "", "")
        labels = dict(rename.split("=", 1) for rename in renames.split(",") if rename)
        for line in Path(path).read_text().splitlines():
            if line:
                row = json.loads(line)
                row["tool"] = labels.get(row["tool"], row["tool"])
                rows.append(row)
    if not rows:
        raise SystemExit("no results in " + ", ".join(args.results))
    text = tables(rows)
    if args.into:
        write_into(args.into, text)
        print(f"tables written into {args.into}")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
