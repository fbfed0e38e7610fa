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


@dataclass(frozen=True)
class Package:
    name: str
    root: Path
    targets: tuple[BenchTarget, ...]
    description: str = ""
