"""Frozen typed records shared by every layer. No I/O, no third-party imports."""

from critbench.model._codec import from_data, to_data
from critbench.model._ids import BenchmarkId, Throughput, ThroughputKind
from critbench.model._results import (
    BenchmarkInfo,
    BenchmarkResult,
    ChangeStatistics,
    Comparison,
    Estimate,
    Estimates,
    Failure,
    FailureKind,
    Indicator,
    MemoryUsage,
    OutlierCounts,
    SampleAnalysis,
    Samples,
    TargetAssessment,
    TargetStatus,
    TukeyFences,
    Verdict,
)
from critbench.model._run import Environment, HistoryPoint, RunRecord, RunSummary
from critbench.model._settings import (
    SETTING_NAMES,
    SamplingMode,
    Settings,
    SettingsLayer,
    settings_layer,
    validate_settings,
)
from critbench.model._units import parse_duration_ns, parse_size_bytes
from critbench.model._workspace import BenchTarget, Package

__all__ = [
    "SETTING_NAMES",
    "BenchTarget",
    "BenchmarkId",
    "BenchmarkInfo",
    "BenchmarkResult",
    "ChangeStatistics",
    "Comparison",
    "Environment",
    "Estimate",
    "Estimates",
    "Failure",
    "FailureKind",
    "HistoryPoint",
    "Indicator",
    "MemoryUsage",
    "OutlierCounts",
    "Package",
    "RunRecord",
    "RunSummary",
    "SampleAnalysis",
    "Samples",
    "SamplingMode",
    "Settings",
    "SettingsLayer",
    "TargetAssessment",
    "TargetStatus",
    "Throughput",
    "ThroughputKind",
    "TukeyFences",
    "Verdict",
    "from_data",
    "parse_duration_ns",
    "parse_size_bytes",
    "settings_layer",
    "to_data",
    "validate_settings",
]
