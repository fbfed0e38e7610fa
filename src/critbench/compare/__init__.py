"""Turns estimates and policy into verdicts and an exit status; no files, no printing."""

from critbench.compare._evaluate import analyze, evaluate, noise_floors
from critbench.compare._verdict import (
    EXIT_FAILED,
    EXIT_GATE,
    EXIT_OK,
    EXIT_USAGE,
    FailOn,
    assess_target,
    exit_status,
    indicator,
    judge,
    parse_fail_on,
    verdict,
)

__all__ = [
    "EXIT_FAILED",
    "EXIT_GATE",
    "EXIT_OK",
    "EXIT_USAGE",
    "FailOn",
    "analyze",
    "assess_target",
    "evaluate",
    "exit_status",
    "indicator",
    "judge",
    "noise_floors",
    "parse_fail_on",
    "verdict",
]
