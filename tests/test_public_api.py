"""The public face: exactly the documented names, and a cheap import."""

from __future__ import annotations

import subprocess
import sys

import critbench


def test_all_is_exactly_the_public_api() -> None:
    assert sorted(critbench.__all__) == sorted(
        ["BatchSize", "Bencher", "BenchmarkId", "Group", "Throughput", "__version__", "bench", "black_box", "group"]
    )
    for name in critbench.__all__:
        assert hasattr(critbench, name)


def _modules_after(code: str) -> set[str]:
    completed = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys\nprint('\\n'.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(completed.stdout.split())


def test_import_critbench_does_not_import_numpy_or_reports() -> None:
    modules = _modules_after("import critbench")
    assert "numpy" not in modules
    assert "critbench.report" not in modules
    assert "critbench.engine" not in modules


def test_help_does_not_import_numpy() -> None:
    code = "from critbench.cli import run\ntry:\n    run(['--help'])\nexcept SystemExit:\n    pass"
    completed = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys\nprint('MODULES', ' '.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert "usage: critbench" in completed.stdout
    assert "MODULES" in completed.stdout
    modules = completed.stdout.split("MODULES", 1)[1].split()
    assert "critbench.cli" in modules
    assert "numpy" not in modules


def test_run_help_lists_criterion_flags() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "critbench", "run", "--help"], capture_output=True, text=True, check=True
    )
    for flag in ("--save-baseline", "--baseline-lenient", "--load-baseline", "--discard-baseline", "--fail-on"):
        assert flag in completed.stdout


def test_import_critbench_loads_nothing_until_a_name_is_used() -> None:
    """The pytest plugin is imported in every pytest session: ``import critbench`` must stay nearly free."""
    modules = _modules_after("import critbench")
    assert not {name for name in modules if name.startswith("critbench.")}
    used = _modules_after("from critbench import bench")
    assert "critbench.api" in used
    assert "numpy" not in used
