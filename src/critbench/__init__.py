"""critbench: statistics-first benchmarking for Python projects and workspaces.

Write benchmarks with :func:`bench` and :func:`group`, run them with the ``critbench`` command.

Importing this package costs almost nothing: the public names are loaded on first use (PEP 562), so a
tool that only needs ``critbench.errors``, or the pytest plugin in a session without benchmarks, does not
pay for the API and its records. ``from critbench import bench`` loads what ``bench`` needs, and still no
numpy and no report code.
"""

from __future__ import annotations

import importlib

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (and re), which would double the cost
if TYPE_CHECKING:
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

_HOMES = {
    "BatchSize": "critbench.api",
    "Bencher": "critbench.api",
    "Group": "critbench.api",
    "bench": "critbench.api",
    "black_box": "critbench.api",
    "group": "critbench.api",
    "BenchmarkId": "critbench.model",
    "Throughput": "critbench.model",
}


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'critbench' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
