"""The hooks and the ``benchmark`` fixture, registered when critbench serves pytest-benchmark's surface.

What a session does with its benchmark tests, as pytest-benchmark's flags say:

- by default, critbench measures them before pytest runs the tests: worker processes run each benchmark
  test several times over (``_session``), then pytest runs every test as usual, a benchmark test's fixture
  calling its function once for the test's own assertions and holding what the workers measured
  (``benchmark.stats``); a benchmark that failed to measure fails its test, with the reason;
- ``--benchmark-disable`` (or pytest-xdist distributing the tests): the fixture calls the function once;
- ``--benchmark-skip``: benchmark tests are skipped; ``--benchmark-only``: the others are.

This module is imported in every session critbench serves, benchmarks or not, so it imports nothing heavy;
the session machinery is loaded once there is something to measure.
"""

from __future__ import annotations

import os
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from critbench.api._fixture import BenchmarkFixture
    from critbench.pytest_plugin._session import BenchSession

FIXTURE_NAME = "benchmark"
WORKER_PLUGIN = "critbench-worker"


class _State:
    """What the flags ask of the session's benchmark tests, and what serving them has made so far.

    A plain class: a dataclass would generate and compile its methods in every pytest session.
    """

    __slots__ = ("measure", "notes", "only", "session", "shim", "skip")

    def __init__(self, measure: bool, skip: bool, only: bool) -> None:
        self.measure = measure
        self.skip = skip
        self.only = only
        self.session: BenchSession | None = None
        self.notes: list[str] = []
        self.shim: Any = None


_STATE = pytest.StashKey[_State]()


def _state(config: pytest.Config) -> _State:
    return config.stash[_STATE]


def is_benchmark(item: pytest.Item) -> bool:
    return FIXTURE_NAME in getattr(item, "fixturenames", ())


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "benchmark(**options): pytest-benchmark's settings for this benchmark test (max_time, min_rounds, group, ...)",
    )
    option = config.option
    disabled = option.benchmark_disable and not option.benchmark_enable
    skip = option.benchmark_skip and not option.benchmark_only
    state = _State(measure=not disabled and not skip, skip=skip, only=option.benchmark_only)
    if disabled and option.benchmark_only:
        raise pytest.UsageError("Can't have both --benchmark-only and --benchmark-disable options.")
    distributed = getattr(option, "dist", "no") != "no" or os.environ.get("PYTEST_XDIST_WORKER")
    if distributed and state.measure and not config.pluginmanager.has_plugin(WORKER_PLUGIN):
        state.measure = False
        state.notes.append("critbench: benchmarks are not measured while pytest-xdist distributes the tests")
    from critbench.pytest_plugin import _shim

    state.shim = _shim.install()
    config.stash[_STATE] = state


def pytest_unconfigure(config: pytest.Config) -> None:
    state = config.stash.get(_STATE, None)
    if state is not None and state.shim is not None:
        from critbench.pytest_plugin import _shim

        _shim.uninstall(state.shim)


def pytest_report_header(config: pytest.Config) -> list[str]:
    return _state(config).notes


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    state = _state(config)
    if not (state.skip or state.only):
        return
    skip_benchmark = pytest.mark.skip(reason="Skipping benchmark (--benchmark-skip active).")
    skip_other = pytest.mark.skip(reason="Skipping non-benchmark (--benchmark-only active).")
    for item in items:
        if is_benchmark(item):
            if state.skip:
                item.add_marker(skip_benchmark)
        elif state.only:
            item.add_marker(skip_other)


@pytest.hookimpl(wrapper=True)
def pytest_runtestloop(session: pytest.Session) -> Generator[None, object, object]:
    """Measure the session's benchmark tests before pytest runs its tests."""
    config = session.config
    state = _state(config)
    collection_failed = session.testsfailed and not config.option.continue_on_collection_errors
    worker = config.pluginmanager.has_plugin(WORKER_PLUGIN)
    if state.measure and not worker and not config.option.collectonly and not collection_failed:
        items = [item for item in session.items if is_benchmark(item) and not _skipped(item)]
        if items:
            from critbench.pytest_plugin._session import BenchSession

            state.session = BenchSession(config, items)
            state.session.measure()
    return (yield)


def _skipped(item: pytest.Item) -> bool:
    """Whether a skip marker (or a true skipif) will skip ``item``: no worker needs to try it."""
    if item.get_closest_marker("skip") is not None:
        return True
    if item.get_closest_marker("skipif") is None:
        return False
    try:
        from _pytest.skipping import evaluate_skip_marks

        return evaluate_skip_marks(item) is not None
    except Exception:
        return False


def pytest_runtest_setup(item: pytest.Item) -> None:
    if not is_benchmark(item):  # first: cheaper than looking up the marker, in every test of a session
        return
    marker = item.get_closest_marker("benchmark")
    if marker is None:
        return
    if marker.args:
        raise ValueError("benchmark mark can't have positional arguments.")
    from critbench.api._fixture import MARKER_OPTIONS

    for name in marker.kwargs:
        if name not in MARKER_OPTIONS:
            raise ValueError(f"benchmark mark can't have {name!r} keyword argument.")


@pytest.fixture
def benchmark(request: pytest.FixtureRequest) -> Generator[BenchmarkFixture, None, None]:
    """pytest-benchmark's fixture: ``benchmark(fn, *args, **kwargs)`` or ``benchmark.pedantic(...)``, once."""
    config = request.config
    worker: Any = config.pluginmanager.get_plugin(WORKER_PLUGIN)
    fixture: BenchmarkFixture
    if worker is not None:
        fixture = worker.make_fixture(request)
    else:
        session = _state(config).session
        if session is not None:
            fixture = session.make_fixture(request)
        else:
            from critbench.pytest_plugin._replay import call_once_fixture

            fixture = call_once_fixture(request)
    try:
        yield fixture
    finally:
        fixture.cleanup()


@pytest.fixture
def benchmark_weave(benchmark: BenchmarkFixture) -> Any:
    """pytest-benchmark's ``benchmark_weave``: ``benchmark.weave`` (needs aspectlib)."""
    return benchmark.weave


def pytest_sessionfinish(session: pytest.Session) -> None:
    bench = _state(session.config).session
    if bench is not None:
        bench.finish(session)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    bench = _state(terminalreporter.config).session
    if bench is not None:
        bench.display(terminalreporter)
