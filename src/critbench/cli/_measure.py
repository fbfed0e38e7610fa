"""What a command does differently with what it measures: the checks made before anything runs or is written.

A run measures wall time or counts instructions (``--measure``); a stored baseline holds one or the other
(its samples' unit). Numbers of the two are never compared: a comparison across measurements is refused
with exit status 2, except the implicit one with the previous run, which a plain run just skips.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

from critbench.cli._pipeline import BaselinePlan
from critbench.errors import UsageError
from critbench.model import LAST_RUN, BenchTarget, Caution, CautionKind, Measure, Samples, Settings
from critbench.storage import StoredBaseline

_DESCRIBED = {"ns": "wall times", "instructions": "instruction counts"}
_FLAG = {"ns": "wall", "instructions": "instructions"}


def check_counting(settings: Settings, *, interleave: bool = False, ab: bool = False) -> None:
    """UsageError (exit 2, before anything is measured or written) when instructions cannot be counted."""
    if settings.measure is not Measure.INSTRUCTIONS:
        return
    if ab:
        raise UsageError(
            "critbench ab times two revisions in alternation, which only wall time needs; instruction counts are "
            "deterministic, so count each revision in its own run: 'critbench run --measure instructions "
            "--save-baseline a' at one, then 'critbench run --measure instructions --baseline a' at the other"
        )
    from critbench.engine import valgrind_problem

    problem = valgrind_problem()
    if problem is not None:
        raise UsageError(problem)
    if settings.precision is not None:
        raise UsageError(
            "--precision adds processes until the timings agree; instruction counts are exact per heap layout: "
            "drop --precision (use --layouts N to count in more layouts)"
        )
    if interleave:
        raise UsageError(
            "--interleave measures two revisions' wall times in alternation; instruction counts need no "
            "alternation: count the baseline's commit and the working tree in two runs"
        )


def check_counted_targets(settings: Settings, targets: Sequence[BenchTarget]) -> None:
    """UsageError (exit 2) when instructions are to be counted and a chosen target is a pytest suite: its
    tests run in pytest's worker, which times them; counting them would need valgrind around pytest."""
    if settings.measure is not Measure.INSTRUCTIONS:
        return
    suites = [f"{t.package}/{t.name}" for t in targets if t.is_pytest]
    if suites:
        raise UsageError(
            f"--measure instructions counts the benchmarks of bench files; the pytest suite {', '.join(suites)} "
            "can only be timed: drop --measure instructions, or name a bench file's target (critbench run TARGET)"
        )


def unit_of(baseline: StoredBaseline) -> str:
    """What a stored baseline holds: ``"ns"`` or ``"instructions"`` (its samples', else its run's setting)."""
    units = {item.samples.unit for item in baseline.benchmarks}
    if len(units) == 1:
        return units.pop()
    measure = baseline.run.settings.get("measure", Measure.WALL.value)
    return Measure(measure).unit if measure in {m.value for m in Measure} else "ns"


def mismatch(name: str, stored: str, measured: str, *, what: str = "this run") -> str:
    return (
        f"baseline '{name}' holds {_DESCRIBED[stored]} and {what} has {_DESCRIBED[measured]}: a comparison across "
        f"measurements means nothing; compare with a baseline of the same measurement, or run with "
        f"--measure {_FLAG[stored]}"
    )


def reconcile(
    plan: BaselinePlan, baseline: StoredBaseline | None, unit: str
) -> tuple[BaselinePlan, StoredBaseline | None, Caution | None]:
    """The plan and baseline to use for new results in ``unit``: an explicit baseline of another measurement
    is refused; the previous run of another measurement is not compared with (a note says so)."""
    if baseline is None or plan.compare_with is None:
        return plan, baseline, None
    stored = unit_of(baseline)
    if stored == unit:
        return plan, baseline, None
    if plan.compare_with == LAST_RUN and not plan.strict:
        note = Caution(
            CautionKind.ENVIRONMENT,
            f"Note: the previous run measured {_DESCRIBED[stored]}; this run has {_DESCRIBED[unit]}, so nothing "
            "is compared with it.",
        )
        return dataclasses.replace(plan, compare_with=None, gate_changes=False), None, note
    what = "this run" if plan.load is None else f"baseline '{plan.load}'"
    raise UsageError(mismatch(plan.compare_with, stored, unit, what=what))


def pinned_iterations(baseline: Mapping[str, Samples] | None) -> dict[str, int] | None:
    """Instructions: each counted benchmark's N in the baseline, so the new run counts the same intervals."""
    if not baseline:
        return None
    pinned = {key: int(min(samples.iters)) for key, samples in baseline.items() if samples.counted}
    return pinned or None
