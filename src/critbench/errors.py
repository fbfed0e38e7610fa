"""critbench's exceptions and exit statuses, defined once.

Every command ends in one place (``critbench.cli.run``) that turns what happened into an exit status::

    0  all good
    1  a gate tripped: a regression (or a change, or a missed target, per --fail-on)
    2  bad usage or input: an unknown or invalid baseline name, a bad config, nothing matched
    3  one or more benchmarks failed to run (raised, timed out, killed their worker)
    4  critbench itself failed: an internal error, printed as one line (the traceback with -v)
    130 interrupted (Ctrl-C, SIGTERM)

Nothing but a gate exits 1, so a CI job that greps for regressions can trust the status. Errors that
mean "the input cannot be used" derive from :class:`CritbenchError` and carry status 2; anything else
that escapes a command is an internal error (4), never mistaken for a regression.

This module imports nothing of critbench's, so every layer can raise these.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_GATE = 1
EXIT_USAGE = 2
EXIT_FAILED = 3
EXIT_INTERNAL = 4
EXIT_INTERRUPTED = 130


class CritbenchError(Exception):
    """An error whose message tells the user what to fix; it ends the command with :attr:`exit_status`."""

    exit_status: int = EXIT_USAGE


class UsageError(CritbenchError):
    """Bad command-line input."""


class ConfigError(CritbenchError):
    """The workspace or its configuration cannot be used."""


class StorageError(CritbenchError):
    """Stored data cannot be read or written; the message names the file and what to do."""


class RevisionError(CritbenchError):
    """A git revision cannot be measured; the message says why and what to do."""


class NothingMatched(CritbenchError):
    """The selection (packages, target, FILTER) matched no benchmark."""
