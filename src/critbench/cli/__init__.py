"""The ``critbench`` command. The only code that exits the process or turns errors into exit statuses.

``main`` is a thin wrapper around :func:`run`, which returns the exit status; errors become one-line
messages on stderr here and nowhere else. Heavy modules (numpy, the engine, the reports) are imported by
the commands that need them, so ``critbench --help`` stays fast.
"""

from __future__ import annotations

import signal
import sys
from typing import TextIO

from critbench.cli._args import UsageError, build_parser, parse_harness, split_harness

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


def run(argv: list[str], stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Run the command line ``argv`` (without the program name) and return its exit status."""
    from critbench.discovery import DiscoveryError
    from critbench.engine import RevisionError
    from critbench.storage import StorageError

    out = stdout if stdout is not None else sys.stdout
    err = stderr if stderr is not None else sys.stderr
    try:
        own, harness = split_harness(argv)
        parser = build_parser()
        options = vars(parser.parse_args(own))
        command = options.get("command")
        if command is None:
            parser.print_help(out)
            return EXIT_USAGE
        if harness and command not in ("run", "ab"):
            raise UsageError(f"harness arguments after '--' are only for 'critbench run' and 'ab', not '{command}'")
        from critbench.cli._context import make_context

        ctx = make_context(options, out, err)
        if command == "run":
            from critbench.cli._run import merge_harness, run_command

            return run_command(ctx, merge_harness(options, parse_harness(harness)), argv)
        if command == "ab":
            from critbench.cli._ab import ab_command
            from critbench.cli._run import merge_harness

            return ab_command(ctx, merge_harness(options, parse_harness(harness)), argv)
        if command == "list":
            from critbench.cli._list import list_command

            return list_command(ctx, options)
        if command == "compare":
            from critbench.cli._stored import compare_command

            return compare_command(ctx, options)
        if command == "baselines":
            from critbench.cli._stored import baselines_command

            return baselines_command(ctx, options)
        if command == "report":
            from critbench.cli._report import report_command

            return report_command(ctx, options)
        if command == "history":
            from critbench.cli._history import history_command

            return history_command(ctx, options)
        raise UsageError(f"unknown command {command!r}")
    except (UsageError, DiscoveryError, StorageError, RevisionError) as exc:
        err.write(f"error: {exc}\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        err.write("\ninterrupted: nothing from this run was saved; existing baselines are unchanged\n")
        return EXIT_INTERRUPTED


def _terminate(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> None:
    # SIGTERM (a CI job cancelled, `kill`) ends a run like Ctrl-C does: cleanup blocks run, so no worker,
    # temporary worktree or half-written file is left behind.
    signal.signal(signal.SIGTERM, _terminate)
    sys.exit(run(sys.argv[1:]))
