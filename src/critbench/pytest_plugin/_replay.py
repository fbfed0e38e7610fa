"""The fixture of the pytest session the user started: the call runs once, the workers' measurement is shown.

By the time pytest runs a benchmark test here, worker processes have measured it (``_session``). The test
still runs, for its own assertions: its fixture calls the function once (pedantic: one round, setup and
teardown included) and returns the result, with ``benchmark.stats`` holding the statistics of every sample
the workers took. A benchmark whose measurement failed fails its test, with the reason: a hang or a crashed
worker at once, without calling the function again; an exception after the call, so the test shows the
exception's own traceback when this process raises it too.
"""

from __future__ import annotations

from typing import Any

import pytest

from critbench.api._fixture import AnyCall, BenchmarkFixture, CallOnceFixture
from critbench.api._fixture_stats import Metadata
from critbench.engine._pytest_worker import NOT_MEASURED, test_node
from critbench.model import BenchmarkResult, FailureKind

CANNOT_MEASURE = "critbench could not measure this benchmark in its worker process"


def _group(request: pytest.FixtureRequest) -> str | None:
    marker = request.node.get_closest_marker("benchmark")
    return marker.kwargs.get("group") if marker is not None else None


def call_once_fixture(request: pytest.FixtureRequest) -> BenchmarkFixture:
    """``--benchmark-disable``: the function runs once; nothing is measured."""
    return CallOnceFixture(test_node(request.node), group=_group(request), disabled=True)


class ReplayFixture(CallOnceFixture):
    """Runs the call once; holds the workers' statistics, or fails the test when they have none to give."""

    def __init__(self, request: pytest.FixtureRequest, result: BenchmarkResult | None, options: dict[str, Any]) -> None:
        super().__init__(test_node(request.node), group=_group(request))
        self.result = result
        self._options = options

    def _before(self) -> None:
        failure = self.result.failure if self.result is not None else None
        if failure is not None and failure.kind is not FailureKind.ERROR:
            pytest.fail(f"{CANNOT_MEASURE}: {failure.reason}\n{failure.detail}".rstrip(), pytrace=False)

    def _after(self) -> None:
        result = self.result
        if result is None:
            return
        if result.failure is not None:
            if result.failure.reason.startswith(NOT_MEASURED):
                return
            detail = f"\n{result.failure.detail}" if result.failure.detail else ""
            pytest.fail(f"{CANNOT_MEASURE}: {result.failure.reason}{detail}", pytrace=False)
        if result.samples is not None:
            self.stats = Metadata.of(self, result.samples, self._options)

    def _run(self, call: AnyCall) -> Any:
        self._before()
        value = super()._run(call)
        self._after()
        return value

    async def _run_async(self, call: AnyCall) -> Any:
        self._before()
        value = await super()._run_async(call)
        self._after()
        return value
