#!/usr/bin/env python3
"""Set up and run critbench's main jobs on a fresh machine that has only Python 3.11+.

    python3 dev.py bench   # set up, then run the example workspace's benchmarks; ends with the report's path
    python3 dev.py test    # set up, then run the test suite
    python3 dev.py lint    # set up, then ruff, mypy --strict and the layers contract
    python3 dev.py setup   # only set up

The first call creates .venv/ and installs critbench with its development tools; later calls reuse it and
reinstall only when pyproject.toml changed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"
STAMP = VENV / ".critbench-installed"


def _run(*args: str | Path, cwd: Path = ROOT) -> int:
    return subprocess.call([str(arg) for arg in args], cwd=cwd)


def ensure_environment() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py must explain itself on an old Python
        sys.exit(f"critbench needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.is_file() and STAMP.read_text() == wanted and PYTHON.exists():
        return
    if not PYTHON.exists():
        print("Creating .venv ...", file=sys.stderr)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("Installing critbench and its development tools into .venv ...", file=sys.stderr)
    quiet = ["--quiet", "--disable-pip-version-check"]
    if _run(PYTHON, "-m", "pip", "install", *quiet, "-e", ".[dev]") != 0:
        sys.exit("pip install failed (see above)")
    STAMP.write_text(wanted)


def bench(args: list[str]) -> int:
    """The example workspace's benchmarks through the seed's script; it ends with the report's path."""
    return _run("bash", ROOT / "scripts" / "testing" / "kernel-benchmark.sh", *args)


def test(args: list[str]) -> int:
    return _run(PYTHON, "-m", "pytest", *args)


def lint(args: list[str]) -> int:
    status = _run(BIN / "ruff", "check", ".")
    status |= _run(BIN / "ruff", "format", "--check", ".")
    status |= _run(BIN / "mypy")
    status |= _run(BIN / "lint-imports")
    return status


def setup(args: list[str]) -> int:
    return 0


COMMANDS = {"setup": setup, "bench": bench, "test": test, "lint": lint}


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    ensure_environment()
    return COMMANDS[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
