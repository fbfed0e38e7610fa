"""History stores to test against (SQLite and PostgreSQL), and records to put in them.

PostgreSQL tests need a server: ``eval "$(.ci/postgres.sh)"`` starts one and exports
``CRITBENCH_TEST_POSTGRES_URL``. Without that variable they are skipped locally, and fail under CI (``$CI``
set), so CI cannot pass by silently testing SQLite only. Each PostgreSQL test gets its own schema, chosen
through the URL's search path, so tests (and their subprocesses) never see each other's tables.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from critbench.model import (
    BenchmarkId,
    BenchmarkInfo,
    BenchmarkResult,
    ChangeStatistics,
    Comparison,
    Environment,
    Estimate,
    Estimates,
    Failure,
    FailureKind,
    Indicator,
    MemoryUsage,
    OutlierCounts,
    RunRecord,
    SampleAnalysis,
    Samples,
    SamplingMode,
    TargetAssessment,
    TargetStatus,
    TukeyFences,
    Verdict,
)

POSTGRES_URL_VARIABLE = "CRITBENCH_TEST_POSTGRES_URL"


def make_run(
    day: int = 1,
    *,
    commit: str | None = "0123456789abcdef",
    branch: str | None = "main",
    dirty: bool | None = False,
    saved_as: str | None = None,
    compared_with: str | None = None,
) -> RunRecord:
    return RunRecord(
        started_at=f"2026-01-{day:02d}T10:00:00+00:00",
        finished_at=f"2026-01-{day:02d}T10:05:00+00:00",
        environment=Environment(
            python="3.11.7",
            hostname="ci-1",
            git_commit=commit,
            git_branch=branch,
            git_dirty=dirty,
            critbench_version="0.1.0",
        ),
        command="critbench run",
        saved_as=saved_as,
        compared_with=compared_with,
        settings={"sample_size": 20, "measurement_time": 0.1},
    )


def make_result(
    full_id: str,
    typical_ns: float = 1000.0,
    *,
    verdict: Verdict | None = None,
    baseline: str = "main",
    memory_peak_bytes: int | None = None,
    samples: int = 4,
    change_point: float = 0.12,
) -> BenchmarkResult:
    """A measured benchmark whose typical time (the slope) is ``typical_ns``, optionally compared (with a
    change of ``change_point``)."""
    estimate = Estimate(typical_ns, typical_ns * 0.99, typical_ns * 1.01, typical_ns * 0.005, 0.95)
    spread = Estimate(typical_ns * 0.02, typical_ns * 0.01, typical_ns * 0.03, 1.0, 0.95)
    comparison = None
    if verdict is not None:
        change = Estimate(change_point, change_point - 0.02, change_point + 0.02, 0.01, 0.95)
        comparison = Comparison(
            baseline=baseline,
            change=ChangeStatistics(mean=change, median=change, t_statistic=5.0, p_value=0.001),
            verdict=verdict,
            indicator=Indicator.BAD,
            significance_level=0.05,
            noise_threshold=0.01,
            p_value_adjusted=0.002,
            min_detectable_change=0.03,
        )
    memory = memory_target = None
    if memory_peak_bytes is not None:
        memory = MemoryUsage(peak_rss_bytes=memory_peak_bytes, allocated_per_iteration_bytes=memory_peak_bytes // 10)
        memory_target = TargetAssessment("memory", 50e6, float(memory_peak_bytes), TargetStatus.EXCELLENT)
    iters = tuple(float(n) for n in range(1, samples + 1))
    return BenchmarkResult(
        info=BenchmarkInfo(
            id=BenchmarkId.parse(full_id),
            package="pkg",
            bench_target="target",
            target_ns=typical_ns * 2,
            memory_target_bytes=50_000_000 if memory_peak_bytes is not None else None,
        ),
        samples=Samples(
            SamplingMode.LINEAR, iters, tuple(n * typical_ns for n in iters), (0,) * samples, overhead_ns=1.5
        ),
        analysis=SampleAnalysis(
            estimates=Estimates(mean=estimate, median=estimate, median_abs_dev=spread, std_dev=spread, slope=estimate),
            fences=TukeyFences(0.0, 1.0, 2.0, 3.0),
            outliers=OutlierCounts(0, 0, 0, 0, samples),
        ),
        comparison=comparison,
        time_target=TargetAssessment("time", typical_ns * 2, typical_ns, TargetStatus.EXCELLENT),
        memory_target=memory_target,
        memory=memory,
    )


def make_failure(full_id: str) -> BenchmarkResult:
    return BenchmarkResult(
        info=BenchmarkInfo(id=BenchmarkId.parse(full_id)),
        failure=Failure(FailureKind.ERROR, "raised ValueError: bad input"),
    )


def postgres_base_url() -> str:
    """The test server's URL; skips the test locally without one, fails it under CI."""
    url = os.environ.get(POSTGRES_URL_VARIABLE)
    if not url:
        reason = f'${POSTGRES_URL_VARIABLE} is not set (eval "$(.ci/postgres.sh)" starts a server and sets it)'
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL tests must run in CI: {reason}")
        pytest.skip(reason)
    return url


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[sa.Engine]:
    url = sa.make_url(postgres_base_url())
    engine = sa.create_engine(url.set(drivername="postgresql+psycopg"))
    yield engine
    engine.dispose()


@pytest.fixture
def postgres_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A URL into a fresh, private PostgreSQL schema, dropped after the test."""
    admin: sa.Engine = request.getfixturevalue("postgres_admin")
    schema = f"critbench_test_{uuid.uuid4().hex[:12]}"
    with admin.begin() as connection:
        connection.execute(sa.schema.CreateSchema(schema))
    url = admin.url.update_query_dict({"options": f"-csearch_path={schema}"})
    yield url.render_as_string(hide_password=False)
    with admin.begin() as connection:
        connection.execute(sa.schema.DropSchema(schema, cascade=True))


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each history test runs once on a SQLite file (in a folder not created yet) and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'output' / '.history.sqlite'}"
    url: str = request.getfixturevalue("postgres_url")
    return url
