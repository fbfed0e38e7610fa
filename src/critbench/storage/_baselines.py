"""Named baselines in the output root, baseline first: ``ROOT/<name>/run.json`` and one folder per benchmark.

::

    ROOT/
      <name>/run.json                          the run that last saved it, and an index id → folder
      <name>/<group>/<function>[/<param>]/     benchmark.json, sample.json, estimates.json[, memory.json]
      .last/                                   the last run, which the next plain run compares against
      .previous/                               the run before it, so the last comparison can be rebuilt
      report/                                  the HTML report

Anything the tool keeps besides baselines and ``report/`` is dot-named, so ``ls ROOT`` shows exactly the
saved baselines and the report (:mod:`critbench.storage._layout` names every path). A baseline is written in
full to a hidden temporary folder and then swapped in with renames while SIGINT is held, so an interrupted
run leaves the old baseline or the new one, never a mix; a swap cut off harder (SIGKILL, a power cut) is
finished the next time the baseline is read. Saving merges: benchmarks this run did not measure keep their
stored data (as Criterion's per-id folders do), so saving one package's results does not erase another's.
"""

from __future__ import annotations

import contextlib
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from critbench.errors import StorageError
from critbench.model import (
    LAST_RUN,
    PREVIOUS_RUN,
    BenchmarkInfo,
    MemoryUsage,
    RunRecord,
    SampleAnalysis,
    Samples,
    from_data,
    to_data,
)
from critbench.storage._files import read_document, signals_deferred, write_document
from critbench.storage._layout import (
    MAX_BASELINE_NAME_LENGTH,
    REPORT_FOLDER,
    OutputLayout,
    set_aside_copies,
    set_aside_path,
    staging_path,
)

_NAME = re.compile(r"[A-Za-z0-9_-]+")
_RESERVED = {REPORT_FOLDER}
_UNSAFE_CHARS = re.compile(r'[?"/\\*<>:|^\x00-\x1f]')


class InvalidBaselineName(StorageError):
    pass


class BaselineNotFound(StorageError):
    def __init__(self, name: str, available: list[str]) -> None:
        self.name = name
        self.available = available
        listing = ", ".join(available) if available else "none saved yet"
        super().__init__(
            f"Baseline '{name}' must exist before comparison is allowed; try --save-baseline {name} "
            f"(saved baselines: {listing})"
        )


def check_baseline_name(name: str) -> str:
    """``name`` if it is a valid baseline name; InvalidBaselineName (never a path outside the root) if not."""
    if not _NAME.fullmatch(name):
        raise InvalidBaselineName(
            f"invalid baseline name {name!r}: use only letters, digits, '-' and '_' (e.g. phase10-final)"
        )
    if name.startswith("-"):
        raise InvalidBaselineName(
            f"invalid baseline name {name!r}: a name cannot start with '-', which the command line reads as an option"
        )
    if len(name) > MAX_BASELINE_NAME_LENGTH:
        raise InvalidBaselineName(
            f"invalid baseline name {name[:20]!r}... ({len(name)} characters): "
            f"a baseline name can have at most {MAX_BASELINE_NAME_LENGTH} characters"
        )
    if name in _RESERVED:
        raise InvalidBaselineName(f"{name!r} is reserved for the HTML report; pick another baseline name")
    return name


def _is_key(name: str) -> bool:
    """Whether ``name`` can be a stored run's folder: the hidden last runs, or a name of baseline characters
    (saved before a rule was added, like the one on a leading '-', it can still be read)."""
    return name in (LAST_RUN, PREVIOUS_RUN) or bool(_NAME.fullmatch(name))


@dataclass(frozen=True)
class StoredBenchmark:
    info: BenchmarkInfo
    samples: Samples
    analysis: SampleAnalysis
    memory: MemoryUsage | None = None


@dataclass(frozen=True)
class StoredBaseline:
    name: str
    run: RunRecord
    benchmarks: dict[str, StoredBenchmark]


def _part(text: str) -> str:
    cleaned = _UNSAFE_CHARS.sub("_", text).strip() or "_"
    if cleaned in (".", ".."):
        cleaned = cleaned.replace(".", "_")
    return cleaned.encode()[:64].decode(errors="ignore") or "_"


def _folder_for(info: BenchmarkInfo, taken: set[str]) -> str:
    parts = [info.id.group, info.id.function]
    if info.id.parameter is not None:
        parts.append(info.id.parameter)
    base = "/".join(_part(part) for part in parts)
    folder, suffix = base, 2
    while folder in taken:
        folder = f"{base}_{suffix}"
        suffix += 1
    taken.add(folder)
    return folder


class BaselineStore:
    """Reads and writes the baselines under one output root."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.layout = OutputLayout(root)

    def _recover(self, name: str) -> None:
        """Finish a swap that was cut off: bring back the old copy if the new one never landed."""
        if name in (LAST_RUN, PREVIOUS_RUN):
            self._recover_rotation()
            return
        target = self.layout.baseline(name)
        leftovers = set_aside_copies(target)
        if not target.exists() and leftovers:
            leftovers.pop().rename(target)
        for leftover in leftovers:
            shutil.rmtree(leftover, ignore_errors=True)

    def _recover_rotation(self) -> None:
        """Undo a rotation of the last run that was cut off (see :meth:`_swap_in`), so that ``.last`` is
        never the run before the previous one, nor ``.previous`` lost while the last run stays."""
        last, previous = self.layout.baseline(LAST_RUN), self.layout.baseline(PREVIOUS_RUN)
        leftovers = set_aside_copies(previous)
        if not leftovers:
            return
        if not last.exists() and previous.exists():  # cut off after the last run moved to .previous
            previous.rename(last)
        if not previous.exists():  # cut off before the new last run landed
            leftovers.pop().rename(previous)
        for leftover in leftovers:
            shutil.rmtree(leftover, ignore_errors=True)

    def names(self) -> list[str]:
        """Saved baselines (not the hidden last run), sorted."""
        if not self.root.is_dir():
            return []
        return sorted(
            path.name
            for path in self.root.iterdir()
            if path.is_dir() and _NAME.fullmatch(path.name) and (path / "run.json").is_file()
        )

    def exists(self, name: str) -> bool:
        """Whether baseline ``name`` is saved; False for a name no baseline can have (``../x``)."""
        if not _is_key(name):
            return False
        self._recover(name)
        return (self.layout.baseline(name) / "run.json").is_file()

    def load(self, name: str) -> StoredBaseline:
        """Baseline ``name``; BaselineNotFound when it is not saved, InvalidBaselineName when no baseline can
        have that name (a name read from a damaged run.json, say), so nothing outside the root is read."""
        if not _is_key(name):
            check_baseline_name(name)  # raises, saying what is wrong with the name
        self._recover(name)
        folder = self.layout.baseline(name)
        if not (folder / "run.json").is_file():
            raise BaselineNotFound(name, self.names())
        document = read_document(folder / "run.json", "baseline")
        try:
            run = from_data(RunRecord, document["run"])
            benchmarks = {}
            for full_id, sub in document["benchmarks"].items():
                bench_folder = folder / sub
                memory_file = bench_folder / "memory.json"
                memory = (
                    from_data(MemoryUsage, read_document(memory_file, "memory")["memory"])
                    if memory_file.is_file()
                    else None
                )
                benchmarks[full_id] = StoredBenchmark(
                    memory=memory,
                    info=from_data(BenchmarkInfo, read_document(bench_folder / "benchmark.json", "benchmark")["info"]),
                    samples=from_data(Samples, read_document(bench_folder / "sample.json", "sample")["samples"]),
                    analysis=from_data(
                        SampleAnalysis, read_document(bench_folder / "estimates.json", "estimates")["analysis"]
                    ),
                )
        except (KeyError, ValueError, TypeError) as exc:
            raise StorageError(f"baseline {name!r} in {folder} is damaged: {exc}") from None
        return StoredBaseline(name, run, benchmarks)

    def save(self, name: str, run: RunRecord, measured: list[StoredBenchmark]) -> None:
        """Save ``measured`` as baseline ``name``, keeping stored benchmarks this run did not measure (those
        measured the same way: a baseline never mixes wall times with instruction counts)."""
        if name != LAST_RUN:
            check_baseline_name(name)
        merged: dict[str, StoredBenchmark] = {}
        units = {item.samples.unit for item in measured}
        if self.exists(name):
            with contextlib.suppress(StorageError):
                kept = self.load(name).benchmarks.items()
                merged.update((key, item) for key, item in kept if not units or item.samples.unit in units)
        merged.update({item.info.id.full_id: item for item in measured})

        self.root.mkdir(parents=True, exist_ok=True)
        staging = staging_path(self.layout.baseline(name))
        try:
            taken: set[str] = set()
            index = {}
            for full_id, item in sorted(merged.items()):
                sub = _folder_for(item.info, taken)
                index[full_id] = sub
                bench_folder = staging / sub
                write_document(bench_folder / "benchmark.json", "benchmark", {"info": to_data(item.info)})
                write_document(bench_folder / "sample.json", "sample", {"samples": to_data(item.samples)})
                write_document(bench_folder / "estimates.json", "estimates", {"analysis": to_data(item.analysis)})
                if item.memory is not None:
                    write_document(bench_folder / "memory.json", "memory", {"memory": to_data(item.memory)})
            write_document(staging / "run.json", "baseline", {"run": to_data(run), "benchmarks": index})
            self._swap_in(name, staging)
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def _swap_in(self, name: str, staging: Path) -> None:
        """Rename ``staging`` into place; the last run's old copy becomes ``.previous`` (whose own old copy
        is set aside as ``.old-.previous-*``), any other baseline's old copy is set aside and removed."""
        target = self.layout.baseline(name)
        if name == LAST_RUN:
            moved_aside = self.layout.baseline(PREVIOUS_RUN)
            old = set_aside_path(moved_aside)
        else:
            moved_aside = target
            old = set_aside_path(target)
        with signals_deferred():
            if target.exists():
                if moved_aside.exists():
                    moved_aside.rename(old)
                if name == LAST_RUN:
                    target.rename(self.layout.baseline(PREVIOUS_RUN))
            staging.rename(target)
        shutil.rmtree(old, ignore_errors=True)

    def delete(self, name: str) -> None:
        check_baseline_name(name)
        if not self.exists(name):
            raise BaselineNotFound(name, self.names())
        folder = self.layout.baseline(name)
        doomed = set_aside_path(folder)
        folder.rename(doomed)
        shutil.rmtree(doomed, ignore_errors=True)
