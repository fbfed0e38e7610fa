"""Checkouts of git revisions for critbench ab and bisect: temporary git worktrees, never the user's own checkout.

Each named revision is checked out into a temporary worktree (``git worktree add --detach``, with the user's
hooks switched off); the working tree stands for itself, uncommitted changes included. Worktrees are removed
when the command ends, however it ends, each by its own path: a bare ``git worktree prune`` would also drop
the registrations of the user's own worktrees that happen to be unreachable (on an unmounted drive, say).
The user's checkout, index, stash, branches and ``git bisect`` state are never touched.

A command killed outright (SIGKILL, a lost terminal) cannot clean up, so its scratch folder holds an
``owner.pid`` file: the next command in the repository removes worktrees whose owner is no longer running
(or whose scratch folder is gone altogether), and says which.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
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

    @property
    def is_working_tree(self) -> bool:
        return self.label == WORKING_TREE

    def short(self) -> str:
        """``label (abcdef1234)``, or the label alone when it is the commit or the working tree."""
        if self.commit is None or self.commit.startswith(self.label) or self.is_working_tree:
            return self.label
        return f"{self.label} ({self.commit[:10]})"


WORKING_TREE = "working tree"


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, timeout=120, check=False)
    except FileNotFoundError:
        raise RevisionError("comparing revisions needs git, which is not installed") from None


def repository_root(folder: Path) -> Path:
    done = _git(folder, "rev-parse", "--show-toplevel")
    if done.returncode != 0:
        raise RevisionError(f"{folder} is not inside a git repository; critbench ab and bisect compare git revisions")
    return Path(done.stdout.strip()).resolve()


def resolve_commit(repo: Path, revision: str) -> str:
    if revision.startswith("-"):
        raise RevisionError(f"not a revision: {revision!r}")
    done = _git(repo, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    if done.returncode != 0:
        raise RevisionError(f"no revision {revision!r} in {repo} (give a branch, tag or commit, e.g. HEAD~1)")
    return done.stdout.strip()


def commit_subject(repo: Path, commit: str) -> str:
    return _git(repo, "log", "-1", "--format=%s", commit).stdout.strip()


def commits_between(repo: Path, good: str, bad: str) -> list[str]:
    """The commits after ``good`` up to and including ``bad``, oldest first, along ``bad``'s first parents.

    That line starts where it left ``good``'s history. When ``good`` is on it (a linear history) that is
    ``good`` itself; when ``good`` was made on a branch merged into ``bad``'s line (a release branch, say),
    it is their fork point, so the line's own commits before the merge are searched too: a change made on the
    main line before the release branch was merged back is found at its own commit, not at the merge.
    (``--ancestry-path`` would keep only commits that contain ``good`` and, combined with ``--first-parent``,
    drops every commit when ``good`` is reached through a merge's second parent.)

    Raises RevisionError when ``good`` is not an ancestor of ``bad``: there is no line of history to search.
    """
    if _git(repo, "merge-base", "--is-ancestor", good, bad).returncode != 0:
        raise RevisionError(f"{good[:10]} is not an ancestor of {bad[:10]}: bisect needs GOOD before BAD in history")
    done = _git(repo, "rev-list", "--reverse", "--first-parent", f"{good}..{bad}")
    return done.stdout.split()


def uncommitted_files(repo: Path) -> tuple[str, ...]:
    done = _git(repo, "status", "--porcelain", "--untracked-files=no")
    return tuple(line[3:] for line in done.stdout.splitlines() if line.strip())


def _add_worktree(repo: Path, folder: Path, commit: str, label: str) -> None:
    # core.hooksPath: the user's post-checkout hook is for their own checkouts, not for ours.
    done = _git(repo, "-c", "core.hooksPath=/dev/null", "worktree", "add", "--detach", "--quiet", str(folder), commit)
    if done.returncode != 0:
        raise RevisionError(f"could not check out {label}: {done.stderr.strip()}")


def _remove_worktree(repo: Path, folder: Path) -> None:
    """Remove one worktree and its registration, by path; no other registration is touched."""
    _git(repo, "worktree", "remove", "--force", "--force", str(folder))
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


def _registered_worktrees(repo: Path) -> list[Path]:
    listing = _git(repo, "worktree", "list", "--porcelain").stdout
    return [Path(line[len("worktree ") :]) for line in listing.splitlines() if line.startswith("worktree ")]


def remove_abandoned_worktrees(repo: Path) -> list[Path]:
    """Remove the worktrees that earlier commands, killed before they could clean up, left behind.

    Only folders critbench made are considered: a registered worktree inside a ``critbench-ab-*`` scratch
    folder whose ``owner.pid`` names a process that is gone, or whose scratch folder no longer exists.
    Returns the scratch folders removed.
    """
    removed: list[Path] = []
    for folder in _registered_worktrees(repo):
        scratch = folder.parent
        if not scratch.name.startswith(SCRATCH_PREFIX):
            continue
        if scratch.exists():
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
    return removed


@dataclass
class Checkouts:
    """Temporary worktrees of one repository, owned by this process, removed when :func:`scratch_checkouts`
    ends; ``scratch`` is a folder of this process's own, for anything else a command needs to write."""

    repo: Path
    scratch: Path
    abandoned: list[Path]
    """Scratch folders of earlier, killed commands that were removed on the way in."""
    _added: list[Path] = field(default_factory=list)

    def add(self, revision: str, commit: str | None = None) -> Checkout:
        """``revision`` (as the user typed it) checked out into a fresh worktree."""
        commit = commit or resolve_commit(self.repo, revision)
        folder = self.scratch / f"w{len(self._added)}"
        self._added.append(folder)
        _add_worktree(self.repo, folder, commit, revision)
        return Checkout(revision, commit, folder)

    def remove(self, checkout: Checkout) -> None:
        """Remove one worktree early (bisect checks out one commit after another)."""
        if checkout.root in self._added:
            _remove_worktree(self.repo, checkout.root)
            self._added.remove(checkout.root)

    def working_tree(self) -> Checkout:
        head = _git(self.repo, "rev-parse", "HEAD").stdout.strip() or None
        return Checkout(WORKING_TREE, head, self.repo, uncommitted_files(self.repo))

    def close(self) -> None:
        for folder in reversed(self._added):
            _remove_worktree(self.repo, folder)
        self._added.clear()
        shutil.rmtree(self.scratch, ignore_errors=True)


@contextlib.contextmanager
def scratch_checkouts(repo: Path) -> Iterator[Checkouts]:
    """A place for this command's worktrees; every one is removed when the block ends, however it ends.

    Worktrees abandoned by earlier, killed commands are removed first (listed in ``abandoned``).
    """
    abandoned = remove_abandoned_worktrees(repo)
    scratch = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX))
    (scratch / OWNER_FILE).write_text(f"{os.getpid()}\n")
    owned = Checkouts(repo, scratch, abandoned)
    try:
        yield owned
    finally:
        owned.close()


@contextlib.contextmanager
def checkouts(
    repo: Path, revision_a: str, revision_b: str | None, *, cleaned: list[Path] | None = None
) -> Iterator[tuple[Checkout, Checkout]]:
    """Both revisions of critbench ab on disk for the duration of the block (B: the working tree when None)."""
    commit_a = resolve_commit(repo, revision_a)
    commit_b = resolve_commit(repo, revision_b) if revision_b is not None else None
    with scratch_checkouts(repo) as owned:
        if cleaned is not None:
            cleaned.extend(owned.abandoned)
        side_a = owned.add(revision_a, commit_a)
        side_b = owned.working_tree() if revision_b is None else owned.add(revision_b, commit_b)
        yield side_a, side_b
