"""Finding a workspace's packages, bench targets and ``[tool.critbench]`` settings from pyproject files.

Nothing here imports user code: a package is known by its ``pyproject.toml`` and its ``benches/`` folder,
a bench target by its file name. What a target declares is read later, by a worker process.
"""

from __future__ import annotations

import configparser
import glob
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from critbench.errors import ConfigError
from critbench.model import BenchTarget, Package, SettingsLayer, settings_layer

_SKIPPED_DIRS = {"node_modules", "target", "build", "dist", "site-packages", "__pycache__", "venv", "env"}
_MAX_DEPTH = 4
_OWN_KEYS = {"members", "output-dir", "fail-on", "store", "exclude", "pytest"}


class DiscoveryError(ConfigError):
    """The workspace or its configuration cannot be used; the message says what to fix."""


@dataclass(frozen=True)
class WorkspaceConfig:
    """``[tool.critbench]`` of the workspace root, checked."""

    settings: SettingsLayer = field(default_factory=dict)
    """The measurement settings it sets (``sample-size``, ``measurement-time``, ...), checked and normalised."""
    members: tuple[str, ...] | None = None
    """Globs, relative to the root, of the package folders; None to find packages by walking the tree."""
    exclude: tuple[str, ...] = ()
    """Folders, relative to the root, that are not packages even when found or listed."""
    output_dir: str | None = None
    """The output root, relative to the workspace root (``--output-dir`` and ``CRITBENCH_HOME`` win)."""
    fail_on: str | None = None
    """The gates that fail a run by default (``regression``, ``change,target``, ``never``); checked by the CLI."""
    store: str | None = None
    """The history database's SQLAlchemy URL, instead of SQLite in the output root."""
    pytest: tuple[str, ...] = ()
    """Paths, relative to the root, of pytest suites whose pytest-benchmark tests are benchmarks too."""


@dataclass(frozen=True)
class Workspace:
    root: Path
    config: WorkspaceConfig
    packages: tuple[Package, ...]
    root_package_name: str
    """The name of the root's own package (:func:`package_name`), under which the workspace's pytest suites
    are stored, whether ``critbench run --pytest`` or a plain ``pytest`` session measured them."""

    def package(self, name: str) -> Package:
        for package in self.packages:
            if package.name == name:
                return package
        known = ", ".join(p.name for p in self.packages) or "none"
        raise DiscoveryError(f"no package named {name!r} in {self.root} (packages: {known})")


def _read_pyproject(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise DiscoveryError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise DiscoveryError(f"{path}: cannot read: {exc.strerror}") from None


def find_workspace_root(start: Path) -> Path:
    """The nearest folder at or above ``start`` whose pyproject.toml has ``[tool.critbench]``, else ``start``.

    A pyproject.toml on the way up that cannot be read is an error, not a folder to pass over: it may be the
    workspace root, and passing over it would quietly make a package under it a workspace of its own.
    """
    start = start.resolve()
    for folder in (start, *start.parents):
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and _critbench_table(_read_pyproject(pyproject)) is not None:
            return folder
    return start


def _critbench_table(pyproject: dict[str, Any]) -> Any | None:
    """``[tool.critbench]`` as written (checked by :func:`parse_config`), or None when there is none."""
    tool = pyproject.get("tool")
    return tool.get("critbench") if isinstance(tool, dict) else None


def _strings(value: Any, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise DiscoveryError(f"[tool.critbench] {key} must be a list of strings, got {value!r}")
    return tuple(value)


def parse_config(table: Any, where: str) -> WorkspaceConfig:
    """Check ``[tool.critbench]``; unknown keys and bad values are errors naming the key."""
    if not isinstance(table, dict):
        raise DiscoveryError(f"{where}: [tool.critbench] must be a table")
    own = {key: value for key, value in table.items() if key in _OWN_KEYS}
    try:
        layer = settings_layer({k: v for k, v in table.items() if k not in _OWN_KEYS}, source=where)
    except ValueError as exc:
        raise DiscoveryError(str(exc)) from None
    for key in ("output-dir", "fail-on", "store"):
        if key in own and not isinstance(own[key], str):
            raise DiscoveryError(f"{where}: {key} must be a string, got {own[key]!r}")
    return WorkspaceConfig(
        settings=layer,
        members=_strings(own["members"], "members") if "members" in own else None,
        exclude=_strings(own.get("exclude", []), "exclude"),
        output_dir=own.get("output-dir"),
        fail_on=own.get("fail-on"),
        store=own.get("store"),
        pytest=_strings(own["pytest"], "pytest") if "pytest" in own else (),
    )


def _candidate_dirs(root: Path) -> list[Path]:
    found = []

    def walk(folder: Path, depth: int) -> None:
        if (folder / "pyproject.toml").is_file() and (folder / "benches").is_dir():
            found.append(folder)
        if depth == _MAX_DEPTH:
            return
        try:
            children = sorted(child for child in folder.iterdir() if child.is_dir())
        except OSError:
            return
        for child in children:
            if child.name.startswith(".") or child.name in _SKIPPED_DIRS:
                continue
            walk(child, depth + 1)

    walk(root, 0)
    return found


def _member_dirs(root: Path, patterns: tuple[str, ...]) -> list[Path]:
    folders: list[Path] = []
    for pattern in patterns:
        matches = sorted(
            (root / match).resolve() for match in glob.glob(pattern, root_dir=root) if (root / match).is_dir()
        )
        if not matches:
            raise DiscoveryError(f"[tool.critbench] members: {pattern!r} matches no folder under {root}")
        for folder in matches:
            if not (folder / "pyproject.toml").is_file():
                raise DiscoveryError(f"[tool.critbench] members: {folder} has no pyproject.toml")
            if folder not in folders:
                folders.append(folder)
    return folders


def _import_root(package_root: Path) -> Path:
    src = package_root / "src"
    return src if src.is_dir() else package_root


def _bench_files(package_root: Path) -> list[Path]:
    benches = package_root / "benches"
    if not benches.is_dir():
        return []
    return sorted(path for path in benches.glob("*.py") if path.is_file() and not path.name.startswith(("_", ".")))


def _table(data: dict[str, Any], *keys: str) -> dict[str, Any]:
    for key in keys:
        value = data.get(key)
        if not isinstance(value, dict):
            return {}
        data = value
    return data


def _setup_cfg_name(folder: Path) -> str | None:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(folder / "setup.cfg", encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError, OSError):
        return None
    return parser.get("metadata", "name", fallback=None) or None


def package_name(folder: Path, pyproject: dict[str, Any], root: Path) -> str:
    """A package's identity, the same wherever it is checked out (a temporary worktree included).

    The name its build tool declares: ``[project].name`` (PEP 621: setuptools, flit, hatch, pdm, poetry 2),
    ``[tool.poetry].name`` (poetry 1), ``[tool.flit.metadata]`` ``dist-name`` or ``module`` (flit before
    PEP 621), setup.cfg's ``[metadata] name`` (setuptools); else the folder's path relative to the workspace
    root (``.`` for the root), never the folder's own name, which for a checkout of an old revision is a
    temporary folder's.
    """
    flit = _table(pyproject, "tool", "flit", "metadata")
    for candidate in (
        _table(pyproject, "project").get("name"),
        _table(pyproject, "tool", "poetry").get("name"),
        flit.get("dist-name"),
        flit.get("module"),
    ):
        if isinstance(candidate, str) and candidate.strip():
            return candidate.strip()
    from_setup_cfg = _setup_cfg_name(folder) if (folder / "setup.cfg").is_file() else None
    if from_setup_cfg:
        return from_setup_cfg.strip()
    return folder.resolve().relative_to(root.resolve()).as_posix()


def pytest_target(package: str, root: Path, path: str, import_paths: tuple[str, ...]) -> BenchTarget:
    """A pytest suite as a bench target of ``package``: the benchmark tests pytest collects at ``path``."""
    if not (root / path).exists():
        raise DiscoveryError(f"[tool.critbench] pytest: {path!r} does not exist under {root}")
    name = path.strip("/").replace("/", ".") or "pytest"
    return BenchTarget(package, name, root / path, root, import_paths, pytest_args=(path, f"--rootdir={root}"))


def load_workspace(root: Path, pytest_paths: tuple[str, ...] = ()) -> Workspace:
    """Read the workspace at ``root``: its config, its packages and their bench targets; ``pytest_paths``
    (``--pytest``) add pytest suites to those ``[tool.critbench] pytest`` names."""
    root = root.resolve()
    if not root.is_dir():
        raise DiscoveryError(f"workspace folder {root} does not exist")
    pyproject = root / "pyproject.toml"
    data = _read_pyproject(pyproject) if pyproject.is_file() else {}
    table = _critbench_table(data)
    config = parse_config({} if table is None else table, f"{pyproject} [tool.critbench]")
    folders = _member_dirs(root, config.members) if config.members is not None else _candidate_dirs(root)
    excluded = {(root / pattern).resolve() for pattern in config.exclude}
    folders = [folder for folder in folders if folder.resolve() not in excluded]

    import_roots = tuple(str(_import_root(folder)) for folder in folders)
    packages = []
    names: dict[str, Path] = {}
    for folder in folders:
        metadata = _read_pyproject(folder / "pyproject.toml")
        project = _table(metadata, "project")
        name = package_name(folder, metadata, root)
        if name in names:
            raise DiscoveryError(f"two packages are named {name!r}: {names[name]} and {folder}")
        names[name] = folder
        own_root = str(_import_root(folder))
        paths = (own_root, *(path for path in import_roots if path != own_root))
        targets = tuple(
            BenchTarget(
                package=name,
                name=path.stem,
                path=path,
                package_root=folder,
                import_paths=(str(path.parent), *paths),
            )
            for path in _bench_files(folder)
        )
        description = project.get("description", "") if isinstance(project.get("description"), str) else ""
        packages.append(Package(name=name, root=folder, targets=targets, description=description))
    suites = tuple(dict.fromkeys((*config.pytest, *pytest_paths)))
    root_name = package_name(root, data, root)
    if suites:
        packages = _with_pytest_suites(root, root_name, packages, suites, import_roots)
    return Workspace(root=root, config=config, packages=tuple(packages), root_package_name=root_name)


def _with_pytest_suites(
    root: Path, name: str, packages: list[Package], suites: tuple[str, ...], import_roots: tuple[str, ...]
) -> list[Package]:
    """The root's package (made if the root has no benches/) gains a pytest target per suite."""
    own_root = str(_import_root(root))
    paths = (own_root, *(path for path in import_roots if path != own_root))
    existing = next((package for package in packages if package.root == root), None)
    targets = tuple(pytest_target(name, root, suite, paths) for suite in suites)
    if existing is not None:
        index = packages.index(existing)
        packages[index] = Package(existing.name, existing.root, existing.targets + targets, existing.description)
        return packages
    return [Package(name=name, root=root, targets=targets), *packages]


def select_targets(workspace: Workspace, packages: list[str], target: str | None) -> list[BenchTarget]:
    """Targets of the named packages (all when none are named), optionally only the one called ``target``."""
    chosen = [workspace.package(name) for name in packages] if packages else list(workspace.packages)
    targets = [t for package in chosen for t in package.targets]
    if target is not None:
        matching = [t for t in targets if t.name == target]
        if not matching:
            known = ", ".join(sorted({t.name for t in targets})) or "none"
            hint = f"; a benchmark id is a filter, after --: -- {target!r}" if "/" in target else ""
            raise DiscoveryError(f"no bench target named {target!r} (targets: {known}){hint}")
        return matching
    return targets
