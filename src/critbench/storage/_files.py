"""Atomic file and directory writes, and versioned JSON documents."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from critbench.errors import StorageError

SCHEMA_VERSION = 1


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM while a multi-step swap runs, so Ctrl-C cannot land between two renames."""
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def dump_document(kind: str, body: dict[str, Any]) -> bytes:
    """A JSON document with its kind and schema version first, so any reader can check both."""
    document = {"schema_version": SCHEMA_VERSION, "kind": kind, **body}
    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False).encode() + b"\n"


def write_document(path: Path, kind: str, body: dict[str, Any]) -> None:
    write_bytes_atomic(path, dump_document(kind, body))


def read_document(path: Path, kind: str) -> dict[str, Any]:
    """The body of a document written by :func:`write_document`, checking its kind and version."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StorageError(f"{path} is missing") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StorageError(f"{path} cannot be read: {exc}") from None
    if not isinstance(document, dict) or document.get("kind") != kind:
        raise StorageError(f"{path} is not a critbench {kind} file")
    version = document.get("schema_version")
    if not isinstance(version, int) or version > SCHEMA_VERSION:
        raise StorageError(
            f"{path} has schema version {version!r}; this critbench reads up to {SCHEMA_VERSION} (upgrade critbench)"
        )
    return document


def write_folder_atomic(folder: Path, files: dict[str, bytes]) -> None:
    """Replace ``folder`` with exactly ``files`` (relative path → contents), swapped in whole.

    The new folder is written beside the old one under a hidden name and renamed into place with SIGINT
    held, so a reader (or a browser showing the report) sees the old folder or the new one, never a mix.
    """
    parent = folder.parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-new-", dir=parent))
    old = parent / f".{folder.name}-old-{os.getpid()}"
    try:
        for relative, data in files.items():
            path = (staging / relative).resolve()
            if not path.is_relative_to(staging.resolve()):
                raise StorageError(f"refusing to write {relative!r} outside {folder}")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        with signals_deferred():
            if folder.exists():
                folder.rename(old)
            staging.rename(folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)


def append_text(path: Path, text: str) -> None:
    """Append ``text`` to ``path`` (e.g. GitHub's job summary file), creating it if needed."""
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)
