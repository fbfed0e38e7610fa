"""Atomic file and directory writes, and versioned JSON documents.

Files and folders are created with the mode a plain ``open(path, "w")`` or ``mkdir`` would give them
(0666 and 0777 less the process umask: usually 0644 and 0755), not the private 0600 and 0700 of
:mod:`tempfile`, so a CI group or an artifact uploader can read baselines, reports and JSON results. A file
that replaces an existing one keeps the existing file's mode, as writing over it in place would.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from critbench.errors import StorageError
from critbench.storage._layout import partial_file_path, set_aside_path, staging_path

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
    fd, temporary = _create_partial_file(path)
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


def _create_partial_file(path: Path) -> tuple[int, Path]:
    """A new hidden file beside ``path``, opened for writing, with the mode ``path`` will have.

    ``os.open`` with 0666 lets the kernel apply the umask (what ``tempfile.mkstemp``, always 0600, does not).
    """
    try:
        existing_mode: int | None = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        existing_mode = None
    while True:
        temporary = partial_file_path(path)
        try:
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        except FileExistsError:
            continue
        if existing_mode is not None:
            try:
                os.fchmod(fd, existing_mode)
            except BaseException:
                os.close(fd)
                os.unlink(temporary)
                raise
        return fd, temporary


def _create_staging_folder(folder: Path) -> Path:
    """A new, empty hidden folder beside ``folder`` (mode 0777 less the umask, unlike ``mkdtemp``'s 0700)."""
    while True:
        staging = staging_path(folder)
        try:
            staging.mkdir()
        except FileExistsError:
            continue
        return staging


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
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = _create_staging_folder(folder)
    old = set_aside_path(folder)
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
