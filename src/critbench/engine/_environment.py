"""What machine and code a run measured: Python, platform, CPU, git commit and whether the tree was dirty."""

from __future__ import annotations

import os
import platform
import socket
import subprocess
from pathlib import Path

from critbench.model import Environment


def read_cpu_model(proc_root: Path = Path("/proc")) -> str:
    """The CPU's model name from ``/proc/cpuinfo`` (x86 ``model name``, ARM ``Hardware``/``CPU model``)."""
    try:
        with open(proc_root / "cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.lower().startswith(("model name", "hardware", "cpu model")):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _git(folder: Path, *args: str) -> str | None:
    try:
        completed = subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return completed.stdout.strip() if completed.returncode == 0 else None


def capture_environment(workspace: Path, version: str) -> Environment:
    """Read the environment once, at the start of a run."""
    commit = _git(workspace, "rev-parse", "HEAD")
    status = _git(workspace, "status", "--porcelain", "--untracked-files=no") if commit else None
    branch = _git(workspace, "rev-parse", "--abbrev-ref", "HEAD") if commit else None
    return Environment(
        python=platform.python_version(),
        implementation=platform.python_implementation(),
        platform=f"{platform.system()} {platform.release()}",
        machine=platform.machine(),
        cpu_model=read_cpu_model(),
        cpu_count=os.cpu_count() or 0,
        hostname=socket.gethostname(),
        git_commit=commit,
        git_branch=branch,
        git_dirty=None if status is None else bool(status),
        critbench_version=version,
    )
