"""How much slower (or faster) the machine was for this run than for its baseline's, from the runs' own samples.

Between two separate runs on a shared machine the code's speed hardly moves while the share of CPU time a
worker gets does (experiments/drift: the fastest ~0.1 ms windows of unchanged code agreed to within 1%
while each process's fastest 9–90 ms sample moved by 14–26%). Each run holds both figures, so the time
it lost to other processes can be read from it: per benchmark, how much longer its samples took on average
than its fastest windows account for (``stats.time_beyond_windows``). The code's speed is in both and
cancels, so the difference between the two runs' figures is the machine's, whatever the code did::

    lost_run   = median over processes of log(mean time per iteration / fastest window)
    slowdown   = exp(median over benchmarks of (lost_new − lost_base)) − 1

A slowdown of 10% or more either way is worth a line: the times shown (``time:``) carry it, the changes
judged by windows do not, and a reader comparing the two should know why they disagree. When this run's own
diagnostics found the machine busy, a smaller figure is printed too, as a note: the busy-machine warning
alone would leave the reader guessing how much the other processes cost the benchmarks, and on a 2-CPU
machine the scheduler often gives the worker a CPU of its own while two neighbours share the other
(experiments/verdicts: neighbours at 50% of a CPU each, the benchmarks' samples slowed by under 10%).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence

from critbench import stats
from critbench.compare._stability import machine_warnings
from critbench.model import BenchmarkResult, Caution, CautionKind, Diagnostics, RunRecord, Samples, describe_baseline

MACHINE_SPEED_WARNING = 0.10
"""Say so when the machine was at least this much slower (or faster) in one run than in the other."""


BUSY_KINDS = frozenset({CautionKind.MACHINE_LOAD, CautionKind.BUSY_PROCESSES})
"""The machine warnings that say other work shared the CPUs with the run."""


def found_busy(cautions: Iterable[Caution | None]) -> bool:
    """Whether the run's machine warnings (``compare.machine_warnings``) found other work on its CPUs."""
    return any(caution is not None and caution.kind in BUSY_KINDS for caution in cautions)


def one_minute_load(diagnostics: Diagnostics | None) -> float | None:
    """The 1-minute load average a run's diagnostics recorded, where they did."""
    if diagnostics is None or diagnostics.load_average is None:
        return None
    return diagnostics.load_average[0]


def machine_slowdown(
    results: Sequence[BenchmarkResult], baseline: Mapping[str, Samples]
) -> tuple[float, float, float, int] | None:
    """How much slower the machine was for ``results`` than for ``baseline`` (0.5 = samples took 50% longer
    for reasons other than the code), with the two runs' median time beyond their windows (as fractions)
    and the number of benchmarks it rests on; None where no benchmark kept windows on both sides."""
    new_lost, base_lost = [], []
    for result in results:
        base = baseline.get(result.id.full_id)
        new = result.samples
        if not result.ok or new is None or base is None or new.unit != "ns" or base.unit != "ns":
            continue
        new_windows, base_windows = new.net_fastest_ns, base.net_fastest_ns
        if new_windows is None or base_windows is None:
            continue
        try:
            new_lost.append(stats.time_beyond_windows(new.iters, new.net_times_ns, new_windows, new.process))
            base_lost.append(stats.time_beyond_windows(base.iters, base.net_times_ns, base_windows, base.process))
        except ValueError:
            continue
    if not new_lost:
        return None
    difference = statistics.median(n - b for n, b in zip(new_lost, base_lost, strict=True))
    return (
        math.expm1(difference),
        math.expm1(statistics.median(new_lost)),
        math.expm1(statistics.median(base_lost)),
        len(new_lost),
    )


def machine_speed_caution(
    results: Sequence[BenchmarkResult],
    baseline: Mapping[str, Samples] | None,
    baseline_name: str | None,
    *,
    load: float | None = None,
    baseline_load: float | None = None,
    busy: bool = False,
) -> Caution | None:
    """A warning when the machine was :data:`MACHINE_SPEED_WARNING` or more slower (or faster) for this run
    than for the baseline's, saying by how much and what that does to the figures shown; ``load`` and
    ``baseline_load`` (1-minute load averages at the end of each run), when known, are quoted beside it.
    With ``busy`` (this run's diagnostics found the machine busy) a smaller difference is a note that says
    how much the benchmarks lost to the other processes."""
    if baseline is None or baseline_name is None:
        return None
    found = machine_slowdown(results, baseline)
    if found is None:
        return None
    slowdown, new_lost, base_lost, count = found
    if abs(slowdown) < MACHINE_SPEED_WARNING and not busy:
        return None
    name = describe_baseline(baseline_name)
    other = name if name.startswith("the ") else f"the run saved as baseline '{name}'"
    loads = ""
    if load is not None and baseline_load is not None:
        loads = f"; load average {load:.1f} at the end of this run, {baseline_load:.1f} at the end of that one"
    measured = (
        f"this run's samples took {new_lost:.0%} longer than each process's fastest ~0.1 ms windows account "
        f"for, those of {other} {base_lost:.0%} (median of {count} benchmark{'s' if count != 1 else ''}{loads})"
    )
    if abs(slowdown) < MACHINE_SPEED_WARNING:
        direction = "slower" if slowdown >= 0 else "faster"
        return Caution(
            CautionKind.MACHINE_SPEED,
            f"Note: the machine was busy, but the benchmarks lost about as much time to other processes as "
            f"during {other} (it was {abs(slowdown):.0%} {direction} for them in this run, under the "
            f"{MACHINE_SPEED_WARNING:.0%} worth a warning): {measured}.",
        )
    if slowdown > 0:
        return Caution(
            CautionKind.MACHINE_SPEED,
            f"Warning: the machine was {slowdown:.0%} slower during this run than during {other}: {measured}. "
            "That time went to other processes, not to the code: the times shown (time:) include it, the "
            "changes do not (they compare each process's fastest window, which other processes did not interrupt).",
        )
    return Caution(
        CautionKind.MACHINE_SPEED,
        f"Note: the machine was {-slowdown / (1 + slowdown):.0%} slower during {other} than during this one: "
        f"{measured}. The times shown (time:) look faster by that much, the changes do not (they compare each "
        "process's fastest window, which other processes did not interrupt).",
    )


def machine_speed_between(
    results: Sequence[BenchmarkResult],
    baseline: Mapping[str, Samples] | None,
    baseline_name: str | None,
    run: RunRecord,
    baseline_run: RunRecord,
) -> Caution | None:
    """:func:`machine_speed_caution` for two stored or finished runs: their loads and whether this run's own
    diagnostics found the machine busy, read from the records."""
    return machine_speed_caution(
        results,
        baseline,
        baseline_name,
        load=one_minute_load(run.diagnostics_end),
        baseline_load=one_minute_load(baseline_run.diagnostics_end),
        busy=found_busy(machine_warnings(run.diagnostics_start, run.diagnostics_end)),
    )
