"""Atomic file and directory writes, and versioned JSON documents.

Files and folders are created with the mode a plain ``open(path, "w")`` or ``mkdir`` would give them
(0666 and 0777 less the process umask: usually 0644 and 0755), not the private 0600 and 0700 of
:mod:`tempfile`, so a CI group or an artifact uploader can read baselines, reports and JSON results. A file
that replaces an existing one keeps the existing file's mode, as writing over it in place would.
"""

from __future__ import annotations

import contextlib
import errno
import json
import math
import os
import shutil
import signal
import stat
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from critbench.errors import StorageError
from critbench.storage._layout import lock_path, partial_file_path, set_aside_path, staging_path
from critbench.storage._locks import locked

SCHEMA_VERSION = 1


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM while a multi-step swap runs, so Ctrl-C cannot land between two renames.

    Held in Python, not with ``pthread_sigmask``: a mask covers only the thread that sets it, and a run has
    other threads (the progress display, the worker pipes), so the kernel would hand the signal to one of
    them and Python would still raise KeyboardInterrupt in the middle of the swap. Here a signal that
    arrives is noted and sent again once the swap is over, to whatever handler was in place before (the
    CLI's turns SIGTERM into KeyboardInterrupt; without one, SIGTERM ends the process as it would have).
    Only the main thread can set handlers; elsewhere nothing is held, as no signal is delivered there.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    arrived: list[int] = []

    def note(signum: int, frame: object) -> None:
        arrived.append(signum)

    previous = {held: signal.signal(held, note) for held in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for held, handler in previous.items():
            signal.signal(held, handler if handler is not None else signal.SIG_DFL)
        for signum in dict.fromkeys(arrived):
            signal.raise_signal(signum)


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


def dump_document(kind: str, body: dict[str, Any]) -> bytes:
    """A JSON document with its kind and schema version first, so any reader can check both."""
    document = {"schema_version": SCHEMA_VERSION, "kind": kind, **body}
    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False).encode() + b"\n"


def write_document(path: Path, kind: str, body: dict[str, Any]) -> None:
    write_bytes_atomic(path, dump_document(kind, body))


def read_document(path: Path, kind: str) -> dict[str, Any]:
    """The body of a document written by :func:`write_document`, checking its kind and version.

    StorageError naming ``path`` for anything critbench would not have written: a missing or truncated
    file, JSON of another shape, NaN or infinity (never written: ``allow_nan=False``), a schema version
    that is not a positive whole number; one newer than this critbench's asks for an upgrade.
    """
    try:
        document = json.loads(path.read_text(encoding="utf-8"), parse_constant=_refuse_constant, parse_float=_finite)
    except FileNotFoundError:
        raise StorageError(f"{path} is missing") from None
    except _NotFinite as exc:
        raise StorageError(
            f"{path} is damaged: it holds {exc}, which is not a finite number (critbench never writes one)"
        ) from None
    except IsADirectoryError:
        raise StorageError(f"{path} cannot be read: it is a folder, not a file") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise StorageError(f"{path} cannot be read: {exc}") from None
    if not isinstance(document, dict) or document.get("kind") != kind:
        raise StorageError(f"{path} is not a critbench {kind} file")
    version = document.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise StorageError(f"{path} is damaged: its schema version {version!r} is not one critbench writes")
    if version > SCHEMA_VERSION:
        raise StorageError(
            f"{path} has schema version {version!r}; this critbench reads up to {SCHEMA_VERSION} (upgrade critbench)"
        )
    return document


class _NotFinite(ValueError):
    pass


def _refuse_constant(text: str) -> float:
    raise _NotFinite(text)


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e999 parses as infinity
        raise _NotFinite(text)
    return value


def create_staging_folder(folder: Path) -> Path:
    """A new, empty hidden folder beside ``folder`` (mode 0777 less the umask, unlike ``mkdtemp``'s 0700)."""
    while True:
        staging = staging_path(folder)
        try:
            staging.mkdir()
        except FileExistsError:
            continue
        return staging


def write_folder_atomic(folder: Path, files: dict[str, bytes]) -> None:
    """Replace ``folder`` with exactly ``files`` (relative path → contents), swapped in whole.

    The new folder is written beside the old one under a hidden name and renamed into place with SIGINT
    held, so a reader (or a browser showing the report) sees the old folder or the new one, never a mix.
    The folder's lock is held throughout, so a save tidying up leftovers never takes this staging folder
    for one a killed run left behind.
    """
    folder.parent.mkdir(parents=True, exist_ok=True)
    with locked(lock_path(folder)):
        staging = create_staging_folder(folder)
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
                shutil.rmtree(old, ignore_errors=True)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
            shutil.rmtree(old, ignore_errors=True)


def append_text(path: Path, text: str) -> None:
    """Append ``text`` to ``path`` (e.g. GitHub's job summary file), creating it if needed."""
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)


def check_writable_folder(folder: Path, what: str) -> None:
    """StorageError unless ``folder`` is a folder critbench can write in, or one it can create.

    Run before anything is measured, so a read-only output root or one that is a file costs seconds, not a
    whole run: the nearest existing ancestor must be a writable folder (for a folder still to be made).
    """
    existing = folder
    while not existing.exists():
        if existing.parent == existing:
            break
        existing = existing.parent
    if not existing.is_dir():
        raise StorageError(f"{what} {folder} cannot be used: {existing} is a file, not a folder")
    if not _can_create_in(existing):
        where = "" if existing == folder else f" ({existing} would hold it)"
        raise StorageError(f"{what} {folder} is not writable{where}; choose another with --output-dir")


def _can_create_in(folder: Path) -> bool:
    """Whether a file can be created in ``folder``: an unnamed file where Linux offers one (it sees what
    permissions do not: a read-only mount, an immutable folder, and root's view), else the permission bits."""
    flag = getattr(os, "O_TMPFILE", None)
    if flag is not None:
        try:
            os.close(os.open(folder, flag | os.O_WRONLY, 0o600))
        except OSError as exc:
            if exc.errno not in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL):
                return False
        else:
            return True
    return os.access(folder, os.W_OK | os.X_OK)


def check_writable_file(path: Path, what: str) -> None:
    """StorageError unless ``path`` can be written as a file (its folder writable, and it not a folder)."""
    if path.is_dir():
        raise StorageError(f"{what} {path} is a folder; give a file name")
    check_writable_folder(path.parent, f"the folder of {what}")


def ignore_in_git(root: Path) -> None:
    """Create the output root if needed, with a ``.gitignore`` of ``*`` unless it has one (a user's own wins)."""
    from critbench.storage._layout import GITIGNORE_TEXT, OutputLayout

    path = OutputLayout(root).gitignore
    if path.exists():
        return
    root.mkdir(parents=True, exist_ok=True)
    write_bytes_atomic(path, GITIGNORE_TEXT.encode())
