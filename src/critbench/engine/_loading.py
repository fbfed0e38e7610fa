"""Importing a bench target from its file and calling a benchmark function, sync or async."""

from __future__ import annotations

import asyncio
import importlib.util
import inspect
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any


def import_file(path: Path, module_name: str) -> None:
    """Execute ``path`` as module ``module_name`` (registered in ``sys.modules`` first, as imports are)."""
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)


def call_benchmark(function: Callable[..., Any], args: tuple[Any, ...]) -> None:
    """Call a benchmark function: an ``async def`` one (or one returning an awaitable) in a fresh event loop."""
    if inspect.iscoroutinefunction(function):
        asyncio.run(function(*args))
        return
    returned = function(*args)
    if inspect.isawaitable(returned):
        asyncio.run(_await(returned))


async def _await(awaitable: Any) -> None:
    await awaitable
