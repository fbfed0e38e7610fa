"""``critbench report``: the HTML report (or the Markdown targets tables) rebuilt from a stored run."""

from __future__ import annotations

from critbench.cli._context import Context, display_path
from critbench.cli._options import ReportOptions
from critbench.cli._pipeline import HISTORY_RUNS, open_history, warn
from critbench.errors import UsageError
from critbench.storage import LAST_RUN, PREVIOUS_RUN, BaselineStore, StoredBaseline, check_baseline_name

MARKDOWN_HISTORY_RUNS = 1000
"""Runs the Markdown stability table is computed over (it draws no charts, so it can afford them all)."""


def _compared_run(store: BaselineStore, source: str, last: StoredBaseline) -> tuple[str | None, StoredBaseline | None]:
    """The key and contents of the run ``last`` was compared with, where it is still stored."""
    key = last.run.compared_with
    if key == LAST_RUN and source == LAST_RUN:
        # A plain run was compared with the run before it, which is kept as .previous once replaced.
        return (key, store.load(PREVIOUS_RUN)) if store.exists(PREVIOUS_RUN) else (None, None)
    if key and key != source and store.exists(key):
        return key, store.load(key)
    return None, None


def report_command(ctx: Context, options: ReportOptions) -> int:
    from critbench.compare import evaluate, prepare_report
    from critbench.report import render_html_report, render_markdown
    from critbench.storage import write_bytes_atomic, write_folder_atomic

    store = BaselineStore(ctx.output_root)
    source = check_baseline_name(options.baseline) if options.baseline else LAST_RUN
    if source == LAST_RUN and not store.exists(LAST_RUN):
        raise UsageError(f"no run to report on in {display_path(ctx.output_root)}: run `critbench run` first")
    last = store.load(source)
    key, base = _compared_run(store, source, last)
    with open_history(ctx) as history:
        series = history.series(MARKDOWN_HISTORY_RUNS if options.markdown is not None else HISTORY_RUNS)
        # A baseline keeps what earlier runs saved; the report is of what this run measured.
        chosen = last.results(measured_last_only=True)
        base_samples = base.samples_for(chosen) if base is not None else None
        evaluation = evaluate(chosen, base_samples, key, history.series())
        data = prepare_report(
            last.run,
            evaluation.results,
            baseline_name=key,
            baseline_samples=base_samples,
            change_draws=evaluation.change_draws,
            history=series,
            figures=options.markdown is None,
        )
        warn_about = list(history.cautions)
    if warn_about:
        from critbench.cli._options import Display

        warn(ctx, Display(), warn_about)
    if options.markdown is not None:
        write_bytes_atomic(options.markdown, render_markdown(data).encode())
        ctx.stdout.write(f"Markdown report written to {display_path(options.markdown.resolve())}\n")
        return 0
    write_folder_atomic(ctx.layout.report, render_html_report(data))
    ctx.stdout.write(f"HTML report: {display_path(ctx.layout.report_index)}\n")
    return 0
