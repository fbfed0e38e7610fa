"""Atomic writes: whole files and folders, with the modes a plain open() or mkdir would give."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from critbench.model import LAST_RUN
from critbench.storage import BaselineStore, HistoryStore, OutputLayout, write_bytes_atomic, write_folder_atomic
from tests.storage.conftest import make_result, make_run
from tests.storage.test_baselines import RUN, _stored


@pytest.fixture(params=[0o022, 0o027, 0o002], ids=lambda mask: f"umask-{mask:03o}")
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    """Run the test under each of the umasks CI machines and desktops commonly set."""
    mask: int = request.param
    previous = os.umask(mask)
    try:
        yield mask
    finally:
        os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _modes_under(folder: Path) -> tuple[set[int], set[int]]:
    """The modes of every file and of every folder (``folder`` included) below ``folder``."""
    files = {_mode(path) for path in folder.rglob("*") if path.is_file()}
    folders = {_mode(path) for path in (folder, *folder.rglob("*")) if path.is_dir()}
    return files, folders


def test_a_written_file_has_a_plain_files_mode(tmp_path: Path, umask: int) -> None:
    path = tmp_path / "results" / "run.json"
    write_bytes_atomic(path, b"{}\n")
    assert path.read_bytes() == b"{}\n"
    assert _mode(path) == 0o666 & ~umask
    assert _mode(path.parent) == 0o777 & ~umask
    assert [p.name for p in path.parent.iterdir()] == ["run.json"], "no temporary file is left behind"


def test_a_replaced_file_keeps_its_mode(tmp_path: Path, umask: int) -> None:
    path = tmp_path / "run.json"
    path.write_bytes(b"old")
    path.chmod(0o600)
    write_bytes_atomic(path, b"new")
    assert path.read_bytes() == b"new"
    assert _mode(path) == 0o600


def test_a_baseline_is_readable_by_others_as_the_umask_allows(tmp_path: Path, umask: int) -> None:
    store = BaselineStore(tmp_path / "root")
    store.save("main", RUN, [_stored("g/f"), _stored("g/h/1")])
    store.save(LAST_RUN, RUN, [_stored("g/f")])
    store.save(LAST_RUN, RUN, [_stored("g/f")])
    for name in ("main", ".last", ".previous"):
        files, folders = _modes_under(tmp_path / "root" / name)
        assert files == {0o666 & ~umask}, name
        assert folders == {0o777 & ~umask}, name


def test_a_replaced_folder_is_readable_by_others_as_the_umask_allows(tmp_path: Path, umask: int) -> None:
    folder = tmp_path / "report"
    write_folder_atomic(folder, {"index.html": b"<p>1</p>", "assets/report.css": b"p{}"})
    write_folder_atomic(folder, {"index.html": b"<p>2</p>", "group/page.html": b"x"})
    assert (folder / "index.html").read_bytes() == b"<p>2</p>"
    assert not (folder / "assets").exists()
    files, folders = _modes_under(folder)
    assert files == {0o666 & ~umask}
    assert folders == {0o777 & ~umask}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"], "no staging or old folder is left behind"


def test_the_history_database_is_readable_by_others_as_the_umask_allows(tmp_path: Path, umask: int) -> None:
    database = OutputLayout(tmp_path / "root").history_database
    with HistoryStore.open(database) as store:
        store.record_run(make_run(), [make_result("g/f")])
        files, folders = _modes_under(tmp_path / "root")
        assert len(files) == 1, "the database and, while it is open, its -wal and -shm files share one mode"
    assert files == {0o666 & ~umask}
    assert folders == {0o777 & ~umask}


def test_a_folder_cannot_write_outside_itself(tmp_path: Path) -> None:
    from critbench.storage import StorageError

    with pytest.raises(StorageError, match="outside"):
        write_folder_atomic(tmp_path / "report", {"../escape.html": b"x"})
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_the_output_root_ignores_itself_in_git(tmp_path: Path) -> None:
    from critbench.storage import OutputLayout, ignore_in_git

    root = tmp_path / "target" / "critbench"
    ignore_in_git(root)
    assert OutputLayout(root).gitignore.read_text().splitlines()[-1] == "*"
    OutputLayout(root).gitignore.write_text("mine\n")
    ignore_in_git(root)
    assert OutputLayout(root).gitignore.read_text() == "mine\n", "a .gitignore the user wrote is kept"


def test_a_signal_during_a_swap_lands_after_it_even_with_other_threads_running() -> None:
    """A thread mask would let the kernel hand SIGINT to another thread, and Python would raise it mid-swap."""
    import signal
    import threading
    import time

    from critbench.storage._files import signals_deferred

    def swap() -> None:
        with signals_deferred():
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.2)
            steps.append("first rename")
            os.kill(os.getpid(), signal.SIGINT)
            steps.append("second rename")
        steps.append("not reached")

    # Ctrl-C's own handler, even when the tests run where SIGINT is ignored (a background job).
    inherited = signal.signal(signal.SIGINT, signal.default_int_handler)
    stop = threading.Event()
    busy = threading.Thread(target=stop.wait)
    busy.start()
    steps: list[str] = []
    try:
        with pytest.raises(KeyboardInterrupt):
            swap()
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    finally:
        stop.set()
        busy.join()
        signal.signal(signal.SIGINT, inherited)
    assert steps == ["first rename", "second rename"]
