"""Turns estimates and policy into verdicts and an exit status; no files, no printing."""

from critbench.compare._bisect import BisectSearch
from critbench.compare._evaluate import Evaluation, analyze, evaluate, noise_floors
from critbench.compare._figures import benchmark_figures, history_stability, prepare_report
from critbench.compare._machine import (
    found_busy,
    machine_slowdown,
    machine_speed_between,
    machine_speed_caution,
    one_minute_load,
)
from critbench.compare._policy import (
    environment_caution,
    missing_baseline_caution,
    precision_check,
    precision_not_reached,
    settled,
    side_by_side_hint,
)
from critbench.compare._stability import (
    machine_warnings,
    spread_warning,
    stability_table,
    stability_warnings,
    typicals_by_benchmark,
    with_spread_warning,
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
    "BisectSearch",
    "Evaluation",
    "FailOn",
    "analyze",
    "assess_target",
    "benchmark_figures",
    "environment_caution",
    "evaluate",
    "exit_status",
    "found_busy",
    "history_stability",
    "indicator",
    "judge",
    "machine_slowdown",
    "machine_speed_between",
    "machine_speed_caution",
    "machine_warnings",
    "missing_baseline_caution",
    "noise_floors",
    "one_minute_load",
    "parse_fail_on",
    "precision_check",
    "precision_not_reached",
    "prepare_report",
    "settled",
    "side_by_side_hint",
    "spread_warning",
    "stability_table",
    "stability_warnings",
    "typicals_by_benchmark",
    "verdict",
    "with_spread_warning",
]
