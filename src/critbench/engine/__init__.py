"""Plans runs, spawns worker processes, talks to them over a versioned protocol, enforces timeouts."""

from critbench.engine._callgrind import valgrind_problem
from critbench.engine._diagnostics import DiagnosticsProbe
from critbench.engine._environment import capture_environment
from critbench.engine._observer import RunObserver, SilentObserver
from critbench.engine._revisions import (
    Checkout,
    checkouts,
    repository_root,
    resolve_commit,
    uncommitted_files,
)
from critbench.engine._runner import (
    PairedResults,
    SuiteRunner,
    TargetListing,
    list_target,
)
from critbench.engine._schedule import load_failure_id
from critbench.errors import RevisionError

__all__ = [
    "Checkout",
    "DiagnosticsProbe",
    "PairedResults",
    "RevisionError",
    "RunObserver",
    "SilentObserver",
    "SuiteRunner",
    "TargetListing",
    "capture_environment",
    "checkouts",
    "list_target",
    "load_failure_id",
    "repository_root",
    "resolve_commit",
    "uncommitted_files",
    "valgrind_problem",
]
