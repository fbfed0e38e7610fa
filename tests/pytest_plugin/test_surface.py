"""Every item of pytest-benchmark's fixture and marker surface, in one session with golden output.

The session runs with the fake clock (two worker processes, deterministic times), so its table, statistics
and summary are the same every time. Regenerate after an intended change with
``CRITBENCH_UPDATE_GOLDEN=1 python3 dev.py test tests/pytest_plugin`` and review the diff.
"""

from __future__ import annotations

from critbench.testing import FakeClock
from tests.pytest_plugin.conftest import Project, assert_golden

SURFACE = '''
    import asyncio

    import pytest

    import mylib

    SEEN = []


    def test_call_with_arguments(benchmark):
        """benchmark(fn, *args, **kwargs) returns fn's result."""
        assert benchmark(mylib.scale, 3, factor=2) == 6


    def test_decorator(benchmark):
        @benchmark
        def result():
            return mylib.scale(4)

        assert result == 4


    def test_pedantic(benchmark):
        def setup():
            SEEN.append("setup")
            return (list(range(10, 0, -1)),), {}

        def teardown(values):
            SEEN.append("teardown")

        result = benchmark.pedantic(sorted, setup=setup, teardown=teardown, rounds=6, warmup_rounds=2, iterations=1)
        assert result == list(range(1, 11))
        assert SEEN.count("setup") == SEEN.count("teardown") >= 1


    def test_pedantic_iterations(benchmark):
        assert benchmark.pedantic(mylib.scale, args=(5,), kwargs={"factor": 3}, rounds=4, iterations=10) == 15


    def test_attributes(benchmark):
        benchmark.extra_info["answer"] = 42
        benchmark(mylib.scale, 1)
        assert benchmark.name == "test_attributes"
        assert benchmark.fullname == "test_bench.py::test_attributes"
        assert benchmark.group is None
        stats = benchmark.stats
        assert stats["rounds"] == stats.stats.rounds == len(stats.stats.data) >= 4
        assert stats.get("min") <= stats["mean"] <= stats["max"]
        assert stats["name"] == "test_attributes" and stats.extra_info == {"answer": 42}


    @pytest.mark.benchmark(group="marked", min_time=0.1, max_time=0.05, min_rounds=7, timer=None, disable_gc=True, warmup=True)
    def test_marker(benchmark):
        benchmark(mylib.scale, 2)
        assert benchmark.group == "marked"


    @pytest.mark.benchmark(group="marked")
    @pytest.mark.parametrize("size", [10, 100])
    def test_parametrized(benchmark, size):
        assert benchmark(mylib.total, size) == size * (size - 1) // 2
        assert benchmark.param == str(size) and benchmark.params == {"size": size}


    def test_coroutine(benchmark):
        async def fetch(value):
            await asyncio.sleep(0)
            return value

        assert benchmark(fetch, 7) == 7


    def test_used_twice(benchmark):
        benchmark(mylib.scale, 1)
        with pytest.raises(Exception, match="Fixture can only be used once"):
            benchmark(mylib.scale, 1)


    def test_not_a_benchmark():
        assert mylib.scale(2) == 2
'''

LIB = """
    def scale(value, factor=1):
        return value * factor


    def total(n):
        return sum(range(n))
"""

CLOCK = FakeClock(
    default_ns=1000.0,
    costs_ns={"test_bench/test_pedantic": 25_000.0, "test_bench/test_parametrized/100": 4_000.0},
)


def test_the_fixture_and_marker_surface(project: Project) -> None:
    project.write("mylib.py", LIB)
    project.write("test_bench.py", SURFACE)
    session = project.pytest("-q", "--benchmark-json=out.json", fake=CLOCK)
    assert session.returncode == 0, session.stdout + session.stderr
    assert_golden("surface.txt", session.normalized)

    document = project.json("out.json")
    by_name = {entry["name"]: entry for entry in document["benchmarks"]}
    assert sorted(by_name) == [
        "test_attributes",
        "test_call_with_arguments",
        "test_coroutine",
        "test_decorator",
        "test_marker",
        "test_parametrized[100]",
        "test_parametrized[10]",
        "test_pedantic",
        "test_pedantic_iterations",
        "test_used_twice",
    ], "every benchmark test, and only those"
    for entry in by_name.values():
        stats = entry["stats"]
        assert len(stats["data"]) == stats["rounds"] >= 4
        assert stats["min"] <= stats["median"] <= stats["max"]
        assert entry["critbench"]["typical_ns"]["point"] > 0
    assert by_name["test_attributes"]["extra_info"] == {"answer": 42}
    assert by_name["test_marker"]["group"] == "marked"
    assert by_name["test_parametrized[10]"]["params"] == {"size": 10}
    assert by_name["test_pedantic_iterations"]["stats"]["iterations"] == 10
    assert by_name["test_pedantic"]["stats"]["rounds"] == 6, "pedantic's rounds, over both processes"
    assert abs(by_name["test_pedantic"]["stats"]["mean"] - 25e-6) < 2e-6
    assert by_name["test_marker"]["stats"]["rounds"] >= 7, "min_rounds"
