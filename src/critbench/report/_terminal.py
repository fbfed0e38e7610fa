"""The terminal report in Criterion's layout, plus the seed's indicators, targets and a closing summary.

Renderers take finished records and return text; they decide nothing and print nothing.

::

    group/function          time:   [20.512 µs 20.601 µs 20.700 µs]
                            thrpt:  [48.309 Kelem/s 48.541 Kelem/s 48.752 Kelem/s]
                            change: [+1.2034% +2.5012% +3.9876%] (p = 0.00 < 0.05) ✓
                            Change within noise threshold.
                            target: 1.0000 ms  EXCELLENT (48.5x better)
    Found 3 outliers among 100 measurements (3.00%)
      2 (2.00%) high mild
      1 (1.00%) high severe
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

from critbench.model import (
    PROCESS_SPREAD_LIMIT,
    WINDOW_GAP_LIMIT,
    BenchmarkResult,
    Comparison,
    ComparisonUnit,
    Estimate,
    Indicator,
    ProcessStatistic,
    TargetAssessment,
    TargetStatus,
    Verdict,
    drifts,
)
from critbench.report import _counts as counts
from critbench.report import _format as fmt

INDENT = " " * 24


class OutputFormat(enum.Enum):
    CRITERION = "criterion"
    VERBOSE = "verbose"
    QUIET = "quiet"
    BENCHER = "bencher"


def _ansi(code: str) -> Callable[[Style, str], str]:
    """A :class:`Style` method wrapping its text in the SGR ``code`` when colour is on."""

    def paint(style: Style, text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if style.color else text

    return paint


@dataclass(frozen=True)
class Style:
    """ANSI styling, or none at all when output is not a terminal."""

    color: bool = False

    green = _ansi("32")
    bold = _ansi("1")
    faint = _ansi("2")
    yellow = _ansi("33")
    red = _ansi("31")
    bold_green = _ansi("1;32")
    bold_red = _ansi("1;31")


def _title(full_id: str, style: Style) -> list[str]:
    """The id padded to 24 columns, or on its own line when longer than 23 characters."""
    full_id = fmt.printable(full_id)
    if len(full_id) > 23:
        return [style.green(full_id), INDENT]
    return [style.green(full_id) + " " * (24 - len(full_id))]


def _interval(estimate: Estimate, style: Style) -> str:
    return (
        f"[{style.faint(fmt.time(estimate.lower))} {style.bold(fmt.time(estimate.point))} "
        f"{style.faint(fmt.time(estimate.upper))}]"
    )


def _throughput_line(result: BenchmarkResult, typical: Estimate, style: Style) -> str | None:
    spec = result.info.throughput
    if spec is None:
        return None
    # Faster time is higher throughput, so the bounds swap places.
    return (
        f"thrpt:  [{style.faint(fmt.throughput(spec, typical.upper))} "
        f"{style.bold(fmt.throughput(spec, typical.point))} {style.faint(fmt.throughput(spec, typical.lower))}]"
    )


def _change_percentages(comparison: Comparison, verdict_kind: Verdict, style: Style) -> str:
    mean = comparison.change.mean
    point = fmt.change(mean.point)
    if verdict_kind is Verdict.IMPROVED:
        point = style.bold_green(point)
    elif verdict_kind is Verdict.REGRESSED:
        point = style.bold_red(point)
    else:
        point = style.bold(point)
    return f"[{style.faint(fmt.change(mean.lower))} {point} {style.faint(fmt.change(mean.upper))}]"


def p_clause(comparison: Comparison) -> str:
    raw = comparison.change.p_value
    tested = comparison.p_value_adjusted if comparison.p_value_adjusted is not None else raw
    relation = "<" if tested < comparison.significance_level else ">"
    if comparison.p_value_adjusted is None:
        return f"(p = {raw:.2f} {relation} {comparison.significance_level:.2f})"
    return f"(p = {raw:.2f}, adj. p = {tested:.2f} {relation} {comparison.significance_level:.2f})"


def _explanation(comparison: Comparison, style: Style) -> str:
    text = comparison.verdict.message
    if comparison.verdict is Verdict.IMPROVED:
        return text.replace("improved", style.green("improved"))
    if comparison.verdict is Verdict.REGRESSED:
        return text.replace("regressed", style.red("regressed"))
    return text


_TRAFFIC_LIGHT: dict[Indicator | TargetStatus, Callable[[Style, str], str]] = {
    Indicator.OK: Style.green,
    Indicator.WARN: Style.yellow,
    Indicator.BAD: Style.bold_red,
    TargetStatus.EXCELLENT: Style.green,
    TargetStatus.MET: Style.green,
    TargetStatus.CLOSE: Style.yellow,
    TargetStatus.MISS: Style.bold_red,
}
"""The colour of a change's indicator and of a target's status: green, yellow or bold red."""


def traffic_light(mark: Indicator | TargetStatus, style: Style) -> str:
    """A change's indicator (✓ ⚠ ✗) or a target's status (``MET``...) in its traffic-light colour."""
    return _TRAFFIC_LIGHT[mark](style, mark.value)


def _change_lines(result: BenchmarkResult, comparison: Comparison, style: Style) -> list[str]:
    percentages = _change_percentages(comparison, comparison.verdict, style)
    tested = f"{p_clause(comparison)} {traffic_light(comparison.indicator, style)}"
    lines = []
    if result.info.throughput is None or result.unit == "instructions":
        lines.append(f"{INDENT}change: {percentages} {tested}")
    else:
        mean = comparison.change.mean

        def inverse(fraction: float) -> str:
            return fmt.change(1 / (1 + fraction) - 1)

        lines.append(" " * 17 + "change:")
        lines.append(f"{INDENT}time:   {percentages} {tested}")
        lines.append(
            f"{INDENT}thrpt:  [{style.faint(inverse(mean.upper))} {style.bold(inverse(mean.point))} "
            f"{style.faint(inverse(mean.lower))}]"
        )
    lines.append(f"{INDENT}{_explanation(comparison, style)}")
    if comparison.unit is ComparisonUnit.COUNT:
        lines.append(f"{INDENT}{counts.difference_line(result, comparison)}")
    if comparison.verdict is Verdict.INCONCLUSIVE:
        lines.append(f"{INDENT}{_settle(comparison)}")
    if comparison.min_detectable_change is not None:
        detectable = f"{comparison.min_detectable_change * 100:.1f}%"
        lines.append(f"{INDENT}could detect changes ≥ {detectable} ({_basis(result, comparison)})")
    return lines


def _basis(result: BenchmarkResult, comparison: Comparison) -> str:
    """Which statistic the change is of, and what its test rested on."""
    floor = f"noise floor {comparison.noise_floor * 100:.1f}%"
    processes = fmt.count(result.samples.process_count, "process", "processes") if result.samples else ""
    if comparison.unit is ComparisonUnit.PROCESS:
        return f"{process_statistic_text(comparison)}; {floor}{_raised_floor(comparison)}, {processes}"
    if comparison.unit is ComparisonUnit.PAIR:
        pairs = len(result.samples.iters) if result.samples else 0
        return f"of the pairs' median ratio; {pairs} pairs measured in alternation in {processes}"
    if comparison.unit is ComparisonUnit.RUN:
        figure = "the means"
        if comparison.process_statistic is not None:
            figure = process_statistic_text(comparison).removeprefix("of ")
        drift = f"±{comparison.noise_floor * 100:.0f}% drift per run{_raised_floor(comparison)}"
        return f"too few samples to test: {figure} against {drift}"
    if comparison.unit is ComparisonUnit.COUNT:
        return counts.basis(result, comparison)
    return f"of the mean; {floor}"


def process_statistic_text(comparison: Comparison) -> str:
    """What the by-process test compared: ``"of each process's fastest ~0.1 ms window"`` or its fastest
    sample (where a side kept no windows)."""
    if comparison.process_statistic is ProcessStatistic.FASTEST_WINDOW:
        return "of each process's fastest ~0.1 ms window"
    return "of each process's fastest sample"


def _raised_floor(comparison: Comparison) -> str:
    """Why the floor is wide, when drifting windows raised it."""
    gap, spread = comparison.window_gap, comparison.window_spread
    if gap is not None and gap > WINDOW_GAP_LIMIT:
        return f" (raised: a process's two fastest windows differ by {gap:.1%}, as memory-bound code's do)"
    if spread is not None and spread > PROCESS_SPREAD_LIMIT:
        return (
            f" (raised: the median process's fastest window is {spread:.1%} above the fastest process's, "
            "as memory-bound code's are)"
        )
    if drifts(gap, spread):  # neither sign alone: both weaker ones together
        return (
            f" (raised: a process's two fastest windows differ by {gap:.1%} and the median process's fastest "
            f"window is {spread:.1%} above the fastest process's, as memory-bound code's do)"
        )
    return ""


def _settle(comparison: Comparison) -> str:
    """What would turn an inconclusive comparison into a verdict."""
    if comparison.unit is ComparisonUnit.RUN:
        return "To settle it, measure without --quick (or side by side: critbench ab)."
    if comparison.unit is ComparisonUnit.PAIR:
        return "To settle it, measure more processes (--processes 20)."
    if comparison.unit is ComparisonUnit.COUNT:
        return "To settle it, count in more heap layouts (--layouts 7)."
    return (
        "To settle it, measure more processes (--processes 20), side by side (critbench ab), "
        "or count instructions (--measure instructions)."
    )


def target_text(target: TargetAssessment) -> str:
    """A target's bound in its unit: ``10.000 ms``, ``2,000,000 instr``, ``50.0 MB``."""
    if target.metric == "time":
        return fmt.time(target.target).strip()
    if target.metric == "instructions":
        return fmt.instructions(target.target)
    return fmt.bytes_size(target.target)


def target_line(target: TargetAssessment, style: Style) -> str:
    shown = target_text(target)
    label = "memory target:" if target.metric == "memory" else "target:"
    return f"{INDENT}{label} {shown}  {traffic_light(target.status, style)} ({target.ratio_text})"


def _memory_line(result: BenchmarkResult) -> str | None:
    memory = result.memory
    if memory is None or (memory.peak_rss_bytes is None and memory.allocated_per_iteration_bytes is None):
        return None
    parts = []
    if memory.peak_rss_bytes is not None:
        parts.append(f"peak RSS {fmt.bytes_size(memory.peak_rss_bytes)}")
    if memory.allocated_per_iteration_bytes is not None:
        parts.append(f"{fmt.bytes_size(memory.allocated_per_iteration_bytes)} allocated per iteration")
    return f"{INDENT}memory: {', '.join(parts)}"


def _outlier_lines(result: BenchmarkResult, style: Style) -> list[str]:
    assert result.analysis is not None
    outliers = result.analysis.outliers
    if outliers.total == 0:
        return []
    n = outliers.sample_count
    lines = [style.yellow(f"Found {outliers.total} outliers among {n} measurements ({100 * outliers.total / n:.2f}%)")]
    for label, count in (
        ("low severe", outliers.low_severe),
        ("low mild", outliers.low_mild),
        ("high mild", outliers.high_mild),
        ("high severe", outliers.high_severe),
    ):
        if count:
            lines.append(f"  {count} ({100 * count / n:.2f}%) {label}")
    return lines


def _verbose_lines(result: BenchmarkResult, style: Style) -> list[str]:
    assert result.analysis is not None
    estimates = result.analysis.estimates

    def bounds(estimate: Estimate) -> str:
        return f"[{fmt.time(estimate.lower)} {fmt.time(estimate.upper)}]"

    lines = []
    if estimates.slope is not None:
        r2 = result.analysis.slope_r_squared or (float("nan"), float("nan"))
        lines.append(f"{'slope':<7}{bounds(estimates.slope)} {'R^2':<15}[{r2[0]:0.7f} {r2[1]:0.7f}]")
    lines.append(f"{'mean':<7}{bounds(estimates.mean)} {'std. dev.':<15}{bounds(estimates.std_dev)}")
    lines.append(f"{'median':<7}{bounds(estimates.median)} {'med. abs. dev.':<15}{bounds(estimates.median_abs_dev)}")
    samples = result.samples
    if samples is not None and samples.overhead_ns > 0:
        lines.append(f"harness overhead {fmt.time(samples.overhead_ns).strip()}/iteration, subtracted from the times")
    if samples is not None and samples.process_count > 1:
        lines.append(f"{len(samples.iters)} samples from {samples.process_count} worker processes")
    return lines


def _failure_lines(result: BenchmarkResult, style: Style, verbose: bool) -> list[str]:
    assert result.failure is not None
    lines = _title(result.id.full_id, style)
    lines[-1] += style.bold_red("FAILED") + f": {fmt.printable(result.failure.reason)}"
    if verbose and result.failure.detail:
        lines.extend(INDENT + line for line in result.failure.detail.rstrip().splitlines())
    return lines


def render_result(result: BenchmarkResult, output: OutputFormat, style: Style) -> str:
    """One benchmark's block of lines (with a trailing newline)."""
    if output is OutputFormat.BENCHER:
        return render_bencher(result)
    if result.failure is not None:
        return "\n".join(_failure_lines(result, style, output is OutputFormat.VERBOSE)) + "\n"
    assert result.analysis is not None
    typical = result.analysis.estimates.typical
    lines = _title(result.id.full_id, style)
    if result.unit == "instructions":
        lines[-1] += counts.headline(result, style.bold(fmt.instructions(typical.point)))
        cycles = counts.cycles_line(result)
        if cycles is not None and output is not OutputFormat.QUIET:
            lines.append(INDENT + cycles)
    else:
        lines[-1] += f"time:   {_interval(typical, style)}"
        thrpt = _throughput_line(result, typical, style)
        if thrpt is not None:
            lines.append(INDENT + thrpt)
    if output is OutputFormat.QUIET:
        return "\n".join(lines) + "\n"
    if result.comparison is not None:
        lines.extend(_change_lines(result, result.comparison, style))
    for target in (result.time_target, result.memory_target):
        if target is not None:
            lines.append(target_line(target, style))
    memory = _memory_line(result)
    if memory is not None:
        lines.append(memory)
    lines.extend(_outlier_lines(result, style))
    if output is OutputFormat.VERBOSE:
        lines.extend(counts.verbose_lines(result) if result.unit == "instructions" else _verbose_lines(result, style))
    return "\n".join(lines) + "\n"


def render_bencher(result: BenchmarkResult) -> str:
    """libtest's bencher line: ``test {id} ... bench: {median:>11} ns/iter (+/- {std_dev})``."""
    if result.failure is not None:
        return f"test {fmt.printable(result.id.full_id)} ... FAILED: {fmt.printable(result.failure.reason)}\n"
    assert result.analysis is not None
    estimates = result.analysis.estimates
    median = fmt.thousands(estimates.median.point)
    spread = fmt.thousands(estimates.std_dev.point)
    unit = "instr/iter" if result.unit == "instructions" else "ns/iter"
    return f"test {fmt.printable(result.id.full_id)} ... bench: {median:>11} {unit} (+/- {spread})\n"
