"""critbench ab of a package with a compiled extension: each revision built (pip, cached per commit) and the
two measured in alternating processes, since one process cannot load two modules named ``cext._speed``.

Built with the system's C compiler; skipped where there is none. The fake clock keys the cost by commit, so
the verdict does not depend on the machine; each side's extension says which revision it was built from.
"""

from __future__ import annotations

import os
import shutil
import sysconfig
from collections.abc import Callable
from pathlib import Path

import pytest

from critbench.testing import FakeClock
from tests.cli.test_ab import _git, _state
from tests.conftest import Workspace

pytestmark = pytest.mark.skipif(
    shutil.which(sysconfig.get_config_var("CC").split()[0] if sysconfig.get_config_var("CC") else "cc") is None,
    reason="needs a C compiler",
)

EXTENSION = """
#include <Python.h>
static PyObject *revision(PyObject *self, PyObject *args) { return PyLong_FromLong(REVISION); }
static PyMethodDef methods[] = {{"revision", revision, METH_NOARGS, ""}, {NULL, NULL, 0, NULL}};
static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_speed", NULL, -1, methods};
PyMODINIT_FUNC PyInit__speed(void) { return PyModule_Create(&module); }
"""

TARGET = """
import os

import cext._speed
from critbench import Bencher, bench

with open(os.environ["CRITBENCH_TEST_LOG"], "a") as log:
    log.write(f"{cext._speed.revision()} {cext._speed.__file__}\\n")


@bench
def call(b: Bencher) -> None:
    b.iter(cext._speed.revision)
"""


@pytest.fixture
def compiled_repo(make_workspace: Callable[..., Workspace]) -> tuple[Workspace, list[str]]:
    ws = make_workspace()
    ws.write(
        "cext/pyproject.toml", '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'
    )
    ws.write("cext/setup.cfg", "[metadata]\nname = cext\nversion = 0.1\n")
    ws.write(
        "cext/setup.py",
        'from setuptools import Extension, setup\n\nsetup(packages=["cext"], package_dir={"": "src"}, '
        'ext_modules=[Extension("cext._speed", ["src/cext/_speed.c"])])\n',
    )
    ws.write("cext/src/cext/__init__.py", "")
    ws.write("cext/benches/t.py", TARGET)
    ws.write(".gitignore", "target/\n*.log\nbuild/\n*.egg-info/\n")
    commits = []
    _git(ws.root, "init", "-q", "-b", "main")
    for revision in (1, 2):
        ws.write("cext/src/cext/_speed.c", EXTENSION.replace("REVISION", str(revision)))
        _git(ws.root, "add", "-A")
        _git(ws.root, "commit", "-qm", f"revision {revision}")
        commits.append(_git(ws.root, "rev-parse", "HEAD").strip())
    return ws, commits


def test_a_compiled_package_is_built_per_revision_and_measured_in_alternating_processes(
    compiled_repo: tuple[Workspace, list[str]], tmp_path: Path
) -> None:
    ws, commits = compiled_repo
    log = tmp_path / "sides.log"
    env = {"CRITBENCH_TEST_LOG": str(log)}
    clock = FakeClock(1000, seed=2, commit_factors={commits[1]: 1.5})
    before = _state(ws.root)
    result = ws.critbench("ab", "HEAD~1", "HEAD", "--install", env=env, fake=clock, timeout=600)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Performance has regressed." in result.stdout
    assert "processes" in result.stdout.split("could detect changes", 1)[1].splitlines()[0]
    assert "alternate process by process" in result.stderr
    assert "package 'cext' from built (--install)" in result.stderr
    sides = {line.split(" ", 1)[0]: line.split(" ", 1)[1] for line in log.read_text().splitlines()}
    assert set(sides) == {"1", "2"}, "each revision's processes loaded its own build"
    assert all("/.builds/" in path for path in sides.values())
    assert _state(ws.root) == before

    again = ws.critbench("ab", "HEAD~1", "HEAD", "--install", env=env, fake=clock, timeout=600)
    assert again.returncode == 1, again.stdout + again.stderr
    assert again.stderr.count("from a cached build") == 2


def test_a_build_that_fails_names_the_revision_and_its_log(compiled_repo: tuple[Workspace, list[str]]) -> None:
    ws, _ = compiled_repo
    ws.write("cext/src/cext/_speed.c", "this is not C\n")
    _git(ws.root, "commit", "-qam", "broken")
    result = ws.critbench("ab", "HEAD~1", "HEAD", env={"CRITBENCH_TEST_LOG": os.devnull}, timeout=600)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "error: could not build HEAD (package 'cext'): pip exited with status 1; its output is in" in result.stderr
    assert "build.log" in result.stderr
