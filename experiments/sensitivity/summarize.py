#!/usr/bin/env python3
"""Tables of the sensitivity experiment: the rate of "regressed" verdicts per tool, workload, load and slowdown.

python3 experiments/sensitivity/summarize.py experiments/sensitivity/results/sensitivity.jsonl
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path


def main() -> int:
    rows = [json.loads(line) for path in sys.argv[1:] for line in Path(path).read_text().splitlines() if line]
    cells: dict[tuple[str, str, str, float], list[bool]] = defaultdict(list)
    walls: dict[str, list[float]] = defaultdict(list)
    for row in rows:
        cells[(row["tool"], row["workload"], row["load"], row["slowdown"])].append(row["regressed"])
        walls[row["tool"]].append(row["wall_per_benchmark_s"])
    tools = sorted({key[0] for key in cells})
    slowdowns = sorted({key[3] for key in cells})
    header = "| tool | workload | load | " + " | ".join(f"{s:.0%}" for s in slowdowns) + " |"
    print(header)
    print("|" + "---|" * (3 + len(slowdowns)))
    for tool in tools:
        for workload in ("loop_20us", "json_1ms"):
            for load in ("idle", "busy"):
                values = []
                for slowdown in slowdowns:
                    verdicts = cells.get((tool, workload, load, slowdown), [])
                    values.append(f"{sum(verdicts) / len(verdicts):.0%} ({len(verdicts)})" if verdicts else "–")
                print(f"| {tool} | {workload} | {load} | " + " | ".join(values) + " |")
    print()
    mdc: dict[tuple[str, str, str], list[float]] = defaultdict(list)
    for row in rows:
        if row.get("min_detectable_change") is not None:
            mdc[(row["tool"], row["workload"], row["load"])].append(row["min_detectable_change"])
    if mdc:
        print("| tool | workload | load | minimum detectable change, median (max) |")
        print("|---|---|---|---|")
        for (tool, workload, load), values in sorted(mdc.items()):
            values.sort()
            print(f"| {tool} | {workload} | {load} | {values[len(values) // 2]:.1%} ({values[-1]:.1%}) |")
        print()
    loads = [row["loadavg_before"] for row in rows if "loadavg_before" in row]
    if loads:
        loads.sort()
        print(f"1-minute load average before a comparison: median {loads[len(loads) // 2]:.2f}, max {loads[-1]:.2f}")
        print()
    print("| tool | wall time per benchmark, median (s) |")
    print("|---|---|")
    for tool in tools:
        values = sorted(walls[tool])
        print(f"| {tool} | {values[len(values) // 2]:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
