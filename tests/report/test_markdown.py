"""The Markdown report and the CI job summary, byte for byte, from fixed records (no timing involved).

Regenerate after an intended change with ``CRITBENCH_UPDATE_GOLDEN=1 python3 dev.py test tests/report``
and review the diff.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from critbench.compare import assess_target, judge
from critbench.compare._figures import prepare_report
from critbench.model import (
    BenchmarkId,
    BenchmarkInfo,
    BenchmarkResult,
    ChangeStatistics,
    Environment,
    Estimate,
    Estimates,
    Failure,
    FailureKind,
    HistoryPoint,
    OutlierCounts,
    RunRecord,
    SampleAnalysis,
    Settings,
    TukeyFences,
)
from critbench.model._figures import ReportInput
from critbench.report._markdown import code, render_markdown, render_step_summary, text

GOLDEN = Path(__file__).parent / "golden"
BASELINE = "phase10-final"
SCRIPT = "<script>alert(1)</script>"
MS = 1e6


def _check(name: str, output: str) -> None:
    path = GOLDEN / name
    if os.environ.get("CRITBENCH_UPDATE_GOLDEN"):
        path.write_text(output, encoding="utf-8")
    assert path.is_file(), f"missing golden file {path}; run with CRITBENCH_UPDATE_GOLDEN=1"
    assert output == path.read_text(encoding="utf-8")


def estimate(point: float, half_width: float) -> Estimate:
    return Estimate(point, point - half_width, point + half_width, half_width / 2, 0.95)


def analysis(typical_ns: float, half_width_ns: float) -> SampleAnalysis:
    typical = estimate(typical_ns, half_width_ns)
    spread = estimate(typical_ns * 0.02, typical_ns * 0.005)
    return SampleAnalysis(
        estimates=Estimates(mean=typical, median=typical, median_abs_dev=spread, std_dev=spread),
        fences=TukeyFences(typical_ns * 0.8, typical_ns * 0.9, typical_ns * 1.1, typical_ns * 1.2),
        outliers=OutlierCounts(0, 0, 1, 0, 100),
    )


def measured(
    benchmark_id: BenchmarkId,
    typical_ms: float,
    half_width_ms: float,
    *,
    target_ms: float | None = None,
    change: tuple[float, float, float, float] | None = None,
    memory: tuple[int, int] | None = None,
) -> BenchmarkResult:
    """A result with the given typical time, target, change ``(point, lower, upper, p)`` and memory."""
    settings = Settings()
    comparison = None
    if change is not None:
        point, lower, upper, p = change
        statistics = ChangeStatistics(
            mean=Estimate(point, lower, upper, (upper - lower) / 4, 0.95),
            median=Estimate(point, lower, upper, (upper - lower) / 4, 0.95),
            t_statistic=2.0,
            p_value=p,
        )
        comparison = judge(statistics, settings, BASELINE)
    return BenchmarkResult(
        info=BenchmarkInfo(
            id=benchmark_id,
            description="A benchmark.",
            target_ns=None if target_ms is None else target_ms * MS,
            settings=settings,
        ),
        analysis=analysis(typical_ms * MS, half_width_ms * MS),
        comparison=comparison,
        time_target=None if target_ms is None else assess_target("time", target_ms * MS, typical_ms * MS),
        memory_target=None if memory is None else assess_target("memory", memory[0], memory[1]),
    )


def environment() -> Environment:
    return Environment(
        python="3.11.7",
        implementation="CPython",
        platform="Linux 6.1.0",
        machine="x86_64",
        cpu_model="Apple M1 Ultra",
        cpu_count=20,
        hostname="ci-runner",
        git_commit="0123456789abcdef0123456789abcdef01234567",
        git_branch="main",
        git_dirty=False,
        critbench_version="0.1.0",
    )


def run_record(compared_with: str | None) -> RunRecord:
    return RunRecord(
        started_at="2026-11-27T07:00:00+00:00",
        finished_at="2026-11-27T07:03:00+00:00",
        environment=environment(),
        command="critbench run --baseline phase10-final",
        compared_with=compared_with,
    )


def seed_results() -> list[BenchmarkResult]:
    """The seed's kernel benchmarks (performance-baseline.md), plus names that need escaping and a failure."""
    failed = BenchmarkResult(
        info=BenchmarkInfo(id=BenchmarkId("registry", "broken")),
        failure=Failure(FailureKind.ERROR, "raised ValueError: bad input"),
    )
    return [
        measured(
            BenchmarkId("kernel_startup", "embedded_cold_start"),
            36.5,
            2.4,
            target_ms=2000,
            change=(0.005, -0.023, 0.032, 0.45),
        ),
        measured(
            BenchmarkId("message_handling", "inprocess_roundtrip"),
            11.9,
            0.06,
            target_ms=5,
            change=(0.12, 0.105, 0.136, 0.0),
        ),
        measured(
            BenchmarkId("tool_invocation", "calculator", "simple"),
            11.9,
            0.05,
            target_ms=10,
            change=(-0.06, -0.07, -0.05, 0.0),
        ),
        measured(
            BenchmarkId("tool_invocation", "calculator", SCRIPT),
            12.0,
            0.06,
            target_ms=10,
            change=(0.07, 0.005, 0.135, 0.01),
        ),
        measured(
            BenchmarkId("registry", "list_all"),
            11.9,
            0.02,
            change=(0.001, -0.004, 0.006, 0.9),
            memory=(50_000_000, 30_000_000),
        ),
        measured(BenchmarkId("registry", "list|filtered`x"), 11.9, 0.03),
        failed,
    ]


def history(results: list[BenchmarkResult]) -> dict[str, tuple[HistoryPoint, ...]]:
    """Three runs of every measured benchmark; the startup's typical times are the seed's 33.7, 37.8, 37.9 ms."""
    runs: dict[str, tuple[HistoryPoint, ...]] = {}
    for result in results:
        if result.analysis is None:
            continue
        typical = result.analysis.estimates.typical.point
        if result.id.group == "kernel_startup":
            values = (33.7 * MS, 37.8 * MS, 37.9 * MS)
        else:
            values = (typical * 1.005, typical * 0.995, typical)
        runs[result.id.full_id] = tuple(
            HistoryPoint(
                run_id=index + 1,
                started_at=f"2026-11-2{5 + index}T07:00:00+00:00",
                git_commit=f"{index + 1}" * 40,
                git_branch="main",
                git_dirty=False,
                typical=estimate(value, value * 0.01),
                saved_as=BASELINE if index == 0 else None,
            )
            for index, value in enumerate(values)
        )
    return runs


def compared_input() -> ReportInput:
    results = seed_results()
    return prepare_report(
        run_record(BASELINE), results, baseline_name=BASELINE, history=history(results), figures=False
    )


def plain_input() -> ReportInput:
    """A first run: no baseline, no targets, no stored history."""
    results = [
        measured(BenchmarkId("parse", "small"), 0.0123, 0.0001),
        measured(BenchmarkId("parse", "big"), 1.5, 0.01),
    ]
    return prepare_report(run_record(None), results, figures=False)


def test_markdown_report_matches_golden() -> None:
    _check("markdown_baseline.md", render_markdown(compared_input()))


def test_step_summary_matches_golden() -> None:
    _check("markdown_summary.md", render_step_summary(compared_input()))


def test_first_run_markdown_matches_golden() -> None:
    _check("markdown_first_run.md", render_markdown(plain_input()))
    _check("markdown_first_run_summary.md", render_step_summary(plain_input()))


def _table(markdown: str, heading: str) -> list[list[str]]:
    """The rows (header first, separator dropped) of the table under ``heading``."""
    section = markdown.split(heading, 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    return [re.split(r"(?<!\\)\|", row)[1:-1] for row in rows if not set(row) <= {"|", "-"}]


def test_targets_table_has_the_seed_shape() -> None:
    markdown = render_markdown(compared_input())
    rows = _table(markdown, "## Performance Targets")
    assert [cell.strip() for cell in rows[0]] == ["Metric", "Target", "Achieved", "Status", "Ratio"]
    cells = {row[0].strip(): [cell.strip() for cell in row[1:]] for row in rows[1:]}
    startup = cells["`kernel_startup/embedded_cold_start`"]
    assert startup == ["< 2.0000 s", "36.500 ms ± 2.4000 ms", "✅ EXCELLENT", "54.8x better"]
    assert cells["`message_handling/inprocess_roundtrip`"][2:] == ["❌ MISS", "2.38x over"]
    assert cells["`tool_invocation/calculator/simple`"][2:] == ["⚠️ CLOSE", "1.19x over"]
    assert cells["`registry/list_all` (memory)"][2:] == ["✅ MET", "1.7x better"]
    assert len(rows) == 6  # header + four time targets + one memory target


def test_stability_table_gives_the_coefficient_of_variation_across_runs() -> None:
    rows = _table(render_markdown(compared_input()), "## Benchmark Stability")
    assert [cell.strip() for cell in rows[0]] == ["Benchmark", "Runs", "Min", "Max", "Mean", "StdDev", "CV"]
    startup = next(row for row in rows if "kernel_startup" in row[0])
    # The seed's own figures: runs of 33.7, 37.8 and 37.9 ms have a mean of 36.5 ms and a CV of 6.6%.
    assert [cell.strip() for cell in startup[1:]] == ["3", "33.700 ms", "37.900 ms", "36.467 ms", "2.3965 ms", "6.6%"]
    assert not any("broken" in row[0] for row in rows)


def test_every_name_prints_literally() -> None:
    markdown = render_markdown(compared_input())
    assert SCRIPT not in markdown.replace(f"`{SCRIPT}`", "").replace(f"calculator/{SCRIPT}`", "")
    assert f"`tool_invocation/calculator/{SCRIPT}`" in markdown
    assert "``registry/list\\|filtered`x``" in markdown


def test_code_spans_and_text_escape_what_markdown_would_read() -> None:
    assert code("a`b") == "``a`b``"
    assert code("`edge") == "`` `edge ``"
    assert code("a|b", in_table=True) == "`a\\|b`"
    assert text("*bold* <b>") == "\\*bold\\* \\<b\\>"
    assert text("two\nlines") == "two lines"


def test_step_summary_lists_regressions_first_and_folds_the_unchanged() -> None:
    summary = render_step_summary(compared_input())
    assert summary.startswith("## critbench: 7 benchmarks vs `phase10-final`\n")
    assert "**1 regressed**, 1 improved, 3 unchanged, 1 not in the baseline, **1 failed**" in summary
    body, folded = summary.split("<details>", 1)
    assert body.index("registry/broken") < body.index("inprocess_roundtrip") < body.index("calculator/simple")
    assert "Performance has regressed." in body
    assert "⚠" in body  # the 7% change within noise is flagged for a look
    assert "embedded_cold_start" in folded
    assert "list_all" in folded
