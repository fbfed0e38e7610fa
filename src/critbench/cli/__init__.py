"""The ``critbench`` command. The only code that exits the process or turns errors into exit statuses.

``main`` is a thin wrapper around :func:`run`, which returns the exit status; errors become one-line
messages on stderr here and nowhere else. Heavy modules (numpy, the engine, the reports) are imported by
the commands that need them, so ``critbench --help`` stays fast.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import traceback
from typing import TextIO

from critbench.cli._args import build_parser, parse_harness, split_harness
from critbench.cli._journal import Journal
from critbench.cli._streams import encoding_safe
from critbench.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_USAGE, CritbenchError, UsageError

EXIT_BROKEN_PIPE = 141
"""The reader of our output went away (``critbench list | head``): 128 + SIGPIPE, as other tools end."""


def run(argv: list[str], stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Run the command line ``argv`` (without the program name) and return its exit status.

    The one error boundary: a :class:`~critbench.errors.CritbenchError` becomes its message and its exit
    status, an interrupt 130, a closed output pipe a quiet 141, and anything else an internal error (4) in
    one line, with the traceback when ``-v`` was given. Never 1, which only a gate returns.
    """
    out = encoding_safe(stdout if stdout is not None else sys.stdout)
    err = encoding_safe(stderr if stderr is not None else sys.stderr)
    journal = Journal()
    try:
        return _dispatch(argv, out, err, journal)
    except CritbenchError as exc:
        err.write(f"error: {exc}\n")
        return exc.exit_status
    except KeyboardInterrupt:
        err.write(f"\n{journal.interrupted()}\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _silence(out)
        return EXIT_BROKEN_PIPE
    except Exception as exc:
        err.write(f"critbench: internal error: {type(exc).__name__}: {_one_line(exc)}")
        if _verbose(argv):
            err.write("\n" + traceback.format_exc())
        else:
            err.write(" (run again with -v for the traceback; please report it)\n")
        return EXIT_INTERNAL


def _one_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else "(no message)"


def _verbose(argv: list[str]) -> bool:
    return any(arg in ("-v", "--verbose") for arg in argv)


def _silence(stream: TextIO) -> None:
    """Point a closed stdout at /dev/null, so the interpreter's final flush does not complain again."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())


def _dispatch(argv: list[str], out: TextIO, err: TextIO, journal: Journal) -> int:
    """Parse once into typed records, then hand the command its own (its module imported only now, so
    ``critbench --help`` stays fast)."""
    own, harness = split_harness(argv)
    parser = build_parser()
    values = vars(parser.parse_args(own))  # --help and --version print and exit here, before any import
    from critbench.cli import _options as opts
    from critbench.cli._context import make_context

    command = values.get("command")
    if command is None:
        parser.print_help(out)
        return EXIT_USAGE
    if harness and command not in ("run", "ab", "bisect"):
        raise UsageError(
            f"harness arguments after '--' are only for 'critbench run', 'ab' and 'bisect', not '{command}'"
        )
    options = opts.command_options(command, {**values, **parse_harness(harness)})
    ctx = make_context(opts.locations(values), out, err, journal)
    match options:
        case opts.RunOptions():
            from critbench.cli._run import run_command

            return run_command(ctx, options, argv)
        case opts.AbOptions():
            from critbench.cli._ab import ab_command

            return ab_command(ctx, options, argv)
        case opts.BisectOptions():
            from critbench.cli._bisect import bisect_command

            return bisect_command(ctx, options, argv)
        case opts.ListOptions():
            from critbench.cli._list import list_command

            return list_command(ctx, options)
        case opts.CompareOptions():
            from critbench.cli._stored import compare_command

            return compare_command(ctx, options)
        case opts.BaselinesOptions():
            from critbench.cli._stored import baselines_command

            return baselines_command(ctx, options)
        case opts.ReportOptions():
            from critbench.cli._report import report_command

            return report_command(ctx, options)
        case opts.HistoryOptions():
            from critbench.cli._history import history_command

            return history_command(ctx, options)


def _terminate(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> None:
    # SIGTERM (a CI job cancelled, `kill`) ends a run like Ctrl-C does: cleanup blocks run, so no worker,
    # temporary worktree or half-written file is left behind.
    signal.signal(signal.SIGTERM, _terminate)
    status = run(sys.argv[1:])
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _silence(sys.stdout)
        status = EXIT_BROKEN_PIPE
    sys.exit(status)
