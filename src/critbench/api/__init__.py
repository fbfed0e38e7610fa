"""What benchmark authors import. It records specs; it never times, stores or prints."""

from critbench.api._bench import (
    BenchInstance,
    BenchSpec,
    Group,
    ThroughputSpec,
    bench,
    black_box,
    collecting,
    group,
)
from critbench.api._bencher import BatchSize, Bencher

__all__ = [
    "BatchSize",
    "BenchInstance",
    "BenchSpec",
    "Bencher",
    "Group",
    "ThroughputSpec",
    "bench",
    "black_box",
    "collecting",
    "group",
]
