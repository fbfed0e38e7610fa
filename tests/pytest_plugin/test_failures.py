"""A benchmark that raises, hangs or kills its worker fails its own test, with the reason; the rest go on."""

from __future__ import annotations

from tests.pytest_plugin.conftest import Project

TESTS = """
    import os
    import time

    import pytest


    def test_first(benchmark):
        benchmark(sum, [1, 2])


    def test_raises(benchmark):
        def boom():
            raise ValueError("bad input")

        benchmark(boom)


    CALLS = [0]


    def test_raises_while_measured(benchmark):
        def flaky():
            CALLS[0] += 1
            if CALLS[0] > 20:
                raise RuntimeError("fails from its 21st call")

        benchmark(flaky)


    def test_hangs(benchmark):
        benchmark(time.sleep, 3600)


    def test_kills_its_worker(benchmark):
        benchmark(os._exit, 3)


    def test_skips_itself(benchmark):
        pytest.skip("not on this machine")


    def test_never_calls_the_fixture(benchmark):
        pass


    def test_last(benchmark):
        benchmark(sum, [3, 4])
"""


def test_failures_fail_their_tests_and_the_others_are_measured(project: Project) -> None:
    project.write("pyproject.toml", "[tool.critbench]\ntimeout = 3\n")
    project.write("test_failing.py", TESTS)
    session = project.pytest("-q", "-rfs", "--critbench-processes", "2", "--benchmark-max-time=0.1", timeout=600)
    out = session.stdout
    assert session.returncode == 1, out
    assert "4 failed, 3 passed, 1 skipped" in out
    assert "FAILED test_failing.py::test_raises - ValueError: bad input" in out
    assert (
        "critbench could not measure this benchmark in its worker process: raised RuntimeError: fails from its 21st call"
        in out
    )
    assert "critbench could not measure this benchmark in its worker process: timed out after 3s" in out
    assert (
        "critbench could not measure this benchmark in its worker process: its worker process exited with status 3"
        in out
    )
    assert (
        "failed: 4 (test_failing/test_raises, test_failing/test_raises_while_measured, test_failing/test_hangs, test_failing/test_kills_its_worker)"
        in out
    )
    assert "Summary: 6 benchmarks" in out, "the tests that skipped or never measured are not results"
    assert "test_first " in out
    assert "test_last " in out


def test_tests_outside_the_rootdir_keep_their_node_ids_in_the_workers(project: Project) -> None:
    """As with ``--pyargs`` over an installed package: pytest names such a test from the argument holding it."""
    from critbench.testing import FakeClock

    project.write("suite/test_outside.py", "def test_one(benchmark):\n    benchmark(sum, [1])\n")
    project.write("suite/sub/test_deeper.py", "def test_two(benchmark):\n    benchmark(sum, [2])\n")
    (project.root / "elsewhere").mkdir()
    session = project.pytest("-q", "--rootdir=elsewhere", "suite", fake=FakeClock(1000))
    assert session.returncode == 0, session.stdout + session.stderr
    assert "2 passed" in session.stdout
    assert "benchmark: 2 tests" in session.stdout
    assert "not collected" not in session.stdout + session.stderr
    one_file = project.pytest("-q", "--rootdir=elsewhere", "suite/test_outside.py", fake=FakeClock(1000))
    assert one_file.returncode == 0, one_file.stdout + one_file.stderr
    assert "1 passed" in one_file.stdout


MARKERS = """
    import pytest


    @pytest.mark.benchmark(1)
    def test_positional(benchmark):
        benchmark(sum, [1])


    @pytest.mark.benchmark(rounds=3)
    def test_unknown_keyword(benchmark):
        benchmark(sum, [1])


    @pytest.mark.benchmark(group="fine", min_rounds=3)
    def test_known_keywords(benchmark):
        benchmark(sum, [1])


    @pytest.mark.benchmark(1)
    def test_not_a_benchmark():
        pass
"""


def test_a_benchmark_marker_with_bad_arguments_fails_its_benchmark_test_only(project: Project) -> None:
    project.write("test_markers.py", MARKERS)
    session = project.pytest("-q", "--benchmark-disable", "-W", "ignore::pytest.PytestUnknownMarkWarning")
    out = session.stdout
    assert session.returncode == 1, out + session.stderr
    assert "2 passed, 2 errors" in out
    assert "ERROR test_markers.py::test_positional - ValueError: benchmark mark can't have positional arguments." in out
    assert "ERROR test_markers.py::test_unknown_keyword - ValueError: benchmark mark can't have 'rounds' keyword" in out
