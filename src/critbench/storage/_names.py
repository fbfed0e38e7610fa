"""Baseline names, and the folder names a baseline gives its benchmarks."""

from __future__ import annotations

import re

from critbench.errors import StorageError
from critbench.model import LAST_RUN, PREVIOUS_RUN, BenchmarkInfo
from critbench.storage._layout import MAX_BASELINE_NAME_LENGTH, REPORT_FOLDER

NAME = re.compile(r"[A-Za-z0-9_-]+")
_RESERVED = {REPORT_FOLDER}
_UNSAFE_CHARS = re.compile(r'[?"/\\*<>:|^\x00-\x1f]')


class InvalidBaselineName(StorageError):
    pass


def check_baseline_name(name: str) -> str:
    """``name`` if it is a valid baseline name; InvalidBaselineName (never a path outside the root) if not."""
    if not NAME.fullmatch(name):
        raise InvalidBaselineName(
            f"invalid baseline name {name!r}: use only letters, digits, '-' and '_' (e.g. phase10-final)"
        )
    if name.startswith("-"):
        raise InvalidBaselineName(
            f"invalid baseline name {name!r}: a name cannot start with '-', which the command line reads as an option"
        )
    if len(name) > MAX_BASELINE_NAME_LENGTH:
        raise InvalidBaselineName(
            f"invalid baseline name {name[:20]!r}... ({len(name)} characters): "
            f"a baseline name can have at most {MAX_BASELINE_NAME_LENGTH} characters"
        )
    if name in _RESERVED:
        raise InvalidBaselineName(f"{name!r} is reserved for the HTML report; pick another baseline name")
    return name


def is_key(name: str) -> bool:
    """Whether ``name`` can be a stored run's folder: the hidden last runs, or a name of baseline characters
    (saved before a rule was added, like the one on a leading '-', it can still be read) but the report's."""
    return name in (LAST_RUN, PREVIOUS_RUN) or (bool(NAME.fullmatch(name)) and name not in _RESERVED)


def describe(name: str) -> str:
    """How a message names the stored run ``name``."""
    if name == LAST_RUN:
        return "the last run"
    if name == PREVIOUS_RUN:
        return "the previous run"
    return f"baseline '{name}'"


def _part(text: str) -> str:
    cleaned = _UNSAFE_CHARS.sub("_", text).strip() or "_"
    if cleaned in (".", ".."):
        cleaned = cleaned.replace(".", "_")
    return cleaned.encode()[:64].decode(errors="ignore") or "_"


def folder_for(info: BenchmarkInfo, taken: set[str]) -> str:
    """A folder name for ``info``'s files inside a baseline, not in ``taken`` (which it joins)."""
    parts = [info.id.group, info.id.function]
    if info.id.parameter is not None:
        parts.append(info.id.parameter)
    base = "/".join(_part(part) for part in parts)
    folder, suffix = base, 2
    while folder in taken:
        folder = f"{base}_{suffix}"
        suffix += 1
    taken.add(folder)
    return folder
