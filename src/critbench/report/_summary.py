"""The end of the terminal report: the closing summary, each kind of warning once, the stability table.

::

    Summary: 6 benchmarks
      vs base: 1 regressed, 1 improved, 4 unchanged
        regressed golden/slower (+99.406% ✗)
      failed: 0
      targets: 1 met, 0 close, 1 missed
"""

from __future__ import annotations

from collections.abc import Sequence

from critbench.model import BenchmarkResult, Caution, CautionKind, RunSummary, Stability, describe_baseline
from critbench.report import _format as fmt
from critbench.report._terminal import Style, traffic_light


def _names(items: tuple[str, ...], limit: int = 8) -> str:
    shown = ", ".join(fmt.printable(item) for item in items[:limit])
    return shown + (f", … ({len(items) - limit} more)" if len(items) > limit else "")


def render_summary(
    summary: RunSummary,
    results: list[BenchmarkResult],
    style: Style,
    *,
    compared_with: str | None,
    saved_to: str | None,
    report: str | None = None,
) -> str:
    """The closing summary: counts, the names behind them, targets, and where results went."""
    total = len(results)
    by_id = {r.id.full_id: r for r in results}
    lines = ["", style.bold(f"Summary: {total} benchmark{'s' if total != 1 else ''}")]
    if compared_with is not None:
        lines.append(
            f"  vs {describe_baseline(compared_with)}: {len(summary.regressed)} regressed, {len(summary.improved)} improved, "
            f"{len(summary.unchanged)} unchanged"
            + (f", {len(summary.inconclusive)} inconclusive" if summary.inconclusive else "")
            + (f", {len(summary.not_compared)} new" if summary.not_compared else "")
        )
    if summary.inconclusive:
        lines.append(f"    {style.yellow('inconclusive')} {_names(summary.inconclusive)} (not gated)")
    for name in summary.regressed:
        comparison = by_id[name].comparison
        assert comparison is not None
        mark = traffic_light(comparison.indicator, style)
        lines.append(
            f"    {style.red('regressed')} {fmt.printable(name)} ({fmt.change(comparison.change.mean.point).strip()} {mark})"
        )
    for name in summary.improved:
        comparison = by_id[name].comparison
        assert comparison is not None
        lines.append(
            f"    {style.green('improved')}  {fmt.printable(name)} ({fmt.change(comparison.change.mean.point).strip()})"
        )
    if summary.discoveries_removed:
        lines.append(
            f"  {summary.discoveries_removed} change(s) significant alone were not counted after the "
            "false-discovery adjustment across the suite"
        )
    failed = len(summary.failed)
    lines.append(f"  failed: {failed}" + (f" ({_names(summary.failed)})" if failed else ""))
    n_targets = len(summary.targets_met) + len(summary.targets_close) + len(summary.targets_missed)
    if n_targets:
        line = f"  targets: {len(summary.targets_met)} met, {len(summary.targets_close)} close, "
        line += f"{len(summary.targets_missed)} missed"
        lines.append(line)
        for label in summary.targets_close + summary.targets_missed:
            lines.append(f"    {style.yellow('not met')} {fmt.printable(label)}")
    if saved_to is not None:
        lines.append(f"  results saved to {saved_to}")
    if report is not None:
        lines.append(f"  report: {report}")
    return "\n".join(lines) + "\n"


def render_benchmark_warnings(results: Sequence[BenchmarkResult], style: Style) -> str:
    """Each kind of benchmark warning once: the first benchmark's full text, then the others it applies to.

    ::

        Warning: the spread is high (CV 12.0%, ...) ... [a/slow]
          The same for 3 more: a/b, a/c, a/d
    """
    by_kind: dict[CautionKind, list[tuple[str, Caution]]] = {}
    for result in results:
        for warning in result.warnings:
            if warning.kind is not CautionKind.SAMPLING_BUDGET:  # shown while sampling, as Criterion does
                by_kind.setdefault(warning.kind, []).append((result.id.full_id, warning))
    lines = []
    for found in by_kind.values():
        first_id, first = found[0]
        lines.append(style.yellow(f"{fmt.printable(first.text)} [{fmt.printable(first_id)}]"))
        others = [name for name, _ in found[1:]]
        if others:
            lines.append(f"  The same for {len(others)} more: {_names(tuple(others))}")
    return "".join(line + "\n" for line in lines)


def render_warnings(warnings: Sequence[Caution], style: Style) -> str:
    """Warnings about the run as a whole (a busy machine, unstable runs), one per line; empty when none."""
    return "".join(style.yellow(fmt.printable(warning.text)) + "\n" for warning in warnings)


def render_stability(rows: Sequence[Stability], style: Style) -> str:
    """The seed's stability table for ``critbench run --repeat N``: each benchmark's typical time across the runs.

    ::

        Stability across 3 runs (typical time per run; CV = std dev / mean)
        benchmark      runs        min        max       mean    std dev      CV
        t/work            3  1.0012 µs  1.0307 µs  1.0171 µs  14.862 ns    1.5%
    """
    if not rows:
        return ""
    runs = max(row.runs for row in rows)
    width = max(len("benchmark"), *(len(row.benchmark) for row in rows))

    def cell(value: float | None, unit: str) -> str:
        return f"{fmt.measured(value, unit) if value is not None else '—':>11}"

    header = f"{'benchmark':<{width}}  runs  {'min':>11}{'max':>11}{'mean':>11}{'std dev':>11}{'CV':>8}"
    lines = ["", style.bold(f"Stability across {runs} runs (typical time per run; CV = std dev / mean)"), header]
    for row in rows:
        cv = f"{row.cv * 100:.1f}%" if row.cv is not None else "—"
        lines.append(
            f"{style.green(row.benchmark)}{' ' * (width - len(row.benchmark))}  {row.runs:>4}  "
            f"{cell(min(row.typicals_ns), row.unit)}{cell(max(row.typicals_ns), row.unit)}{cell(row.mean_ns, row.unit)}"
            f"{cell(row.std_dev_ns, row.unit)}"
            f"{cv:>8}"
        )
    return "\n".join(lines) + "\n"
