"""A pytest session's benchmarks, from measuring to the exit status: what the plugin does when it measures.

1. :meth:`BenchSession.measure`, before pytest runs the tests: the settings and the baseline to compare with
   are decided (a bad ``--critbench-baseline`` stops the session before anything runs), then worker
   processes run the chosen benchmark tests (``critbench.engine``: several fresh processes per test,
   interleaved across the suite, each test's hang or crash failing that test only).
2. While pytest runs the tests, each benchmark test's fixture (``_replay``) calls its function once and holds
   what the workers measured.
3. :meth:`BenchSession.finish`, when the session ends: the suite is judged as ``critbench run`` judges it
   (``compare.evaluate``: the process as the unit, the noise floor, the false-discovery adjustment), saved
   (the last run, the baselines asked for, the history), reported (HTML, ``--critbench-json``,
   ``--benchmark-json``), and gated: a regression under ``--benchmark-compare-fail`` or
   ``--critbench-baseline`` makes the session exit 1.
4. :meth:`BenchSession.display`, in pytest's terminal summary: pytest-benchmark's table, then critbench's
   verdicts for what changed, the summary and the report's path.
"""

from __future__ import annotations

import shlex
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from critbench.api._fixture import BenchmarkFixture
from critbench.pytest_plugin import LOADED_AT
from critbench.pytest_plugin._replay import ReplayFixture

INTERPRETER_START_S = 0.15
"""What starting Python and importing pytest cost before pytest loads its plugins (measured here: ~0.15 s)."""


@dataclass
class _Outcome:
    text: list[str] = field(default_factory=list)
    regressions: list[str] = field(default_factory=list)


class BenchSession:
    """The benchmark tests of one pytest session, measured in worker processes."""

    def __init__(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        from critbench.engine._pytest_items import benchmark_id

        self.config = config
        self.items = items
        self.ids = {item.nodeid: benchmark_id(item.nodeid, str(item.path)).full_id for item in items}
        self.results: dict[str, Any] = {}
        self.fixtures: dict[str, BenchmarkFixture] = {}
        self.outcome = _Outcome()
        self._started_at = ""

    # -- 1. measuring ---------------------------------------------------------------------------------------

    def _context(self) -> Any:
        from critbench.cli._context import make_context
        from critbench.cli._options import Locations
        from critbench.discovery import find_workspace_root
        from critbench.model import FakeClock

        option = self.config.option
        output = option.critbench_output_dir
        storage = option.benchmark_storage
        if output is None and storage:
            if not storage.startswith("file://") and "://" in storage:
                raise pytest.UsageError(
                    f"--benchmark-storage: critbench stores results in a folder (file://PATH), not {storage!r}"
                )
            output = storage.removeprefix("file://")
        clock = FakeClock.from_json(option.critbench_fake_clock) if option.critbench_fake_clock else None
        root = find_workspace_root(Path(self.config.rootpath))
        where = Locations(workspace=root, output_dir=Path(output) if output else None, fake_clock=clock)
        return make_context(where, sys.stdout, sys.stderr)

    def measure(self) -> None:
        from critbench import __version__
        from critbench.cli._options import Display
        from critbench.cli._pipeline import now, preflight
        from critbench.engine import capture_environment
        from critbench.engine._pytest_runner import pytest_job, run_pytest
        from critbench.errors import CritbenchError
        from critbench.model import BenchTarget
        from critbench.pytest_plugin._progress import SessionProgress
        from critbench.pytest_plugin._settings import plugin_settings

        config, option = self.config, self.config.option
        try:
            self.ctx = ctx = self._context()
            self._plan_baselines()
            preflight(ctx, Display(json=Path(option.critbench_json) if option.critbench_json else None))
        except (CritbenchError, ValueError) as exc:
            raise pytest.UsageError(f"critbench: {exc}") from None
        startup = INTERPRETER_START_S + time.monotonic() - LOADED_AT
        self.settings = settings = plugin_settings(
            ctx.workspace.config.settings, option, benchmarks=len(self.items), startup_s=startup
        )
        self.environment = capture_environment(ctx.workspace.root, __version__)
        target = BenchTarget(
            package=ctx.workspace.root_package_name,
            name="pytest",
            path=Path(config.rootpath),
            package_root=Path(config.invocation_params.dir),
            pytest_args=tuple(self._worker_args()),
        )
        job = pytest_job(
            target, settings, fake_clock=ctx.fake_clock, node_ids=tuple(item.nodeid for item in self.items)
        )
        self._started_at = now()
        progress = SessionProgress(sys.stderr, settings, len(self.items), verbose=option.benchmark_verbose)
        try:
            more, extra = self._precision(settings)
            results = run_pytest(
                target,
                job,
                progress,
                more=more,
                max_extra_rounds=extra,
                budget_s=self._budget(settings),
                capped=progress.capped,
            )
        finally:
            progress.finish()
        self.results = {result.id.full_id: result for result in results}

    def _budget(self, settings: Any) -> float | None:
        """The wall time the worker processes may take when their number was chosen here, not asked for:
        the measurement time plus :data:`~critbench.pytest_plugin._settings.STARTUP_SHARE` of it. Starting a
        process and running each test's setup can cost more than the estimate the choice was made with (a
        suite whose fixtures build a large object per test); the first process shows what one costs."""
        from critbench.pytest_plugin._settings import STARTUP_SHARE

        if "processes" in self.ctx.workspace.config.settings or self.config.option.critbench_processes is not None:
            return None
        if settings.quick or settings.processes <= 1:
            return None
        return (1 + STARTUP_SHARE) * len(self.items) * float(settings.measurement_time)

    def _precision(self, settings: Any) -> tuple[Any, int]:
        if settings.precision is None:
            return None, 0
        from critbench.compare import precision_check

        def more(results: list[Any]) -> set[str]:
            return precision_check(results)[1]

        return more, 3 * settings.processes

    def _worker_args(self) -> list[str]:
        """This session's command line with the benchmark tests' files in place of its paths, and its rootdir.

        pytest names a test under the rootdir by its path from there, and one outside it (a suite installed
        in site-packages, collected with ``--pyargs``) by its path from the command-line argument that holds
        it: for those the worker gets that argument's folder, not the file, so its node ids are the same."""
        config = self.config
        args = list(config.invocation_params.args)
        if config.args_source == pytest.Config.ArgsSource.ARGS:
            given = set(config.args)
            args = [arg for arg in args if arg not in given]
        invocation = Path(config.invocation_params.dir)
        root = Path(config.rootpath)
        initial = [Path(path) for path in getattr(self.items[0].session, "_initialpaths", ())] if self.items else []
        paths = set()
        for item in self.items:
            path = Path(item.path)
            if not path.is_relative_to(root):
                path = next((held for held in initial if path.is_relative_to(held)), path)
            paths.add(_relative(path, invocation))
        return [*args, f"--rootdir={config.rootpath}", *sorted(paths)]

    def _plan_baselines(self) -> None:
        from critbench.model import LAST_RUN
        from critbench.pytest_plugin._settings import CompareFail, compared_baseline
        from critbench.storage import BaselineNotFound, BaselineStore

        option = self.config.option
        self.store = store = BaselineStore(self.ctx.output_root)
        names = store.names()
        self.compare_fail = [CompareFail.parse(text) for text in option.benchmark_compare_fail or ()]
        self.gate_changes = False
        if option.critbench_baseline:
            if not store.exists(option.critbench_baseline):
                raise BaselineNotFound(option.critbench_baseline, names)
            self.compare_with: str | None = option.critbench_baseline
            self.gate_changes = True
        elif option.benchmark_compare:
            self.compare_with = compared_baseline(option.benchmark_compare, names)
            if self.compare_with is None:
                self.outcome.text.append(
                    f"Can't compare. No saved run in {self.ctx.output_root} matches {option.benchmark_compare!r}."
                )
        else:
            self.compare_with = LAST_RUN if store.exists(LAST_RUN) else None
        self._check_unit()
        if self.compare_fail and not option.benchmark_compare and not option.critbench_baseline:
            raise ValueError("--benchmark-compare-fail requires --benchmark-compare (or --critbench-baseline)")

    def _check_unit(self) -> None:
        """The session times its tests: a baseline of instruction counts is refused when asked for (a
        comparison across measurements means nothing), and passed over when it is only the previous run."""
        from critbench.cli._measure import unit_of
        from critbench.model import LAST_RUN

        if self.compare_with is None:
            return
        stored = unit_of(self.store.load(self.compare_with))
        if stored == "ns":
            return
        if self.compare_with == LAST_RUN:
            self.compare_with = None
            return
        raise ValueError(
            f"baseline '{self.compare_with}' holds instruction counts (critbench run --measure instructions) and a "
            "pytest session times its tests: a comparison across measurements means nothing; compare with a "
            "baseline this plugin or a timed critbench run saved"
        )

    # -- 2. the fixture -------------------------------------------------------------------------------------

    def make_fixture(self, request: pytest.FixtureRequest) -> BenchmarkFixture:
        nodeid = request.node.nodeid
        marker = request.node.get_closest_marker("benchmark")
        fixture = ReplayFixture(
            request, self.results.get(self.ids.get(nodeid, "")), dict(marker.kwargs) if marker else {}
        )
        self.fixtures[nodeid] = fixture
        return fixture

    # -- 3. judging, saving, gating -------------------------------------------------------------------------

    def finish(self, session: pytest.Session) -> None:
        if not self.results:
            return
        from critbench.pytest_plugin._finish import finish

        gated = finish(self)
        if gated and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    # -- 4. the terminal summary ----------------------------------------------------------------------------

    def display(self, terminal: Any) -> None:
        if not self.outcome.text and not self.outcome.regressions:
            return
        terminal.ensure_newline()
        for line in self.outcome.text:
            terminal.write_line(line)
        if self.outcome.regressions:
            terminal.write_line("Performance has regressed:", red=True, bold=True)
            for line in self.outcome.regressions:
                terminal.write_line(f"\t{line}", red=True)

    def command(self) -> str:
        return shlex.join(["pytest", *self.config.invocation_params.args])


def _relative(path: Path, start: Path) -> str:
    try:
        return str(path.relative_to(start))
    except ValueError:
        return str(path)
