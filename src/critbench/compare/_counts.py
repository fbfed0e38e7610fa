"""Judging instruction counts (``--measure instructions``): their test, their targets and their warnings.

The change test is ``stats.compare_counts`` on each side's per-layout counts, paired layout by layout when
both sides counted the same layouts (the same seeded heaps), with a noise threshold of at least the
configured one (0.1% for instructions) and the layouts' disagreement: a change no larger than what the
heap's state alone moves the count by is never a regression. With three or more paired layouts, one whose
change is more than the configured threshold from the median change is set aside from the test and the
disagreement (``stats.agreeing_layouts``): one layout jumping (its heap put in another state by a change
elsewhere in the process) blinded the verdict to 2% slowdowns, and it cannot make unchanged code changed,
since the median change is what the other layouts agree on. Its floor τ is the configured one (0.05%) for
a routine whose count does not depend on the heap's state, and 0.4% for one whose does (:func:`count_floor`):
a change elsewhere in the process moves such a count between runs, in every layout alike. The warnings say where a count does
not mean what it seems: a routine that mostly waits (its instructions explain little of its time under
valgrind), and counts that did not grow in proportion to the iterations.
"""

from __future__ import annotations

from critbench import stats
from critbench.model import BenchmarkResult, Caution, CautionKind, CountFigures, Samples, Settings

WAITS_RATIO = 50.0
"""A routine whose instructions per second under valgrind are this many times below the harness loop's
mostly waits: computing runs 50-100x slower under valgrind, waiting does not (experiments/instructions:
a 1 ms sleep came out 110-250x below, pure-Python and C compute within 2-10x of the loop on a loaded
machine)."""

NONLINEAR_WARNING = 0.001
"""Warn when a layout's N, 2N, 3N counts depart from a straight line by more than this share (0.1%)."""

SPREAD_NOTE = 0.01
"""Note a layout spread above 1%: allocation-heavy code, whose changes below it cannot be told from noise."""


STATE_FREE_SPREAD = 0.0005
"""Layouts agreeing to within this share (0.05%) on both sides: the routine's count does not depend on the
heap's state, so a change elsewhere in the process cannot move it either."""

STATE_NOISE_FLOOR = 0.004
"""τ for a routine whose count depends on the heap's state (its layouts disagree, or it was counted in one).

Any change to code loaded before a benchmark (its own bench file, the package, critbench) leaves a different
heap behind the imports, and every layout is a perturbation of that heap: the layouts vary the state
within a run, but a change of the state between runs can move them all together, or one of them. Measured
between a baseline and a run of a changed bench file (experiments/instructions): before the worker settled
the allocators before each interval (results/acceptance-20261206-2332.json), the 13 unchanged benchmarks
whose layouts disagreed moved by 0.39% RMS (up to +1.00%, ``fstring_format``, every layout +0.76% to
+1.21%), those whose layouts agreed by at most 0.013%; in the example workspace after a change to the
counting worker, ``hash_md5`` moved by −0.68% in every layout. Settled (results/acceptance-20261207-0229.json
and -0219.json), those whose layouts disagreed moved by 0.135% and 0.043% RMS, at most −0.38%
(``async_pipeline``: one layout −1.15%), those whose layouts agreed by at most 0.007%. A per-run floor of
0.4% keeps such shifts out of the verdicts with room for their tail, and still detects 2% slowdowns of such
code (detectable change 2.4% after the false-discovery adjustment over 60 benchmarks); the 2% slowdowns
missed after the settling were limited by the threshold (one layout apart, now set aside), not by this
floor."""


def count_floor(new: Samples, base: Samples, noise_floor: float) -> float:
    """τ for comparing ``new`` with ``base``: the configured floor where both sides' layouts agreed (the count
    does not depend on the heap's state), at least :data:`STATE_NOISE_FLOOR` otherwise."""
    new_counts, _ = stats.per_process_counts(new)
    base_counts, _ = stats.per_process_counts(base)
    if min(new_counts.size, base_counts.size) >= 2 and (
        max(stats.layout_spread(new_counts), stats.layout_spread(base_counts)) <= STATE_FREE_SPREAD
    ):
        return noise_floor
    return max(noise_floor, STATE_NOISE_FLOOR)


def count_test(
    new: Samples, base: Samples, settings: Settings, noise_floor: float, key: str
) -> tuple[stats.ProcessChange, float, int | None]:
    """``stats.compare_counts`` of the two sides' per-layout counts, the threshold the verdict uses, and the
    layout set aside (its process number), if one was."""
    if new.unit != base.unit:
        raise ValueError(f"the baseline holds {base.unit} and the new samples {new.unit}")
    new_counts, _ = stats.per_process_counts(new)
    base_counts, _ = stats.per_process_counts(base)
    layouts = sorted(set(new.process))
    paired = layouts == sorted(set(base.process))  # the same layouts, in process order
    set_aside = None
    if paired:
        # A layout whose heap moved between the runs is set aside (stats.agreeing_layouts); τ is still
        # count_floor's, from every layout, so such a jump also keeps the state-free floor away.
        kept = stats.agreeing_layouts(new_counts, base_counts, settings.noise_threshold)
        if not kept.all():
            set_aside = layouts[int((~kept).argmax())]
        new_counts, base_counts = new_counts[kept], base_counts[kept]
    result = stats.compare_counts(
        new_counts,
        base_counts,
        noise_floor=noise_floor,
        confidence_level=settings.confidence_level,
        significance_level=settings.significance_level,
        rng=stats.make_rng(settings.seed, "counts:" + key),
        paired=paired,
    )
    if paired:
        disagreement = stats.paired_spread(new_counts, base_counts)
    else:
        disagreement = max(stats.layout_spread(new_counts), stats.layout_spread(base_counts))
    return result, max(settings.noise_threshold, disagreement), set_aside


def _waits(counts: CountFigures) -> Caution | None:
    if counts.instruction_rate is None or counts.reference_rate is None:
        return None
    if counts.instruction_rate * WAITS_RATIO >= counts.reference_rate:
        return None
    slower = counts.reference_rate / counts.instruction_rate
    return Caution(
        CautionKind.WAITS,
        f"Warning: this routine mostly waits: under valgrind it ran {slower:.0f}x slower than its instructions "
        "explain (the harness loop's rate). Instruction counts do not see sleeps, I/O, locks or other processes, "
        "so they miss most of its cost: measure it with --measure wall.",
    )


def _nonlinear(counts: CountFigures) -> Caution | None:
    if counts.nonlinearity <= NONLINEAR_WARNING:
        return None
    return Caution(
        CautionKind.NONLINEAR,
        f"Warning: the counts did not grow in proportion to the iterations ({counts.nonlinearity:.2%} off a "
        "straight line): garbage collections or caches inside the routine make its count depend on how many "
        "iterations ran. The per-iteration count is the slope over N, 2N and 3N; keep each call's work the same.",
    )


def _spread(counts: CountFigures) -> Caution | None:
    if counts.spread <= SPREAD_NOTE:
        return None
    return Caution(
        CautionKind.SPREAD,
        f"Note: the count moved by {counts.spread:.2%} between heap layouts: this code's path through the "
        "allocator depends on the heap's state, which any change to code loaded before it also moves, so "
        "comparisons with other runs allow for that (a 0.4% floor, and the layouts' disagreement about the "
        "change). More layouts (--layouts 5) pin the spread down.",
    )


def count_warnings(result: BenchmarkResult) -> tuple[Caution, ...]:
    """The warnings a counted result calls for (module docstring), each at most once."""
    counts = result.analysis.counts if result.analysis is not None else None
    if counts is None:
        return ()
    found = (_waits(counts), _nonlinear(counts), _spread(counts))
    return tuple(caution for caution in found if caution is not None and caution not in result.warnings)


def unjudged_target(result: BenchmarkResult) -> Caution | None:
    """A note when the benchmark's target is in the other unit than the run measured."""
    info = result.info
    if result.unit == "instructions" and info.target_ns is not None and info.target_instructions is None:
        return Caution(
            CautionKind.TARGET_UNIT,
            "Note: its target is a time, and this run counted instructions, so the target was not judged; "
            "declare target='2M instructions' to judge counts, or measure wall time.",
        )
    if result.unit == "ns" and info.target_instructions is not None:
        return Caution(
            CautionKind.TARGET_UNIT,
            "Note: its target is a count of instructions, judged only when counted (--measure instructions).",
        )
    return None
