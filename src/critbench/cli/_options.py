"""The parsed command line as typed records, built once from argparse's output.

Every command receives its own frozen record; nothing after this module reads argparse's namespace or a
``dict[str, Any]`` of options. Harness flags given after ``--`` win over the same flags given before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from critbench.errors import UsageError
from critbench.model import FakeClock, Selection, SettingsLayer, settings_layer


@dataclass(frozen=True)
class Locations:
    """Where to work: ``--workspace``, ``--output-dir``, ``--store`` and the tests' ``--fake-clock``."""

    workspace: Path | None = None
    output_dir: Path | None = None
    store: str | None = None
    fake_clock: FakeClock | None = None
    pytest: tuple[str, ...] = ()
    """``--pytest PATH``: pytest suites to run beside the bench targets."""


@dataclass(frozen=True)
class Display:
    """How a command reports its outcome: printed (Criterion's ``--output-format``, ``--color`` and ``-v``),
    written (``--json``; the HTML report unless ``--noplot``) and as its exit status (``--fail-on``)."""

    output_format: str = "criterion"
    """``criterion``, ``verbose``, ``quiet`` or ``bencher``."""
    color: str = "auto"
    """``auto``, ``always`` or ``never``."""
    noplot: bool = False
    """Criterion's ``--noplot``: no HTML report."""
    json: Path | None = None
    """``--json FILE``: the machine-readable results."""
    fail_on: str | None = None
    """``--fail-on GATES``: what exits 1, unchecked (``critbench.cli._pipeline.gates`` reads it)."""

    @property
    def verbose(self) -> bool:
        return self.output_format == "verbose"


@dataclass(frozen=True)
class BaselineFlags:
    """Criterion's baseline flags, unchecked: :func:`critbench.cli._pipeline.baseline_plan` judges them."""

    save: str | None = None
    compare: str | None = None
    """``--baseline NAME``: must exist; the comparison gates."""
    lenient: str | None = None
    """``--baseline-lenient NAME``: compared where it has data."""
    load: str | None = None
    discard: bool = False


@dataclass(frozen=True)
class Scope:
    """Which benchmarks: ``-p PACKAGE``..., ``TARGET`` and FILTER."""

    packages: tuple[str, ...] = ()
    target: str | None = None
    filter: Selection = field(default_factory=Selection)


@dataclass(frozen=True)
class SuiteOptions:
    """What ``run`` and ``ab`` both measure and how they show it: which benchmarks, the command line's
    settings, the progress and results display (``run --interleave`` hands its own to ab)."""

    scope: Scope
    settings: SettingsLayer
    display: Display


@dataclass(frozen=True)
class RunOptions:
    suite: SuiteOptions
    baselines: BaselineFlags
    repeat: int = 1
    interleave: bool = False
    list_only: bool = False
    terse: bool = False
    ignored: bool = False


@dataclass(frozen=True)
class CodeOptions:
    """``--benches-from REV``, ``--own-benches`` and ``--install``: where ab's and bisect's benchmarks and
    code under test come from."""

    benches_from: str | None = None
    own_benches: bool = False
    install: bool = False


@dataclass(frozen=True)
class AbOptions:
    rev_a: str
    rev_b: str | None
    suite: SuiteOptions
    code: CodeOptions = field(default_factory=CodeOptions)


@dataclass(frozen=True)
class BisectOptions:
    good: str
    bad: str
    suite: SuiteOptions
    code: CodeOptions = field(default_factory=CodeOptions)
    threshold: float | None = None
    """The change (0.05 = 5%) a commit must show against GOOD to count as changed; None: half GOOD→BAD's."""


@dataclass(frozen=True)
class CompareOptions:
    base: str
    new: str | None
    filter: Selection
    display: Display


@dataclass(frozen=True)
class BaselinesOptions:
    action: Literal["list", "show", "delete"] = "list"
    name: str | None = None


@dataclass(frozen=True)
class HistoryOptions:
    benchmark_id: str | None
    limit: int = 20


@dataclass(frozen=True)
class ReportOptions:
    baseline: str | None = None
    markdown: Path | None = None


@dataclass(frozen=True)
class ListOptions:
    scope: Scope
    terse: bool = False


CommandOptions = (
    RunOptions
    | AbOptions
    | BisectOptions
    | CompareOptions
    | BaselinesOptions
    | HistoryOptions
    | ReportOptions
    | ListOptions
)


_SETTING_FLAGS = (
    "sample_size",
    "warm_up_time",
    "measurement_time",
    "nresamples",
    "noise_threshold",
    "significance_level",
    "confidence_level",
    "timeout",
    "seed",
    "processes",
    "precision",
    "measure",
    "layouts",
)


def _settings(values: dict[str, Any]) -> SettingsLayer:
    chosen = {key: values[key] for key in _SETTING_FLAGS if values.get(key) is not None}
    if values.get("quick"):
        chosen["quick"] = True
    if values.get("all_processes"):
        chosen["settle"] = False
    try:
        return settings_layer(chosen, source="command line")
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def _filter(values: dict[str, Any]) -> Selection:
    pattern = values.get("filter")
    exact = bool(values.get("exact"))
    if pattern is not None and not exact:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise UsageError(f"invalid FILTER regex {pattern!r}: {exc}") from None
    return Selection(pattern, exact)


def _display(values: dict[str, Any]) -> Display:
    output_format = values.get("output_format")
    if output_format is None:
        output_format = "quiet" if values.get("quiet") else "verbose" if values.get("verbose") else "criterion"
    return Display(
        output_format,
        values.get("color") or "auto",
        bool(values.get("noplot")),
        _path(values.get("json")),
        values.get("fail_on"),
    )


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None


def _scope(values: dict[str, Any]) -> Scope:
    return Scope(tuple(values.get("package") or ()), values.get("target"), _filter(values))


def _suite(values: dict[str, Any]) -> SuiteOptions:
    return SuiteOptions(_scope(values), _settings(values), _display(values))


def _code(values: dict[str, Any]) -> CodeOptions:
    options = CodeOptions(values.get("benches_from"), bool(values.get("own_benches")), bool(values.get("install")))
    if options.benches_from is not None and options.own_benches:
        raise UsageError("--benches-from and --own-benches cannot be used together")
    return options


def _threshold(text: str | None) -> float | None:
    """``5%`` or ``0.05``: a change bisect counts as changed; None when not given."""
    if text is None:
        return None
    try:
        value = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise UsageError(f"--threshold: expected a change such as 5% or 0.05, got {text!r}") from None
    if not 0 < value < 10:
        raise UsageError(f"--threshold: expected a positive change such as 5%, got {text!r}")
    return value


def locations(values: dict[str, Any]) -> Locations:
    fake = values.get("fake_clock")
    try:
        clock = FakeClock.from_json(fake) if fake else None
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    return Locations(
        _path(values.get("workspace")),
        _path(values.get("output_dir")),
        values.get("store"),
        clock,
        tuple(values.get("pytest") or ()),
    )


def command_options(command: str, values: dict[str, Any]) -> CommandOptions:
    """The typed record of ``command`` from argparse's values (own flags and harness flags merged)."""
    if values.get("profile_time") is not None:
        raise UsageError("--profile-time is not supported; use a profiler (py-spy, cProfile) on the bench target")
    if command == "run":
        return RunOptions(
            suite=_suite(values),
            baselines=BaselineFlags(
                save=values.get("save_baseline"),
                compare=values.get("baseline"),
                lenient=values.get("baseline_lenient"),
                load=values.get("load_baseline"),
                discard=bool(values.get("discard_baseline")),
            ),
            repeat=int(values.get("repeat") or 1),
            interleave=bool(values.get("interleave")),
            list_only=bool(values.get("list")),
            terse=values.get("format") == "terse",
            ignored=bool(values.get("ignored")),
        )
    if command == "ab":
        return AbOptions(rev_a=values["rev_a"], rev_b=values.get("rev_b"), suite=_suite(values), code=_code(values))
    if command == "bisect":
        return BisectOptions(
            good=values["good"],
            bad=values["bad"],
            suite=_suite(values),
            code=_code(values),
            threshold=_threshold(values.get("threshold")),
        )
    if command == "compare":
        return CompareOptions(
            base=values["base"],
            new=values.get("new"),
            filter=_filter(values),
            display=_display(values),
        )
    if command == "baselines":
        return BaselinesOptions(values.get("action") or "list", values.get("name"))
    if command == "history":
        return HistoryOptions(values.get("id"), values.get("limit") or 20)
    if command == "report":
        return ReportOptions(values.get("baseline"), _path(values.get("markdown")))
    if command == "list":
        return ListOptions(_scope(values))
    raise UsageError(f"unknown command {command!r}")
