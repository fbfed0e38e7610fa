"""``critbench report``: the HTML report (or the Markdown targets tables) rebuilt from the stored last run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from critbench.cli._context import Context, display_path
from critbench.cli._run import load_history, stored_result
from critbench.errors import UsageError
from critbench.storage import LAST_RUN, PREVIOUS_RUN, BaselineStore, check_baseline_name


def report_command(ctx: Context, options: dict[str, Any]) -> int:
    from critbench.compare import evaluate, prepare_report
    from critbench.report import render_html_report, render_markdown
    from critbench.storage import write_bytes_atomic, write_folder_atomic

    store = BaselineStore(ctx.output_root)
    source = check_baseline_name(options["baseline"]) if options.get("baseline") else LAST_RUN
    if source == LAST_RUN and not store.exists(LAST_RUN):
        raise UsageError(f"no run to report on in {display_path(ctx.output_root)}: run `critbench run` first")
    last = store.load(source)
    name = last.run.compared_with
    base = None
    if name == LAST_RUN and source == LAST_RUN:
        # A plain run was compared with the run before it, which is kept as .previous once replaced.
        base = store.load(PREVIOUS_RUN) if store.exists(PREVIOUS_RUN) else None
        name = LAST_RUN
    elif name and name != source and store.exists(name):
        base = store.load(name)
    base_samples = {key: item.samples for key, item in base.benchmarks.items()} if base is not None else None
    results = evaluate(
        [stored_result(item) for item in last.benchmarks.values()],
        base_samples,
        name if base is not None else None,
        load_history(ctx),
    )
    markdown = options.get("markdown")
    data = prepare_report(
        last.run,
        results,
        baseline_name=name if base is not None else None,
        baseline_samples=base_samples,
        history=load_history(ctx, limit=30 if not markdown else 1000),
        figures=not markdown,
    )
    if markdown:
        path = Path(markdown)
        write_bytes_atomic(path, render_markdown(data).encode())
        ctx.stdout.write(f"Markdown report written to {display_path(path.resolve())}\n")
        return 0
    folder = ctx.output_root / "report"
    write_folder_atomic(folder, render_html_report(data))
    ctx.stdout.write(f"HTML report: {display_path(folder / 'index.html')}\n")
    return 0
