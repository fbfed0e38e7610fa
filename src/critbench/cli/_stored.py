"""``critbench compare`` and ``critbench baselines``: working with stored runs, measuring nothing."""

from __future__ import annotations

import re
from typing import Any

from critbench.cli._context import Context, display_path
from critbench.cli._run import parse_gates, publish, stored_result
from critbench.errors import UsageError
from critbench.model import RunRecord, RunSummary
from critbench.storage import LAST_RUN, BaselineStore, check_baseline_name


def compare_command(ctx: Context, options: dict[str, Any]) -> int:
    """Compare NEW (default: the last run) with BASE, as ``--load-baseline NEW --baseline BASE`` would."""
    from critbench.compare import evaluate, exit_status

    store = BaselineStore(ctx.output_root)
    base_name = check_baseline_name(options["base"])
    new_name = check_baseline_name(options["new"]) if options.get("new") else LAST_RUN
    gates = parse_gates(ctx, options)
    base = store.load(base_name)
    new = store.load(new_name)
    results = [stored_result(item) for item in new.benchmarks.values()]
    pattern = options.get("filter")
    if pattern is not None:
        try:
            results = [r for r in results if re.search(pattern, r.id.full_id)]
        except re.error as exc:
            raise UsageError(f"invalid FILTER regex {pattern!r}: {exc}") from None
    if not results:
        raise UsageError(f"baseline '{new_name}' has no benchmarks" + (" matching the filter" if pattern else ""))
    results = evaluate(results, {k: v.samples for k, v in base.benchmarks.items()}, base_name)
    diffs = new.run.environment.differences(base.run.environment)
    if diffs:
        ctx.stderr.write(
            f"Warning: '{base_name}' and '{new_name}' were measured in different environments ({'; '.join(diffs)})\n"
        )
    summary = RunSummary.of(results)
    record = RunRecord(
        started_at=new.run.started_at,
        finished_at=new.run.finished_at,
        environment=new.run.environment,
        command=f"critbench compare {base_name} {new_name}",
        compared_with=base_name,
        settings=new.run.settings,
    )
    publish(ctx, options, record, results, summary, compared_with=base_name, saved_to=None)
    return exit_status(summary, gates, gate_changes=True)


def baselines_command(ctx: Context, options: dict[str, Any]) -> int:
    from critbench.report._format import time

    store = BaselineStore(ctx.output_root)
    action = options.get("action") or "list"
    out = ctx.stdout
    if action == "list":
        names = store.names()
        if not names:
            out.write(f"No saved baselines in {display_path(ctx.output_root)} (save one with --save-baseline NAME)\n")
            return 0
        out.write(f"Saved baselines in {display_path(ctx.output_root)}:\n")
        for name in names:
            stored = store.load(name)
            env = stored.run.environment
            commit = (env.git_commit or "")[:10] + (" (dirty)" if env.git_dirty else "")
            out.write(
                f"  {name:<24} {stored.run.finished_at}  {len(stored.benchmarks):>4} benchmarks  {commit}\n".rstrip()
                + "\n"
            )
        return 0
    name = check_baseline_name(options["name"])
    if action == "delete":
        store.delete(name)
        out.write(f"Deleted baseline '{name}'\n")
        return 0
    stored = store.load(name)
    run = stored.run
    env = run.environment
    out.write(f"Baseline '{name}' — saved {run.finished_at} by: {run.command}\n")
    out.write(f"  Python {env.python} on {env.platform} ({env.machine}), {env.cpu_model}, {env.cpu_count} CPUs\n")
    if env.git_commit:
        out.write(f"  git {env.git_commit[:12]} on {env.git_branch}{' (dirty)' if env.git_dirty else ''}\n")
    for full_id, item in sorted(stored.benchmarks.items()):
        typical = item.analysis.estimates.typical
        out.write(f"  {full_id:<48} {time(typical.point)}  [{time(typical.lower)} {time(typical.upper)}]\n")
    return 0
