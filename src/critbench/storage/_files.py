"""Atomic file and directory writes, and versioned JSON documents."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 1


class StorageError(Exception):
    """Stored data cannot be read or written; the message names the file and what to do."""


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
