"""The worker process of a pytest suite: one pytest session that measures its benchmark tests.

Run as ``python -m critbench.engine._pytest_worker --fd N --job FILE``, like the bench-file worker
(``_worker``), and it speaks the same protocol on the same pipe, so the schedule, the deadlines, the crash
handling and the merging of processes are the ones every run uses. What differs is how the benchmarks are
found and run: pytest collects the job's paths, the tests that use the ``benchmark`` fixture are the
benchmarks (``_pytest_items``), and each runs through pytest's own protocol (its fixtures set up and torn
down as usual) with a fixture that measures (``_pytest_measure``).

Per test the runner hears ``Start`` when pytest begins setting it up (so a hanging fixture counts against
its deadline), the progress of the measurement, then ``Measured`` once the test finished, or ``Failed`` with
the reason: its setup failed, the benchmarked code raised, or it never called the fixture. A test that
skipped itself is reported as not measured (:data:`NOT_MEASURED`), which callers drop rather than count as
a failure.

With ``code_paths`` (critbench ab's other revision) the top-level modules found there are imported from
there, ahead of the working tree's, by a finder first on ``sys.meta_path``; the tests stay the working
tree's.
"""

from __future__ import annotations

import functools
import importlib.machinery
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pytest

from critbench.engine import _protocol as protocol
from critbench.engine._gate import WorkerGate
from critbench.engine._job import Job, read_job, worker_parser
from critbench.engine._pytest_items import FIXTURE_NAME, MARKER_NAME, benchmark_id, marker_layer
from critbench.engine._sampling import process_count, process_share
from critbench.model import BenchmarkInfo, Failure, FailureKind, MemoryUsage

if TYPE_CHECKING:
    from critbench.engine._pytest_measure import MeasuringFixture

WORKER_PLUGIN_NAME = "critbench-worker"
"""The name the worker's plugin is registered under; the ``benchmark`` fixture asks for it."""

NOT_MEASURED = "not measured: "
"""How a benchmark test that did not run its benchmark (it skipped itself) is reported; not a failure."""

_NOT_CODE = frozenset({"conftest", "setup", "noxfile", "tasks", "fabfile", "docs", "tests", "test", "benches"})


class RevisionFinder:
    """Imports the top-level modules that exist under ``roots`` from there (critbench ab's revision A)."""

    def __init__(self, roots: Sequence[str], exclude: frozenset[str]) -> None:
        self._roots = list(roots)
        self._names = {name for root in roots for name in _top_level_names(Path(root))} - exclude

    def find_spec(self, fullname: str, path: Any = None, target: ModuleType | None = None) -> Any:
        if "." in fullname or fullname not in self._names:
            return None
        return importlib.machinery.PathFinder.find_spec(fullname, self._roots)


def _top_level_names(root: Path) -> set[str]:
    names: set[str] = set()
    try:
        entries = list(root.iterdir())
    except OSError:
        return names
    for entry in entries:
        name = entry.stem if entry.suffix == ".py" else entry.name
        if not name.isidentifier() or name in _NOT_CODE or name.startswith(("test_", "_")) or name.endswith("_test"):
            continue
        if (entry.is_dir() and (entry / "__init__.py").is_file()) or entry.suffix == ".py":
            names.add(name)
    return names


def _first_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


class WorkerSession:
    """The pytest plugin of a worker process: chooses the benchmark tests and reports each one."""

    def __init__(self, job: Job, channel: Any, gate: WorkerGate | None = None) -> None:
        assert job.pytest is not None
        self.job = job
        self.gate = gate
        self.pytest_job = job.pytest
        self.channel = channel
        self.infos: dict[str, BenchmarkInfo] = {}
        """By node id, every benchmark test of the session."""
        self.layer_errors: dict[str, str] = {}
        self.collect_errors: list[str] = []
        self.fixture: MeasuringFixture | None = None
        self.failure: Failure | None = None
        self.skipped: str | None = None
        self.collected: list[pytest.Item] = []
        self.missing: list[str] = []
        self.announced = False
        self.done = False

    # -- collection ---------------------------------------------------------------------------------------

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.collect_errors.append(f"{report.nodeid or 'collection'}: {_first_line(str(report.longrepr))}")

    def _info(self, nodeid: str, item: pytest.Item | None) -> BenchmarkInfo:
        settings = self.job.settings
        description, source = "", ""
        if item is not None:
            marker = item.get_closest_marker(MARKER_NAME)
            if marker is not None:
                try:
                    if marker.args:
                        raise ValueError("benchmark mark can't have positional arguments.")
                    settings = settings.apply(marker_layer(marker.kwargs, f"{nodeid}: @pytest.mark.benchmark"))
                except ValueError as exc:
                    self.layer_errors[nodeid] = str(exc)
            function = getattr(item, "function", None)
            description = (getattr(function, "__doc__", None) or "").strip()
            path, line, _ = item.location
            source = f"{path}:{(line or 0) + 1}"
        return BenchmarkInfo(
            id=benchmark_id(nodeid, str(item.path) if item is not None else None),
            description=description,
            settings=settings,
            package=self.job.package,
            bench_target=self.job.target,
            source=source,
        )

    @staticmethod
    def _is_benchmark(item: pytest.Item) -> bool:
        return FIXTURE_NAME in getattr(item, "fixturenames", ())

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        """Keep exactly the benchmark tests this worker measures, in the asked order; say what they are."""
        by_id = {item.nodeid: item for item in self.collected if self._is_benchmark(item)}
        wanted = list(self.pytest_job.node_ids) if self.pytest_job.node_ids is not None else list(by_id)
        self.infos = {nodeid: self._info(nodeid, by_id.get(nodeid)) for nodeid in wanted}
        job = self.job
        matched = [nodeid for nodeid, info in self.infos.items() if job.selection.matches(info.id.full_id)]
        selected = (
            matched
            if job.list_only
            else [
                nodeid
                for nodeid in matched
                if self.infos[nodeid].id.full_id not in job.skip
                and process_share(self.infos[nodeid].settings, job.process_index, extension=job.extension) is not None
                and (job.only is None or self.infos[nodeid].id.full_id in job.only)
            ]
        )
        self.channel.send(
            protocol.Benchmarks(
                infos=tuple(self.infos.values()),
                matched=tuple(self.infos[n].id.full_id for n in matched),
                selected=tuple(self.infos[n].id.full_id for n in selected),
            )
        )
        self.announced = True
        self.missing = [nodeid for nodeid in selected if nodeid not in by_id]
        items[:] = [] if job.list_only else [by_id[nodeid] for nodeid in selected if nodeid in by_id]
        if job.list_only:
            self.missing = []

    def pytest_itemcollected(self, item: pytest.Item) -> None:
        self.collected.append(item)

    # -- running ------------------------------------------------------------------------------------------

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session: pytest.Session) -> None:
        """Before pytest runs the tests: fail the wanted tests this session could not collect."""
        for nodeid in self.missing:
            info = self.infos[nodeid]
            self._start(info)
            errors = "; ".join(self.collect_errors) or "no such test in this pytest session"
            reason = f"was not collected in the worker process ({errors})"
            self.channel.send(protocol.Failed(info.id.full_id, Failure(FailureKind.ERROR, reason)))

    def _start(self, info: BenchmarkInfo) -> None:
        self.channel.send(protocol.Start(info.id.full_id, self.job.process_index, process_count(info.settings)))

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> None:
        from critbench.engine._suites import _peak_rss_reset

        self._start(self.infos[item.nodeid])
        self.fixture = None
        self.failure = None
        self.skipped = None
        _peak_rss_reset()

    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        error = self.layer_errors.get(item.nodeid)
        if error is not None:
            raise ValueError(error)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.skipped and self.skipped is None:
            longrepr = report.longrepr
            reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
            self.skipped = reason.removeprefix("Skipped: ")
        elif report.failed and self.failure is None and report.when != "teardown":
            crash = getattr(report.longrepr, "reprcrash", None)
            message = getattr(crash, "message", None) or _first_line(report.longreprtext)
            where = "its setup raised " if report.when == "setup" else "raised "
            self.failure = Failure(FailureKind.ERROR, where + message.strip().splitlines()[0], report.longreprtext)

    def pytest_runtest_logfinish(self, nodeid: str) -> None:
        """The test is over (torn down): send what became of its benchmark."""
        from critbench.engine._suites import _peak_rss_bytes

        info = self.infos[nodeid]
        full_id = info.id.full_id
        fixture = self.fixture
        if fixture is not None and fixture.measured is not None:
            memory = MemoryUsage(_peak_rss_bytes(), fixture.allocated_per_iteration_bytes)
            if self.job.fake_clock is not None:
                memory = MemoryUsage()  # the fake clock's runs are for golden output; memory never repeats
            self.channel.send(protocol.Measured(full_id, fixture.measured, memory))
            return
        if self.failure is not None:
            failure = self.failure
        elif self.skipped is not None:
            failure = Failure(FailureKind.ERROR, f"{NOT_MEASURED}skipped: {self.skipped}")
        else:
            failure = Failure(FailureKind.ERROR, f"{NOT_MEASURED}the test never called its benchmark fixture")
        self.channel.send(protocol.Failed(full_id, failure))

    def pytest_sessionfinish(self) -> None:
        if not self.announced:
            errors = "; ".join(self.collect_errors) or "pytest stopped before collecting the tests"
            self.channel.send(protocol.Fatal(Failure(FailureKind.ERROR, f"could not collect the tests: {errors}")))
        else:
            self.channel.send(protocol.Done())
        self.done = True

    # -- the fixture --------------------------------------------------------------------------------------

    def make_fixture(self, request: pytest.FixtureRequest) -> MeasuringFixture:
        """The ``benchmark`` fixture of the test ``request`` belongs to: one that measures."""
        from critbench.engine._fake_timer import FakeTimer
        from critbench.engine._pytest_measure import MeasuringContext, MeasuringFixture
        from critbench.engine._worker import _ProgressToChannel, _settings_of

        node = request.node
        info = self.infos[node.nodeid]
        full_id = info.id.full_id
        job = self.job
        settings = _settings_of(info, job).settings  # every process samples as the first did: they merge
        clock = job.fake_clock
        marker = node.get_closest_marker(MARKER_NAME)
        options = dict(marker.kwargs) if marker is not None else {}
        disable_gc = bool(options.get("disable_gc", request.config.getoption("benchmark_disable_gc", False)))
        context = MeasuringContext(
            settings=settings,
            progress=_ProgressToChannel(self.channel, full_id),
            process=job.process_index,
            processes=process_count(info.settings),
            fake=FakeTimer.of(clock, full_id, job.process_index, side=self.pytest_job.side) if clock else None,
            disable_gc=disable_gc,
            gate=functools.partial(self.gate.wait, full_id) if self.gate is not None else None,
        )
        self.fixture = MeasuringFixture(test_node(node), context, group=options.get("group"))
        return self.fixture


def test_node(node: Any) -> Any:
    """The fixture's view of a pytest item: its node id, name and parametrisation."""
    from critbench.api._fixture import TestNode
    from critbench.engine._pytest_items import parameter_values

    callspec = getattr(node, "callspec", None)
    return TestNode(
        nodeid=node.nodeid,
        name=node.name,
        param=callspec.id if callspec is not None else None,
        params=parameter_values(callspec.params) if callspec is not None else None,
    )


test_node.__test__ = False  # type: ignore[attr-defined]


PLUGIN_MODULE = "critbench.pytest_plugin"
"""critbench's pytest plugin (named, not imported: it is the layer above). The worker blocks the plugin's
entry point (``critbench``) and loads the module by this name, so the plugin is there even where entry points
are not loaded (``PYTEST_DISABLE_PLUGIN_AUTOLOAD``, critbench run from a source tree), and never twice."""

MAX_FAILURES = 2**31 - 1


def _installed(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def worker_arguments(args: Sequence[str], cache_dir: str) -> list[str]:
    """The worker's pytest command line: ``args`` without their own ``-p critbench`` (or ``-p no:critbench``),
    with critbench's plugin serving the fixture, a cache of its own (so ``--lf`` or ``--sw`` cannot drop a
    test it was asked to measure, and the user's cache is left alone), every test run whatever fails (``-x``
    stops nothing), collection errors not stopping the healthy modules, and no test distribution (xdist) or
    coverage tracing when those plugins are installed."""
    kept: list[str] = []
    arguments = iter(args)
    for arg in arguments:
        value = next(arguments, "") if arg == "-p" else arg[2:].lstrip("=") if arg.startswith("-p") else None
        if value is not None and value.removeprefix("no:") in ("critbench", PLUGIN_MODULE):
            continue
        kept.append(arg)
        if arg == "-p":
            kept.append(value or "")
    own = ["-p", "no:critbench", "-p", PLUGIN_MODULE, "-p", "no:benchmark", "-o", f"cache_dir={cache_dir}"]
    own.append("--continue-on-collection-errors")
    tail = [f"--maxfail={MAX_FAILURES}"]
    if _installed("xdist") and not any("no:xdist" in arg for arg in kept):
        tail.append("-n0")
    if _installed("pytest_cov") and not any("no:pytest_cov" in arg or "no:cov" in arg for arg in kept):
        tail.append("--no-cov")
    return [*own, *kept, *tail]


class _Registered:
    """Registers the worker's session plugin under its name once pytest's configuration exists."""

    def __init__(self, session: WorkerSession) -> None:
        self._session = session

    def pytest_configure(self, config: pytest.Config) -> None:
        config.pluginmanager.register(self._session, WORKER_PLUGIN_NAME)


def main(argv: list[str] | None = None) -> int:
    import tempfile

    options = worker_parser("critbench-pytest-worker").parse_args(argv)
    job = read_job(options.job)
    assert job.pytest is not None
    from critbench.engine._worker import Channel

    channel = Channel(options.fd)
    channel.send(protocol.Hello(os.getpid()))
    for entry in reversed(job.sys_path):
        if entry not in sys.path:
            sys.path.insert(0, entry)
    if job.pytest.code_paths:
        sys.meta_path.insert(0, RevisionFinder(job.pytest.code_paths, frozenset()))

    gate = WorkerGate(channel, options.gate_fd) if options.gate_fd is not None else None
    session = WorkerSession(job, channel, gate)
    with tempfile.TemporaryDirectory(prefix="critbench-pytest-cache-") as cache_dir:
        pytest.main(worker_arguments(job.pytest.args, cache_dir), plugins=[_Registered(session)])
    if not session.done:
        channel.send(protocol.Fatal(Failure(FailureKind.ERROR, "pytest ended before running the tests")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
