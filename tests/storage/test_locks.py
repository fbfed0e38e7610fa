"""The per-folder lock: exclusive, never stale, and never left behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from critbench.storage._locks import locked, locked_for_reading, locked_if_free

HOLD = """
import sys, time
from pathlib import Path

import pytest
from critbench.storage._locks import locked
with locked(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(600)
"""


def test_a_held_lock_is_not_free_and_is_removed_when_released(tmp_path: Path) -> None:
    lock = tmp_path / ".lock-main"
    with locked(lock):
        assert lock.is_file()
        assert lock.read_text().strip() == str(os.getpid())
        with locked_if_free(lock) as free:
            assert not free
    assert not lock.exists()
    with locked_if_free(lock) as free:
        assert free
    assert list(tmp_path.iterdir()) == []


def test_a_waiter_gets_the_lock_once_the_holder_lets_go(tmp_path: Path) -> None:
    lock = tmp_path / ".lock-main"
    order: list[str] = []

    def wait_for_it() -> None:
        with locked(lock):
            order.append("waiter")

    with locked(lock):
        waiter = threading.Thread(target=wait_for_it)
        waiter.start()
        time.sleep(0.2)
        order.append("holder")
    waiter.join(10)
    assert order == ["holder", "waiter"]
    assert not lock.exists(), "the file the waiter locked after the holder removed it is removed as well"


def test_many_threads_are_serialised(tmp_path: Path) -> None:
    lock = tmp_path / ".lock-main"
    inside = 0
    most = 0
    guard = threading.Lock()

    def work() -> None:
        nonlocal inside, most
        for _ in range(20):
            with locked(lock):
                with guard:
                    inside += 1
                    most = max(most, inside)
                time.sleep(0.001)
                with guard:
                    inside -= 1

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert most == 1
    assert not lock.exists()


def test_a_killed_holder_never_leaves_a_stale_lock(tmp_path: Path) -> None:
    lock = tmp_path / ".lock-main"
    with subprocess.Popen([sys.executable, "-c", HOLD, str(lock)], stdout=subprocess.PIPE, text=True) as holder:
        try:
            assert holder.stdout is not None
            assert holder.stdout.readline().strip() == "held"
            with locked_if_free(lock) as free:
                assert not free
        finally:
            holder.send_signal(signal.SIGKILL)
            holder.wait(30)
    assert lock.is_file(), "SIGKILL leaves the file, but not the lock"
    with locked_if_free(lock) as free:
        assert free
    assert not lock.exists()


def test_reading_a_read_only_folder_goes_ahead_without_a_lock(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("permissions do not stop this user (root)")
        with locked_for_reading(folder / ".lock-main") as held:
            assert not held
    finally:
        folder.chmod(0o755)


def test_a_filesystem_that_cannot_lock_lets_a_save_go_ahead_but_tidies_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno
    import fcntl

    def no_locks(fd: int, operation: int) -> None:
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(fcntl, "flock", no_locks)
    lock = tmp_path / ".lock-main"
    with locked(lock):
        pass
    assert list(tmp_path.iterdir()) == []
    with locked_if_free(lock) as free:
        assert not free
    with locked(lock):
        pass
    assert list(tmp_path.iterdir()) == []
