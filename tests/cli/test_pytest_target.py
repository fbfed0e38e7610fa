"""A project whose only benchmarks are pytest-benchmark tests (``[tool.critbench] pytest``), from the CLI.

``critbench run`` and ``critbench ab HEAD`` measure the suite's benchmark tests in pytest's worker; the fake
clock (``critbench --fake-clock``) gives each test its cost, and the working tree's side of ``ab`` the cost in
``costs_b_ns``, so nothing here depends on real timing. ``--measure instructions`` cannot count a pytest
suite and is refused before anything runs.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from critbench.testing import FakeClock
from tests.conftest import Workspace

CONFIG = """\
[tool.critbench]
pytest = ["tests"]
warm-up-time = 0.05
measurement-time = 0.1
sample-size = 20
nresamples = 2000
processes = 5
"""

LIBRARY = """\
def work(n):
    return sum(i * i for i in range(n))
"""

TESTS = """\
import pytest

import mylib


@pytest.mark.parametrize("n", [100, 1000])
def test_work(benchmark, n):
    assert benchmark(mylib.work, n) == sum(i * i for i in range(n))


def test_pedantic(benchmark):
    benchmark.pedantic(mylib.work, args=(300,), rounds=20, iterations=5)


def test_not_a_benchmark():
    assert mylib.work(3) == 5
"""

IDS = ("tests.test_bench/test_work/100", "tests.test_bench/test_work/1000", "tests.test_bench/test_pedantic")
SLOWER = FakeClock(1000, seed=3, costs_b_ns={"tests.test_bench/test_work/1000": 1050})
"""The working tree's side of ``ab`` 5% slower in one test; everything else costs 1 µs."""


def _git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "GIT_AUTHOR_DATE": "2024-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2024-01-01T00:00:00Z"},
    )
    return done.stdout


@pytest.fixture
def project(tmp_path: Path) -> Workspace:
    ws = Workspace(tmp_path / "proj")
    ws.write("pyproject.toml", '[project]\nname = "mylib"\nversion = "0.1"\n\n' + CONFIG)
    ws.write("src/mylib/__init__.py", LIBRARY)
    ws.write("tests/test_bench.py", TESTS)
    _git(ws.root, "init", "-q", "-b", "main")
    _git(ws.root, "add", "-A")
    _git(ws.root, "commit", "-qm", "first")
    return ws


def test_list_names_the_benchmark_tests_by_node_id(project: Workspace) -> None:
    done = project.critbench("list")
    assert done.returncode == 0, done.stderr
    for bid in IDS:
        assert bid in done.stdout
    assert "test_not_a_benchmark" not in done.stdout


def test_run_measures_every_benchmark_test_and_ignores_itself_in_git(project: Workspace) -> None:
    done = project.critbench("run", "--save-baseline", "before", fake=FakeClock(1000, seed=3))
    assert done.returncode == 0, done.stdout + done.stderr
    for bid in IDS:
        assert f"{bid}\n                        time:   [" in done.stdout
    assert "Summary: 3 benchmarks" in done.stdout
    assert f"[1/{3 * 5}] Benchmarking " in done.stderr, "progress counts every benchmark's processes"
    assert "ETA" in done.stderr
    assert (project.output_root / "before").is_dir()
    assert _git(project.root, "status", "--porcelain") == "", "the output root ignores itself"
    again = project.critbench("run", "--baseline", "before", fake=FakeClock(1000, seed=4))
    assert again.returncode == 0, again.stdout + again.stderr
    assert again.stdout.count("No change in performance detected.") == 3


def test_ab_head_detects_a_five_percent_slowdown_in_the_working_tree(project: Workspace) -> None:
    project.write("src/mylib/__init__.py", LIBRARY + "# slower\n")
    done = project.critbench("ab", "HEAD", fake=SLOWER)
    assert done.returncode == 1, done.stdout + done.stderr
    slowed = done.stdout.split("tests.test_bench/test_work/1000", 1)[1].split("tests.test_bench/test_pedantic", 1)[0]
    assert "Performance has regressed." in slowed
    assert "change: [+4." in slowed
    assert "regressed tests.test_bench/test_work/1000" in done.stdout
    assert "1 regressed, 0 improved, 2 unchanged" in done.stdout
    assert "uncommitted changes (src/mylib/__init__.py) are part of what is measured" in done.stderr
    assert f"[1/{2 * 3 * 5}] Benchmarking " in done.stderr, "the total counts both sides' processes from the start"
    assert "tests.test_bench/test_pedantic [HEAD] [process 1/5]" in done.stderr, "revision A's lines are marked"


def test_ab_head_on_unchanged_code_passes(project: Workspace) -> None:
    done = project.critbench("ab", "HEAD", fake=FakeClock(1000, seed=3))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 regressed, 0 improved, 3 unchanged" in done.stdout


def test_counting_instructions_of_a_pytest_suite_is_refused(project: Workspace) -> None:
    done = project.critbench("run", "--measure", "instructions")
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.count("\n") == 1, done.stderr
    assert "the pytest suite mylib/tests can only be timed" in done.stderr
    assert not project.output_root.exists(), "refused before anything is written"
