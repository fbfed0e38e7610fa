"""Where benchmarks live: workspace packages and their bench targets."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class BenchTarget:
    """One ``benches/<name>.py`` file of a workspace package (Cargo's ``[[bench]]``)."""

    package: str
    name: str
    path: Path
    package_root: Path
    import_paths: tuple[str, ...] = ()
    """Folders a worker puts on ``sys.path`` so the target can import its package and its neighbours."""
    pytest_args: tuple[str, ...] | None = None
    """A pytest suite instead of a bench file: the arguments (paths, relative to ``package_root``) that
    collect its tests; the tests that use pytest-benchmark's ``benchmark`` fixture are its benchmarks."""

    @property
    def is_pytest(self) -> bool:
        return self.pytest_args is not None


@dataclass(frozen=True)
class Package:
    name: str
    root: Path
    targets: tuple[BenchTarget, ...]
    description: str = ""
