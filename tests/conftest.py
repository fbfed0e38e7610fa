"""Shared test helpers: temporary workspaces and running the real ``critbench`` command in them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from critbench.testing import FakeClock


def start_critbench(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    """``python -m critbench ARGS`` in the background, as a terminal would start it, to be interrupted: pipes
    for its output, and SIGINT with Ctrl-C's default action even where the tests run as a background job
    (which starts children with SIGINT ignored, so Python would install no KeyboardInterrupt handler)."""
    return subprocess.Popen(
        [sys.executable, "-m", "critbench", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # noqa: PLW1509 - no threads yet
    )


FAST_CONFIG = """\
[tool.critbench]
warm-up-time = 0.05
measurement-time = 0.1
sample-size = 20
nresamples = 2000
processes = 5
"""


@dataclass
class Completed:
    returncode: int
    stdout: str
    stderr: str


class Workspace:
    """A temporary workspace on disk; ``critbench(...)`` runs the real command line in it."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def package(self, folder: str, name: str, benches: dict[str, str]) -> None:
        self.write(f"{folder}/pyproject.toml", f'[project]\nname = "{name}"\nversion = "0.1"\n')
        for target, source in benches.items():
            self.write(f"{folder}/benches/{target}.py", source)

    def critbench(
        self,
        *args: str,
        env: dict[str, str] | None = None,
        timeout: float = 300,
        cwd: Path | None = None,
        fake: FakeClock | None = None,
    ) -> Completed:
        """Run ``critbench ARGS`` here; with ``fake``, every worker uses that deterministic clock."""
        if fake is not None:
            args = ("--fake-clock", fake.to_json(), *args)
        full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
        full_env.pop("CRITBENCH_HOME", None)
        completed = subprocess.run(
            [sys.executable, "-m", "critbench", *args],
            cwd=cwd or self.root,
            capture_output=True,
            text=True,
            env=full_env,
            timeout=timeout,
            check=False,
        )
        return Completed(completed.returncode, completed.stdout, completed.stderr)

    @property
    def output_root(self) -> Path:
        return self.root / "target" / "critbench"


@pytest.fixture
def make_workspace(tmp_path: Path) -> Callable[..., Workspace]:
    def make(config: str = FAST_CONFIG) -> Workspace:
        workspace = Workspace(tmp_path / "ws")
        workspace.write("pyproject.toml", '[project]\nname = "ws"\nversion = "0.1"\n\n' + config)
        return workspace

    return make
