"""The Markdown report in the shape of the seed's ``performance-baseline.md``, and a CI job summary.

``render_markdown`` writes the machine the run measured, the "Performance Targets" table (metric, target,
achieved ± spread, status, ratio), the "Benchmark Stability" table (how much each benchmark's typical time
varied across the stored runs) and, when the run was compared with a baseline, the comparison summary.
``render_step_summary`` is that summary alone, for ``$GITHUB_STEP_SUMMARY``.

Benchmark ids and baseline names are shown as code spans, so any character in them prints literally;
other free text is backslash-escaped.
"""

from __future__ import annotations

import re

from critbench.model import (
    BenchmarkResult,
    Indicator,
    RunSummary,
    TargetAssessment,
    TargetStatus,
    Verdict,
    describe_baseline,
)
from critbench.model._figures import ReportInput, Stability
from critbench.report import _format as fmt
from critbench.report._terminal import p_clause

STATUS_MARK = {
    TargetStatus.EXCELLENT: "✅ EXCELLENT",
    TargetStatus.MET: "✅ MET",
    TargetStatus.CLOSE: "⚠️ CLOSE",
    TargetStatus.MISS: "❌ MISS",
}

_ESCAPED = re.compile(r"([\\`*_\[\]|<>&~#])")


def text(value: str) -> str:
    """Free text shown literally in Markdown (and on one line): punctuation Markdown reads is escaped."""
    return _ESCAPED.sub(r"\\\1", " ".join(value.split()))


def code(value: str, *, in_table: bool = False) -> str:
    """``value`` as a code span, fenced with more backticks than it contains; ``|`` escaped in tables."""
    value = fmt.printable(value)
    longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    span = f"{fence}{pad}{value}{pad}{fence}"
    return span.replace("|", "\\|") if in_table else span


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    rule = "|" + "|".join("-" * max(3, len(cell) + 2) for cell in header) + "|"
    return [_row(header), rule, *map(_row, rows)]


def _machine(data: ReportInput) -> list[str]:
    env = data.run.environment
    hardware = env.cpu_model or "unknown CPU"
    if env.cpu_count:
        hardware += f", {env.cpu_count} cores"
    if env.machine:
        hardware += f" ({env.machine})"
    lines = [
        f"- **Date**: {text(data.run.started_at)}",
        f"- **Hardware**: {text(hardware)}",
        f"- **OS**: {text(env.platform or 'unknown')}",
        f"- **Python**: {text(f'{env.implementation} {env.python}'.strip() or 'unknown')}",
    ]
    if env.git_commit:
        commit = code(env.git_commit[:12])
        if env.git_branch:
            commit += f" on {code(env.git_branch)}"
        if env.git_dirty:
            commit += " (uncommitted changes)"
        lines.append(f"- **Commit**: {commit}")
    if env.critbench_version:
        lines.append(f"- **critbench**: {text(env.critbench_version)}")
    if data.baseline_name is not None:
        lines.append(f"- **Compared with**: {code(describe_baseline(data.baseline_name))}")
    return lines


def _target_row(result: BenchmarkResult, target: TargetAssessment) -> list[str]:
    name = code(result.id.full_id, in_table=True)
    if target.metric in ("time", "instructions"):
        unit = "instructions" if target.metric == "instructions" else "ns"
        achieved = fmt.measured(target.achieved, unit)
        if result.analysis is not None:
            typical = result.analysis.estimates.typical
            achieved += f" ± {fmt.measured((typical.upper - typical.lower) / 2, unit)}"
        shown_target = f"< {fmt.measured(target.target, unit)}"
        if unit == "instructions":
            name += " (instructions)"
    else:
        name += " (memory)"
        achieved = fmt.bytes_size(target.achieved)
        shown_target = f"< {fmt.bytes_size(target.target)}"
    return [name, shown_target, achieved, STATUS_MARK[target.status], target.ratio_text]


def _targets(data: ReportInput) -> list[str]:
    rows = [
        _target_row(result, target)
        for result in data.results
        for target in (result.time_target, result.memory_target)
        if target is not None
    ]
    lines = ["## Performance Targets", ""]
    if not rows:
        unjudged = sum(
            1
            for result in data.results
            if (result.unit == "instructions" and result.info.target_ns is not None)
            or (result.unit == "ns" and result.info.target_instructions is not None)
        )
        if unjudged:
            measured = "counted instructions" if data.results[0].unit == "instructions" else "measured wall time"
            return [
                *lines,
                f"{unjudged} {'benchmarks declare' if unjudged > 1 else 'benchmark declares'} a target in the other unit; this run "
                f"{measured}, so no target was judged.",
            ]
        return [*lines, 'No benchmark declares a target (e.g. `@bench(target="10ms")`).']
    lines.append("Achieved is the typical time ± half its confidence interval; the ratio compares it with the target.")
    lines.append("")
    return lines + _table(["Metric", "Target", "Achieved", "Status", "Ratio"], rows)


def _overhead(data: ReportInput) -> list[str]:
    """The timing loop's own cost next to each targeted benchmark's time (the raw figure, before it is
    subtracted), so a reader can see the harness does not blur the figures the targets judge."""
    rows = []
    for result in data.results:
        samples, analysis = result.samples, result.analysis
        if result.time_target is None or samples is None or analysis is None or samples.overhead_ns <= 0:
            continue
        raw = analysis.estimates.typical.point + samples.overhead_ns
        overhead = fmt.measured(samples.overhead_ns, samples.unit)
        rows.append([code(result.id.full_id, in_table=True), overhead, f"{100 * samples.overhead_ns / raw:.2f}%"])
    if not rows:
        return []
    lines = [
        "## Harness Overhead",
        "",
        "The calibrated cost of critbench's timing loop per iteration (an empty routine through the same "
        "`iter*` method), subtracted from the times above, and its share of each benchmark's raw time.",
        "",
    ]
    return [*lines, *_table(["Benchmark", "Overhead per iteration", "Share of the time"], rows), ""]


def _stability_row(row: Stability) -> list[str]:
    def shown(value: float) -> str:
        return fmt.measured(value, row.unit)

    return [
        code(row.benchmark, in_table=True),
        str(row.runs),
        shown(min(row.typicals_ns)),
        shown(max(row.typicals_ns)),
        shown(row.mean_ns),
        shown(row.std_dev_ns) if row.std_dev_ns is not None else "—",
        f"{row.cv * 100:.1f}%" if row.cv is not None else "—",
    ]


def _stability(data: ReportInput) -> list[str]:
    lines = ["## Benchmark Stability", ""]
    if not data.stability:
        return [*lines, "No stored runs yet: stability shows once a benchmark has been run more than once."]
    lines.append(
        "The typical time of each benchmark across its stored runs. "
        "**Coefficient of Variation (CV)**: StdDev / Mean × 100%."
    )
    lines.append("")
    header = ["Benchmark", "Runs", "Min", "Max", "Mean", "StdDev", "CV"]
    return lines + _table(header, [_stability_row(row) for row in data.stability])


def _counts(data: ReportInput, summary: RunSummary) -> str:
    parts = []
    if data.baseline_name is None:
        measured = len(data.results) - len(summary.failed)
        parts.append(f"{measured} measured (not compared with a baseline)")
    else:
        parts.append(f"**{len(summary.regressed)} regressed**" if summary.regressed else "0 regressed")
        parts += [f"{len(summary.improved)} improved", f"{len(summary.unchanged)} unchanged"]
        if summary.not_compared:
            parts.append(f"{len(summary.not_compared)} not in the baseline")
    parts.append(f"**{len(summary.failed)} failed**" if summary.failed else "0 failed")
    line = ", ".join(parts)
    n_targets = len(summary.targets_met) + len(summary.targets_close) + len(summary.targets_missed)
    if n_targets:
        line += (
            f" · targets: {len(summary.targets_met)} met, {len(summary.targets_close)} close, "
            f"{len(summary.targets_missed)} missed"
        )
    return line


def _change_row(result: BenchmarkResult, compared: bool) -> list[str]:
    name = code(result.id.full_id, in_table=True)
    if result.failure is not None or result.analysis is None:
        reason = result.failure.reason if result.failure is not None else "no measurements"
        return ["❌", name, "—", "—", text(f"FAILED: {reason}")]
    time = fmt.measured(result.analysis.estimates.typical.point, result.unit)
    comparison = result.comparison
    if comparison is None:
        return ["", name, time, "—", "not in the baseline" if compared else ""]
    mean = comparison.change.mean
    change = f"{fmt.change(mean.point).strip()} [{fmt.change(mean.lower).strip()} {fmt.change(mean.upper).strip()}]"
    return [
        comparison.indicator.value,
        name,
        time,
        f"{change} {p_clause(comparison)}",
        comparison.verdict.message,
    ]


def _rank(result: BenchmarkResult) -> int:
    """Failures first, then regressions, improvements, the rest, and benchmarks not compared."""
    if result.failure is not None or result.analysis is None:
        return 0
    if result.comparison is None:
        return 4
    return {Verdict.REGRESSED: 1, Verdict.IMPROVED: 2}.get(result.comparison.verdict, 3)


def _notable(result: BenchmarkResult) -> bool:
    flagged = result.comparison is not None and result.comparison.indicator is not Indicator.OK
    return _rank(result) <= 2 or flagged


def _summary_body(data: ReportInput) -> list[str]:
    summary = RunSummary.of(data.results)
    compared = data.baseline_name is not None
    lines = [_counts(data, summary), ""]
    counted = data.results and all(r.unit == "instructions" for r in data.results if r.ok)
    header = ["", "Benchmark", "Instructions" if counted else "Time", "Change", "Verdict"]
    ordered = sorted(data.results, key=lambda r: (not _notable(r), _rank(r)))
    notable = [r for r in ordered if _notable(r)]
    quiet = [r for r in ordered if not _notable(r)]
    if notable:
        lines += _table(header, [_change_row(r, compared) for r in notable])
        lines.append("")
    if quiet:
        label = "unchanged" if compared else "measured"
        lines += [f"<details><summary>{len(quiet)} {label}</summary>", ""]
        lines += _table(header, [_change_row(r, compared) for r in quiet])
        lines += ["", "</details>", ""]
    return lines


def render_step_summary(data: ReportInput) -> str:
    """The comparison summary for a CI job page (``$GITHUB_STEP_SUMMARY``): counts and a row per benchmark.

    Regressions, failures and changes flagged ⚠ or ✗ come first in a table; the rest fold away.
    """
    count = len(data.results)
    title = f"## critbench: {count} benchmark{'s' if count != 1 else ''}"
    if data.baseline_name is not None:
        title += f" vs {code(describe_baseline(data.baseline_name))}"
    return "\n".join([title, "", *_summary_body(data)]).rstrip() + "\n"


def render_markdown(data: ReportInput) -> str:
    """The seed's ``performance-baseline.md``: machine, performance targets, stability and comparison."""
    lines = ["# Performance Baseline", "", *_machine(data), ""]
    lines += [*_targets(data), ""]
    lines += _overhead(data)
    lines += [*_stability(data), ""]
    if data.baseline_name is not None:
        lines += [f"## Comparison with {code(describe_baseline(data.baseline_name))}", "", *_summary_body(data)]
    return "\n".join(lines).rstrip() + "\n"
