"""pytest-benchmark's ``benchmark.stats``: descriptive statistics of the rounds, as its users read them.

A *round* is one sample: a block of iterations timed together; its value is the time per iteration, in
seconds. pytest-benchmark's suites read ``benchmark.stats.stats.mean``, ``benchmark.stats["min"]`` or
``benchmark.stats.get("rounds")``, and its ``--benchmark-json`` holds the same fields, so both are kept
with their meaning: plain descriptive statistics of the rounds, the quartiles by the methods pytest-benchmark
uses (Wikipedia's "method 3" for an odd count of rounds, "method 2" for an even one). critbench's own
estimates, with their confidence intervals, are elsewhere (the Criterion report, ``--critbench-json``).

Pure Python and no numpy: a test reading its stats should not pay for the analysis machinery.
"""

from __future__ import annotations

import statistics
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from critbench.model import Samples

STAT_FIELDS = (
    "min",
    "max",
    "mean",
    "stddev",
    "rounds",
    "median",
    "iqr",
    "q1",
    "q3",
    "iqr_outliers",
    "stddev_outliers",
    "outliers",
    "ld15iqr",
    "hd15iqr",
    "ops",
    "total",
)


class Stats:
    """Statistics of the rounds' times per iteration (seconds); at least one round."""

    fields = STAT_FIELDS

    def __init__(self, data: Sequence[float] = ()) -> None:
        self.data = list(data)

    def __bool__(self) -> bool:
        return bool(self.data)

    def update(self, duration: float) -> None:
        self.data.append(duration)

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.fields}

    @cached_property
    def sorted_data(self) -> list[float]:
        return sorted(self.data)

    @cached_property
    def total(self) -> float:
        return sum(self.data)

    @cached_property
    def min(self) -> float:
        return min(self.data)

    @cached_property
    def max(self) -> float:
        return max(self.data)

    @cached_property
    def mean(self) -> float:
        return statistics.mean(self.data)

    @cached_property
    def stddev(self) -> float:
        return statistics.stdev(self.data) if len(self.data) > 1 else 0.0

    @cached_property
    def rounds(self) -> int:
        return len(self.data)

    @cached_property
    def median(self) -> float:
        return statistics.median(self.data)

    @cached_property
    def q1(self) -> float:
        return _lower_quartile(self.sorted_data)

    @cached_property
    def q3(self) -> float:
        # The upper quartile is the lower quartile counted from the top (the methods are symmetric).
        return _lower_quartile(self.sorted_data[::-1])

    @cached_property
    def iqr(self) -> float:
        return self.q3 - self.q1

    @property
    def iqr_outliers(self) -> int:
        """Rounds beyond Tukey's inner fences, ``Q1 - 1.5 IQR`` and ``Q3 + 1.5 IQR``."""
        low, high = self.q1 - 1.5 * self.iqr, self.q3 + 1.5 * self.iqr
        return sum(1 for value in self.data if value < low or value > high)

    @property
    def stddev_outliers(self) -> int:
        """Rounds more than one standard deviation from the mean."""
        low, high = self.mean - self.stddev, self.mean + self.stddev
        return sum(1 for value in self.data if value < low or value > high)

    @cached_property
    def outliers(self) -> str:
        return f"{self.stddev_outliers};{self.iqr_outliers}"

    @cached_property
    def ld15iqr(self) -> float:
        """The lowest round within 1.5 IQR below Q1."""
        if self.rounds == 1:
            return self.data[0]
        return self.sorted_data[bisect_left(self.sorted_data, self.q1 - 1.5 * self.iqr)]

    @cached_property
    def hd15iqr(self) -> float:
        """The highest round within 1.5 IQR above Q3."""
        if self.rounds == 1:
            return self.data[0]
        return self.sorted_data[bisect_right(self.sorted_data, self.q3 + 1.5 * self.iqr) - 1]

    @cached_property
    def ops(self) -> float:
        """Operations per second: rounds over the summed time per iteration (1 / mean)."""
        return self.rounds / self.total if self.total else 0.0


def _lower_quartile(ordered: Sequence[float]) -> float:
    """The first quartile of ``ordered`` (sorted either way: descending gives the third) as pytest-benchmark
    computes it: Wikipedia's "method 3" for an odd count, the median of the lower half ("method 2") for an
    even one."""
    n = len(ordered)
    if n == 1:
        return ordered[0]
    if n % 2:
        k, rest = divmod(n, 4)
        return 0.25 * ordered[k - 1] + 0.75 * ordered[k] if rest == 1 else 0.75 * ordered[k] + 0.25 * ordered[k + 1]
    return statistics.median(ordered[: n // 2])


@dataclass
class Metadata:
    """What ``benchmark.stats`` is after the call: the test's names and options, and :class:`Stats`.

    Indexing and :meth:`get` look in the statistics first, then in these fields, as pytest-benchmark's do
    (``benchmark.stats["mean"]``, ``benchmark.stats["name"]``).
    """

    name: str
    fullname: str
    group: str | None
    param: str | None
    params: Mapping[str, Any] | None
    extra_info: dict[str, Any]
    iterations: int
    stats: Stats
    options: dict[str, Any] = field(default_factory=dict)
    has_error: bool = False

    @classmethod
    def of(
        cls,
        fixture: Any,
        samples: Samples,
        options: Mapping[str, Any] | None = None,
    ) -> Metadata:
        """The statistics of ``samples`` (each sample a round, net of the harness overhead) for ``fixture``."""
        rounds = [ns / 1e9 for ns in samples.net_per_iteration_ns]
        return cls(
            name=fixture.name,
            fullname=fixture.fullname,
            group=fixture.group,
            param=fixture.param,
            params=fixture.params,
            extra_info=fixture.extra_info,
            iterations=max(1, round(samples.total_iterations / len(samples.iters))),
            stats=Stats(rounds),
            options=dict(options or {}),
        )

    def __bool__(self) -> bool:
        return bool(self.stats)

    def __getitem__(self, key: str) -> Any:
        if key in STAT_FIELDS or key in ("data", "sorted_data"):
            return getattr(self.stats, key)
        return getattr(self, key)

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self[key]
        except AttributeError:
            return default

    def as_dict(self, include_data: bool = True, flat: bool = False, stats: bool = True) -> dict[str, Any]:
        """The entry of this benchmark in pytest-benchmark's JSON (``--benchmark-json``)."""
        result: dict[str, Any] = {
            "group": self.group,
            "name": self.name,
            "fullname": self.fullname,
            "params": dict(self.params) if self.params is not None else None,
            "param": self.param,
            "extra_info": self.extra_info,
            "options": dict(self.options),
        }
        if stats:
            figures = self.stats.as_dict()
            if include_data:
                figures["data"] = list(self.stats.data)
            figures["iterations"] = self.iterations
            if flat:
                result.update(figures)
            else:
                result["stats"] = figures
        return result
