"""One baseline folder's files: ``run.json`` with its index, and one folder of documents per benchmark.

::

    <baseline>/run.json                         {"schema_version": 1, "kind": "baseline", "run": {...},
                                                 "benchmarks": {"<id>": "<folder>", ...},
                                                 "shared_ids": {"<id>": [{"package": ..., "folder": ...,
                                                                          "measured": true}, ...]}}
    <baseline>/<group>/<function>[/<param>]/    benchmark.json, sample.json, estimates.json[, memory.json]

A benchmark is stored under its package and its id: two packages may both have a bench target ``t.py``
with a function ``f`` (saved one package at a time; a run measuring both fails them, see
``engine._schedule``), and one must never overwrite the other's entry. ``benchmarks`` lists the ids one
package holds, exactly as baselines written before packages were told apart, which this reads as they are;
``shared_ids``, present only when needed, lists an id several packages hold, each with its own folder and
whether the run in ``run`` measured it. A critbench that predates it ignores ``shared_ids`` (it sees those
ids as not stored) rather than mistaking one package's numbers for another's.

Every file is checked as it is read, and anything critbench would not have written (a truncated file, JSON
of another shape, NaN, a folder outside the baseline, an index that disagrees with the files) is a
StorageError naming the file.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar

from critbench.errors import StorageError
from critbench.model import (
    BenchmarkInfo,
    BenchmarkResult,
    Failure,
    FailureKind,
    MemoryUsage,
    RunRecord,
    SampleAnalysis,
    Samples,
    from_data,
    to_data,
)
from critbench.storage._files import read_document, write_document
from critbench.storage._hooks import pause_at
from critbench.storage._names import folder_for

T = TypeVar("T")

StoredKey = tuple[str, str]
"""What a baseline stores a benchmark under: its package and its full id."""


@dataclass(frozen=True)
class StoredBenchmark:
    info: BenchmarkInfo
    samples: Samples
    analysis: SampleAnalysis
    memory: MemoryUsage | None = None

    @property
    def key(self) -> StoredKey:
        return (self.info.package, self.info.id.full_id)


def stored_benchmarks(results: Iterable[BenchmarkResult]) -> list[StoredBenchmark]:
    """What a baseline keeps of ``results``: those measured and analysed (failures are not stored)."""
    return [
        StoredBenchmark(r.info, r.samples, r.analysis, r.memory)
        for r in results
        if r.samples is not None and r.analysis is not None
    ]


@dataclass(frozen=True)
class StoredBaseline:
    name: str
    run: RunRecord
    benchmarks: tuple[StoredBenchmark, ...]
    """Every benchmark stored, one per package and id, ordered by id then package."""
    measured_last: frozenset[StoredKey] = frozenset()
    """The benchmarks the run in :attr:`run` measured (the others were kept from earlier saves)."""

    def samples_for(self, results: Iterable[BenchmarkResult]) -> dict[str, Samples]:
        """For each of ``results`` this baseline stores under the same package and id, the stored samples,
        by full id: what a run measuring one package compares with, never another package's namesake."""
        stored = {item.key: item for item in self.benchmarks}
        found = {}
        for result in results:
            item = stored.get((result.info.package, result.id.full_id))
            if item is not None:
                found[result.id.full_id] = item.samples
        return found

    def results(self, *, measured_last_only: bool = False) -> list[BenchmarkResult]:
        """The stored benchmarks as results to evaluate again (all, or those :attr:`run` measured).

        An id stored for several packages becomes one failure per package, as the engine fails an id two
        bench targets of one run declare: results, comparisons and reports are keyed by id.
        """
        chosen = [item for item in self.benchmarks if not measured_last_only or item.key in self.measured_last]
        owners = Counter(item.info.id.full_id for item in chosen)
        results = []
        for item in chosen:
            full_id = item.info.id.full_id
            if owners[full_id] == 1:
                results.append(BenchmarkResult(item.info, item.samples, item.analysis, memory=item.memory))
                continue
            packages = ", ".join(sorted(other.info.package for other in chosen if other.info.id.full_id == full_id))
            reason = (
                f"baseline '{self.name}' stores the id {full_id} for more than one package ({packages}), each saved "
                "on its own; ids must be unique across the workspace to be compared or reported together, so put "
                "one in a group of its own (critbench.group(NAME).bench) or compare one package at a time "
                f"(critbench run -p PACKAGE --baseline {self.name})"
            )
            results.append(BenchmarkResult(item.info, failure=Failure(FailureKind.ERROR, reason)))
        return results


def write_baseline(
    staging: Path, name: str, run: RunRecord, benchmarks: Iterable[StoredBenchmark], measured: set[StoredKey]
) -> None:
    """Write ``benchmarks`` and ``run`` into the empty folder ``staging`` (``measured``: those ``run`` measured)."""
    ordered = sorted(benchmarks, key=lambda item: (item.info.id.full_id, item.info.package))
    owners = Counter(item.info.id.full_id for item in ordered)
    taken: set[str] = set()
    index: dict[str, str] = {}
    shared: dict[str, list[dict[str, Any]]] = {}
    for item in ordered:
        sub = folder_for(item.info, taken)
        bench_folder = staging / sub
        write_document(bench_folder / "benchmark.json", "benchmark", {"info": to_data(item.info)})
        write_document(bench_folder / "sample.json", "sample", {"samples": to_data(item.samples)})
        write_document(bench_folder / "estimates.json", "estimates", {"analysis": to_data(item.analysis)})
        if item.memory is not None:
            write_document(bench_folder / "memory.json", "memory", {"memory": to_data(item.memory)})
        full_id = item.info.id.full_id
        if owners[full_id] == 1:
            index[full_id] = sub
        else:
            entry = {"package": item.info.package, "folder": sub, "measured": item.key in measured}
            shared.setdefault(full_id, []).append(entry)
        if len(taken) == 1:
            pause_at("staging", name)
    body: dict[str, Any] = {"run": to_data(run), "benchmarks": index}
    if shared:
        body["shared_ids"] = shared
    write_document(staging / "run.json", "baseline", body)


def read_baseline(folder: Path, name: str) -> StoredBaseline:
    """The baseline in ``folder``; StorageError naming the first file that is missing or damaged."""
    run_json = folder / "run.json"
    document = read_document(run_json, "baseline")
    run = _decode(RunRecord, document, "run", run_json)
    index = document.get("benchmarks")
    shared = document.get("shared_ids", {})
    if not isinstance(index, dict) or not isinstance(shared, dict):
        raise StorageError(f"{run_json} is damaged: its 'benchmarks' and 'shared_ids' must be objects")
    listed: list[tuple[str, str | None, object, bool]] = []
    for full_id, sub in index.items():
        listed.append((full_id, None, sub, run.measured is None or full_id in run.measured))
    for full_id, entries in shared.items():
        if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
            raise StorageError(f"{run_json} is damaged: 'shared_ids' of {full_id!r} must be a list of objects")
        for entry in entries:
            package = entry.get("package")
            if not isinstance(package, str):
                raise StorageError(f"{run_json} is damaged: an entry of {full_id!r} names no package")
            listed.append((full_id, package, entry.get("folder"), entry.get("measured") is True))
    benchmarks: dict[StoredKey, StoredBenchmark] = {}
    measured_last = set()
    for full_id, package, sub, measured in listed:
        item = _read_benchmark(_benchmark_folder(folder, sub, run_json))
        if item.info.id.full_id != full_id or package not in (None, item.info.package):
            raise StorageError(
                f"{run_json} is damaged: it lists {full_id!r}{f' of {package}' if package else ''} in {sub}, "
                f"which holds {item.info.id.full_id!r} of {item.info.package or 'no package'}"
            )
        if item.key in benchmarks:
            raise StorageError(f"{run_json} is damaged: it lists {full_id!r} of {item.info.package} twice")
        benchmarks[item.key] = item
        if measured:
            measured_last.add(item.key)
    ordered = tuple(benchmarks[key] for key in sorted(benchmarks, key=lambda key: (key[1], key[0])))
    return StoredBaseline(name, run, ordered, frozenset(measured_last))


def _benchmark_folder(folder: Path, sub: object, run_json: Path) -> Path:
    """``folder / sub``, refusing (as damage) anything but a relative path inside ``folder``."""
    parts = PurePosixPath(sub).parts if isinstance(sub, str) else ()
    if not parts or PurePosixPath(str(sub)).is_absolute() or any(part in ("..", ".") for part in parts):
        raise StorageError(f"{run_json} is damaged: {sub!r} is not a folder inside the baseline")
    return folder.joinpath(*parts)


def _read_benchmark(bench_folder: Path) -> StoredBenchmark:
    memory_file = bench_folder / "memory.json"
    return StoredBenchmark(
        info=_read(BenchmarkInfo, bench_folder / "benchmark.json", "benchmark", "info"),
        samples=_read(Samples, bench_folder / "sample.json", "sample", "samples"),
        analysis=_read(SampleAnalysis, bench_folder / "estimates.json", "estimates", "analysis"),
        memory=_read(MemoryUsage, memory_file, "memory", "memory") if memory_file.is_file() else None,
    )


def _read(cls: type[T], path: Path, kind: str, field: str) -> T:
    return _decode(cls, read_document(path, kind), field, path)


def _decode(cls: type[T], document: dict[str, Any], field: str, path: Path) -> T:
    """The record ``document[field]`` encodes; StorageError naming the file ``path`` when it is not one."""
    if field not in document:
        raise StorageError(f"{path} is damaged: it has no {field!r}")
    try:
        return from_data(cls, document[field])
    except (ValueError, TypeError, AttributeError, KeyError) as exc:
        raise StorageError(f"{path} is damaged: {exc}") from None
