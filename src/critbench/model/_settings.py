"""Measurement and analysis settings, and how partial settings layer over each other.

Precedence follows Criterion: built-in defaults < ``[tool.critbench]`` < command line < group < benchmark.
Each layer is a :class:`SettingsLayer` (only the keys it sets); :meth:`Settings.apply` folds one in.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


class SamplingMode(enum.Enum):
    """How iteration counts grow across samples (Criterion's ``SamplingMode``)."""

    AUTO = "auto"
    LINEAR = "linear"
    FLAT = "flat"


class Measure(enum.Enum):
    """What a run measures (``--measure``, ``[tool.critbench] measure``): one choice for the whole run."""

    WALL = "wall"
    """Wall time per iteration, in nanoseconds (the default)."""
    INSTRUCTIONS = "instructions"
    """Instructions per iteration, counted under valgrind's callgrind (docs/instructions.md)."""

    @property
    def unit(self) -> str:
        """The unit its values are in, as samples record it."""
        return "ns" if self is Measure.WALL else "instructions"


@dataclass(frozen=True)
class Settings:
    """Everything that decides how one benchmark is measured and judged.

    Times are in seconds; levels and thresholds are fractions (0.05 means 5%).
    """

    sample_size: int = 100
    warm_up_time: float = 3.0
    measurement_time: float = 5.0
    nresamples: int = 100_000
    noise_threshold: float = 0.01
    confidence_level: float = 0.95
    significance_level: float = 0.05
    sampling_mode: SamplingMode = SamplingMode.AUTO
    quick: bool = False
    timeout: float | None = None
    """Seconds a benchmark may take before it is stopped; None derives it from the measurement plan."""
    seed: int = 0
    """Seed of the bootstrap's random generator, so a re-analysis prints the same numbers."""
    processes: int = 10
    """Worker processes each benchmark's samples are spread over; with 3 or more, the change test treats
    the process, not the sample, as the unit."""
    noise_floor: float = 0.03
    """τ: the standard deviation of run-to-run drift (log scale) assumed when the history has no better
    figure; every comparison's interval and minimum detectable change include it."""
    precision: float | None = None
    """``--precision``: keep adding worker processes until the typical time's CI half-width is within this
    fraction of it (0.02 = 2%), up to four times the measurement time."""
    settle: bool = True
    """Stop adding worker processes to a benchmark, from the fifth on, once more of them could no longer
    lower its detectable change: when the noise floor, not the spread between its processes, sets it
    (``stats.floor_dominates``). ``processes`` is then the most a benchmark gets."""
    fdr: bool = True
    """Control the false discovery rate across the suite (Benjamini–Hochberg) before calling changes."""
    warn_threshold: float = 0.05
    """A change estimate beyond this is shown with ⚠ (the seed's 5%)."""
    fail_threshold: float = 0.10
    """A change estimate beyond this is shown with ✗ (the seed's 10%)."""
    min_sample_size: int | None = None
    """When set, ``sample_size`` is a most: a routine too slow for that many samples in the measurement time
    takes as many as fit, but at least this many (pytest-benchmark's ``min_rounds`` rule). None keeps
    Criterion's fixed count, which stretches the measurement time instead."""
    measure: Measure = Measure.WALL
    """What is measured: wall time, or instructions counted under valgrind (run-wide; see
    :func:`measure_defaults` for the settings whose defaults differ for instructions)."""
    layouts: int = 3
    """Instructions only: heap layouts each benchmark is counted in (one forked process each); their spread
    is the noise the change test allows for."""
    cache_simulation: bool = True
    """Instructions only: simulate the caches (I1, D1, LL) for the cycle estimate (1.5-2x slower)."""

    def __post_init__(self) -> None:
        problems = validate_settings(self)
        if problems:
            raise ValueError("; ".join(problems))

    def apply(self, layer: SettingsLayer) -> Settings:
        """These settings with ``layer``'s keys taking precedence."""
        if not layer:
            return self
        return dataclasses.replace(self, **dict(layer))

    def as_layer(self) -> SettingsLayer:
        return {field.name: getattr(self, field.name) for field in dataclasses.fields(self)}


SettingsLayer = Mapping[str, Any]
"""A partial set of settings: the keys one source (config file, command line, group, benchmark) sets."""

SETTING_NAMES: frozenset[str] = frozenset(field.name for field in dataclasses.fields(Settings))


MAX_SECONDS = 86_400.0
"""The longest warm-up, measurement time or timeout accepted: a day. Beyond it a setting is a typo (or
``inf``), and would only be found out when the run never ends."""

MAX_SAMPLE_SIZE = 1_000_000
MAX_NRESAMPLES = 10_000_000
"""Beyond these a bootstrap needs more memory than a machine has (resamples × samples values)."""

MAX_PROCESSES = 1000
"""Each process is a fresh interpreter importing the bench target; more than this is never meant."""

MAX_LAYOUTS = 64
"""Each layout is a forked process counted under valgrind (a second or more each)."""

RUN_WIDE_SETTINGS = frozenset({"measure", "cache_simulation"})
"""Settings one worker command serves for a whole bench target: a group or benchmark cannot change them."""


def measure_defaults(measure: Measure) -> SettingsLayer:
    """The defaults that differ with what is measured, applied under the config file and command line.

    Counting instructions is deterministic up to the allocator's state: one worker process (its benchmarks
    forked into ``layouts`` heap layouts) shows what repeating processes would, a 0.1% noise threshold
    replaces Criterion's 1%, and the run-to-run floor is 0.05% (docs/instructions.md says why). A layout may
    take 20 minutes: valgrind runs Python 50-165 times slower, setup included, and there is no time plan.
    """
    if measure is Measure.INSTRUCTIONS:
        return {"processes": 1, "noise_threshold": 0.001, "noise_floor": 0.0005, "timeout": 1200.0}
    return {}


def validate_settings(settings: Settings) -> list[str]:
    """Every problem with ``settings``, worded for the user (Criterion's bounds, plus ours)."""
    problems: list[str] = []
    if not isinstance(settings.sample_size, int) or not 2 <= settings.sample_size <= MAX_SAMPLE_SIZE:
        problems.append(f"sample_size must be an integer from 2 to {MAX_SAMPLE_SIZE:,}, got {settings.sample_size!r}")
    for name in ("warm_up_time", "measurement_time"):
        value = getattr(settings, name)
        if not isinstance(value, int | float) or not 0 < value <= MAX_SECONDS:
            problems.append(f"{name} must be a positive number of seconds up to {MAX_SECONDS:g}, got {value!r}")
    if settings.timeout is not None and not 0 < settings.timeout <= MAX_SECONDS:
        problems.append(f"timeout must be a positive number of seconds up to {MAX_SECONDS:g}, got {settings.timeout!r}")
    if not isinstance(settings.nresamples, int) or not 10 <= settings.nresamples <= MAX_NRESAMPLES:
        problems.append(f"nresamples must be an integer from 10 to {MAX_NRESAMPLES:,}, got {settings.nresamples!r}")
    if settings.precision is not None and not 0 < settings.precision < 1:
        problems.append(f"precision must be a fraction in (0, 1), e.g. 0.02 for 2%, got {settings.precision!r}")
    if not 0 <= settings.noise_floor < 1:
        problems.append(f"noise_floor must be in [0, 1), got {settings.noise_floor!r}")
    if not 0 <= settings.noise_threshold < 1:
        problems.append(f"noise_threshold must be in [0, 1), got {settings.noise_threshold!r}")
    for name in ("confidence_level", "significance_level"):
        value = getattr(settings, name)
        if not 0 < value < 1:
            problems.append(f"{name} must be strictly between 0 and 1, got {value!r}")
    if not isinstance(settings.processes, int) or not 1 <= settings.processes <= MAX_PROCESSES:
        problems.append(f"processes must be an integer from 1 to {MAX_PROCESSES}, got {settings.processes!r}")
    if not 0 <= settings.warn_threshold <= settings.fail_threshold:
        problems.append("warn_threshold must be between 0 and fail_threshold")
    if settings.min_sample_size is not None and (
        not isinstance(settings.min_sample_size, int) or not 2 <= settings.min_sample_size <= MAX_SAMPLE_SIZE
    ):
        problems.append(
            f"min_sample_size must be an integer from 2 to {MAX_SAMPLE_SIZE:,}, got {settings.min_sample_size!r}"
        )
    if not isinstance(settings.sampling_mode, SamplingMode):
        problems.append(f"sampling_mode must be auto, linear or flat, got {settings.sampling_mode!r}")
    if not isinstance(settings.measure, Measure):
        problems.append(f"measure must be wall or instructions, got {settings.measure!r}")
    if not isinstance(settings.layouts, int) or not 1 <= settings.layouts <= MAX_LAYOUTS:
        problems.append(f"layouts must be an integer from 1 to {MAX_LAYOUTS}, got {settings.layouts!r}")
    return problems


_DURATION_SETTINGS = ("warm_up_time", "measurement_time", "timeout")
_INT_SETTINGS = ("sample_size", "nresamples", "seed", "processes", "layouts")
_FLOAT_SETTINGS = (
    "noise_floor",
    "noise_threshold",
    "confidence_level",
    "significance_level",
    "warn_threshold",
    "fail_threshold",
)


def settings_layer(values: Mapping[str, Any], *, source: str, run_wide: bool = True) -> SettingsLayer:
    """Check and normalise user-written settings (``"10s"`` → 10.0, ``"flat"`` → FLAT, ``-`` → ``_``).

    ``source`` names where the values came from, for the error message ("[tool.critbench]", "group 'x'").
    Raises ValueError listing the accepted names when a key is unknown or a value has the wrong type, and
    when a layer that is not ``run_wide`` (a group's, a benchmark's) sets a :data:`RUN_WIDE_SETTINGS` key.
    """
    from critbench.model._units import parse_duration_ns

    layer: dict[str, Any] = {}
    for raw_key, value in values.items():
        key = raw_key.replace("-", "_")
        if key not in SETTING_NAMES:
            accepted = ", ".join(sorted(SETTING_NAMES))
            raise ValueError(f"{source}: unknown setting {raw_key!r} (accepted: {accepted})")
        if key in RUN_WIDE_SETTINGS and not run_wide:
            raise ValueError(
                f"{source}: {raw_key} applies to a whole run: set it with --{raw_key.replace('_', '-')} or in "
                "[tool.critbench], not on a group or benchmark"
            )
        try:
            if key in _DURATION_SETTINGS:
                value = None if value is None and key == "timeout" else parse_duration_ns(value) / 1e9
            elif key in _INT_SETTINGS:
                if isinstance(value, bool) or not isinstance(value, int):
                    raise ValueError(f"expected an integer, got {value!r}")
            elif key == "min_sample_size":
                if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                    raise ValueError(f"expected an integer, got {value!r}")
            elif key == "precision":
                value = None if value is None else _fraction(value)
            elif key in _FLOAT_SETTINGS:
                if isinstance(value, bool) or not isinstance(value, int | float):
                    raise ValueError(f"expected a number, got {value!r}")
                value = float(value)
            elif key == "sampling_mode":
                value = value if isinstance(value, SamplingMode) else SamplingMode(str(value).lower())
            elif key == "measure":
                value = value if isinstance(value, Measure) else _measure(value)
            elif key in ("quick", "fdr", "settle", "cache_simulation") and not isinstance(value, bool):
                raise ValueError(f"expected true or false, got {value!r}")
        except ValueError as exc:
            raise ValueError(f"{source}: {raw_key}: {exc}") from None
        layer[key] = value
    # Build once so range errors (sample_size < 2, levels outside (0, 1)) surface here, naming the source.
    try:
        Settings().apply(layer)
    except ValueError as exc:
        raise ValueError(f"{source}: {exc}") from None
    return layer


def _measure(value: Any) -> Measure:
    try:
        return Measure(str(value).lower())
    except ValueError:
        raise ValueError(f"expected wall or instructions, got {value!r}") from None


def _fraction(value: Any) -> float:
    """``0.02``, ``"0.02"`` or ``"2%"`` as 0.02."""
    if isinstance(value, bool):
        raise ValueError(f"expected a fraction or a percentage, got {value!r}")
    if isinstance(value, str) and value.strip().endswith("%"):
        return float(value.strip()[:-1]) / 100
    return float(value)
