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
COMPARE_FAIL = r"^(?P<field>min|max|mean|median|stddev|iqr):((?P<percentage>[0-9]+)%|(?P<difference>[0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?))$"
"""``--benchmark-compare-fail``'s EXPR; compiled (by ``re``'s cache) when one is given, not in every session."""


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
    if not re.match(COMPARE_FAIL, text):
        raise argparse.ArgumentTypeError(f"Could not parse value: {text!r}.")
    return text


def _processes(text: str) -> int:
    value = _rounds(text)
    return value


Option = tuple[str, dict[str, Any]]
"""An option's name and the keywords pytest's ``addoption`` takes for it."""


def _value(name: str, metavar: str, help: str, **keywords: Any) -> Option:
    """An option that takes a value: None when not given, unless ``keywords`` set a default."""
    return name, {"metavar": metavar, "default": None, **keywords, "help": help}


def _flag(name: str, help: str) -> Option:
    return name, {"action": "store_true", "default": False, "help": help}


def _ignored(name: str, note: str = "", **keywords: Any) -> Option:
    """One of pytest-benchmark's options critbench has no use for: parsed with its shape, then unused."""
    return name, {"default": None, **keywords, "help": NO_EFFECT + note}


def options() -> list[Option]:
    """Every option, in the order ``--help`` lists them (built afresh: some defaults are lists)."""
    return [
        # pytest-benchmark's measurement options
        _ignored(
            "--benchmark-min-time", " (critbench plans its samples from the warm-up.)", metavar="SECONDS", type=_seconds
        ),
        _value(
            "--benchmark-max-time",
            "SECONDS",
            "Measurement time of each benchmark test, all its worker processes together. Default: 1.0",
            type=_seconds,
        ),
        _value(
            "--benchmark-min-rounds",
            "NUM",
            "Fewest samples (rounds) of a benchmark too slow for more in --benchmark-max-time. Default: 5",
            type=_rounds,
        ),
        _value(
            "--benchmark-precision",
            "FRACTION",
            "Add worker processes until each typical time's 95%% confidence interval is within this fraction "
            "of it (critbench's --precision), e.g. 0.02.",
            type=float,
        ),
        _ignored("--benchmark-confidence", metavar="FRACTION", type=float),
        _ignored("--benchmark-timer", " (critbench measures wall time, perf_counter_ns.)", metavar="FUNC"),
        _ignored("--benchmark-calibration-precision", metavar="NUM", type=int),
        _value(
            "--benchmark-warmup",
            "KIND",
            "A longer warm-up (a fifth of the measurement time, at least 0.1 s a process): 'on', 'off' or 'auto' "
            "(on under PyPy). Without it each process warms up for 50 ms.",
            nargs="?",
            const="on",
            type=_warmup,
        ),
        _ignored("--benchmark-warmup-iterations", metavar="NUM", type=int),
        _flag("--benchmark-disable-gc", "Disable the garbage collector while timing."),
        _flag("--benchmark-skip", "Skip the tests that use the benchmark fixture."),
        _flag(
            "--benchmark-disable", "Run benchmark tests with the benchmarked function called once, measuring nothing."
        ),
        _flag("--benchmark-enable", "Override --benchmark-disable."),
        _flag("--benchmark-only", "Only run the benchmark tests (overrides --benchmark-skip)."),
        # pytest-benchmark's storage and comparison
        _value(
            "--benchmark-save",
            "NAME",
            "Save this run as the critbench baseline NNNN_NAME (numbered, as pytest-benchmark numbers its files).",
            type=_save,
        ),
        _flag(
            "--benchmark-autosave",
            "Save this run as the baseline NNNN_<commit>_<time>, for a later --benchmark-compare.",
        ),
        _ignored("--benchmark-save-data", " (critbench always keeps the samples.)", action="store_true", default=False),
        _value(
            "--benchmark-json",
            "PATH",
            "Write pytest-benchmark's JSON report (every test with its statistics and samples) to PATH.",
        ),
        _value(
            "--benchmark-compare",
            "NUM|_ID",
            "Compare with the saved run NUM (or the baseline whose name starts with _ID), or the latest saved run.",
            nargs="?",
            const=True,
        ),
        _value(
            "--benchmark-compare-fail",
            "EXPR",
            "Fail (exit 1) on a regression per EXPR, e.g. mean:5%% or min:0.001 (seconds): only a change critbench's "
            "test finds significant and beyond the threshold.",
            nargs="+",
            action="extend",
            type=_compare_fail,
        ),
        _ignored("--benchmark-cprofile", metavar="COLUMN"),
        _ignored("--benchmark-cprofile-loops", metavar="LOOPS"),
        _ignored("--benchmark-cprofile-top", metavar="COUNT"),
        _ignored("--benchmark-cprofile-dump", metavar="FILENAME-PREFIX", nargs="?", action="append", default=[]),
        _value(
            "--benchmark-storage",
            "URI",
            "file://PATH: the critbench output root (default: the workspace's target/critbench).",
        ),
        _ignored("--benchmark-netrc", nargs="?", const="~/.netrc"),
        _flag("--benchmark-verbose", "Show every progress event of the measurement."),
        _flag("--benchmark-quiet", "No results table."),
        # pytest-benchmark's display options
        _value(
            "--benchmark-sort",
            "COL",
            "Column to sort the table on: 'min', 'max', 'mean', 'stddev', 'name', 'fullname'. Default: 'min'",
            type=_sort,
            default="min",
        ),
        _value(
            "--benchmark-group-by",
            "LABEL",
            "How to group the table: 'group', 'name', 'fullname', 'func', 'fullfunc', 'param' or 'param:NAME'; "
            "several joined by commas. Default: 'group'",
            default="group",
        ),
        _value(
            "--benchmark-columns",
            "LABELS",
            f"Comma-separated columns of the table. Default: '{', '.join(COLUMNS)}'",
            type=_columns,
        ),
        _value(
            "--benchmark-name",
            "FORMAT",
            "How names appear in the table: 'short', 'normal', 'long' or 'trial'. Default: 'normal'",
            default="normal",
            choices=["short", "normal", "long", "trial"],
        ),
        _value(
            "--benchmark-time-unit",
            "COLUMN",
            "Unit of the table's times: 'ns', 'us', 'ms', 's' or 'auto'. Default: 'auto'",
            choices=["ns", "us", "ms", "s", "auto"],
        ),
        _ignored(
            "--benchmark-histogram",
            " (see the HTML report.)",
            metavar="FILENAME-PREFIX",
            nargs="?",
            action="append",
            default=[],
        ),
        # critbench's own
        _value("--critbench-save-baseline", "NAME", "Save this run as the critbench baseline NAME.", type=_save),
        _value(
            "--critbench-baseline",
            "NAME",
            "Compare with the critbench baseline NAME (which must exist) and fail (exit 1) on a regression.",
            type=_save,
        ),
        _value(
            "--critbench-processes",
            "N",
            "Worker processes each benchmark's samples come from (default: as many, up to 10, as keep the suite "
            "within about 1.5x pytest-benchmark's time).",
            type=_processes,
        ),
        _value("--critbench-output-dir", "DIR", "The critbench output root (baselines, history, report)."),
        _value("--critbench-json", "PATH", "Write critbench's JSON results (docs/json-format.md) to PATH."),
        _value("--critbench-fail-on", "GATES", "What fails the run: regression (default), change, target, never."),
        _flag("--critbench-noplot", "No HTML report."),
        _flag("--critbench-quick", "Criterion's --quick: one process, a few samples."),
        _value(
            "--critbench-fake-clock", "JSON", "(testing) A deterministic clock, critbench.testing.FakeClock.to_json()."
        ),
    ]


def add_options(parser: Any) -> None:
    """Register every option on pytest's ``parser``.

    Each with its ``dest`` (the one argparse would derive, as pytest-benchmark's): without it pytest 9 looks
    through every option of the session for a clash, once per option.
    """
    group = parser.getgroup(GROUP)
    for name, keywords in options():
        group.addoption(name, dest=name[2:].replace("-", "_"), **keywords)
