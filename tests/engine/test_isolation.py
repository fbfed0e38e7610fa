"""Each revision sees only its own code (critbench.engine._isolation)."""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import ModuleType

import pytest

from critbench.engine._isolation import Boundaries, Revision


class _EditableFinder(importlib.abc.MetaPathFinder):
    """What a modern editable install adds: a finder that maps a module name to a folder of the working tree."""

    def __init__(self, name: str, folder: Path) -> None:
        self.name = name
        self.folder = folder

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != self.name:
            return None
        return importlib.util.spec_from_file_location(fullname, self.folder / f"{fullname}.py")


def _where(module: str) -> str:
    return str(importlib.import_module(module).WHERE)


@pytest.fixture
def trees(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    working, other = tmp_path / "working", tmp_path / "other"
    for folder in (working, other):
        folder.mkdir()
        (folder / "shared_mod.py").write_text(f"WHERE = {folder.name!r}\n")
    (working / "only_here.py").write_text("WHERE = 'working'\n")
    finder = _EditableFinder("only_here", working)
    sys.meta_path.append(finder)
    saved = dict(sys.modules)
    try:
        yield working, other
    finally:
        sys.meta_path.remove(finder)
        for name in set(sys.modules) - set(saved):
            del sys.modules[name]


def test_a_module_an_import_hook_finds_in_another_revision_is_refused(trees: tuple[Path, Path]) -> None:
    working, other = trees
    boundaries = Boundaries.of([str(working.parent)])
    a = Revision("HEAD~1", [str(other)], boundaries)
    b = Revision("working tree", [str(working)], boundaries)
    with a.active():
        assert _where("shared_mod") == "other"
        with pytest.raises(ModuleNotFoundError, match="No module named 'only_here' in HEAD~1"):
            _where("only_here")
    with b.active():
        assert _where("shared_mod") == "working"
        assert _where("only_here") == "working"
    assert "shared_mod" not in sys.modules, "between turns neither revision's modules are loaded"
    with a.active():
        assert _where("shared_mod") == "other", "each revision keeps its own copy"


def test_without_boundaries_nothing_is_refused(trees: tuple[Path, Path]) -> None:
    _, other = trees
    with Revision("HEAD~1", [str(other)]).active():
        assert _where("only_here") == "working"


def test_the_worker_path_loses_every_revision_folder_and_its_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    (repo / "src").mkdir(parents=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.setattr(sys, "path", ["", str(elsewhere), str(repo / "src"), *sys.path])
    kept = [entry for entry in sys.path if entry not in ("", str(elsewhere), str(repo / "src"))]
    Boundaries.of([str(repo)]).clear_sys_path()
    assert sys.path == kept
