"""``critbench compare`` and ``critbench baselines``: working with stored runs, measuring nothing."""

from __future__ import annotations

from collections import Counter

from critbench.cli._columns import table
from critbench.cli._context import Context, display_path
from critbench.cli._measure import mismatch, unit_of
from critbench.cli._options import BaselinesOptions, CompareOptions
from critbench.cli._pipeline import Judged, gates, publish, warn
from critbench.errors import UsageError
from critbench.model import RunRecord
from critbench.storage import LAST_RUN, BaselineNotFound, BaselineStore, check_baseline_name


def compare_command(ctx: Context, options: CompareOptions) -> int:
    """Compare NEW (default: the last run) with BASE, as ``--load-baseline NEW --baseline BASE`` would."""
    from critbench.compare import environment_caution, evaluate, exit_status, machine_speed_between

    store = BaselineStore(ctx.output_root)
    base_name = check_baseline_name(options.base)
    new_name = check_baseline_name(options.new) if options.new else LAST_RUN
    gate_set = gates(ctx, options.display.fail_on)
    base = store.load(base_name)
    new = store.load(new_name)
    if unit_of(base) != unit_of(new):
        what = f"baseline '{new_name}'" if new_name != LAST_RUN else "the last run"
        raise UsageError(mismatch(base_name, unit_of(base), unit_of(new), what=what))
    results = [r for r in new.results() if options.filter.matches(r.id.full_id)]
    if not results:
        matching = " matching the filter" if options.filter.pattern is not None else ""
        raise UsageError(f"baseline '{new_name}' has no benchmarks{matching}")
    base_samples = base.samples_for(results)
    record = RunRecord(
        started_at=new.run.started_at,
        finished_at=new.run.finished_at,
        environment=new.run.environment,
        command=f"critbench compare {base_name} {new_name}",
        compared_with=base_name,
        settings=new.run.settings,
    )
    judged = Judged(record, evaluate(results, base_samples, base_name), base_name, base_samples)
    cautions = [
        environment_caution(new.run.environment, base.run.environment, base_name, new_name),
        machine_speed_between(judged.results, base_samples, base_name, new.run, base.run),
    ]
    warn(ctx, options.display, [caution for caution in cautions if caution is not None])
    publish(ctx, options.display, judged)
    return exit_status(judged.summary, gate_set, gate_changes=True)


def baselines_command(ctx: Context, options: BaselinesOptions) -> int:
    from critbench.report._format import measured, printable

    store = BaselineStore(ctx.output_root)
    action = options.action
    out = ctx.stdout
    if action == "list":
        listed = store.listing()
        if not listed:
            out.write(f"No saved baselines in {display_path(ctx.output_root)} (save one with --save-baseline NAME)\n")
            return 0
        out.write(f"Saved baselines in {display_path(ctx.output_root)}:\n")
        width = max(len(item.name) for item in listed)
        for name, stored, problem in ((item.name, item.baseline, item.problem) for item in listed):
            if stored is None:
                out.write(f"  {name:<{width}} cannot be read: {problem}\n")
                continue
            env = stored.run.environment
            commit = (env.git_commit or "")[:10] + (" (dirty)" if env.git_dirty else "")
            out.write(
                f"  {name:<{width}} {stored.run.finished_at}  {len(stored.benchmarks):>4} benchmarks  {commit}\n".rstrip()
                + "\n"
            )
        return 0
    assert options.name is not None
    name = check_baseline_name(options.name)
    try:
        if action == "delete":
            tidied = store.delete(name)
            out.write(f"Deleted baseline '{name}'\n")
            if (message := tidied.message()) is not None:
                ctx.stderr.write(message + "\n")
            return 0
        stored = store.load(name)
    except BaselineNotFound as missing:
        raise BaselineNotFound(name, missing.available, wanted_to=action) from None
    run = stored.run
    env = run.environment
    out.write(f"Baseline '{name}' — saved {run.finished_at} by: {run.command}\n")
    out.write(f"  Python {env.python} on {env.platform} ({env.machine}), {env.cpu_model}, {env.cpu_count} CPUs\n")
    if env.git_commit:
        out.write(f"  git {env.git_commit[:12]} on {env.git_branch}{' (dirty)' if env.git_dirty else ''}\n")
    unit = unit_of(stored)
    out.write(f"  measured: {'instructions per iteration' if unit == 'instructions' else 'wall time'}\n")
    ids = Counter(item.info.id.full_id for item in stored.benchmarks)
    rows = []
    for item in stored.benchmarks:
        full_id = item.info.id.full_id
        label = f"{full_id} ({item.info.package})" if ids[full_id] > 1 else full_id
        typical = item.analysis.estimates.typical
        unit = item.samples.unit
        point, lower, upper = (measured(value, unit) for value in (typical.point, typical.lower, typical.upper))
        rows.append([printable(label), point, f"[{lower} {upper}]"])
    if rows:
        out.write("\n".join(table(["benchmark", "typical", "[lower upper]"], rows, right=(1,))) + "\n")
    return 0
