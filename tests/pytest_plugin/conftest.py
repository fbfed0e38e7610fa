"""A temporary pytest project, and pytest run in it with critbench's plugin serving the fixture.

``Project.pytest(...)`` runs the real ``python -m pytest`` there (the plugin is installed with critbench, so it
loads as in a user's environment). With ``fake`` every worker process uses that deterministic clock and two
processes, so whole sessions have golden output; ``normalized`` takes out what changes between runs
(pytest's duration, the autosave tag's time).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from critbench.testing import FakeClock

GOLDEN = Path(__file__).parent / "golden"


@dataclass
class Session:
    returncode: int
    stdout: str
    stderr: str

    @property
    def normalized(self) -> str:
        text = re.sub(r" in \d+\.\d+s( \(\d+:\d+:\d+\))?", " in <time>", self.stdout)
        text = re.sub(r"_\d{8}_\d{6}", "_<time>", text)
        return re.sub(r"at 0x[0-9a-f]+", "at 0x…", text)


class Project:
    """A pytest project in a temporary folder."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def pytest(
        self, *args: str, fake: FakeClock | None = None, env: dict[str, str] | None = None, timeout: float = 300
    ) -> Session:
        command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:randomly", *args]
        if fake is not None:
            command += ["--critbench-fake-clock", fake.to_json(), "--critbench-processes", "2"]
        full_env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200", **(env or {})}
        for name in ("CRITBENCH_HOME", "PYTEST_ADDOPTS", "GITHUB_STEP_SUMMARY"):
            full_env.pop(name, None)
        done = subprocess.run(
            command, cwd=self.root, capture_output=True, text=True, env=full_env, timeout=timeout, check=False
        )
        return Session(done.returncode, done.stdout, done.stderr)

    def json(self, relative: str) -> Any:
        return json.loads((self.root / relative).read_text(encoding="utf-8"))

    @property
    def output_root(self) -> Path:
        return self.root / "target" / "critbench"


@pytest.fixture
def project(tmp_path: Path) -> Project:
    root = tmp_path / "proj"
    root.mkdir()
    (root / "pyproject.toml").write_text('[tool.pytest.ini_options]\npythonpath = ["."]\n', encoding="utf-8")
    return Project(root)


def assert_golden(name: str, text: str) -> None:
    """``text`` is the golden file ``name``; ``CRITBENCH_UPDATE_GOLDEN=1`` rewrites it instead."""
    path = GOLDEN / name
    if os.environ.get("CRITBENCH_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"missing golden file {path}; run with CRITBENCH_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")
