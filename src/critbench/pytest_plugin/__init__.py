"""critbench's pytest plugin: pytest-benchmark's ``benchmark`` fixture, marker and flags, measured by critbench.

Installed with critbench (the ``critbench`` entry point of ``pytest11``), so it loads in every pytest
session of the environment. A session without benchmark tests pays for this module, the option table and
a scan of the collected tests, nothing more (measured in docs/pytest-benchmark.md): everything that
measures, judges, stores or reports is imported only when a benchmark test is about to run.

pytest marks every package of a ``pytest11`` distribution for assertion rewriting, so each critbench module a
session imports would go through its rewriting import hook: parsed, rewritten and cached under pytest's own
bytecode name, or parsed and rewritten again in every session where that cache cannot be written
(``PYTHONDONTWRITEBYTECODE``, a read-only site-packages). critbench's asserts are invariants for mypy, not
test assertions worth explaining, so the plugin takes critbench off that list as soon as it is registered:
after this module, critbench's modules import as any other.

Beside pytest-benchmark: both cannot serve the ``benchmark`` fixture and its ``--benchmark-*`` flags, so
when pytest-benchmark is installed and not disabled, it serves and this plugin stays out of the way (one
line in the header says how to switch). ``-p no:benchmark`` — on the command line, in ``addopts`` or in
``PYTEST_ADDOPTS`` — hands the fixture to critbench; ``-p no:critbench`` removes critbench's plugin.
"""

from __future__ import annotations

import importlib.util
import os
import time
from typing import Any

LOADED_AT = time.monotonic()
"""When pytest loaded the plugin, early in the session: what a worker process's start-up costs is estimated
from the time between this and the first benchmark."""

PYTEST_BENCHMARK = "benchmark"
"""pytest-benchmark's plugin name (``-p no:benchmark`` blocks it)."""

SERVING_PLUGIN = "critbench-serving"

PACKAGE = "critbench"


def _pytest_benchmark_serves(pluginmanager: Any) -> bool:
    if pluginmanager.is_blocked(PYTEST_BENCHMARK):
        return False
    if pluginmanager.has_plugin(PYTEST_BENCHMARK):
        return True
    if os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD"):
        return False
    return importlib.util.find_spec("pytest_benchmark") is not None


def _not_rewritten(pluginmanager: Any) -> None:
    """Take critbench off pytest's list of packages to rewrite (held in the hook's ``_must_rewrite``).

    Both attributes are private to pytest (pytest 8.0 and 9 have them), hence the care: with another hook,
    or ``--assert=plain`` (no hook), nothing changes and critbench's modules are imported as pytest decides.
    """
    hook = getattr(pluginmanager, "rewrite_hook", None)
    marked = getattr(hook, "_must_rewrite", None)
    if isinstance(marked, set) and PACKAGE in marked:
        marked.discard(PACKAGE)
        cache = getattr(hook, "_marked_for_rewrite_cache", None)
        if isinstance(cache, dict):
            cache.clear()


def pytest_addoption(parser: Any, pluginmanager: Any) -> None:
    # pytest calls this as it registers the plugin (a historic hook), before any other critbench import
    _not_rewritten(pluginmanager)
    if _pytest_benchmark_serves(pluginmanager):
        return
    from critbench.pytest_plugin import _options, _serving

    _options.add_options(parser)
    pluginmanager.register(_serving, SERVING_PLUGIN)


def pytest_report_header(config: Any) -> str | None:
    if config.pluginmanager.has_plugin(SERVING_PLUGIN):
        return None
    return "critbench: pytest-benchmark serves the benchmark fixture; add -p no:benchmark to measure with critbench"
