"""The user's git is untouched by ab and bisect, however they end: checkout, index, stash and worktree list.

Each command is interrupted (SIGINT, as Ctrl-C; SIGTERM, as a cancelled CI job) while its temporary worktrees
exist, and everything is compared with before. The user's own prunable worktree stays registered throughout.
"""

from __future__ import annotations

import os
import shutil
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.test_ab import _git
from tests.conftest import Workspace, start_critbench

SLOW_TARGET = """
import time

import mylib
from critbench import Bencher, bench


@bench
def slow(b: Bencher) -> None:
    b.iter(lambda: time.sleep(0.001) or mylib.work())
"""


@pytest.fixture
def user_repo(make_workspace: Callable[..., Workspace], tmp_path: Path) -> Workspace:
    ws = make_workspace("[tool.critbench]\nwarm-up-time = 30\nmeasurement-time = 60\n")
    ws.package("pkg", "pkg", {"t": SLOW_TARGET})
    ws.write("pkg/src/mylib/__init__.py", "def work() -> int:\n    return 1\n")
    ws.write(".gitignore", "target/\n")
    _git(ws.root, "init", "-q", "-b", "main")
    _git(ws.root, "add", "-A")
    _git(ws.root, "commit", "-qm", "first")
    for step in (2, 3, 4):
        ws.write("pkg/src/mylib/__init__.py", f"def work() -> int:\n    return {step}\n")
        _git(ws.root, "commit", "-qam", f"step {step}")
    ws.write("pkg/src/mylib/__init__.py", "def work() -> int:\n    return 5  # uncommitted\n")
    ws.write("staged.txt", "staged\n")
    _git(ws.root, "add", "staged.txt")
    ws.write("stashed.txt", "stashed\n")
    _git(ws.root, "stash", "push", "-q", "--include-untracked", "--", "stashed.txt")
    unmounted = tmp_path / "usb" / "mine"
    _git(ws.root, "worktree", "add", "-q", "--detach", str(unmounted), "HEAD~2")
    shutil.rmtree(unmounted.parent)
    return ws


def _everything(root: Path) -> tuple[str, ...]:
    return (
        _git(root, "status", "--porcelain", "--untracked-files=all"),
        _git(root, "rev-parse", "HEAD"),
        _git(root, "diff", "--cached"),
        _git(root, "diff"),
        _git(root, "stash", "list"),
        _git(root, "worktree", "list", "--porcelain"),
        _git(root, "for-each-ref"),
    )


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize(
    "command", [("ab", "HEAD~1"), ("ab", "HEAD~2", "HEAD"), ("bisect", "HEAD~3", "HEAD")], ids=" ".join
)
def test_an_interrupted_command_leaves_the_users_git_as_it_was(
    user_repo: Workspace, command: tuple[str, ...], signum: int
) -> None:
    before = _everything(user_repo.root)
    process = start_critbench([*command], user_repo.root, {**os.environ, "NO_COLOR": "1"})
    deadline = time.monotonic() + 120
    while "critbench-ab-" not in _git(user_repo.root, "worktree", "list") and time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        time.sleep(0.05)
    time.sleep(1.0)  # into the measurement
    try:
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=120)
    finally:  # never leave it running (nor its pipes open) for a later test to trip over
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 130, stderr
    assert _everything(user_repo.root) == before


@pytest.mark.parametrize(
    ("command", "status"),
    [
        (("ab", "HEAD~1", "--quick"), 0),
        (("ab", "HEAD~2", "HEAD", "--quick"), 0),
        (("ab", "HEAD~2", "HEAD", "--quick", "--benches-from", "HEAD~1"), 0),
        (("ab", "HEAD~2", "HEAD", "--quick", "--own-benches"), 0),
        (("ab", "HEAD~1", "HEAD", "--quick", "--install"), 0),
        # Unchanged code: bisect measures BAD, finds no change past the threshold and says so (exit 3).
        (("bisect", "HEAD~3", "HEAD", "--threshold", "0.5"), 3),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, tuple) else str(value),
)
def test_a_finished_command_leaves_the_users_git_as_it_was(
    user_repo: Workspace, command: tuple[str, ...], status: int
) -> None:
    before = _everything(user_repo.root)
    result = user_repo.critbench(*command, "--warm-up-time", "0.01", "--measurement-time", "0.05", timeout=600)
    assert result.returncode == status, result.stdout + result.stderr
    assert _everything(user_repo.root) == before
