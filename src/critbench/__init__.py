"""critbench: statistics-first benchmarking for Python projects and workspaces.

Write benchmarks with :func:`bench` and :func:`group`, run them with the ``critbench`` command. Importing
this package is cheap: no numpy, no report code.
"""

from critbench.api import BatchSize, Bencher, Group, bench, black_box, group
from critbench.model import BenchmarkId, Throughput

__version__ = "0.1.0"

__all__ = [
    "BatchSize",
    "Bencher",
    "BenchmarkId",
    "Group",
    "Throughput",
    "__version__",
    "bench",
    "black_box",
    "group",
]
