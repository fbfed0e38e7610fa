"""Plans runs, spawns worker processes, talks to them over a versioned protocol, enforces timeouts."""

from critbench.engine._environment import capture_environment
from critbench.engine._runner import (
    RunObserver,
    Selection,
    SilentObserver,
    TargetListing,
    list_target,
    load_failure_id,
    run_suite,
)

__all__ = [
    "RunObserver",
    "Selection",
    "SilentObserver",
    "TargetListing",
    "capture_environment",
    "list_target",
    "load_failure_id",
    "run_suite",
]
