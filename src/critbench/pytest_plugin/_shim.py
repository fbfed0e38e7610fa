"""``import pytest_benchmark`` where critbench serves and pytest-benchmark is not installed.

Suites import pytest-benchmark's types for their annotations (``from pytest_benchmark.fixture import
BenchmarkFixture``) or guard their benchmarks with ``pytest.importorskip("pytest_benchmark")``. Without
pytest-benchmark installed both would fail, so while a pytest session is served by critbench a finder at
the end of ``sys.meta_path`` answers for these modules, and only when nothing else can:

    pytest_benchmark            __version__ (``5.0.0+critbench``)
    pytest_benchmark.fixture    BenchmarkFixture (critbench's), FixtureAlreadyUsed
    pytest_benchmark.stats      Metadata, Stats
    pytest_benchmark.plugin     the ``benchmark`` and ``benchmark_weave`` fixtures

It is never installed on disk (a ``pytest_benchmark`` package in critbench's distribution would overwrite
the real one's files), exists only inside the session, and is never found when pytest-benchmark itself is
importable, even blocked with ``-p no:benchmark``: then its own types are imported, as the suite expects.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import Any

VERSION = "5.0.0+critbench"
"""The pytest-benchmark surface the shim stands for; ``+critbench`` says whose it is."""

_EXPORTS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "pytest_benchmark": (),
    "pytest_benchmark.fixture": (
        ("BenchmarkFixture", "critbench.api._fixture", "BenchmarkFixture"),
        ("FixtureAlreadyUsed", "critbench.api._fixture", "FixtureAlreadyUsed"),
    ),
    "pytest_benchmark.stats": (
        ("Metadata", "critbench.api._fixture_stats", "Metadata"),
        ("Stats", "critbench.api._fixture_stats", "Stats"),
    ),
    "pytest_benchmark.plugin": (
        ("benchmark", "critbench.pytest_plugin._serving", "benchmark"),
        ("benchmark_weave", "critbench.pytest_plugin._serving", "benchmark_weave"),
    ),
}


class _ShimLoader(importlib.abc.Loader):
    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return None

    def exec_module(self, module: ModuleType) -> None:
        module.__dict__["__version__"] = VERSION
        module.__dict__["__doc__"] = f"critbench's stand-in for {module.__name__} (pytest-benchmark is not installed)."
        for name, home, attribute in _EXPORTS[module.__name__]:
            module.__dict__[name] = getattr(importlib.import_module(home), attribute)


class PytestBenchmarkShim(importlib.abc.MetaPathFinder):
    """Finds the stand-in modules, last on ``sys.meta_path``."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in _EXPORTS:
            return None
        return importlib.machinery.ModuleSpec(fullname, _ShimLoader(), is_package=fullname == "pytest_benchmark")


def install() -> PytestBenchmarkShim | None:
    """Add the finder unless pytest-benchmark is importable (or the finder is there already)."""
    if any(isinstance(finder, PytestBenchmarkShim) for finder in sys.meta_path):
        return None
    if importlib.util.find_spec("pytest_benchmark") is not None:
        return None
    shim = PytestBenchmarkShim()
    sys.meta_path.append(shim)
    return shim


def uninstall(shim: Any) -> None:
    """Take the finder out again, and the modules it made, when the session ends."""
    if shim in sys.meta_path:
        sys.meta_path.remove(shim)
    for name in _EXPORTS:
        spec = getattr(sys.modules.get(name), "__spec__", None)
        if spec is not None and isinstance(spec.loader, _ShimLoader):
            del sys.modules[name]
