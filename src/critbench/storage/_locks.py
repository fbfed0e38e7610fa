"""Exclusive locks on one folder of the output root, held for a whole read-merge-write-swap.

Two ``critbench run --save-baseline R`` at once would otherwise both read R, both merge in their own
package and both swap in their copy: the second swap silently drops the first run's results. So every
operation on a folder (a save, a read that may finish a cut-off swap, a delete, tidying leftovers) holds
the folder's lock, a hidden file beside it that :func:`critbench.storage._layout.lock_path` names.

With ``fcntl`` (every POSIX system) the lock is ``flock`` on that file; on Windows, which has no ``fcntl``,
it is ``msvcrt.locking`` on the file's first byte. Either way the operating system releases it when its
holder exits or is killed (SIGKILL, OOM), so a lock is never stale and nobody waits for a dead process.
The holder removes the file as it lets go, so no lock file outlives the operation; a waiter that then gets
the lock checks that the file it locked is still the one at the path (else it locked a removed file, and
tries again), so two processes never both hold "the" lock on two different files. The file holds its
holder's pid, for whoever wonders who holds it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

_POLL_SECONDS = 0.02
_LOCKS_UNSUPPORTED = {errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL}


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold the lock file ``path`` (its folder must exist), waiting for another holder to finish."""
    fd = _acquire(path, wait=True)
    assert fd is not None
    try:
        yield
    finally:
        _release(path, fd)


@contextlib.contextmanager
def locked_if_free(path: Path) -> Iterator[bool]:
    """Hold the lock file ``path`` if nobody does (yields True), else yield False at once without it."""
    fd = _acquire(path, wait=False)
    try:
        yield fd is not None
    finally:
        if fd is not None:
            _release(path, fd)


@contextlib.contextmanager
def locked_for_reading(path: Path) -> Iterator[bool]:
    """Hold the lock file ``path`` to read (yields True); yields False, holding nothing, where no file can be
    created beside the folder (a read-only output root, a full disk): a read goes ahead, and nothing can be
    written there either."""
    try:
        fd = _acquire(path, wait=True)
    except OSError:
        fd = None
    try:
        yield fd is not None
    finally:
        if fd is not None:
            _release(path, fd)


def _acquire(path: Path, *, wait: bool) -> int | None:
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o666)
        try:
            if not _lock(fd, wait=wait):
                os.close(fd)
                return None
            if _is_at(fd, path):
                _write_owner(fd)
                return fd
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)  # the previous holder removed the file we locked: lock the one now at the path


if sys.platform == "win32":  # pragma: no cover - Windows has no fcntl; CI runs on Linux and macOS
    import msvcrt

    def _lock(fd: int, *, wait: bool) -> bool:
        while True:
            try:
                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            except OSError:
                if not wait:
                    return False
                time.sleep(_POLL_SECONDS)
            else:
                return True

    def _release(path: Path, fd: int) -> None:
        """Windows cannot remove an open file: close it, then remove it unless a waiter opened it meanwhile
        (it then holds the lock on the file at the path, which is what the check in _acquire wants)."""
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(path)

else:
    import fcntl

    def _lock(fd: int, *, wait: bool) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            return False
        except OSError as exc:
            if exc.errno not in _LOCKS_UNSUPPORTED:
                raise
            # A filesystem that cannot lock (NFS without its lock daemon, some FUSE mounts): a save goes
            # ahead unlocked, as every save did before there were locks, rather than not save at all; a
            # try (tidying up leftovers) counts the folder as busy, so it never removes a live run's files.
            return wait
        return True

    def _release(path: Path, fd: int) -> None:
        try:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)  # while still holding it, so a waiter sees it gone and takes a fresh one
        finally:
            os.close(fd)


def _is_at(fd: int, path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(fd), os.stat(path))
    except FileNotFoundError:
        return False


def _write_owner(fd: int) -> None:
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode())
