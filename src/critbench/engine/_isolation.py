"""Each revision sees only its own code: two revisions' modules side by side in one process (critbench ab).

A revision's code is the folders it puts on ``sys.path`` (its bench folder, its packages' source or built
folders). While a revision is *active* (loading, and each of its turns) its folders come first on
``sys.path`` and its modules are in ``sys.modules``; between its turns they are taken out, so the other
revision imports its own copies.

That alone is not isolation: a module one revision lacks would still be found elsewhere — in the worker's
working directory, in a ``sys.path`` entry an editable install of the working tree added, or by the
import hook of a newer editable install. So the worker's own ``sys.path`` is cleared of every folder inside
a revision's files (``isolated``: the repository's working tree, the temporary checkouts), and while a
revision is active a guard at the front of ``sys.meta_path`` refuses any module found inside ``isolated``
but outside that revision's folders. A module missing on one side then fails that side with
``ModuleNotFoundError``, as a plain run of its commit would. The interpreter's own folders (the standard
library, site-packages, critbench itself) are never refused, even when a virtual environment lives inside
the repository.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.abc
import importlib.machinery
import site
import sys
import sysconfig
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from critbench.api import BenchSpec, collecting
from critbench.engine._loading import import_file

_COMPILED_SUFFIXES = (*importlib.machinery.EXTENSION_SUFFIXES, ".so", ".pyd", ".dylib")


class IsolationError(Exception):
    """The two revisions cannot share a process (e.g. a compiled module of the workspace)."""


def _interpreter_folders() -> tuple[Path, ...]:
    """Folders that belong to the interpreter and critbench, not to a revision, wherever they live."""
    paths = sysconfig.get_paths()
    folders = {paths[key] for key in ("stdlib", "platstdlib", "purelib", "platlib") if key in paths}
    if sys.prefix != sys.base_prefix:  # a virtual environment's folder is the interpreter's, wherever it is
        folders.add(sys.prefix)
    with contextlib.suppress(AttributeError):
        folders.update(site.getsitepackages())
    with contextlib.suppress(AttributeError):
        folders.add(site.getusersitepackages())
    folders.add(str(Path(__file__).resolve().parents[1]))  # the critbench package itself
    return tuple(_resolved(folder) for folder in folders if folder)


def _resolved(folder: str | Path) -> Path:
    try:
        return Path(folder).resolve()
    except (OSError, RuntimeError):
        return Path(folder)


def _under(path: Path, folders: Sequence[Path]) -> bool:
    return any(path.is_relative_to(folder) for folder in folders)


@dataclass(frozen=True)
class Boundaries:
    """Which files belong to revisions (``isolated``) and which to the interpreter (never refused)."""

    isolated: tuple[Path, ...] = ()
    interpreter: tuple[Path, ...] = field(default_factory=_interpreter_folders)

    @classmethod
    def of(cls, isolated: Sequence[str]) -> Boundaries:
        return cls(tuple(_resolved(folder) for folder in isolated))

    def foreign(self, path: Path, own: Sequence[Path]) -> bool:
        """Whether ``path`` is another revision's file: inside ``isolated``, outside ``own`` and the interpreter."""
        return _under(path, self.isolated) and not _under(path, own) and not _under(path, self.interpreter)

    def clear_sys_path(self) -> None:
        """Take every revision's folder (and the working directory) off the process's own ``sys.path``."""
        cwd = _resolved(Path.cwd())
        kept = []
        for entry in sys.path:
            folder = _resolved(entry or cwd)
            if folder == cwd or (_under(folder, self.isolated) and not _under(folder, self.interpreter)):
                continue
            kept.append(entry)
        sys.path[:] = kept
        importlib.invalidate_caches()


def _origin(spec: importlib.machinery.ModuleSpec) -> Path | None:
    if spec.origin and spec.origin not in ("built-in", "frozen", "namespace"):
        return _resolved(spec.origin)
    locations = list(spec.submodule_search_locations or ())
    return _resolved(locations[0]) if locations else None


class _Guard(importlib.abc.MetaPathFinder):
    """Refuses, while one revision is active, a module whose file is another revision's."""

    def __init__(self, revision: Revision) -> None:
        self.revision = revision

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        for finder in sys.meta_path:
            if finder is self or isinstance(finder, _Guard):
                continue
            find = getattr(finder, "find_spec", None)
            spec: importlib.machinery.ModuleSpec | None = find(fullname, path, target) if find is not None else None
            if spec is not None:
                break
        else:
            return None
        origin = _origin(spec)
        if origin is not None and self.revision.boundaries.foreign(origin, self.revision.folders):
            raise ModuleNotFoundError(
                f"No module named {fullname!r} in {self.revision.label} (only another revision has it)",
                name=fullname,
            )
        return spec


@dataclass
class Revision:
    """One side's loaded code: its benchmark specs, its own modules and its ``sys.path`` entries."""

    label: str
    paths: list[str]
    boundaries: Boundaries = field(default_factory=Boundaries)
    specs: list[BenchSpec] = field(default_factory=list)
    modules: dict[str, ModuleType] = field(default_factory=dict)
    folders: tuple[Path, ...] = ()

    def __post_init__(self) -> None:
        self.folders = tuple(_resolved(path) for path in self.paths)

    def owns(self, module: ModuleType) -> bool:
        filename = getattr(module, "__file__", None)
        if not filename:
            return False
        path = _resolved(filename)
        return _under(path, self.folders) and not _under(path, self.boundaries.interpreter)

    @contextlib.contextmanager
    def active(self) -> Iterator[None]:
        """This revision's modules in ``sys.modules``, its folders first on ``sys.path``, others' refused."""
        saved_path = list(sys.path)
        shadowed = {name: sys.modules[name] for name in self.modules if name in sys.modules}
        sys.path[:0] = self.paths
        sys.modules.update(self.modules)
        guard = _Guard(self)
        if self.boundaries.isolated:
            sys.meta_path.insert(0, guard)
        before = set(sys.modules)
        try:
            yield
        finally:
            with contextlib.suppress(ValueError):
                sys.meta_path.remove(guard)
            # Modules first imported during the turn belong to this revision too. Only the new names are
            # checked: a turn is one sample, and resolving every module's path each time would cost more
            # than the sample.
            for name in set(sys.modules) - before:
                module = sys.modules[name]
                if self.owns(module):
                    self.modules[name] = module
            for name in self.modules:
                sys.modules.pop(name, None)
            sys.modules.update(shadowed)
            sys.path[:] = saved_path

    def compiled_modules(self) -> list[str]:
        return sorted(
            name
            for name, module in self.modules.items()
            if str(getattr(module, "__file__", "")).endswith(_COMPILED_SUFFIXES)
        )


def load_revision(
    label: str, target_path: Path, paths: list[str], module_name: str, boundaries: Boundaries | None = None
) -> Revision:
    """Import ``target_path`` with ``paths`` first on ``sys.path``; keep its own modules aside.

    Raises IsolationError when the revision loaded compiled modules of its own: a second copy of a compiled
    module cannot be loaded into the same process, so the other revision could not have its own.
    """
    revision = Revision(label, paths, boundaries or Boundaries())
    importlib.invalidate_caches()
    with revision.active(), collecting() as specs:
        import_file(target_path, module_name)
    revision.specs = list(specs)
    compiled = revision.compiled_modules()
    if compiled:
        raise IsolationError(
            f"{label}: compiled modules of the workspace ({', '.join(compiled)}) cannot be loaded twice "
            "in one process, so the two revisions cannot be alternated in one"
        )
    return revision


def load_alone(label: str, target_path: Path, paths: list[str], module_name: str, boundaries: Boundaries) -> Revision:
    """Import one revision on its own (a process of its own measures it): compiled modules are allowed."""
    revision = Revision(label, paths, boundaries)
    importlib.invalidate_caches()
    with revision.active(), collecting() as specs:
        import_file(target_path, module_name)
    revision.specs = list(specs)
    return revision
