"""The command line: critbench's own commands, and Criterion's harness flags after ``--``.

``critbench run -p pkg target -- --save-baseline x filter`` reads like
``cargo bench -p pkg --bench target -- --save-baseline x filter``. Every Criterion flag is also accepted
before the ``--``, so both spellings work.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any, TypeVar

from critbench import __version__
from critbench.errors import UsageError

T = TypeVar("T")

_JSON_HELP = "write machine-readable results to FILE (schema: docs/json-format.md)"
_FAIL_ON_HELP = "what exits 1: regression (the default), change, target, never; comma-separated"
_PROCESSES_HELP = "worker processes each benchmark's samples are spread over (default 10; 3 with --quick)"
_MEASUREMENT_TIME_HELP = "time to spend sampling each benchmark, over all its processes (default 5)"

_EPILOG_RUN = """\
examples:
  critbench run                                  run every benchmark, compare with the previous run
  critbench run --save-baseline before           save the results as baseline 'before'
  critbench run --baseline before                compare with 'before'; exit 1 if something regressed
  critbench run -p llmspell-kernel kernel_performance -- --bench startup
  critbench run -- --warm-up-time 5 --sample-size 50 'tool_invocation/.*'

exit status: 0 all good, 1 a regression (or a change / missed target, per --fail-on),
2 bad usage or input, 3 a benchmark failed to run, 4 an internal error of critbench
"""


class _Parser(argparse.ArgumentParser):
    """argparse, with errors raised as UsageError (exit 2) and no prefix matching of long options: an
    abbreviation would read a future ``--measure`` as today's ``--measurement-time``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> Any:
        raise UsageError(f"{self.prog}: {message}")


def _number(parse: Callable[[str], T], accepted: Callable[[T], bool], kind: str, wanted: str) -> Callable[[str], T]:
    """An argparse ``type=`` that reads ``parse(text)`` ("expected KIND") and checks it ("expected WANTED")."""

    def convert(text: str) -> T:
        try:
            value = parse(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {kind}, got {text!r}") from None
        if not accepted(value):
            raise argparse.ArgumentTypeError(f"expected {wanted}, got {text!r}")
        return value

    return convert


_positive_int = _number(int, lambda n: n >= 1, "a whole number", "a positive number")
_seconds = _number(float, lambda x: x > 0, "seconds as a number", "a positive number of seconds")
_fraction = _number(float, lambda x: 0 < x < 1, "a number", "a number strictly between 0 and 1")
_noise = _number(float, lambda x: 0 < x < 1, "a number", "a noise threshold > 0 and < 1 (0.01 = 1%)")


_SETTING_FLAGS: tuple[tuple[str, Callable[[str], object], str, str], ...] = (
    ("--sample-size", _positive_int, "N", "samples per benchmark (default 100)"),
    ("--warm-up-time", _seconds, "SECONDS", "warm-up per benchmark (default 3)"),
    ("--measurement-time", _seconds, "SECONDS", _MEASUREMENT_TIME_HELP),
    ("--nresamples", _positive_int, "N", "bootstrap resamples (default 100000)"),
    ("--noise-threshold", _noise, "FRACTION", "changes within ±this are 'within noise' (default 0.01 = 1%%)"),
    ("--significance-level", _fraction, "FRACTION", "p-value below which a change is significant (default 0.05)"),
    ("--confidence-level", _fraction, "FRACTION", "of every confidence interval (default 0.95)"),
)
"""Criterion's measurement and analysis settings: flag, value type, metavar, help."""


def add_harness_options(parser: argparse.ArgumentParser, *, with_filter: bool) -> None:
    """Criterion's bench-harness flags, with its names and meanings (defaults are SUPPRESSed)."""
    s = argparse.SUPPRESS
    if with_filter:
        parser.add_argument("filter", nargs="?", default=s, metavar="FILTER", help="regex searched in benchmark ids")
    parser.add_argument("--exact", action="store_true", default=s, help="match FILTER exactly instead")
    parser.add_argument("-s", "--save-baseline", metavar="NAME", default=s, help="compare with NAME, then save as NAME")
    parser.add_argument("-b", "--baseline", metavar="NAME", default=s, help="compare with NAME (must exist); gate")
    parser.add_argument("--baseline-lenient", metavar="NAME", default=s, help="compare with NAME where it has data")
    parser.add_argument("--load-baseline", metavar="NAME", default=s, help="use NAME as the new data (no measuring)")
    parser.add_argument("--discard-baseline", action="store_true", default=s, help="save nothing from this run")
    for flag, parse, metavar, help_text in _SETTING_FLAGS:
        parser.add_argument(flag, type=parse, metavar=metavar, default=s, help=help_text)
    parser.add_argument(
        "--quick", action="store_true", default=s, help="stop sampling as soon as two timings agree (three processes)"
    )
    parser.add_argument(
        "--measure",
        choices=["wall", "instructions"],
        default=s,
        help="what to measure: wall time (the default) or instructions per iteration, counted under valgrind "
        "(docs/instructions.md)",
    )
    parser.add_argument(
        "--layouts", type=_positive_int, metavar="N", default=s, help="--measure instructions: heap layouts (default 3)"
    )
    parser.add_argument("--list", action="store_true", default=s, help="list benchmarks instead of running them")
    parser.add_argument("--format", choices=["pretty", "terse"], default=s, help="--list format")
    parser.add_argument("--bench", action="store_true", default=s, help=argparse.SUPPRESS)
    parser.add_argument(
        "--output-format", choices=["criterion", "bencher", "quiet", "verbose"], default=s, help="report layout"
    )
    parser.add_argument(
        "-c",
        "--color",
        "--colour",
        choices=["auto", "always", "never"],
        default=s,
        dest="color",
        help="colour the output (default auto: on a terminal, unless NO_COLOR is set)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", default=s, help="every statistic; tracebacks")
    parser.add_argument("--quiet", action="store_true", default=s, help="only the time of each benchmark")
    parser.add_argument("-n", "--noplot", action="store_true", default=s, help=argparse.SUPPRESS)
    parser.add_argument("--plotting-backend", default=s, help=argparse.SUPPRESS)
    for ignored in ("--nocapture", "--show-output", "--include-ignored"):
        parser.add_argument(ignored, action="store_true", default=s, help=argparse.SUPPRESS)
    parser.add_argument("--ignored", action="store_true", default=s, help=argparse.SUPPRESS)
    parser.add_argument("--profile-time", default=s, help=argparse.SUPPRESS)
    parser.add_argument("--test", action="store_true", default=s, help=argparse.SUPPRESS)


_EPILOG_BISECT = """\
examples:
  critbench bisect v1.2 v1.3                     the first commit of v1.2..v1.3 that moved the benchmark
  critbench bisect v1.2 main parse -- 'parse/large'   one benchmark of the bench target 'parse'
  critbench bisect v1.2 main --threshold 3%%     count a 3%% change against v1.2 as changed

Ends with 'first changed commit: <sha> <subject>'. exit status: 0 found, 2 bad usage or input,
3 no step could be measured (or no commit changed by the threshold)
"""


def _add_code_options(parser: argparse.ArgumentParser) -> None:
    """Where ab's and bisect's benchmarks and code under test come from."""
    parser.add_argument(
        "--benches-from",
        metavar="REV",
        help="take the bench targets from REV instead of the working tree (the code still comes from each revision)",
    )
    parser.add_argument(
        "--own-benches",
        action="store_true",
        help="run each revision's own bench files (for when the benchmarks themselves changed)",
    )
    parser.add_argument(
        "--install",
        action="store_true",
        help="install each revision's package (pip, cached per commit) instead of importing it from source; "
        "compiled packages are installed without it",
    )


def _add_locations(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument("--workspace", metavar="DIR", default=default, help="workspace folder (default: found upwards)")
    parser.add_argument(
        "--output-dir", metavar="DIR", default=default, help="output root (default: target/critbench, $CRITBENCH_HOME)"
    )
    parser.add_argument(
        "--store",
        metavar="URL",
        default=default,
        help="history database, any SQLAlchemy URL (default: SQLite in the output root; $CRITBENCH_STORE)",
    )
    parser.add_argument(
        "--pytest",
        action="append",
        metavar="PATH",
        default=default,
        help="a pytest suite whose pytest-benchmark tests are benchmarks too (as [tool.critbench] pytest)",
    )
    # Tests only: a deterministic clock in every worker (critbench.testing.FakeClock.to_json()).
    parser.add_argument("--fake-clock", metavar="JSON", default=default, help=argparse.SUPPRESS)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="critbench",
        description="Statistics-first benchmarking for Python projects and workspaces.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Run 'critbench COMMAND --help' for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"critbench {__version__}")
    _add_locations(parser, suppress=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    listing = commands.add_parser("list", help="list packages, bench targets, benchmarks and saved baselines")
    _add_locations(listing, suppress=True)
    listing.add_argument("-p", "--package", action="append", default=[], metavar="PACKAGE", help="only this package")
    listing.add_argument("target", nargs="?", metavar="TARGET", help="only this bench target")

    run = commands.add_parser(
        "run",
        help="run benchmarks (like cargo bench)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=_EPILOG_RUN,
        usage="critbench run [-p PACKAGE]... [TARGET] [options] [-- HARNESS-ARGS]",
    )
    _add_locations(run, suppress=True)
    run.add_argument("-p", "--package", action="append", default=[], metavar="PACKAGE", help="only this package")
    run.add_argument("target", nargs="?", metavar="TARGET", help="only this bench target (benches/TARGET.py)")
    add_harness_options(run, with_filter=False)
    run.add_argument("--json", metavar="FILE", help=_JSON_HELP)
    run.add_argument("--fail-on", metavar="GATES", help=_FAIL_ON_HELP)
    run.add_argument(
        "--timeout",
        type=_seconds,
        metavar="SECONDS",
        help="per-benchmark timeout (default: three times its planned time, plus a minute)",
    )
    run.add_argument(
        "--precision",
        metavar="PCT",
        help="keep sampling until each typical time's CI half-width is within PCT (e.g. 2%%), "
        "up to 4x the measurement time",
    )
    run.add_argument(
        "--interleave",
        action="store_true",
        help="with --baseline: re-measure the baseline's commit side by side with the working tree",
    )
    run.add_argument("--seed", type=int, metavar="N", help="seed of the bootstrap (default 0)")
    run.add_argument("--processes", type=_positive_int, metavar="N", help=_PROCESSES_HELP)
    run.add_argument(
        "--all-processes",
        action="store_true",
        help="give every benchmark all its --processes; by default one stops at 5 once more processes could no "
        "longer lower its detectable change (config: settle = false)",
    )
    run.add_argument(
        "--repeat",
        type=_positive_int,
        default=1,
        metavar="N",
        help="run the whole suite N times and show each benchmark's spread across the runs (CV); "
        "the last run is the one compared, gated and saved",
    )

    ab = commands.add_parser(
        "ab",
        help="measure two git revisions in alternation (sees 2%% changes on a noisy machine)",
        usage="critbench ab REV_A [REV_B] [-p PACKAGE]... [TARGET] [options] [-- HARNESS-ARGS]",
        description="Measure REV_A and REV_B (default: the working tree, uncommitted changes included) in "
        "alternation inside the same worker processes, and judge B against A pair by pair.",
    )
    _add_locations(ab, suppress=True)
    ab.add_argument("rev_a", metavar="REV_A", help="the revision to compare against (branch, tag, commit)")
    ab.add_argument("rev_b", nargs="?", metavar="REV_B", help="the revision judged (default: the working tree)")
    ab.add_argument("target", nargs="?", metavar="TARGET", help="only this bench target")
    ab.add_argument("-p", "--package", action="append", default=[], metavar="PACKAGE", help="only this package")
    add_harness_options(ab, with_filter=False)
    ab.add_argument("--json", metavar="FILE", help=_JSON_HELP)
    ab.add_argument("--fail-on", metavar="GATES", help=_FAIL_ON_HELP)
    ab.add_argument("--processes", type=_positive_int, metavar="N", help=_PROCESSES_HELP)
    ab.add_argument(
        "--seed", type=int, metavar="N", help="seed of the bootstrap and of the order of each pair (default 0)"
    )
    _add_code_options(ab)

    bisect = commands.add_parser(
        "bisect",
        help="find the first commit at which a benchmark changed, measured side by side with GOOD",
        usage="critbench bisect GOOD BAD [-p PACKAGE]... [TARGET] [options] [-- FILTER]",
        description="Search the commits after GOOD up to BAD (along BAD's first parents) for the first one whose "
        "benchmark differs from GOOD's by more than the threshold, measuring each step with critbench ab's paired "
        "method against GOOD. A step whose build fails is skipped, as 'git bisect skip' would.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=_EPILOG_BISECT,
    )
    _add_locations(bisect, suppress=True)
    bisect.add_argument("good", metavar="GOOD", help="a revision before the change (branch, tag, commit)")
    bisect.add_argument("bad", metavar="BAD", help="a revision after the change")
    bisect.add_argument("target", nargs="?", metavar="TARGET", help="the bench target (needed if there are several)")
    bisect.add_argument("-p", "--package", action="append", default=[], metavar="PACKAGE", help="only this package")
    add_harness_options(bisect, with_filter=False)
    bisect.add_argument(
        "--threshold",
        metavar="CHANGE",
        help="the change against GOOD that counts as changed, e.g. 5%% (default: half the GOOD→BAD change)",
    )
    bisect.add_argument("--processes", type=_positive_int, metavar="N", help=_PROCESSES_HELP)
    bisect.add_argument("--seed", type=int, metavar="N", help="seed of the bootstrap and of each pair's order")
    _add_code_options(bisect)

    compare = commands.add_parser("compare", help="compare two stored baselines without measuring")
    _add_locations(compare, suppress=True)
    compare.add_argument("base", metavar="BASE")
    compare.add_argument("new", nargs="?", metavar="NEW", help="default: the last run")
    compare.add_argument("--json", metavar="FILE", help=_JSON_HELP)
    compare.add_argument("--fail-on", metavar="GATES", help=_FAIL_ON_HELP)
    compare.add_argument(
        "--output-format",
        choices=["criterion", "bencher", "quiet", "verbose"],
        help="report layout (default criterion)",
    )
    compare.add_argument(
        "-c", "--color", "--colour", choices=["auto", "always", "never"], dest="color", help="colour (default auto)"
    )
    compare.add_argument("-v", "--verbose", action="store_true", help="every statistic")
    compare.add_argument("filter", nargs="?", metavar="FILTER", help="regex searched in benchmark ids")

    baselines = commands.add_parser("baselines", help="list, show or delete saved baselines")
    _add_locations(baselines, suppress=True)
    actions = baselines.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser)
    listed = actions.add_parser("list", help="saved baselines (the default)")
    show = actions.add_parser("show", help="a baseline's run and benchmarks")
    show.add_argument("name", metavar="NAME")
    delete = actions.add_parser("delete", help="delete a baseline")
    delete.add_argument("name", metavar="NAME")
    # `baselines list --workspace DIR` as well as `baselines --workspace DIR list`
    for action in (listed, show, delete):
        _add_locations(action, suppress=True)
    history = commands.add_parser("history", help="a benchmark's typical time over the stored runs")
    _add_locations(history, suppress=True)
    history.add_argument("id", nargs="?", metavar="ID", help="benchmark id (without: list the stored runs)")
    history.add_argument("--limit", type=_positive_int, default=20, metavar="N", help="last N runs (default 20)")

    report = commands.add_parser("report", help="regenerate the HTML report, or write the Markdown targets table")
    _add_locations(report, suppress=True)
    report.add_argument(
        "baseline", nargs="?", metavar="BASELINE", help="report on this saved baseline (default: the last run)"
    )
    report.add_argument("--markdown", metavar="FILE", help="write the seed's performance-baseline tables to FILE")
    return parser


def split_harness(argv: list[str]) -> tuple[list[str], list[str]]:
    """Arguments before the first ``--`` (critbench's) and after it (the harness's)."""
    if "--" in argv:
        at = argv.index("--")
        return argv[:at], argv[at + 1 :]
    return argv, []


def parse_harness(args: list[str]) -> dict[str, Any]:
    parser = _Parser(
        prog="critbench run -- (harness arguments)",
        usage="critbench run|ab|bisect ... -- [harness options] [FILTER]",
        description="Criterion's bench-harness arguments, after '--' (run, ab and bisect; cargo bench -- ...).",
    )
    add_harness_options(parser, with_filter=True)
    return vars(parser.parse_args(args))
