"""``--measure``: the refusals that happen before anything is measured or written (exit 2, one clear line).

The end-to-end runs under valgrind are in ``test_instructions_run.py``.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from critbench.model import (
    BenchmarkId,
    BenchmarkInfo,
    Environment,
    Measure,
    RunRecord,
    Samples,
    SamplingMode,
    Settings,
    to_data,
)
from critbench.storage import BaselineStore, StoredBenchmark
from tests.conftest import Workspace

TARGET = """\
from critbench import bench

@bench
def work(b):
    b.iter(lambda: sum(range(100)))
"""

needs_valgrind = pytest.mark.skipif(
    shutil.which("valgrind") is None, reason="valgrind is not installed (apt-get install valgrind)"
)


@pytest.fixture
def workspace(make_workspace: Callable[..., Workspace]) -> Workspace:
    ws = make_workspace()
    ws.package("pkg", "pkg", {"t": TARGET})
    return ws


def _no_valgrind_env(tmp_path: Path) -> dict[str, str]:
    empty = tmp_path / "empty-path"
    empty.mkdir()
    return {"PATH": str(empty)}


@pytest.mark.parametrize(
    "args",
    [
        ["run", "--measure", "instructions"],
        ["run", "--", "--measure", "instructions"],
        ["run", "--measure", "instructions", "--save-baseline", "x"],
    ],
)
def test_without_valgrind_one_line_exit_2_and_nothing_written(
    workspace: Workspace, tmp_path: Path, args: list[str]
) -> None:
    done = workspace.critbench(*args, env=_no_valgrind_env(tmp_path))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1, done.stderr
    assert "valgrind" in done.stderr
    assert "apt-get install valgrind" in done.stderr
    assert not workspace.output_root.exists()


def test_the_config_file_can_choose_instructions(make_workspace: Callable[..., Workspace], tmp_path: Path) -> None:
    ws = make_workspace('[tool.critbench]\nmeasure = "instructions"\n')
    ws.package("pkg", "pkg", {"t": TARGET})
    done = ws.critbench("run", env=_no_valgrind_env(tmp_path))
    assert done.returncode == 2
    assert "valgrind" in done.stderr


def test_a_bad_measure_in_the_config_is_a_usage_error(make_workspace: Callable[..., Workspace]) -> None:
    ws = make_workspace('[tool.critbench]\nmeasure = "cycles"\n')
    ws.package("pkg", "pkg", {"t": TARGET})
    done = ws.critbench("run")
    assert done.returncode == 2
    assert "expected wall or instructions" in done.stderr


def test_ab_refuses_to_count_instructions_and_says_what_to_do(workspace: Workspace) -> None:
    done = workspace.critbench("ab", "HEAD", "--measure", "instructions")
    assert done.returncode == 2
    assert "--save-baseline" in done.stderr
    assert not workspace.output_root.exists()


def _save(root: Path, name: str, unit: str) -> None:
    settings = Settings(measure=Measure.INSTRUCTIONS if unit == "instructions" else Measure.WALL)
    info = BenchmarkInfo(BenchmarkId("t", "work"), settings=settings, package="pkg", bench_target="t")
    if unit == "instructions":
        samples = Samples(
            SamplingMode.LINEAR, (10.0, 20.0, 30.0), (1100.0, 2100.0, 3100.0), (0, 0, 0), unit="instructions"
        )
    else:
        samples = Samples(SamplingMode.FLAT, (10.0,) * 20, (1000.0,) * 20, (0,) * 20)
    from critbench.compare import analyze

    analysis = analyze(samples, 2000, 0.95, 0, "t/work")
    record = RunRecord(
        "2024-01-01T00:00:00+00:00", "2024-01-01T00:00:01+00:00", Environment(), settings=to_data(settings)
    )
    BaselineStore(root).save(name, record, [StoredBenchmark(info, samples, analysis)])


def test_compare_refuses_two_measurements(workspace: Workspace) -> None:
    _save(workspace.output_root, "timed", "ns")
    _save(workspace.output_root, "counted", "instructions")
    done = workspace.critbench("compare", "timed", "counted")
    assert done.returncode == 2
    assert "baseline 'timed' holds wall times and baseline 'counted' has instruction counts" in done.stderr
    same = workspace.critbench("compare", "counted", "counted")
    assert same.returncode == 0, same.stderr
    assert "instr" in same.stdout
    assert "the same count as counted" in same.stdout


def test_baselines_show_and_history_say_what_was_measured(workspace: Workspace) -> None:
    _save(workspace.output_root, "counted", "instructions")
    shown = workspace.critbench("baselines", "show", "counted")
    assert shown.returncode == 0, shown.stderr
    assert "measured: instructions per iteration" in shown.stdout
    assert "100 instr" in shown.stdout


@needs_valgrind
def test_run_refuses_a_baseline_of_the_other_measurement(workspace: Workspace) -> None:
    _save(workspace.output_root, "timed", "ns")
    done = workspace.critbench("run", "--measure", "instructions", "--baseline", "timed")
    assert done.returncode == 2
    assert "baseline 'timed' holds wall times and this run has instruction counts" in done.stderr
    assert "--measure wall" in done.stderr


@needs_valgrind
def test_precision_does_not_apply_to_counts(workspace: Workspace) -> None:
    done = workspace.critbench("run", "--measure", "instructions", "--precision", "2%")
    assert done.returncode == 2
    assert "--precision" in done.stderr
