"""Plans runs, spawns worker processes, talks to them over a versioned protocol, enforces timeouts."""

from critbench.engine._builds import Build, BuildError, build_reason, compiled_modules, install
from critbench.engine._callgrind import valgrind_problem
from critbench.engine._diagnostics import DiagnosticsProbe
from critbench.engine._environment import capture_environment
from critbench.engine._observer import RunObserver, SilentObserver
from critbench.engine._revisions import (
    Checkout,
    Checkouts,
    checkouts,
    commit_subject,
    commits_between,
    repository_root,
    resolve_commit,
    scratch_checkouts,
    uncommitted_files,
)
from critbench.engine._runner import (
    PairedResults,
    RevisionCode,
    SuiteRunner,
    TargetListing,
    list_target,
)
from critbench.engine._schedule import load_failure_id
from critbench.errors import RevisionError

__all__ = [
    "Build",
    "BuildError",
    "Checkout",
    "Checkouts",
    "DiagnosticsProbe",
    "PairedResults",
    "RevisionCode",
    "RevisionError",
    "RunObserver",
    "SilentObserver",
    "SuiteRunner",
    "TargetListing",
    "build_reason",
    "capture_environment",
    "checkouts",
    "commit_subject",
    "commits_between",
    "compiled_modules",
    "install",
    "list_target",
    "load_failure_id",
    "repository_root",
    "resolve_commit",
    "scratch_checkouts",
    "uncommitted_files",
    "valgrind_problem",
]
