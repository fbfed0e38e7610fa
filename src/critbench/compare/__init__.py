"""Turns estimates and policy into verdicts and an exit status; no files, no printing."""

from critbench.compare._evaluate import analyze, evaluate, noise_floors
from critbench.compare._figures import benchmark_figures, prepare_report, stability
from critbench.compare._stability import (
    machine_warnings,
    run_stability,
    spread_warning,
    stability_warnings,
    typicals_by_benchmark,
    with_spread_warnings,
)
from critbench.compare._verdict import (
    FailOn,
    assess_target,
    exit_status,
    indicator,
    judge,
    parse_fail_on,
    verdict,
)

__all__ = [
    "FailOn",
    "analyze",
    "assess_target",
    "benchmark_figures",
    "evaluate",
    "exit_status",
    "indicator",
    "judge",
    "machine_warnings",
    "noise_floors",
    "parse_fail_on",
    "prepare_report",
    "run_stability",
    "spread_warning",
    "stability",
    "stability_warnings",
    "typicals_by_benchmark",
    "verdict",
    "with_spread_warnings",
]
