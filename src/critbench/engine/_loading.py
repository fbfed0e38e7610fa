"""Importing a bench target from its file."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path


def import_file(path: Path, module_name: str) -> None:
    """Execute ``path`` as module ``module_name`` (registered in ``sys.modules`` first, as imports are)."""
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
