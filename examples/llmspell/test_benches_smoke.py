"""Every benchmark of the workspace, run once through critbench.testing.smoke_run: bench files are code too."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

from critbench.api import collecting
from critbench.testing import smoke_run

HERE = Path(__file__).resolve().parent
BENCH_FILES = sorted(HERE.glob("llmspell-*/benches/*.py"))


@pytest.mark.parametrize("path", BENCH_FILES, ids=lambda path: f"{path.parent.parent.name}/{path.stem}")
def test_every_benchmark_runs(path: Path) -> None:
    with collecting() as specs:
        runpy.run_path(str(path))
    assert specs, f"{path} declares no benchmarks"
    for spec in specs:
        for instance in spec.instances(path.stem):
            if instance.has_parameter:
                smoke_run(spec.function, instance.parameter, iterations=2)
            else:
                smoke_run(spec.function, iterations=2)
