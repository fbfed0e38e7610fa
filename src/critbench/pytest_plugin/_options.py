"""The command-line options: every one of pytest-benchmark's, by its name, and critbench's own.

pytest-benchmark's flags keep their names, destinations and argument shapes, so a suite's ``addopts`` or CI
script parses unchanged. Those critbench has no use for (``--benchmark-timer``, ``--benchmark-cprofile``,
...) are accepted and have no effect; their help says so. Values are checked here only as far as argparse
needs (a number is a number); what they mean is decided when a benchmark runs (``_settings``).

Importing this module costs next to nothing: it runs in every pytest session of an environment that has
critbench, benchmarks or not.
"""

from __future__ import annotations

import argparse
import re
from typing import Any

GROUP = "benchmark (critbench)"

NO_EFFECT = "Accepted for pytest-benchmark compatibility; critbench ignores it."

COLUMNS = ("min", "max", "mean", "stddev", "median", "iqr", "outliers", "ops", "rounds", "iterations")
SORT_KEYS = ("min", "max", "mean", "stddev", "name", "fullname")
COMPARE_FAIL = re.compile(
    r"^(?P<field>min|max|mean|median|stddev|iqr):((?P<percentage>[0-9]+)%|(?P<difference>[0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?))$"
)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"Invalid decimal value {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"Invalid value {text!r}: must be a positive number of seconds")
    return value


def _rounds(text: str) -> int:
    try:
        value = int(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if value < 1:
        raise argparse.ArgumentTypeError("Value for --benchmark-rounds must be at least 1.")
    return value


def _warmup(text: str) -> bool:
    import platform

    value = text.lower().strip()
    if value == "auto":
        return platform.python_implementation() == "PyPy"
    if value in ("off", "false", "no"):
        return False
    if value in ("on", "true", "yes", ""):
        return True
    raise argparse.ArgumentTypeError(f"Could not parse value: {text!r}.")


def _columns(text: str) -> list[str]:
    columns = [column.strip() for column in text.lower().split(",")]
    invalid = sorted(set(columns) - set(COLUMNS))
    if invalid:
        raise argparse.ArgumentTypeError(
            f"Invalid column name(s): {', '.join(invalid)}. The only valid column names are: {', '.join(COLUMNS)}"
        )
    return columns


def _sort(text: str) -> str:
    value = text.lower().strip()
    if value not in SORT_KEYS:
        raise argparse.ArgumentTypeError(
            f"Unacceptable value: {text!r}. Value for --benchmark-sort must be one of: {', '.join(SORT_KEYS)}."
        )
    return value


def _save(text: str) -> str:
    if not text:
        raise argparse.ArgumentTypeError("Can't be empty.")
    if not re.fullmatch(r"[A-Za-z0-9_-]+", text):
        raise argparse.ArgumentTypeError(f"{text!r}: a critbench baseline name has only letters, digits, '-' and '_'")
    return text


def _compare_fail(text: str) -> str:
    if not COMPARE_FAIL.match(text):
        raise argparse.ArgumentTypeError(f"Could not parse value: {text!r}.")
    return text


def _processes(text: str) -> int:
    value = _rounds(text)
    return value


def add_options(parser: Any) -> None:
    """Register every option on pytest's ``parser``."""
    group = parser.getgroup(GROUP)
    add = group.addoption
    # pytest-benchmark's measurement options
    add(
        "--benchmark-min-time",
        metavar="SECONDS",
        type=_seconds,
        default=None,
        help=NO_EFFECT + " (critbench plans its samples from the warm-up.)",
    )
    add(
        "--benchmark-max-time",
        metavar="SECONDS",
        type=_seconds,
        default=None,
        help="Measurement time of each benchmark test, all its worker processes together. Default: 1.0",
    )
    add(
        "--benchmark-min-rounds",
        metavar="NUM",
        type=_rounds,
        default=None,
        help="Fewest samples (rounds) of a benchmark too slow for more in --benchmark-max-time. Default: 5",
    )
    add(
        "--benchmark-precision",
        metavar="FRACTION",
        type=float,
        default=None,
        help="Add worker processes until each typical time's 95%% confidence interval is within this fraction "
        "of it (critbench's --precision), e.g. 0.02.",
    )
    add("--benchmark-confidence", metavar="FRACTION", type=float, default=None, help=NO_EFFECT)
    add(
        "--benchmark-timer",
        metavar="FUNC",
        default=None,
        help=NO_EFFECT + " (critbench measures wall time, perf_counter_ns.)",
    )
    add("--benchmark-calibration-precision", metavar="NUM", type=int, default=None, help=NO_EFFECT)
    add(
        "--benchmark-warmup",
        metavar="KIND",
        nargs="?",
        const="on",
        default=None,
        type=_warmup,
        help="A longer warm-up (a fifth of the measurement time, at least 0.1 s a process): 'on', 'off' or 'auto' "
        "(on under PyPy). Without it each process warms up for 50 ms.",
    )
    add("--benchmark-warmup-iterations", metavar="NUM", type=int, default=None, help=NO_EFFECT)
    add(
        "--benchmark-disable-gc", action="store_true", default=False, help="Disable the garbage collector while timing."
    )
    add("--benchmark-skip", action="store_true", default=False, help="Skip the tests that use the benchmark fixture.")
    add(
        "--benchmark-disable",
        action="store_true",
        default=False,
        help="Run benchmark tests with the benchmarked function called once, measuring nothing.",
    )
    add("--benchmark-enable", action="store_true", default=False, help="Override --benchmark-disable.")
    add(
        "--benchmark-only",
        action="store_true",
        default=False,
        help="Only run the benchmark tests (overrides --benchmark-skip).",
    )
    # pytest-benchmark's storage and comparison
    add(
        "--benchmark-save",
        metavar="NAME",
        type=_save,
        default=None,
        help="Save this run as the critbench baseline NNNN_NAME (numbered, as pytest-benchmark numbers its files).",
    )
    add(
        "--benchmark-autosave",
        action="store_true",
        default=False,
        help="Save this run as the baseline NNNN_<commit>_<time>, for a later --benchmark-compare.",
    )
    add(
        "--benchmark-save-data",
        action="store_true",
        default=False,
        help=NO_EFFECT + " (critbench always keeps the samples.)",
    )
    add(
        "--benchmark-json",
        metavar="PATH",
        default=None,
        help="Write pytest-benchmark's JSON report (every test with its statistics and samples) to PATH.",
    )
    add(
        "--benchmark-compare",
        metavar="NUM|_ID",
        nargs="?",
        default=None,
        const=True,
        help="Compare with the saved run NUM (or the baseline whose name starts with _ID), or the latest saved run.",
    )
    add(
        "--benchmark-compare-fail",
        metavar="EXPR",
        nargs="+",
        action="extend",
        type=_compare_fail,
        default=None,
        help="Fail (exit 1) on a regression per EXPR, e.g. mean:5%% or min:0.001 (seconds): only a change critbench's "
        "test finds significant and beyond the threshold.",
    )
    add("--benchmark-cprofile", metavar="COLUMN", default=None, help=NO_EFFECT)
    add("--benchmark-cprofile-loops", metavar="LOOPS", default=None, help=NO_EFFECT)
    add("--benchmark-cprofile-top", metavar="COUNT", default=None, help=NO_EFFECT)
    add("--benchmark-cprofile-dump", metavar="FILENAME-PREFIX", nargs="?", action="append", default=[], help=NO_EFFECT)
    add(
        "--benchmark-storage",
        metavar="URI",
        default=None,
        help="file://PATH: the critbench output root (default: the workspace's target/critbench).",
    )
    add("--benchmark-netrc", nargs="?", default=None, const="~/.netrc", help=NO_EFFECT)
    add("--benchmark-verbose", action="store_true", default=False, help="Show every progress event of the measurement.")
    add("--benchmark-quiet", action="store_true", default=False, help="No results table.")
    # pytest-benchmark's display options
    add(
        "--benchmark-sort",
        metavar="COL",
        type=_sort,
        default="min",
        help="Column to sort the table on: 'min', 'max', 'mean', 'stddev', 'name', 'fullname'. Default: 'min'",
    )
    add(
        "--benchmark-group-by",
        metavar="LABEL",
        default="group",
        help="How to group the table: 'group', 'name', 'fullname', 'func', 'fullfunc', 'param' or 'param:NAME'; "
        "several joined by commas. Default: 'group'",
    )
    add(
        "--benchmark-columns",
        metavar="LABELS",
        type=_columns,
        default=None,
        help=f"Comma-separated columns of the table. Default: '{', '.join(COLUMNS)}'",
    )
    add(
        "--benchmark-name",
        metavar="FORMAT",
        default="normal",
        choices=["short", "normal", "long", "trial"],
        help="How names appear in the table: 'short', 'normal', 'long' or 'trial'. Default: 'normal'",
    )
    add(
        "--benchmark-time-unit",
        metavar="COLUMN",
        default=None,
        choices=["ns", "us", "ms", "s", "auto"],
        help="Unit of the table's times: 'ns', 'us', 'ms', 's' or 'auto'. Default: 'auto'",
    )
    add(
        "--benchmark-histogram",
        metavar="FILENAME-PREFIX",
        nargs="?",
        action="append",
        default=[],
        help=NO_EFFECT + " (see the HTML report.)",
    )
    # critbench's own
    add(
        "--critbench-save-baseline",
        metavar="NAME",
        type=_save,
        default=None,
        help="Save this run as the critbench baseline NAME.",
    )
    add(
        "--critbench-baseline",
        metavar="NAME",
        type=_save,
        default=None,
        help="Compare with the critbench baseline NAME (which must exist) and fail (exit 1) on a regression.",
    )
    add(
        "--critbench-processes",
        metavar="N",
        type=_processes,
        default=None,
        help="Worker processes each benchmark's samples come from (default: as many, up to 10, as keep the suite "
        "within about 1.5x pytest-benchmark's time).",
    )
    add(
        "--critbench-output-dir",
        metavar="DIR",
        default=None,
        help="The critbench output root (baselines, history, report).",
    )
    add(
        "--critbench-json",
        metavar="PATH",
        default=None,
        help="Write critbench's JSON results (docs/json-format.md) to PATH.",
    )
    add(
        "--critbench-fail-on",
        metavar="GATES",
        default=None,
        help="What fails the run: regression (default), change, target, never.",
    )
    add("--critbench-noplot", action="store_true", default=False, help="No HTML report.")
    add(
        "--critbench-quick", action="store_true", default=False, help="Criterion's --quick: one process, a few samples."
    )
    add(
        "--critbench-fake-clock",
        metavar="JSON",
        default=None,
        help="(testing) A deterministic clock, critbench.testing.FakeClock.to_json().",
    )
