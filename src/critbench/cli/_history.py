"""``critbench history [ID]``: the stored runs, or one benchmark's typical time over them, in the terminal.

Without an id it answers "what has been recorded, from which commits"; with one, "did this benchmark move,
and when": each point with its confidence interval, the change its run judged against the baseline it
compared with (the very figure that run printed, so ``run``, ``compare`` and ``history`` tell one story),
the baselines the run saved or compared with, and a sparkline of the whole series.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Sequence

from critbench.cli._columns import table
from critbench.cli._context import Context
from critbench.cli._options import HistoryOptions
from critbench.errors import UsageError
from critbench.model import HistoryPoint, Verdict, describe_baseline
from critbench.storage import HistoryStore, StoredRun

SPARK_BARS = "▁▂▃▄▅▆▇█"

_VERDICT_WORDS = {
    Verdict.REGRESSED: "regressed",
    Verdict.IMPROVED: "improved",
    Verdict.NO_CHANGE: "no change",
    Verdict.INCONCLUSIVE: "inconclusive",
    Verdict.WITHIN_NOISE: "within noise",
}


def history_command(ctx: Context, options: HistoryOptions) -> int:
    limit = options.limit
    benchmark_id = options.benchmark_id
    if not HistoryStore.exists(ctx.store_url):
        if benchmark_id is not None:
            raise UsageError(f"no history for '{benchmark_id}': no run has been recorded yet")
        ctx.stdout.write("No runs recorded yet (every 'critbench run' records one).\n")
        return 0
    with HistoryStore.open(ctx.store_url) as store:
        if benchmark_id is None:
            _write_runs(ctx, store.runs(limit), store.location)
            return 0
        # One point more than shown, so the first shown point has a change too.
        points = store.series(benchmark_id, limit + 1)
        if not points:
            known = store.benchmark_ids()
            if benchmark_id not in known:
                raise UsageError(_unknown_id_message(benchmark_id, known))
            ctx.stdout.write(f"{benchmark_id}: no successful measurement in the stored runs (each one failed).\n")
            return 0
    _write_series(ctx, benchmark_id, points, limit)
    return 0


def sparkline(values: Sequence[float]) -> str:
    """One bar per value, scaled from the smallest (▁) to the largest (█); flat series sit in the middle."""
    if not values:
        return ""
    low, high = min(values), max(values)
    if not high > low:
        return SPARK_BARS[3] * len(values)
    top = len(SPARK_BARS) - 1
    return "".join(SPARK_BARS[round((value - low) / (high - low) * top)] for value in values)


def _unknown_id_message(benchmark_id: str, known: list[str]) -> str:
    needle = benchmark_id.lower()
    close = [name for name in known if needle in name.lower()]
    close += [name for name in difflib.get_close_matches(benchmark_id, known, n=5, cutoff=0.6) if name not in close]
    message = f"no benchmark '{benchmark_id}' in the history"
    if close:
        return message + "; did you mean: " + ", ".join(close[:5])
    if not known:
        return message + " (no benchmark has been recorded yet)"
    return message + f" ({len(known)} recorded; 'critbench list' shows the benchmark ids)"


def _when(started_at: str) -> str:
    """``2026-01-02 03:04:05`` from an ISO 8601 UTC time."""
    return started_at.replace("T", " ")[:19]


def _commit(commit: str | None, dirty: bool | None) -> str:
    return (commit[:8] if commit else "-") + ("*" if dirty else "")


def _baseline_name(name: str) -> str:
    return describe_baseline(name).removeprefix("the ")  # records before keys were stored: "the previous run"


def _baselines(saved_as: str | None, compared_with: str | None, verdict: Verdict | None = None) -> str:
    parts = []
    if compared_with:
        parts.append(f"vs {_baseline_name(compared_with)}" + (f": {_VERDICT_WORDS[verdict]}" if verdict else ""))
    if saved_as:
        parts.append(f"saved as {saved_as}")
    return ", ".join(parts)


def _dirty_note(dirty: bool) -> list[str]:
    return ["", "  * measured with uncommitted changes"] if dirty else []


def _change_note(compared: bool) -> list[str]:
    if not compared:
        return []
    return [
        "",
        "  change: as each run judged it against the baseline named beside it (the figure and statistic that run",
        "  printed, e.g. each process's fastest window), not the ratio of the typical times shown",
    ]


def _write_runs(ctx: Context, runs: list[StoredRun], location: str) -> None:
    if not runs:
        ctx.stdout.write(f"No runs recorded yet in {location} (every 'critbench run' records one).\n")
        return
    rows = [
        [
            str(run.run_id),
            _when(run.started_at),
            _commit(run.git_commit, run.git_dirty),
            run.git_branch or "-",
            str(run.benchmark_count),
            str(run.failed_count) if run.failed_count else "",
            _baselines(run.saved_as, run.compared_with),
        ]
        for run in runs
    ]
    lines = [
        f"Last {len(runs)} run{'s' if len(runs) != 1 else ''} in {location}:",
        "",
        *table(["run", "started (UTC)", "commit", "branch", "benchmarks", "failed", "baseline"], rows, (0, 4, 5)),
        *_dirty_note(any(run.git_dirty for run in runs)),
        "",
        "'critbench history ID' shows one benchmark's series.",
    ]
    ctx.stdout.write("\n".join(lines) + "\n")


def _write_series(ctx: Context, benchmark_id: str, points: list[HistoryPoint], limit: int) -> None:
    from critbench.report._format import change, measured

    shown = points[-limit:]
    rows = []
    for point in shown:
        estimate = point.typical
        unit = point.unit

        def time(value: float, unit: str = unit) -> str:
            return measured(value, unit)

        moved = change(point.change).strip() if point.change is not None and math.isfinite(point.change) else ""
        rows.append(
            [
                str(point.run_id),
                _when(point.started_at),
                _commit(point.git_commit, point.git_dirty),
                f"[{time(estimate.lower)} {time(estimate.point)} {time(estimate.upper)}]",
                moved,
                _baselines(point.saved_as, point.compared_with, point.verdict),
            ]
        )
    unit = shown[-1].unit
    typicals = [point.typical.point for point in shown if point.unit == unit]
    what = "instructions per iteration" if unit == "instructions" else "typical time"
    mixed = len(typicals) < len(shown)
    lines = [
        f"{benchmark_id}: {what} in the last {len(shown)} run{'s' if len(shown) != 1 else ''} that measured it",
        "",
        *table(
            ["run", "started (UTC)", "commit", "typical [lower estimate upper]", "change", "baseline"], rows, (0, 4)
        ),
        "",
        f"  {sparkline(typicals)}  min {measured(min(typicals), unit)}, max {measured(max(typicals), unit)}, "
        f"latest {measured(typicals[-1], unit)}" + (" (runs measured like the latest)" if mixed else ""),
        *_dirty_note(any(point.git_dirty for point in shown)),
        *_change_note(any(point.change is not None for point in shown)),
    ]
    ctx.stdout.write("\n".join(lines) + "\n")
