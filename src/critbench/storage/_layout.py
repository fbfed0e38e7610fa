"""Every path critbench uses under an output root, named in one place.

The layout is an external contract (the seed's ``ls -1 ROOT | grep -v '^report$'`` lists the saved
baselines), so no other module joins a name onto the output root::

    ROOT/
      <name>/                    a saved baseline (see critbench.storage._baselines)
      report/                    the HTML report
      .last/  .previous/         the last run and the one before it (model.LAST_RUN, model.PREVIOUS_RUN)
      .history.sqlite            the default history database (plus SQLite's -wal and -shm files)
      .builds/<commit>-<pkg>-<key>/  a revision's package built for ab and bisect (site/, build.log)
      .gitignore                 ``*``: the output root ignores itself in git, as pytest's and ruff's caches do
      .tmp-<name>-<8 hex>/       a folder being written, swapped in whole when complete
      .old-<name>-<8 hex>/       a folder set aside by a swap or a delete, removed once the swap is done
      .lock-<name>               held while <name> is saved, read or deleted (see storage._locks)

Everything but the baselines and ``report/`` starts with a dot. A swap's temporary names add
:data:`SWAP_NAME_EXTRA` characters to the folder's name, so a baseline name may be at most
:data:`MAX_BASELINE_NAME_LENGTH` characters: longer, and the staging folder's name would pass the
filesystem's limit on one name (NAME_MAX) and the save would fail half-way with "File name too long".

Staging and set-aside folders outlive their operation only when it was killed (SIGKILL, a power cut);
:func:`leftover_of` recognises them so the next save can finish or remove them.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from pathlib import Path

REPORT_FOLDER = "report"
HISTORY_DATABASE = ".history.sqlite"
BUILDS_FOLDER = ".builds"
GITIGNORE = ".gitignore"
GITIGNORE_TEXT = "# Created by critbench: its output root (baselines, history, report) is not for version control.\n*\n"

_STAGING_PREFIX = ".tmp-"
_SET_ASIDE_PREFIX = ".old-"
_LOCK_PREFIX = ".lock-"
_SUFFIX_DIGITS = 8
_LEFTOVER = re.compile(
    rf"(?:{re.escape(_STAGING_PREFIX)}|{re.escape(_SET_ASIDE_PREFIX)})(?P<folder>.+)-[0-9a-f]{{{_SUFFIX_DIGITS}}}"
)

NAME_MAX = 255
"""The longest file name, in bytes, on every filesystem critbench is likely to write to (ext4, XFS,
Btrfs, APFS, NTFS, tmpfs). Fixed rather than asked of the filesystem, so a name valid on one machine is
valid on every machine a baseline is copied to."""

SWAP_NAME_EXTRA = max(len(_STAGING_PREFIX), len(_SET_ASIDE_PREFIX)) + 1 + _SUFFIX_DIGITS
"""The characters a swap's temporary name adds to a folder's name: ``.tmp-`` and ``-`` plus 8 hex digits."""

MAX_BASELINE_NAME_LENGTH = NAME_MAX - SWAP_NAME_EXTRA
"""The longest baseline name whose staging and set-aside folders still fit within NAME_MAX (241)."""


def _suffix() -> str:
    return uuid.uuid4().hex[:_SUFFIX_DIGITS]


def staging_path(folder: Path) -> Path:
    """A fresh hidden name beside ``folder`` to write its new contents under before the swap."""
    return folder.parent / f"{_STAGING_PREFIX}{folder.name}-{_suffix()}"


def set_aside_path(folder: Path) -> Path:
    """A fresh hidden name beside ``folder`` to move its old contents to while the new ones land."""
    return folder.parent / f"{_SET_ASIDE_PREFIX}{folder.name}-{_suffix()}"


def lock_path(folder: Path) -> Path:
    """The hidden lock file beside ``folder`` that every save, read or delete of it holds (storage._locks).

    ``.lock-`` is shorter than a swap's prefix and suffix, so a valid baseline name's lock name fits too.
    """
    return folder.parent / f"{_LOCK_PREFIX}{folder.name}"


def leftover_of(path: Path) -> str | None:
    """The name of the folder ``path`` was a staging or set-aside folder of, or None if it is neither."""
    found = _LEFTOVER.fullmatch(path.name)
    return found.group("folder") if found else None


def locked_folder_of(path: Path) -> str | None:
    """The name of the folder ``path`` is the lock file of, or None if it is not a lock file."""
    return path.name.removeprefix(_LOCK_PREFIX) if path.name.startswith(_LOCK_PREFIX) else None


def staging_copies(folder: Path) -> list[Path]:
    """The staging folders :func:`staging_path` made for exactly ``folder`` and left behind."""
    return _copies(folder, _STAGING_PREFIX)


def set_aside_copies(folder: Path) -> list[Path]:
    """The folders :func:`set_aside_path` made for exactly ``folder`` and left behind, oldest first.

    Matched by the whole name, so ``.old-a-b-1234abcd`` (set aside from ``a-b``) is never taken for a
    copy of ``a``. Ordered by when they were set aside (the rename sets the folder's change time).
    """
    return _copies(folder, _SET_ASIDE_PREFIX)


def _copies(folder: Path, prefix: str) -> list[Path]:
    pattern = re.compile(re.escape(prefix + folder.name) + rf"-[0-9a-f]{{{_SUFFIX_DIGITS}}}")
    try:
        found = [path for path in folder.parent.iterdir() if pattern.fullmatch(path.name)]
    except (FileNotFoundError, NotADirectoryError):
        return []
    dated = []
    for path in found:
        try:
            dated.append((path.stat().st_ctime_ns, path.name, path))
        except FileNotFoundError:  # removed meanwhile by the run that set it aside
            continue
    return [path for *_, path in sorted(dated)]


def partial_file_path(path: Path) -> Path:
    """A fresh hidden name beside ``path`` to write a file under before it is renamed into place."""
    return path.parent / f".{path.name}.{_suffix()}.tmp"


@dataclass(frozen=True)
class OutputLayout:
    """The paths under one output root. Building one touches no file."""

    root: Path

    def baseline(self, name: str) -> Path:
        """The folder of the stored run ``name``: a checked baseline name, or one of the hidden runs kept the
        same way, LAST_RUN (which the next plain run compares against) and PREVIOUS_RUN (the run before it)."""
        return self.root / name

    @property
    def report(self) -> Path:
        """The HTML report's folder (``index.html`` inside)."""
        return self.root / REPORT_FOLDER

    @property
    def report_index(self) -> Path:
        """The HTML report's front page, the path a run prints."""
        return self.report / "index.html"

    @property
    def gitignore(self) -> Path:
        """The ``.gitignore`` (``*``) that keeps the output root out of git."""
        return self.root / GITIGNORE

    @property
    def history_database(self) -> Path:
        """The default history store, a SQLite file; pass this Path itself to ``HistoryStore.open``.

        Keep it a Path: written into a ``sqlite:///`` URL, a ``?``, ``#`` or ``%2F`` in the output root's
        path would be read as URL syntax and the database would land somewhere else.
        """
        return self.root / HISTORY_DATABASE

    @property
    def builds(self) -> Path:
        """Where ab and bisect keep revisions' packages built per commit (hidden, like every folder but
        the baselines and the report)."""
        return self.root / BUILDS_FOLDER
