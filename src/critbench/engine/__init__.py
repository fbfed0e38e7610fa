"""Plans runs, spawns worker processes, talks to them over a versioned protocol, enforces timeouts."""

from critbench.engine._diagnostics import DiagnosticsProbe
from critbench.engine._environment import capture_environment
from critbench.engine._runner import (
    PairedResults,
    RunObserver,
    Selection,
    SilentObserver,
    TargetListing,
    list_target,
    load_failure_id,
    run_paired_suite,
    run_suite,
)

__all__ = [
    "DiagnosticsProbe",
    "PairedResults",
    "RunObserver",
    "Selection",
    "SilentObserver",
    "TargetListing",
    "capture_environment",
    "list_target",
    "load_failure_id",
    "run_paired_suite",
    "run_suite",
]
