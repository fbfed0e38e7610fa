"""What pytest-benchmark's flags mean in critbench's terms: settings, baselines, and ``--benchmark-compare-fail``.

Settings, lowest first: critbench's defaults, then the plugin's (:data:`PLUGIN_DEFAULTS`: pytest-benchmark's
one second per test, its five rounds at least), then ``[tool.critbench]``, then the flags given on the
command line, then a test's ``@pytest.mark.benchmark`` (in the worker). The number of worker processes, unless
set, is chosen so that starting them and warming each up costs at most about half of what the measurements
themselves take (:func:`adaptive_processes`): the suite then takes about 1.5 times pytest-benchmark's time.
That choice rests on an estimate; the session caps the processes once the first has shown what one costs
(``BenchSession._budget``).

Baselines keep pytest-benchmark's numbering: ``--benchmark-save=NAME`` saves the run as the critbench baseline
``NNNN_NAME``, ``--benchmark-autosave`` as ``NNNN_<commit>_<time>``, and ``--benchmark-compare[=NUM|ID]``
compares with the highest-numbered one, the one numbered NUM, or the newest whose name starts with ID.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Sequence
from typing import Any

from critbench.engine._pytest_items import DEFAULT_WARM_UP_S, options_layer
from critbench.model import BenchmarkResult, Samples, Settings, SettingsLayer, Verdict, settings_layer
from critbench.stats import MIN_PROCESSES

PLUGIN_DEFAULTS: SettingsLayer = {
    "measurement_time": 1.0,
    "warm_up_time": DEFAULT_WARM_UP_S,
    "min_sample_size": 5,
    "nresamples": 10_000,
}
"""pytest-benchmark's budget per test (``max_time`` 1 s, ``min_rounds`` 5), and 10,000 bootstrap resamples
instead of Criterion's 100,000: a suite has hundreds of tests, and the intervals' ends move by well under a
percent of their width."""

MAX_PROCESSES = 10
STARTUP_SHARE = 0.6
"""The share of the measurement time that starting worker processes and warming them up may add."""

_NUMBERED = re.compile(r"(\d{4})_.+")


def flag_layer(option: Any) -> dict[str, Any]:
    """The settings the command line's flags set (only those given)."""
    measurement = option.benchmark_max_time
    layer = options_layer(
        {
            "max_time": measurement,
            "min_rounds": option.benchmark_min_rounds,
            "warmup": option.benchmark_warmup,
            "measurement_time": measurement if measurement is not None else PLUGIN_DEFAULTS["measurement_time"],
        }
    )
    if option.benchmark_precision is not None:
        layer["precision"] = option.benchmark_precision
    if option.critbench_processes is not None:
        layer["processes"] = option.critbench_processes
    if option.critbench_quick:
        layer["quick"] = True
    return layer


def adaptive_processes(benchmarks: int, settings: Settings, startup_s: float) -> int:
    """How many worker processes: as many (up to 10) as fit in :data:`STARTUP_SHARE` of the suite's
    measurement time, each costing its start-up (``startup_s``) and a warm-up per benchmark; but five, the
    fewest a comparison can treat the process as its unit with, whenever five fit in the whole measurement
    time (otherwise a comparison falls back to a test over samples, which one slow process can fool)."""
    measuring = benchmarks * settings.measurement_time
    warm_up = min(settings.warm_up_time, 0.1)  # a process's share, at the floor process_share gives it
    per_process = startup_s + benchmarks * warm_up
    if per_process <= 0:
        return MAX_PROCESSES
    fitting = math.floor(STARTUP_SHARE * measuring / per_process)
    if fitting < MIN_PROCESSES <= math.floor(measuring / per_process):
        fitting = MIN_PROCESSES
    return max(1, min(MAX_PROCESSES, fitting))


def plugin_settings(config_layer: SettingsLayer, option: Any, *, benchmarks: int, startup_s: float) -> Settings:
    """The run-wide settings of a pytest session's benchmarks (a test's marker goes on top, in the worker)."""
    flags = flag_layer(option)
    try:
        settings = (
            Settings().apply(PLUGIN_DEFAULTS).apply(config_layer).apply(settings_layer(flags, source="command line"))
        )
    except ValueError as exc:
        import pytest

        raise pytest.UsageError(str(exc)) from None
    if "processes" not in config_layer and "processes" not in flags:
        settings = dataclasses.replace(settings, processes=adaptive_processes(benchmarks, settings, startup_s))
    return settings


def numbered_baselines(names: Sequence[str]) -> list[tuple[int, str]]:
    """The saved runs numbered the pytest-benchmark way (``NNNN_...``), by number."""
    found = [(int(match.group(1)), name) for name in names if (match := _NUMBERED.fullmatch(name))]
    return sorted(found)


def next_number(names: Sequence[str]) -> int:
    numbered = numbered_baselines(names)
    return numbered[-1][0] + 1 if numbered else 1


def save_names(option: Any, names: Sequence[str], tag: str) -> list[str]:
    """The baselines this run is saved as: ``--benchmark-save``/``--benchmark-autosave`` (numbered) and
    ``--critbench-save-baseline``."""
    chosen = []
    number = next_number(names)
    if option.benchmark_save:
        chosen.append(f"{number:04d}_{option.benchmark_save}")
        number += 1
    if option.benchmark_autosave:
        chosen.append(f"{number:04d}_{tag}")
    if option.critbench_save_baseline:
        chosen.append(option.critbench_save_baseline)
    return chosen


def compared_baseline(wanted: object, names: Sequence[str]) -> str | None:
    """``--benchmark-compare``'s baseline: True for the latest numbered run, a number, or a name's prefix."""
    numbered = numbered_baselines(names)
    if wanted is True:
        return numbered[-1][1] if numbered else None
    text = str(wanted)
    if text.isdigit():
        return next((name for number, name in reversed(numbered) if number == int(text)), None)
    matching = [name for name in names if name.startswith(text.lstrip("_"))]
    return matching[-1] if matching else None


@dataclasses.dataclass(frozen=True)
class CompareFail:
    """One ``--benchmark-compare-fail`` expression: ``FIELD:N%`` or ``FIELD:SECONDS``.

    Judged with critbench's test, not by the raw difference of two runs: ``min``, ``mean`` and ``max``
    fail on the change of the mean, ``median`` on the change of the median, and only when the comparison's
    verdict is a regression (significant after the suite's false-discovery adjustment, beyond the noise)
    *and* the estimated change exceeds the threshold. ``stddev`` and ``iqr``, spreads no test covers, are
    compared as pytest-benchmark compares them, on the two runs' rounds.
    """

    field: str
    percentage: float | None = None
    seconds: float | None = None

    @classmethod
    def parse(cls, text: str) -> CompareFail:
        from critbench.pytest_plugin._options import COMPARE_FAIL

        match = re.match(COMPARE_FAIL, text)
        if match is None:
            raise ValueError(f"Could not parse value: {text!r}.")
        if match.group("percentage") is not None:
            return cls(match.group("field"), percentage=float(match.group("percentage")))
        return cls(match.group("field"), seconds=float(match.group("difference")))

    def __str__(self) -> str:
        threshold = f"{self.percentage:g}%" if self.percentage is not None else f"{self.seconds:g}"
        return f"{self.field}:{threshold}"

    def failure(self, result: BenchmarkResult, baseline: Samples | None) -> str | None:
        """Why ``result`` fails this check, or None."""
        comparison = result.comparison
        if comparison is None or result.analysis is None or baseline is None:
            return None
        if self.field in ("stddev", "iqr"):
            return self._spread_failure(result, baseline)
        if comparison.verdict is not Verdict.REGRESSED:
            return None
        change = comparison.change.median if self.field == "median" else comparison.change.mean
        if self.percentage is not None:
            if change.point * 100 <= self.percentage:
                return None
            return f"{self}: {change.point:+.2%} [{change.lower:+.2%} {change.upper:+.2%}] (p = {comparison.change.p_value:.3g})"
        base_s = result.analysis.estimates.typical.point / (1 + change.point) / 1e9
        assert self.seconds is not None
        if base_s * change.point <= self.seconds:
            return None
        return f"{self}: +{base_s * change.point:.6g}s ({change.point:+.2%}, p = {comparison.change.p_value:.3g})"

    def _spread_failure(self, result: BenchmarkResult, baseline: Samples) -> str | None:
        from critbench.api._fixture_stats import Stats

        assert result.samples is not None
        now = getattr(Stats([t / 1e9 for t in result.samples.net_per_iteration_ns]), self.field)
        then = getattr(Stats([t / 1e9 for t in baseline.net_per_iteration_ns]), self.field)
        if self.percentage is not None:
            grown = now / then * 100 - 100 if then else math.inf
            return f"{self}: {grown:+.1f}%" if grown > self.percentage else None
        assert self.seconds is not None
        return f"{self}: +{now - then:.6g}s" if now - then > self.seconds else None
