"""A pytest session and ``critbench run --pytest`` store a suite's benchmarks under one package name.

The name is the one discovery gives the workspace root's package (its ``[project] name``), never the root
folder's name: each of the two ways of running the suite must compare with what the other stored.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.pytest_plugin.conftest import Project
from tests.pytest_plugin.test_flags import SAME, _project


def test_each_way_of_running_the_suite_compares_with_the_other(project: Project) -> None:
    project.write("pyproject.toml", '[project]\nname = "realname"\n\n[tool.pytest.ini_options]\npythonpath = ["."]\n')
    _project(project)
    session = project.pytest("-q", fake=SAME)
    assert session.returncode == 0, session.stdout + session.stderr

    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("CRITBENCH_HOME", None)
    command = [sys.executable, "-m", "critbench", "--fake-clock", SAME.to_json(), "run", "--pytest", "."]
    run = subprocess.run(command, cwd=project.root, capture_output=True, text=True, env=env, timeout=300, check=False)
    assert run.returncode == 0, run.stderr
    assert "vs the previous run: 0 regressed, 0 improved, 3 unchanged\n" in run.stdout, run.stdout

    again = project.pytest("-q", fake=SAME)
    assert "vs the previous run: 0 regressed, 0 improved, 3 unchanged\n" in again.stdout, again.stdout
    stored = [json.loads(path.read_text())["info"] for path in (project.output_root / ".last").rglob("benchmark.json")]
    assert len(stored) == 3
    assert {info["package"] for info in stored} == {"realname"}
