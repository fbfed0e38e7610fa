#!/usr/bin/env python3
"""Turn prototype.py's --json output for sensitivity_benches.py into the change table of the README.

    .venv/bin/python experiments/instructions/sensitivity_table.py RESULT.json [RESULT.json ...]

For each workload and extra work (+0.5%, +1%, +2%, +5%): the measured change of instructions per iteration
against +0%, next to the largest spread over heap layouts of the two (the noise a comparison must beat).
"""

from __future__ import annotations

import json
import sys


def main(paths: list[str]) -> int:
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            result = json.load(handle)
        rows = {row["id"]: row for row in result["grouped"]}
        print(f"== {path}")
        print(f"{'workload':14} {'extra':>6} {'Ir/iter':>14} {'change':>9} {'layout spread':>14} {'nonlinear':>10}")
        workloads = sorted(
            {rid.split("/")[1] for rid in rows}, key=lambda w: list(rows).index(f"sensitivity_benches/{w}/+0%")
        )
        for workload in workloads:
            base = rows[f"sensitivity_benches/{workload}/+0%"]
            for extra in ("+0%", "+0.5%", "+1%", "+2%", "+5%"):
                row = rows[f"sensitivity_benches/{workload}/{extra}"]
                change = (row["net"]["Ir"] / base["net"]["Ir"] - 1) * 100
                spread = (
                    max(row.get("spread_pct", 0.0), base.get("spread_pct", 0.0)) if row.get("layouts", 1) > 1 else None
                )
                print(
                    f"{workload:14} {extra:>6} {row['net']['Ir']:>14,.1f} {change:>+8.3f}% "
                    f"{(f'{spread:.3f}%' if spread is not None else '-'):>14} {row['nonlinear_pct']:>9.3f}%"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
