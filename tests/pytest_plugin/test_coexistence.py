"""Beside pytest-benchmark: it serves unless ``-p no:benchmark``; critbench's stand-in never shadows it."""

from __future__ import annotations

from pathlib import Path

from tests.pytest_plugin.conftest import Project

TESTS = """
    def test_sum(benchmark):
        assert benchmark(sum, [1, 2]) == 3
"""

FAKE_PYTEST_BENCHMARK = '''
    """Stands in for an installed pytest-benchmark: importable, with a plugin serving the fixture."""
    import pytest

    __version__ = "0.0-fake"


    @pytest.fixture
    def benchmark():
        return lambda function, *args, **kwargs: function(*args, **kwargs)


    def pytest_addoption(parser):
        parser.getgroup("benchmark").addoption("--benchmark-only", action="store_true")
'''


def _with_fake_pytest_benchmark(project: Project, tmp_path: Path) -> dict[str, str]:
    site = tmp_path / "site"
    (site / "pytest_benchmark").mkdir(parents=True)
    (site / "pytest_benchmark" / "__init__.py").write_text("__version__ = '0.0-fake'\n")
    (site / "pytest_benchmark" / "plugin.py").write_text(FAKE_PYTEST_BENCHMARK.replace("\n    ", "\n"))
    project.write("test_sum.py", TESTS)
    return {"PYTHONPATH": str(site)}


def test_pytest_benchmark_serves_when_it_is_installed(project: Project, tmp_path: Path) -> None:
    env = _with_fake_pytest_benchmark(project, tmp_path)
    session = project.pytest("-p", "pytest_benchmark.plugin", env=env)
    assert session.returncode == 0, session.stdout + session.stderr
    assert "critbench: pytest-benchmark serves the benchmark fixture; add -p no:benchmark" in session.stdout
    assert "Summary:" not in session.stdout


def test_no_benchmark_hands_the_fixture_to_critbench(project: Project, tmp_path: Path) -> None:
    env = _with_fake_pytest_benchmark(project, tmp_path)
    session = project.pytest("-p", "no:benchmark", "--critbench-processes", "2", "--benchmark-max-time=0.1", env=env)
    assert session.returncode == 0, session.stdout + session.stderr
    assert "Summary: 1 benchmark" in session.stdout


def test_types_and_importorskip_work_without_pytest_benchmark(project: Project) -> None:
    project.write(
        "test_typed.py",
        """
        import pytest

        pytest.importorskip("pytest_benchmark", minversion="4.0")
        from pytest_benchmark.fixture import BenchmarkFixture
        from pytest_benchmark.stats import Metadata


        def test_typed(benchmark: BenchmarkFixture) -> None:
            assert isinstance(benchmark, BenchmarkFixture)
            benchmark(sum, [1])
            assert isinstance(benchmark.stats, Metadata)
        """,
    )
    session = project.pytest("-q", "--critbench-processes", "2", "--benchmark-max-time=0.1")
    assert session.returncode == 0, session.stdout + session.stderr
    assert "1 passed" in session.stdout


def test_no_critbench_removes_the_plugin(project: Project) -> None:
    project.write("test_sum.py", TESTS)
    session = project.pytest("-p", "no:critbench")
    assert session.returncode == 1
    assert "fixture 'benchmark' not found" in session.stdout
