"""How steady a run's measurements were: the machine around it, each benchmark's samples, and repeated runs.

Each judgment is a warning whose text says what to do, or a table; none changes a verdict (verdicts are
judged against the noise floor either way), they tell a user why a run may be less sensitive than usual.

- :func:`machine_warnings` reads the start and end :class:`Diagnostics` of a run: a load average above the
  CPU count, steal time above 5%, a frequency governor other than ``performance``, other busy processes.
- :func:`spread_warning` flags a benchmark whose samples disagree: coefficient of variation (std dev / mean
  of the per-iteration times) above 10%; :func:`overhead_warning` one whose time is mostly the harness's
  own loop.
- :func:`stability_table` is the seed's stability table, for ``critbench run --repeat N`` and the stored history: each benchmark's
  typical time across the N runs, with its mean, ``n - 1`` standard deviation and CV.
"""

from __future__ import annotations

import dataclasses
import statistics
from collections.abc import Mapping, Sequence

from critbench.model import BenchmarkResult, Caution, CautionKind, Diagnostics, SampleAnalysis, Samples, Stability

STEAL_WARNING_SHARE = 0.05
"""Warn when the hypervisor took more than this share of the CPU time during a run."""

SPREAD_WARNING_CV = 0.10
"""Warn when a benchmark's per-iteration times vary by more than this (std dev / mean)."""

OVERHEAD_WARNING_SHARE = 0.10
"""Warn when the timing loop's own cost is more than this share of a benchmark's time."""

RUN_STABILITY_WARNING_CV = 0.10
"""Warn when a benchmark's typical time varies by more than this across repeated runs."""

GOVERNOR_ADVICE = "sudo cpupower frequency-set -g performance"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _load_warning(start: Diagnostics | None, end: Diagnostics | None) -> Caution | None:
    cpus = next((d.cpu_count for d in (end, start) if d is not None and d.cpu_count > 0), 0)
    if cpus <= 0:
        return None
    busy = {
        when: d.load_average[0]
        for when, d in (("start", start), ("end", end))
        if d is not None and d.load_average is not None and d.load_average[0] > cpus
    }
    if not busy:
        return None
    if len(busy) == 2:
        where = f"load {busy['start']:.1f} at the start and {busy['end']:.1f} at the end of the run, on "
        where += _plural(cpus, "CPU")
    else:
        ((when, load),) = busy.items()
        where = f"load {load:.1f} on {_plural(cpus, 'CPU')} at the {when} of the run"
    return Caution(
        CautionKind.MACHINE_LOAD,
        f"Warning: the machine was busy ({where}). Close other programs or wait for them to finish, then run "
        "again; changes are still judged against the noise floor, but a busy machine widens it, so smaller "
        "changes go undetected.",
    )


def _steal_warning(start: Diagnostics | None, end: Diagnostics | None) -> Caution | None:
    for snapshot, during in ((end, "during the run"), (start, "just before the run")):
        if snapshot is not None and snapshot.steal_share is not None:
            if snapshot.steal_share <= STEAL_WARNING_SHARE:
                return None
            return Caution(
                CautionKind.STEAL,
                f"Warning: the hypervisor gave {snapshot.steal_share:.1%} of this virtual machine's CPU time to "
                f"other guests {during} (steal time). Timings on a shared host rise and fall with its "
                "neighbours' load: prefer a dedicated machine or instance, or measure both versions in one time "
                "window with critbench ab.",
            )
    return None


def _governor_note(start: Diagnostics | None, end: Diagnostics | None) -> Caution | None:
    governor = next((d.governor for d in (start, end) if d is not None and d.governor is not None), None)
    if governor is None or governor == "performance":
        return None
    return Caution(
        CautionKind.GOVERNOR,
        f"Note: the CPU frequency governor is '{governor}', not 'performance', so the clock speed follows the "
        f"load and adds noise. For steadier timings (needs root; shown for information): {GOVERNOR_ADVICE}",
    )


def _busy_processes_warning(start: Diagnostics | None, end: Diagnostics | None) -> Caution | None:
    for snapshot, during in ((end, "during the run"), (start, "just before the run")):
        if snapshot is None:
            continue
        if not snapshot.busy_processes:
            return None
        names = ", ".join(
            f"{process.name} (pid {process.pid}, {process.cpu_share:.0%} of a CPU)"
            for process in snapshot.busy_processes
        )
        return Caution(
            CautionKind.BUSY_PROCESSES,
            f"Warning: other processes were busy {during}: {names}. Close them or wait for them to finish, "
            "then run again.",
        )
    return None


def machine_warnings(start: Diagnostics | None, end: Diagnostics | None, *, counted: bool = False) -> list[Caution]:
    """What the run's diagnostics say about the machine, each with what to do about it; empty when quiet.

    ``start`` covers a short window before measuring and ``end`` the whole run; where both speak to the same
    thing, the run's own window (``end``) is preferred. The load is judged at both moments: at the end it
    includes critbench's own worker, which is right, since more runnable tasks than CPUs means the benchmark
    waited for a CPU.

    A ``counted`` run (instruction counts) gets none of them: load, steal time, the governor and other
    processes change how long instructions take, not how many run (experiments/instructions: a CPU-bound
    neighbour changed no count), so advice to quieten the machine would be wrong there.
    """
    if counted:
        return []
    found = (
        _load_warning(start, end),
        _steal_warning(start, end),
        _busy_processes_warning(start, end),
        _governor_note(start, end),
    )
    return [warning for warning in found if warning is not None]


def spread_warning(analysis: SampleAnalysis) -> Caution | None:
    """A warning when the per-iteration times vary by more than :data:`SPREAD_WARNING_CV` around their mean."""
    estimates = analysis.estimates
    if estimates.mean.point <= 0 or estimates.median.point <= 0:
        return None
    cv = estimates.std_dev.point / estimates.mean.point
    if cv <= SPREAD_WARNING_CV:
        return None
    mad = estimates.median_abs_dev.point / estimates.median.point
    return Caution(
        CautionKind.SPREAD,
        f"Warning: the spread is high (CV {cv:.1%}, MAD {mad:.1%} of the median): the samples disagree, so only "
        "large changes can be detected. Close other programs, keep each call's work the same (fixed inputs, no "
        "I/O), or raise --measurement-time; critbench run --repeat 3 shows whether whole runs agree.",
    )


def overhead_warning(samples: Samples, analysis: SampleAnalysis) -> Caution | None:
    """A warning when the harness's own loop is more than :data:`OVERHEAD_WARNING_SHARE` of the raw time."""
    overhead = samples.overhead_ns
    raw = analysis.estimates.typical.point + overhead
    if overhead <= 0 or raw <= 0 or overhead / raw <= OVERHEAD_WARNING_SHARE:
        return None
    return Caution(
        CautionKind.OVERHEAD,
        f"Warning: the harness's own loop costs {overhead:.1f} ns per iteration, {100 * overhead / raw:.0f}% of "
        "this benchmark's time; the time shown has it subtracted. Measure more work per iteration (e.g. a loop "
        "of 100 calls) for a figure the overhead cannot blur.",
    )


def _with_warnings(result: BenchmarkResult, *found: Caution | None) -> BenchmarkResult:
    added = tuple(warning for warning in found if warning is not None and warning not in result.warnings)
    return dataclasses.replace(result, warnings=(*result.warnings, *added)) if added else result


def with_spread_warning(result: BenchmarkResult) -> BenchmarkResult:
    """``result`` with :func:`spread_warning` added to its warnings where its samples disagree."""
    if result.analysis is None or not result.ok:
        return result
    return _with_warnings(result, spread_warning(result.analysis))


def with_sample_warnings(result: BenchmarkResult, *, spread: bool = True) -> BenchmarkResult:
    """``result`` with what its samples call for, each once: :func:`overhead_warning`, then the spread's.

    ``spread=False`` for a comparison made on pairs taken in alternation (critbench ab): the spread of the
    samples themselves, which the pairing cancels, does not limit what it can detect, and its own detectable
    change is printed beside it; "only large changes can be detected" would contradict that line.
    """
    if result.analysis is None or result.samples is None or not result.ok:
        return result
    return _with_warnings(
        result,
        overhead_warning(result.samples, result.analysis),
        spread_warning(result.analysis) if spread else None,
    )


def typicals_by_benchmark(runs: Sequence[Sequence[BenchmarkResult]]) -> dict[str, list[float]]:
    """Each benchmark's typical time (ns) in each run that measured it, in the order benchmarks first appear."""
    typicals: dict[str, list[float]] = {}
    for results in runs:
        for result in results:
            if result.ok and result.analysis is not None:
                typicals.setdefault(result.id.full_id, []).append(result.analysis.estimates.typical.point)
    return typicals


def stability_table(
    typicals: Mapping[str, Sequence[float]], units: Mapping[str, str] | None = None
) -> tuple[Stability, ...]:
    """The seed's stability table: per benchmark, its typical times across runs, their mean, the ``n - 1``
    standard deviation and the coefficient of variation (std dev / mean); both None with a single run.
    ``units`` says what each benchmark's figures are in (default ``"ns"``)."""
    rows = []
    for benchmark, values in typicals.items():
        if not values:
            continue
        mean = statistics.fmean(values)
        std_dev = statistics.stdev(values) if len(values) > 1 else None
        cv = std_dev / mean if std_dev is not None and mean > 0 else None
        unit = (units or {}).get(benchmark, "ns")
        rows.append(Stability(benchmark, tuple(float(v) for v in values), mean, std_dev, cv, unit))
    return tuple(rows)


def stability_warnings(rows: Sequence[Stability]) -> list[Caution]:
    """One warning naming the benchmarks whose typical time varied by more than 10% (CV) across the runs."""
    unstable = [row for row in rows if row.cv is not None and row.cv > RUN_STABILITY_WARNING_CV]
    if not unstable:
        return []
    names = ", ".join(f"{row.benchmark} (CV {row.cv:.1%})" for row in unstable if row.cv is not None)
    return [
        Caution(
            CautionKind.RUN_STABILITY,
            f"Warning: whole runs disagree by more than {RUN_STABILITY_WARNING_CV:.0%} for {names}: a single run "
            "cannot show changes smaller than that. Close other programs, measure longer "
            "(--measurement-time), or compare versions side by side with critbench ab.",
        )
    ]
