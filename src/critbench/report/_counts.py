"""The terminal lines of a counted benchmark (``--measure instructions``): its count first, then the rest.

::

    tiny/loop20             instr:  10,954 instr (3 layouts, every one the same)
                            cycles: ~16,240 estimated (L1 hits + 5 LL hits + 35 RAM, simulated caches)
                            change: [−0.1385% +0.0000% +0.1387%] (p = 1.00 > 0.05) ✓
                            No change in performance detected.
                            the same count as the previous run
                            could detect changes ≥ 0.2% (of the instruction count; 3 layouts a side, ...)

Renderers compute nothing: every figure here was computed by ``stats.analyze_counts`` and the comparison.
"""

from __future__ import annotations

import math

from critbench.model import BenchmarkResult, Comparison, CountFigures, describe_baseline
from critbench.report import _format as fmt

EVENT_NAMES = {
    "Ir": "instructions",
    "Dr": "data reads",
    "Dw": "data writes",
    "I1mr": "L1 instruction misses",
    "D1mr": "L1 data read misses",
    "D1mw": "L1 data write misses",
    "ILmr": "LL instruction misses",
    "DLmr": "LL data read misses",
    "DLmw": "LL data write misses",
}


def _figures(result: BenchmarkResult) -> CountFigures | None:
    return result.analysis.counts if result.analysis is not None else None


def headline(result: BenchmarkResult, bold: str) -> str:
    """``instr:  10,954 instr (...)``: the count, and whether the layouts agreed (``bold`` is the count styled)."""
    figures = _figures(result)
    if figures is None:
        return f"instr:  {bold}"
    layouts = len(figures.per_process)
    if layouts == 1:
        return f"instr:  {bold} (1 layout)"
    if figures.spread == 0:
        return f"instr:  {bold} ({layouts} layouts, every one the same)"
    low, high = min(figures.per_process), max(figures.per_process)
    return (
        f"instr:  {bold} (median of {layouts} layouts, {fmt.instructions(low)} to {fmt.instructions(high)}, "
        f"spread {figures.spread:.3%})"
    )


def cycles_line(result: BenchmarkResult) -> str | None:
    """The cycle estimate from the cache simulation, when it ran."""
    figures = _figures(result)
    if figures is None or figures.cycles is None:
        return None
    return f"cycles: ~{figures.cycles:,.0f} estimated (L1 hits + 5 LL hits + 35 RAM accesses, simulated caches)"


def difference_line(result: BenchmarkResult, comparison: Comparison) -> str:
    """Whether two runs counted alike, or by how much they differ per iteration."""
    typical = result.analysis.estimates.typical.point if result.analysis is not None else math.nan
    change = comparison.change.median.point
    where = describe_baseline(comparison.baseline)
    if change == 0:
        return f"the same count as {where}"
    before = typical / (1 + change)
    delta = typical - before
    sign = "+" if delta >= 0 else fmt.MINUS
    return f"{sign}{fmt.instructions(abs(delta))} per iteration against {where} ({fmt.instructions(before)})"


def basis(result: BenchmarkResult, comparison: Comparison) -> str:
    """What a count comparison's detectable change rests on."""
    figures = _figures(result)
    layouts = len(figures.per_process) if figures is not None else 0
    aside = "" if comparison.layout_set_aside is None else f", layout {comparison.layout_set_aside} set aside"
    return (
        f"of the instruction count; {fmt.count(layouts, 'layout')} a side{aside}, "
        f"floor {comparison.noise_floor:.2%}, threshold {comparison.noise_threshold:.2%}"
    )


def verbose_lines(result: BenchmarkResult) -> list[str]:
    """Each layout's count, N, the linearity check, the loop's count, and every event per iteration."""
    figures = _figures(result)
    if figures is None:
        return []
    counts = " ".join(fmt.instructions(value) for value in figures.per_process)
    n = int(figures.iterations)
    lines = [
        f"layouts {counts}",
        f"counted N, 2N, 3N = {n}, {2 * n}, {3 * n} iterations; off a straight line by {figures.nonlinearity:.4%}",
    ]
    samples = result.samples
    if samples is not None and samples.overhead_ns > 0:
        lines.append(f"harness loop {fmt.instructions(samples.overhead_ns)}/iteration, subtracted from the counts")
    if figures.instruction_rate is not None and figures.reference_rate is not None:
        lines.append(
            f"under valgrind: {figures.instruction_rate / 1e6:,.1f} M instr/s (the harness loop: "
            f"{figures.reference_rate / 1e6:,.1f} M instr/s)"
        )
    for name, value in figures.events.items():
        lines.append(f"{EVENT_NAMES.get(name, name):<22} {value:>16,.1f} per iteration")
    return lines
