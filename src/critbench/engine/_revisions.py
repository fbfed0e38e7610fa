"""Checkouts of two revisions for critbench ab: temporary git worktrees, never the user's own checkout.

Revision A is always checked out into a temporary worktree (``git worktree add --detach``), as is revision B
when it is named. When B is omitted it is the user's working tree as it stands, uncommitted changes
included. Worktrees are removed (and git's worktree list pruned) when the comparison ends, however it ends;
the user's checkout, index and branches are never touched.

A comparison killed outright (SIGKILL, a lost terminal) cannot clean up, so its scratch folder holds an
``owner.pid`` file: the next comparison in the repository removes worktrees whose owner is no longer
running, and says which.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from critbench.errors import RevisionError


@dataclass(frozen=True)
class Checkout:
    label: str
    """What the user typed (``HEAD~1``, ``main``), or ``working tree``."""
    commit: str | None
    root: Path
    """The folder holding this revision's files (the repository's top level)."""
    uncommitted: tuple[str, ...] = ()
    """For the working tree: the files with uncommitted changes, which are part of what is measured."""


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, timeout=120, check=False)
    except FileNotFoundError:
        raise RevisionError("critbench ab needs git, which is not installed") from None


def repository_root(folder: Path) -> Path:
    done = _git(folder, "rev-parse", "--show-toplevel")
    if done.returncode != 0:
        raise RevisionError(f"{folder} is not inside a git repository; critbench ab compares git revisions")
    return Path(done.stdout.strip()).resolve()


def resolve_commit(repo: Path, revision: str) -> str:
    if revision.startswith("-"):
        raise RevisionError(f"not a revision: {revision!r}")
    done = _git(repo, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    if done.returncode != 0:
        raise RevisionError(f"no revision {revision!r} in {repo} (give a branch, tag or commit, e.g. HEAD~1)")
    return done.stdout.strip()


def uncommitted_files(repo: Path) -> tuple[str, ...]:
    done = _git(repo, "status", "--porcelain", "--untracked-files=no")
    return tuple(line[3:] for line in done.stdout.splitlines() if line.strip())


def _add_worktree(repo: Path, folder: Path, commit: str, label: str) -> None:
    done = _git(repo, "worktree", "add", "--detach", "--quiet", str(folder), commit)
    if done.returncode != 0:
        raise RevisionError(f"could not check out {label} into {folder}: {done.stderr.strip()}")


def _remove_worktree(repo: Path, folder: Path) -> None:
    _git(repo, "worktree", "remove", "--force", str(folder))
    shutil.rmtree(folder, ignore_errors=True)


SCRATCH_PREFIX = "critbench-ab-"
OWNER_FILE = "owner.pid"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True


def remove_abandoned_worktrees(repo: Path) -> list[Path]:
    """Remove the worktrees that earlier comparisons, killed before they could clean up, left behind.

    Only folders critbench made are considered: a registered worktree inside a ``critbench-ab-*`` scratch
    folder whose ``owner.pid`` names a process that is gone. Returns the scratch folders removed.
    """
    listing = _git(repo, "worktree", "list", "--porcelain").stdout
    removed: list[Path] = []
    for line in listing.splitlines():
        if not line.startswith("worktree "):
            continue
        folder = Path(line[len("worktree ") :])
        scratch = folder.parent
        if not scratch.name.startswith(SCRATCH_PREFIX):
            continue
        try:
            owner = int((scratch / OWNER_FILE).read_text().strip())
        except (OSError, ValueError):
            continue
        if _alive(owner):
            continue
        _remove_worktree(repo, folder)
        if scratch not in removed:
            removed.append(scratch)
    for scratch in removed:
        shutil.rmtree(scratch, ignore_errors=True)
    _git(repo, "worktree", "prune")  # and forget registrations whose folders are already gone
    return removed


@contextlib.contextmanager
def checkouts(
    repo: Path, revision_a: str, revision_b: str | None, *, cleaned: list[Path] | None = None
) -> Iterator[tuple[Checkout, Checkout]]:
    """Both revisions on disk for the duration of the block; worktrees are cleaned up afterwards.

    Worktrees abandoned by earlier, killed comparisons are removed first; their folders are appended to
    ``cleaned`` when it is given, so the caller can say so.
    """
    commit_a = resolve_commit(repo, revision_a)
    commit_b = resolve_commit(repo, revision_b) if revision_b is not None else None
    abandoned = remove_abandoned_worktrees(repo)
    if cleaned is not None:
        cleaned.extend(abandoned)
    scratch = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX))
    (scratch / OWNER_FILE).write_text(f"{os.getpid()}\n")
    added: list[Path] = []
    try:
        folder_a = scratch / "a"
        _add_worktree(repo, folder_a, commit_a, revision_a)
        added.append(folder_a)
        side_a = Checkout(revision_a, commit_a, folder_a)
        if commit_b is None:
            head = _git(repo, "rev-parse", "HEAD").stdout.strip() or None
            side_b = Checkout("working tree", head, repo, uncommitted_files(repo))
        else:
            folder_b = scratch / "b"
            _add_worktree(repo, folder_b, commit_b, revision_b or commit_b)
            added.append(folder_b)
            side_b = Checkout(revision_b or commit_b, commit_b, folder_b)
        yield side_a, side_b
    finally:
        for folder in added:
            _remove_worktree(repo, folder)
        _git(repo, "worktree", "prune")
        shutil.rmtree(scratch, ignore_errors=True)
