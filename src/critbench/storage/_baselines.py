"""Named baselines in the output root, baseline first: ``ROOT/<name>/run.json`` and one folder per benchmark.

::

    ROOT/
      <name>/run.json                          the run that last saved it, and an index id → folder
      <name>/<group>/<function>[/<param>]/     benchmark.json, sample.json, estimates.json[, memory.json]
      .last/                                   the last run, which the next plain run compares against
      .previous/                               the run before it, so the last comparison can be rebuilt
      report/                                  the HTML report

Anything the tool keeps besides baselines and ``report/`` is dot-named, so ``ls ROOT`` shows exactly the
saved baselines and the report (:mod:`critbench.storage._layout` names every path; the files inside a
baseline are :mod:`critbench.storage._baseline_files`'s).

Nothing lost, nothing forged:

- Saving merges: benchmarks this run did not measure keep their stored data (as Criterion's per-id folders
  do), so saving one package's results does not erase another's. A benchmark is stored under its package
  and id, so two packages' namesakes never overwrite each other.
- The whole read-merge-write-swap holds the baseline's lock (:mod:`critbench.storage._locks`), and so does
  every read and delete, so two runs saving into one baseline at once both land, one after the other, and a
  reader never sees a swap half done. ``.last`` and ``.previous`` share one lock: saving the last run
  rotates both.
- A baseline is written in full to a hidden staging folder and swapped in with renames while SIGINT and
  SIGTERM are held, so an interrupted run leaves the old baseline or the new one, never a mix. A swap cut
  off harder (SIGKILL, a power cut) is finished or undone by the next read of that baseline, and the next
  save or delete of any baseline removes what such runs left behind and says so (:class:`Tidied`).
- A baseline with a file that cannot be read is never written over: the save stops and names the file,
  since the unreadable file may be a newer critbench's, or repairable, and its neighbours are intact.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from critbench.errors import StorageError
from critbench.model import LAST_RUN, PREVIOUS_RUN, RunRecord
from critbench.storage._baseline_files import StoredBaseline, StoredBenchmark, read_baseline, write_baseline
from critbench.storage._files import create_staging_folder, signals_deferred
from critbench.storage._hooks import pause_at
from critbench.storage._layout import (
    REPORT_FOLDER,
    OutputLayout,
    leftover_of,
    lock_path,
    locked_folder_of,
    set_aside_copies,
    set_aside_path,
    staging_copies,
)
from critbench.storage._locks import locked, locked_for_reading, locked_if_free
from critbench.storage._names import NAME, check_baseline_name, describe, is_key


class BaselineNotFound(StorageError):
    """No baseline ``name``: said in Criterion's words when it was wanted for a comparison, else plainly
    (``wanted_to``: "show", "delete")."""

    def __init__(self, name: str, available: list[str], wanted_to: str | None = None) -> None:
        self.name = name
        self.available = available
        listing = ", ".join(available) if available else "none saved yet"
        if wanted_to is not None:
            super().__init__(f"no baseline '{name}' to {wanted_to} (saved baselines: {listing})")
            return
        super().__init__(
            f"Baseline '{name}' must exist before comparison is allowed; try --save-baseline {name} "
            f"(saved baselines: {listing})"
        )


@dataclass(frozen=True)
class Tidied:
    """What an operation found left behind by earlier ones that were killed mid-way, and what it did."""

    removed: tuple[str, ...] = ()
    """Hidden staging and set-aside folders removed, by name (in the output root)."""
    restored: tuple[str, ...] = ()
    """Stored runs brought back from the copy a swap cut off had set aside (their folder names)."""

    def plus(self, other: Tidied) -> Tidied:
        return Tidied(self.removed + other.removed, self.restored + other.restored)

    def message(self) -> str | None:
        """One line saying what was tidied up, or None when nothing was left behind."""
        if not self.removed and not self.restored:
            return None
        done = []
        if self.restored:
            done.append("restored " + ", ".join(describe(name) for name in self.restored))
        if self.removed:
            folders = "folder" if len(self.removed) == 1 else "folders"
            done.append(f"removed {len(self.removed)} hidden {folders} ({', '.join(sorted(self.removed))})")
        return f"Tidied up after an earlier save that was cut off: {'; '.join(done)}"


@dataclass(frozen=True)
class ListedBaseline:
    """One saved baseline as ``critbench baselines list`` shows it: its contents, or why they cannot be read."""

    name: str
    baseline: StoredBaseline | None
    problem: str | None = None


def _lock_key(name: str) -> str:
    return LAST_RUN if name == PREVIOUS_RUN else name


class BaselineStore:
    """Reads and writes the baselines under one output root."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.layout = OutputLayout(root)

    def _lock(self, name: str) -> Path:
        return lock_path(self.layout.baseline(_lock_key(name)))

    @contextlib.contextmanager
    def _reading(self, name: str) -> Iterator[None]:
        """Hold ``name``'s lock, first finishing or undoing a swap of it that was cut off. In a read-only
        output root (or none) there is no lock to take, and nothing can be written there either."""
        if not self.root.is_dir():
            yield
            return
        with locked_for_reading(self._lock(name)) as held:
            if held:
                self._recover(name)
            yield

    def _recover(self, name: str) -> Tidied:
        """With ``name``'s lock held, so no live writer is mid-swap: bring back the old copy where a swap
        was cut off before the new one landed, and remove every staging and set-aside folder of it."""
        if name in (LAST_RUN, PREVIOUS_RUN):
            return self._recover_rotation()
        return recover_folder(self.layout.baseline(name))

    def _recover_rotation(self) -> Tidied:
        """Undo a rotation of the last run that was cut off (see :meth:`_swap_in`), so that ``.last`` is
        never the run before the previous one, nor ``.previous`` lost while the last run stays."""
        last, previous = self.layout.baseline(LAST_RUN), self.layout.baseline(PREVIOUS_RUN)
        leftovers = set_aside_copies(previous)
        restored = []
        if leftovers:
            if not last.exists() and previous.exists():  # cut off after the last run moved to .previous
                previous.rename(last)
                restored.append(LAST_RUN)
            if not previous.exists():  # cut off before the new last run landed
                leftovers.pop().rename(previous)
                restored.append(PREVIOUS_RUN)
        staged = [*staging_copies(last), *staging_copies(previous), *set_aside_copies(last)]
        return Tidied(_remove([*leftovers, *staged]), tuple(restored))

    def _tidy_others(self, done: str) -> Tidied:
        """Recover every other folder a killed operation left copies (or its lock file) of, each under its own
        lock, and only where that lock is free: a folder being written by a live run is never touched."""
        keys = set()
        for path in self.root.iterdir():
            folder = leftover_of(path) or locked_folder_of(path)
            if folder is not None and (folder == REPORT_FOLDER or is_key(folder)):
                keys.add(_lock_key(folder))
        tidied = Tidied()
        for key in sorted(keys - {_lock_key(done)}):
            with locked_if_free(self._lock(key)) as held:
                if held:
                    tidied = tidied.plus(self._recover(key))
        return tidied

    def names(self) -> list[str]:
        """Saved baselines (not the hidden last run), sorted."""
        if not self.root.is_dir():
            return []
        return sorted(
            path.name
            for path in self.root.iterdir()
            if path.is_dir() and NAME.fullmatch(path.name) and (path / "run.json").is_file()
        )

    def _holds(self, name: str) -> bool:
        """Whether ``name``'s folder holds a stored run: a run.json, or anything at all (one whose run.json
        was lost is damaged, not absent, and must not be written over as if it were new)."""
        folder = self.layout.baseline(name)
        if (folder / "run.json").is_file():
            return True
        try:
            return folder.is_dir() and any(folder.iterdir())
        except OSError:
            return False

    def exists(self, name: str) -> bool:
        """Whether baseline ``name`` is saved (perhaps damaged: :meth:`load` then says what is wrong); False
        for a name no baseline can have (``../x``)."""
        if not is_key(name):
            return False
        with self._reading(name):
            return self._holds(name)

    def load(self, name: str) -> StoredBaseline:
        """Baseline ``name``; BaselineNotFound when it is not saved, InvalidBaselineName when no baseline can
        have that name (a name read from a damaged run.json, say), so nothing outside the root is read;
        StorageError naming the file when one of its files is missing or damaged."""
        if not is_key(name):
            check_baseline_name(name)  # raises, saying what is wrong with the name
        with self._reading(name):
            if not self._holds(name):
                raise BaselineNotFound(name, self.names())
            return read_baseline(self.layout.baseline(name), name)

    def listing(self) -> list[ListedBaseline]:
        """Every saved baseline, sorted by name: those that can be read with their contents, the others
        (a file missing or damaged) with the reason, so one bad baseline does not hide the rest."""
        if not self.root.is_dir():
            return []
        names = set()
        for path in self.root.iterdir():
            # A hidden copy may be all that is left of a baseline whose swap was cut off: the read finishes it.
            name = leftover_of(path) if path.name.startswith(".") else path.name if path.is_dir() else None
            if name is not None and NAME.fullmatch(name) and name != REPORT_FOLDER:
                names.add(name)
        listed = []
        for name in sorted(names):
            try:
                listed.append(ListedBaseline(name, self.load(name)))
            except BaselineNotFound:
                continue  # an empty folder, or deleted meanwhile
            except StorageError as exc:
                listed.append(ListedBaseline(name, None, str(exc)))
        return listed

    def save(
        self,
        name: str,
        run: RunRecord,
        measured: Sequence[StoredBenchmark],
        *,
        landed: Callable[[], None] | None = None,
    ) -> Tidied:
        """Save ``measured`` as baseline ``name`` (or LAST_RUN), keeping stored benchmarks this run did not
        measure that were measured the same way (a baseline never mixes wall times with instruction counts);
        what was tidied up after earlier, killed saves (removed or restored) is returned.

        ``landed`` is called the moment the new copy is in place, before a SIGINT or SIGTERM held during the
        swap is let through, so the caller can record that the save happened even when one follows (it runs
        with the lock held, so it must not read this store). A baseline that cannot be read whole is not
        written over: StorageError naming the damaged file.
        """
        if name != LAST_RUN:
            check_baseline_name(name)
        self.root.mkdir(parents=True, exist_ok=True)
        pause_at("lock", name)
        with locked(self._lock(name)):
            pause_at("locked", name)
            tidied = self._recover(name)
            units = {item.samples.unit for item in measured}
            merged = {item.key: item for item in self._kept(name) if not units or item.samples.unit in units}
            merged.update({item.key: item for item in measured})
            staging = create_staging_folder(self.layout.baseline(name))
            try:
                write_baseline(staging, name, run, merged.values(), {item.key for item in measured})
                pause_at("staged", name)
                self._swap_in(name, staging, landed)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
        return tidied.plus(self._tidy_others(name))

    def _kept(self, name: str) -> tuple[StoredBenchmark, ...]:
        """What baseline ``name`` holds, to merge with a save; StorageError if any of it cannot be read."""
        if not self._holds(name):
            return ()
        folder = self.layout.baseline(name)
        try:
            return read_baseline(folder, name).benchmarks
        except StorageError as exc:
            if name == LAST_RUN:
                advice = f"move {folder} (a hidden copy of the last run) away to start afresh"
            else:
                advice = f"repair or remove that file, delete the baseline (critbench baselines delete {name}), or save under another name"
            raise StorageError(
                f"{describe(name)} was not saved, so that nothing it holds is lost: {exc}; {advice}"
            ) from None

    def _swap_in(self, name: str, staging: Path, landed: Callable[[], None] | None) -> None:
        """Rename ``staging`` into place; the last run's old copy becomes ``.previous`` (whose own old copy
        is set aside as ``.old-.previous-*``), any other baseline's old copy is set aside and removed."""
        target = self.layout.baseline(name)
        rotating = name == LAST_RUN
        moved_aside = self.layout.baseline(PREVIOUS_RUN) if rotating else target
        old = set_aside_path(moved_aside)
        with signals_deferred():
            if target.exists():
                if moved_aside.exists():
                    moved_aside.rename(old)
                pause_at("set-aside", name)
                if rotating:
                    target.rename(self.layout.baseline(PREVIOUS_RUN))
                    pause_at("rotated", name)
            staging.rename(target)
            if landed is not None:
                landed()
            pause_at("swapped", name)
            shutil.rmtree(old, ignore_errors=True)

    def delete(self, name: str) -> Tidied:
        """Remove baseline ``name``, readable or damaged; what was tidied up besides (see :meth:`save`)."""
        check_baseline_name(name)
        if not self.root.is_dir():
            raise BaselineNotFound(name, [])
        with locked(self._lock(name)):
            tidied = self._recover(name)
            if not self._holds(name):
                raise BaselineNotFound(name, self.names())
            folder = self.layout.baseline(name)
            doomed = set_aside_path(folder)
            with signals_deferred():
                folder.rename(doomed)
                shutil.rmtree(doomed, ignore_errors=True)
        return tidied.plus(self._tidy_others(name))


def recover_folder(folder: Path) -> Tidied:
    """With ``folder``'s lock held: bring back its newest set-aside copy if a swap was cut off before the new
    one landed, and remove its other set-aside and staging folders."""
    leftovers = set_aside_copies(folder)
    restored = []
    if not folder.exists() and leftovers:
        leftovers.pop().rename(folder)
        restored.append(folder.name)
    return Tidied(_remove([*leftovers, *staging_copies(folder)]), tuple(restored))


def _remove(folders: list[Path]) -> tuple[str, ...]:
    removed = []
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)
        if not folder.exists():
            removed.append(folder.name)
    return tuple(removed)
