"""What ``run``, ``ab``, ``compare`` and ``report`` share, in the order a command uses it.

1. :func:`baseline_plan` — Criterion's baseline flags checked before anything is measured (exit 2 on a
   bad name or a missing ``--baseline``).
2. :class:`History` — the history database, opened at most once per command: read for the noise floors and
   the charts, written with the run.
3. :class:`Judged` — a judged suite: the run's record, the evaluation, what it was compared with.
4. :func:`write_reports` — the HTML report and GitHub's job summary.
5. :func:`publish` — the terminal report, the warnings (one per kind) and ``--json``.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from critbench.cli._context import Context, display_path, output_format, style_for
from critbench.cli._journal import Journal
from critbench.cli._options import BaselineFlags, Display
from critbench.errors import StorageError, UsageError
from critbench.model import (
    LAST_RUN,
    BenchmarkResult,
    Caution,
    CautionKind,
    HistoryPoint,
    RunRecord,
    RunSummary,
    Samples,
    Stability,
)
from critbench.storage import BaselineNotFound, BaselineStore, check_baseline_name

if TYPE_CHECKING:
    from critbench.compare import Evaluation, FailOn
    from critbench.storage import HistoryStore

HISTORY_RUNS = 50
"""Stored runs per benchmark read for the noise floor and the charts (the charts show the last 30)."""


def now() -> str:
    """The current time, ISO 8601 in UTC, as records store it."""
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class BaselinePlan:
    """Which stored run to compare with, and where to save this one, from Criterion's flags."""

    compare_with: str | None
    strict: bool
    save_as: str | None
    save_last: bool
    load: str | None
    gate_changes: bool


def baseline_plan(flags: BaselineFlags, store: BaselineStore) -> BaselinePlan:
    """Check every baseline name and existence before anything is measured (exit 2 on a problem)."""
    for name in (flags.save, flags.compare, flags.lenient, flags.load):
        if name is not None:
            check_baseline_name(name)
    if flags.compare is not None and flags.lenient is not None:
        raise UsageError("--baseline and --baseline-lenient cannot be used together")
    if flags.load is not None and flags.compare is None:
        raise UsageError("--load-baseline needs --baseline NAME to compare it with")
    for name in (flags.compare, flags.load):
        if name is not None and not store.exists(name):
            raise BaselineNotFound(name, store.names())
    keep = not flags.discard
    if flags.compare is not None:
        return BaselinePlan(flags.compare, True, flags.save, keep and flags.load is None, flags.load, True)
    if flags.lenient is not None:
        return BaselinePlan(flags.lenient, False, flags.save, keep, None, gate_changes=True)
    if flags.save is not None:
        compare = flags.save if store.exists(flags.save) else None
        return BaselinePlan(compare, False, flags.save, keep, None, gate_changes=False)
    compare = LAST_RUN if store.exists(LAST_RUN) else None
    return BaselinePlan(compare, False, None, keep, None, gate_changes=False)


def preflight(ctx: Context, display: Display) -> None:
    """Before anything is measured: the output root and ``--json`` can be written (exit 2 if not), so a
    read-only folder costs seconds, not a whole run's measurements; the root then exists, ignored by git."""
    from critbench.storage import check_writable_file, check_writable_folder, ignore_in_git

    check_writable_folder(ctx.output_root, "the output root")
    if display.json is not None:
        check_writable_file(display.json, "--json")
    ignore_in_git(ctx.output_root)


def rescue(judged: Judged, failure: Exception) -> StorageError:
    """The results of a run whose saving failed, written where they can be: a JSON file in the temporary
    folder; the error to raise says what failed and where the results went."""
    import tempfile

    from critbench.report import results_document

    document = results_document(judged.record, judged.summary, judged.results, None, judged.baseline_samples)
    data = json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False).encode() + b"\n"
    try:
        fd, name = tempfile.mkstemp(prefix="critbench-results-", suffix=".json")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    except OSError as exc:
        return StorageError(f"{failure}; the results could not be rescued either ({exc})")
    return StorageError(f"{failure}; the measurements were not lost: every result is in {name}")


def gates(ctx: Context, fail_on: str | None) -> frozenset[FailOn]:
    """``--fail-on``, else ``[tool.critbench] fail-on``, else ``regression``."""
    from critbench.compare import parse_fail_on

    try:
        return parse_fail_on(fail_on or ctx.workspace.config.fail_on or "regression")
    except ValueError as exc:
        raise UsageError(str(exc)) from None


@dataclass
class History:
    """The history database of one command, opened on first use and at most once.

    A store that cannot be reached never fails a command: reading gives no series (the default noise floor
    applies) and writing gives a warning, both collected in :attr:`cautions`.
    """

    url: str | Path
    journal: Journal | None = None
    _store: HistoryStore | None = None
    _series: dict[str, list[HistoryPoint]] | None = None
    _series_runs: int = 0
    _broken: bool = False
    cautions: list[Caution] = field(default_factory=list)

    def _open(self, *, create: bool) -> HistoryStore | None:
        from critbench.storage import HistoryStore

        if self._store is None and not self._broken:
            try:
                if create or HistoryStore.exists(self.url):
                    self._store = HistoryStore.open(self.url)
            except StorageError as exc:
                self._broken = True
                self.cautions.append(Caution(CautionKind.HISTORY, f"Warning: the history database is unusable: {exc}"))
        return self._store

    def series(self, runs: int = HISTORY_RUNS) -> dict[str, list[HistoryPoint]]:
        """Every benchmark's last ``runs`` stored runs, oldest first; read once (again only for more runs)."""
        if self._series is None or runs > self._series_runs:
            store = self._open(create=False)
            self._series = {}
            self._series_runs = runs
            if store is not None:
                try:
                    self._series = store.all_series(limit_per_benchmark=runs)
                except StorageError as exc:
                    self.cautions.append(Caution(CautionKind.HISTORY, f"Warning: the history could not be read: {exc}"))
        return {key: points[-runs:] for key, points in self._series.items()}

    def record(self, record: RunRecord, results: Sequence[BenchmarkResult]) -> int | None:
        """Add a run and return its id (None when it could not be recorded); the series read earlier stay as
        they were: they describe the runs before this one."""
        store = self._open(create=True)
        if store is None:
            return None
        try:
            run_id = store.record_run(record, results)
            if self.journal is not None:
                self.journal.note("the run in the history")
            return run_id
        except StorageError as exc:
            self.cautions.append(
                Caution(CautionKind.HISTORY, f"Warning: this run was not recorded in the history: {exc}")
            )
            return None

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


@contextlib.contextmanager
def open_history(ctx: Context) -> Iterator[History]:
    history = History(ctx.store_url, ctx.journal)
    try:
        yield history
    finally:
        history.close()


@dataclass(frozen=True)
class Judged:
    """A suite judged against a baseline (or against nothing): what the reports and the exit status need."""

    record: RunRecord
    evaluation: Evaluation
    baseline_key: str | None = None
    """The stored run compared with (``LAST_RUN`` for the previous run), or an ``ab`` label."""
    baseline_samples: Mapping[str, Samples] | None = None

    @property
    def results(self) -> list[BenchmarkResult]:
        return self.evaluation.results

    @property
    def summary(self) -> RunSummary:
        return RunSummary.of(self.evaluation.results)


def write_reports(
    ctx: Context,
    display: Display,
    judged: Judged,
    series: Mapping[str, Sequence[HistoryPoint]],
    run_id: int | None = None,
) -> Path | None:
    """Regenerate ``ROOT/report/`` (unless ``--noplot``) and append to GitHub's job summary when it is set.

    ``series`` is the stored history before this run; the run itself (recorded as ``run_id``, when it was)
    is added to the charts here.
    """
    from critbench.compare import prepare_report
    from critbench.report import render_html_report, render_step_summary
    from critbench.storage import append_text, write_folder_atomic

    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    if display.noplot and not summary_file:
        return None
    data = prepare_report(
        judged.record,
        judged.results,
        baseline_name=judged.baseline_key if judged.baseline_samples is not None else None,
        baseline_samples=judged.baseline_samples,
        change_draws=judged.evaluation.change_draws,
        history=with_this_run(series, judged, run_id),
        figures=not display.noplot,
    )
    if summary_file:
        append_text(Path(summary_file), render_step_summary(data))
    if display.noplot:
        return None
    write_folder_atomic(ctx.layout.report, render_html_report(data))
    return ctx.layout.report_index


def with_this_run(
    series: Mapping[str, Sequence[HistoryPoint]], judged: Judged, run_id: int | None
) -> dict[str, list[HistoryPoint]]:
    """The stored series with this run appended as its last point, so the charts end with it."""
    combined = {key: list(points) for key, points in series.items()}
    if run_id is None:
        run_id = max((point.run_id for points in series.values() for point in points), default=0) + 1
    env = judged.record.environment
    for result in judged.results:
        if result.failure is not None or result.analysis is None:
            continue
        comparison = result.comparison
        combined.setdefault(result.id.full_id, []).append(
            HistoryPoint(
                run_id=run_id,
                started_at=judged.record.started_at,
                git_commit=env.git_commit,
                git_branch=env.git_branch,
                git_dirty=env.git_dirty,
                typical=result.analysis.estimates.typical,
                saved_as=judged.record.saved_as,
                compared_with=judged.record.compared_with,
                verdict=comparison.verdict if comparison is not None else None,
                change=comparison.change.mean.point if comparison is not None else None,
                memory_peak_bytes=result.memory.peak_rss_bytes if result.memory is not None else None,
                unit=result.unit,
            )
        )
    return combined


def warn(ctx: Context, display: Display, cautions: Sequence[Caution]) -> None:
    """Warnings about the run as a whole, on stderr."""
    from critbench.report import render_warnings

    ctx.stderr.write(render_warnings(cautions, style_for(display.color, ctx.stderr)))


def publish(
    ctx: Context,
    display: Display,
    judged: Judged,
    *,
    saved_to: str | None = None,
    report_path: Path | None = None,
    stability: Sequence[Stability] | None = None,
) -> None:
    """Print the results, each kind of benchmark warning once, the summary and (after ``--repeat``) the
    stability table; write ``--json`` if asked."""
    from critbench.report import (
        render_benchmark_warnings,
        render_result,
        render_stability,
        render_summary,
        results_document,
    )
    from critbench.storage import write_bytes_atomic

    out_format = output_format(display)
    style = style_for(display.color, ctx.stdout)
    results = judged.results
    for result in results:
        ctx.stdout.write(render_result(result, out_format, style))
    if out_format.value != "bencher":
        ctx.stdout.write(render_benchmark_warnings(results, style))
        ctx.stdout.write(
            render_summary(
                judged.summary,
                results,
                style,
                compared_with=judged.baseline_key,
                saved_to=saved_to,
                report=display_path(report_path) if report_path is not None else None,
            )
        )
        if stability is not None:
            ctx.stdout.write(render_stability(stability, style))
    ctx.stdout.flush()
    if display.json is not None:
        document = results_document(judged.record, judged.summary, results, stability, judged.baseline_samples)
        data = json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False).encode() + b"\n"
        write_bytes_atomic(display.json, data)
