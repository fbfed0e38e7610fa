"""Revisions that must be built: a package installed per commit into a cached folder of its own.

Most packages are imported from source: the revision's ``src/`` (or package folder) goes on ``sys.path``.
One with compiled extensions cannot be: its checkout holds C or Rust sources, not the built modules. Such a
revision (or every revision, with ``--install``) is installed with the interpreter the workers run::

    python -m pip install --no-deps --target CACHE/<commit>-<package>-<python>/site <checkout's package folder>

``--no-deps``: its dependencies come from the environment critbench runs in, as they do for code imported
from source. The folder is the revision's only: nothing of another revision is in it, and a worker puts it
on ``sys.path`` for that revision's turns only. A commit's build is kept (its ``complete`` marker written
last) and reused by every later comparison; the working tree, whose files may change at any time, is built
afresh each time from a copy, so no build file lands in the user's checkout. The build's whole output goes
to ``build.log`` beside it, and a failed build is an error naming the revision and the log.

Measured on tomli 1.0.0 (poetry-core backend) on the project's 2-core machine: ``pip install --target`` took
7.0 s, a virtual environment plus ``pip --python venv install`` 8.3 s (both mostly pip's isolated build
environment); a cached build costs nothing.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from dataclasses import dataclass
from pathlib import Path

from critbench.errors import RevisionError

_COMPILED_BACKENDS = (
    "maturin",
    "mesonpy",
    "meson_python",
    "scikit_build",
    "setuptools_rust",
    "pybind11",
    "cython",
    "enscons",
)
_COMPILED_SUFFIXES = (".so", ".pyd", ".dylib")
_COPY_IGNORED = shutil.ignore_patterns(".git", ".venv", "venv", "build", "dist", "target", "__pycache__", "*.egg-info")
_LOG_TAIL_LINES = 15


class BuildError(RevisionError):
    """A revision's package could not be built; the message names the revision and the build's log."""


def build_reason(folder: Path) -> str | None:
    """Why ``folder``'s package cannot be imported from its source, or None when it can.

    Read from its files, never by importing: a setup.py that declares extension modules, a build backend
    that compiles (maturin, meson-python, scikit-build, ...), or setuptools' ``ext-modules`` in pyproject.
    """
    setup = folder / "setup.py"
    if setup.is_file():
        text = setup.read_text(encoding="utf-8", errors="replace")
        if re.search(r"\bext_modules\b|\bExtension\(|\bcythonize\(", text):
            return "its setup.py builds extension modules"
    try:
        pyproject = tomllib.loads((folder / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return None
    system = pyproject.get("build-system", {})
    backend = str(system.get("build-backend", "")) if isinstance(system, dict) else ""
    requires = system.get("requires", []) if isinstance(system, dict) else []
    for name in (backend, *(str(item) for item in requires if isinstance(item, str))):
        normal = name.lower().replace("-", "_")
        if any(normal.startswith(compiled) for compiled in _COMPILED_BACKENDS):
            return f"its build system ({name}) compiles it"
    tool = pyproject.get("tool", {})
    setuptools = tool.get("setuptools", {}) if isinstance(tool, dict) else {}
    if isinstance(setuptools, dict) and setuptools.get("ext-modules"):
        return "its [tool.setuptools] ext-modules are compiled"
    return None


_NOT_CODE = {"node_modules", "target", "build", "dist", "site-packages", "__pycache__", "venv", "env", "benches"}


def compiled_modules(folders: list[Path]) -> set[str]:
    """The compiled modules (``pkg/_speed`` for ``pkg/_speed.cpython-311-x86_64-linux-gnu.so``) in ``folders``.

    Hidden folders, virtual environments and build output are passed over: a ``.venv`` inside the
    repository holds the interpreter's compiled modules, not the revision's.
    """
    return {name for folder in folders for name in _compiled_in(str(folder))}


@functools.lru_cache(maxsize=64)
def _compiled_in(folder: str) -> frozenset[str]:
    found: set[str] = set()
    for parent, children, files in os.walk(folder):
        children[:] = [c for c in children if not c.startswith(".") and c not in _NOT_CODE]
        for name in files:
            if name.endswith(_COMPILED_SUFFIXES):
                found.add(Path(parent, name.split(".", 1)[0]).relative_to(folder).as_posix())
    return frozenset(found)


def _python_tag() -> str:
    return f"{sys.implementation.cache_tag}-{sysconfig.get_platform()}".replace("/", "_")


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", text)[:60] or "root"


@dataclass(frozen=True)
class Build:
    """A revision's package, installed: ``site`` goes on ``sys.path`` for that revision's turns."""

    site: Path
    log: Path
    cached: bool
    seconds: float = 0.0


def install(
    source: Path,
    *,
    label: str,
    package: str,
    commit: str | None,
    cache: Path,
    scratch: Path,
    python: str = sys.executable,
) -> Build:
    """``source`` (a package folder of the revision ``label``) installed into a folder of its own.

    Cached under ``cache`` by commit, package and interpreter; built in ``scratch`` (from a copy) when
    ``commit`` is None (the working tree). Raises BuildError when pip fails.
    """
    import time

    if commit is not None:
        key = hashlib.sha256(f"{commit}\0{package}\0{_python_tag()}".encode()).hexdigest()[:10]
        home = cache / f"{commit[:12]}-{_slug(package)}-{key}"
        if (home / "complete").is_file():
            return Build(home / "site", home / "build.log", cached=True)
        copy = None
    else:
        home = scratch / f"build-{_slug(package)}"
        copy = scratch / f"source-{_slug(package)}"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(source, copy, ignore=_COPY_IGNORED, symlinks=True)
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    log = home / "build.log"
    command = [
        python,
        "-m",
        "pip",
        "install",
        "--no-deps",
        "--no-input",
        "--disable-pip-version-check",
        "--target",
        str(home / "site"),
        str(copy or source),
    ]
    started = time.monotonic()
    with log.open("w", encoding="utf-8") as handle:
        handle.write(f"$ {' '.join(command)}\n")
        handle.flush()
        try:
            done = subprocess.run(
                command, stdout=handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, check=False
            )
        except KeyboardInterrupt:
            shutil.rmtree(home / "site", ignore_errors=True)
            raise
    if done.returncode != 0:
        shutil.rmtree(home / "site", ignore_errors=True)
        raise BuildError(_failure(label, package, done.returncode, log))
    (home / "complete").write_text(f"{commit or 'working tree'}\n")
    return Build(home / "site", log, cached=False, seconds=time.monotonic() - started)


def _failure(label: str, package: str, status: int, log: Path) -> str:
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    tail = "\n".join("    " + line for line in lines[-_LOG_TAIL_LINES:])
    return f"could not build {label} (package {package!r}): pip exited with status {status}; its output is in {log}\n{tail}"
