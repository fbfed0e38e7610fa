#!/usr/bin/env python3
"""Judge an acceptance results file's recorded per-layout counts again, with the current verdict code.

acceptance.py records each benchmark's net count per layout (``per_layout``) for the baseline and every
comparison run. This rebuilds each side's samples from them (N, 2N, 3N intervals on a straight line, so the
slope is the recorded count), runs ``critbench.compare.evaluate`` on them with the instruction defaults, as
``critbench run --baseline base`` would (the false-discovery adjustment over the whole run included), and
writes the file again with the new verdicts beside it (``-rejudged-layouts.json``):

    .venv/bin/python experiments/instructions/rejudge_recorded.py results/acceptance-20261207-0229.json
    python3 experiments/instructions/acceptance.py --summarize results/acceptance-20261207-0229-rejudged-layouts.json

Only the verdict fields change (verdict, change, p, adjusted p, threshold, detectable change); the counts
and everything else are the recorded ones. Run with the worktree's .venv (it imports critbench).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from critbench.compare import evaluate
from critbench.model import (
    BenchmarkId,
    BenchmarkInfo,
    BenchmarkResult,
    Measure,
    Samples,
    SamplingMode,
    Settings,
    measure_defaults,
)

SETTINGS = Settings().apply(measure_defaults(Measure.INSTRUCTIONS)).apply({"measure": Measure.INSTRUCTIONS})
FIXED = 5_000.0
"""Instructions per interval outside the routine (markers, loop set-up): they drop out of the slope."""


def samples(per_layout: list[float]) -> Samples:
    iters, values, process = [], [], []
    for k, net in enumerate(per_layout):
        for m in (1, 2, 3):
            iters.append(100.0 * m)
            values.append(FIXED + net * 100.0 * m)
            process.append(k)
    return Samples(SamplingMode.LINEAR, tuple(iters), tuple(values), tuple(process), unit="instructions")


def benchmark_id(full_id: str) -> BenchmarkId:
    group, function = full_id.split("/", 1)
    return BenchmarkId(group, function)


def rejudge(result: dict[str, Any], condition: str) -> None:
    base = {b["id"]: samples(b["per_layout"]) for b in result["runs"]["base"]["benchmarks"] if b["per_layout"]}
    found = [b for b in result["runs"][condition]["benchmarks"] if b["per_layout"]]
    judged = evaluate(
        [
            BenchmarkResult(BenchmarkInfo(benchmark_id(b["id"]), settings=SETTINGS), samples(b["per_layout"]))
            for b in found
        ],
        base,
        "base",
    ).results
    for bench, outcome in zip(found, judged, strict=True):
        comparison = outcome.comparison
        if comparison is None:
            continue
        bench["verdict"] = comparison.verdict.value
        bench["change"] = {"point": comparison.change.mean.point}
        bench["p"] = comparison.change.p_value
        bench["p_adjusted"] = comparison.p_value_adjusted
        bench["threshold"] = comparison.noise_threshold
        bench["detectable"] = comparison.min_detectable_change


def main() -> int:
    path = Path(sys.argv[1])
    result = json.loads(path.read_text())
    conditions = [c for c in ("cpu-hog", "quiet") if c in result["runs"]]
    for condition in conditions:
        rejudge(result, condition)
    result["rejudged"] = {"conditions": conditions, "by": "rejudge_recorded.py (recorded per-layout counts)"}
    out = path.with_name(path.stem + "-rejudged-layouts.json")
    out.write_text(json.dumps(result, indent=1))
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
