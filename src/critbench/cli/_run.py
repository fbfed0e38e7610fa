"""``critbench run``: measure (``--repeat N`` times), judge against the baseline, save, report.

With ``--repeat N`` each run is measured and judged the same way and recorded in the history; the last one
is printed, saved, gated and written to ``--json``, followed by the stability table across the N runs. A
benchmark that failed in any of the runs makes the exit status 3, as it would in a single run.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass

from critbench import __version__
from critbench.cli._context import Context, display_path, measuring
from critbench.cli._measure import check_counted_targets, check_counting, pinned_iterations, reconcile, unit_of
from critbench.cli._options import ListOptions, RunOptions
from critbench.cli._pipeline import (
    BaselinePlan,
    Judged,
    baseline_plan,
    gates,
    now,
    open_history,
    preflight,
    publish,
    rescue,
    warn,
    write_reports,
)
from critbench.discovery import select_targets
from critbench.errors import EXIT_FAILED, EXIT_OK, NothingMatched, StorageError, UsageError
from critbench.model import (
    BenchmarkResult,
    BenchTarget,
    Caution,
    CautionKind,
    Diagnostics,
    Environment,
    Measure,
    RunRecord,
    Settings,
    SettingsLayer,
    measure_defaults,
    to_data,
)
from critbench.storage import LAST_RUN, BaselineStore, Tidied, stored_benchmarks


@dataclass(frozen=True)
class _Measured:
    """One measurement of the suite (or a loaded baseline) and the machine's noise around it."""

    started_at: str
    results: list[BenchmarkResult]
    environment: Environment
    diagnostics_start: Diagnostics | None = None
    diagnostics_end: Diagnostics | None = None


def run_settings(ctx: Context, layer: SettingsLayer) -> Settings:
    """Defaults (those of the run's measurement), then ``[tool.critbench]``, then the command line (group and
    benchmark settings go on top)."""
    config = ctx.workspace.config.settings
    measure = layer.get("measure", config.get("measure", Measure.WALL))
    return Settings().apply(measure_defaults(measure)).apply(config).apply(layer)


def _measure(
    ctx: Context, options: RunOptions, settings: Settings, environment: Environment, pinned: dict[str, int] | None
) -> _Measured:
    from critbench.compare import precision_check, precision_not_reached, settled
    from critbench.engine import DiagnosticsProbe

    targets = _targets(ctx, options)
    started = now()
    probe = DiagnosticsProbe()
    start = probe.start()
    checked: list[BenchmarkResult] = []

    def more(results: list[BenchmarkResult]) -> set[str]:
        nonlocal checked
        checked, wanted = precision_check(results)
        return wanted

    with measuring(ctx, options.suite, settings) as engine:
        results = engine.run(
            targets,
            more=more if settings.precision is not None else None,
            max_extra_rounds=3 * settings.processes if settings.precision is not None else 0,
            iterations=pinned,
            settle=settled if settings.measure is Measure.WALL else None,
        )
    if settings.precision is not None:
        checked, unmet = precision_check(results)
        results = [precision_not_reached(r) if r.id.full_id in unmet else r for r in checked]
    return _Measured(started, results, environment, start, probe.end())


def _targets(ctx: Context, options: RunOptions) -> list[BenchTarget]:
    targets = select_targets(ctx.workspace, list(options.suite.scope.packages), options.suite.scope.target)
    if not targets:
        raise UsageError(f"no bench targets found in {ctx.workspace.root} (looked for <package>/benches/*.py)")
    return targets


def _load(store: BaselineStore, name: str, options: RunOptions) -> _Measured:
    """``--load-baseline NAME``: its stored results (those FILTER selects) as this run's, and its environment."""
    loaded = store.load(name)
    results = [r for r in loaded.results() if options.suite.scope.filter.matches(r.id.full_id)]
    return _Measured(now(), results, loaded.run.environment)


def _check(options: RunOptions, plan: BaselinePlan) -> None:
    if options.repeat > 1 and plan.load is not None:
        raise UsageError("--repeat measures the suite again and again; --load-baseline measures nothing")
    if options.repeat > 1 and options.interleave:
        raise UsageError("--repeat cannot be combined with --interleave, which measures both sides together once")
    if options.interleave and (not plan.strict or plan.compare_with is None):
        raise UsageError("--interleave needs --baseline NAME: it re-measures that baseline's commit")


def _failed_note(repetition: int, repeat: int, results: list[BenchmarkResult]) -> Caution | None:
    failed = [f"{r.id.full_id} ({r.failure.reason})" for r in results if r.failure is not None]
    if not failed:
        return None
    text = f"Warning: run {repetition} of {repeat}: {len(failed)} benchmark(s) failed: " + "; ".join(failed)
    return Caution(CautionKind.FAILED_REPETITION, text)


def run_command(ctx: Context, options: RunOptions, argv: Sequence[str]) -> int:
    from critbench.compare import (
        environment_caution,
        evaluate,
        exit_status,
        machine_speed_between,
        machine_warnings,
        missing_baseline_caution,
        side_by_side_hint,
        stability_table,
        stability_warnings,
        typicals_by_benchmark,
    )
    from critbench.engine import capture_environment

    if options.list_only:
        from critbench.cli._list import list_command

        return list_command(ctx, ListOptions(options.suite.scope, options.terse))
    if options.ignored:
        return EXIT_OK
    store = BaselineStore(ctx.output_root)
    plan = baseline_plan(options.baselines, store)
    _check(options, plan)
    settings = run_settings(ctx, options.suite.settings)
    if plan.load is None and settings.measure is Measure.INSTRUCTIONS:
        check_counted_targets(settings, _targets(ctx, options))
    check_counting(settings, interleave=options.interleave)
    preflight(ctx, options.suite.display)
    if options.interleave:
        from critbench.cli._ab import interleave_baseline

        assert plan.compare_with is not None
        return interleave_baseline(ctx, options, argv, plan.compare_with)
    display = options.suite.display
    gate_set = gates(ctx, display.fail_on)
    environment = capture_environment(ctx.workspace.root, __version__)
    baseline = store.load(plan.compare_with) if plan.compare_with is not None else None
    unit = unit_of(store.load(plan.load)) if plan.load is not None else settings.measure.unit
    plan, baseline, measure_note = reconcile(plan, baseline, unit)
    counted = unit == Measure.INSTRUCTIONS.unit
    pinned = (
        pinned_iterations({item.info.id.full_id: item.samples for item in baseline.benchmarks}) if baseline else None
    )

    with open_history(ctx) as history:
        runs: list[list[BenchmarkResult]] = []
        failed_before = False
        for repetition in range(1, options.repeat + 1):
            if options.repeat > 1:
                ctx.stderr.write(f"Run {repetition} of {options.repeat}\n")
            measured = (
                _load(store, plan.load, options) if plan.load else _measure(ctx, options, settings, environment, pinned)
            )
            if not measured.results:
                raise NothingMatched("no benchmarks matched")
            baseline_samples = baseline.samples_for(measured.results) if baseline else None
            evaluation = evaluate(
                measured.results, baseline_samples, plan.compare_with, history.series() if baseline else {}
            )
            record = RunRecord(
                started_at=measured.started_at,
                finished_at=now(),
                environment=measured.environment,
                command=shlex.join(["critbench", *argv]),
                saved_as=plan.save_as if repetition == options.repeat else None,
                compared_with=plan.compare_with,
                settings=to_data(settings),
                diagnostics_start=measured.diagnostics_start,
                diagnostics_end=measured.diagnostics_end,
                measured=tuple(r.id.full_id for r in measured.results),
            )
            judged = Judged(record, evaluation, plan.compare_with, baseline_samples)
            runs.append(judged.results)
            if repetition < options.repeat:
                # An earlier run of --repeat: in the history and the stability table, not printed, saved or gated.
                history.record(record, judged.results)
                note = _failed_note(repetition, options.repeat, judged.results)
                failed_before = failed_before or note is not None
                warn(
                    ctx, display, [*machine_warnings(record.diagnostics_start, record.diagnostics_end, counted=counted)]
                )
                if note is not None:
                    warn(ctx, display, [note])

        cautions: list[Caution | None] = [measure_note]
        machine = machine_warnings(judged.record.diagnostics_start, judged.record.diagnostics_end, counted=counted)
        if baseline is not None and plan.compare_with is not None:
            cautions.append(environment_caution(judged.record.environment, baseline.run.environment, plan.compare_with))
            if plan.strict:
                cautions.append(
                    missing_baseline_caution(judged.results, set(baseline_samples or ()), plan.compare_with)
                )
            cautions.append(side_by_side_hint(judged.results, plan.compare_with, baseline.run.environment.git_commit))
            cautions.append(
                machine_speed_between(judged.results, baseline_samples, plan.compare_with, judged.record, baseline.run)
            )
        units = {r.id.full_id: r.unit for r in judged.results}
        stability = stability_table(typicals_by_benchmark(runs), units) if options.repeat > 1 else None
        try:
            saved_to = _save(ctx, store, plan, judged)
            report_path = None
            if plan.load is None:
                run_id = history.record(judged.record, judged.results)
                series = history.series() if baseline else {}
                report_path = write_reports(ctx, display, judged, series, run_id)
            cautions += machine
            cautions += [*stability_warnings(stability or ()), *history.cautions]
            warn(ctx, display, [c for c in cautions if c is not None])
            publish(ctx, display, judged, saved_to=saved_to, report_path=report_path, stability=stability)
        except BrokenPipeError:
            raise
        except (StorageError, OSError) as exc:
            raise rescue(judged, exc) from exc
    status = exit_status(judged.summary, gate_set, gate_changes=plan.gate_changes)
    return EXIT_FAILED if failed_before else status


def _save(ctx: Context, store: BaselineStore, plan: BaselinePlan, judged: Judged) -> str | None:
    """Save the measured results as the last run and, if asked, as a named baseline; where they went."""
    if plan.load is not None:
        return None
    measured = stored_benchmarks(judged.results)
    if not measured:
        return None
    tidied = Tidied()
    if plan.save_last:
        last = f"the results as the last run ({display_path(ctx.layout.baseline(LAST_RUN))})"
        tidied = store.save(LAST_RUN, judged.record, measured, landed=lambda: ctx.journal.note(last))
    if plan.save_as is not None:
        named = f"baseline '{plan.save_as}'"
        tidied = tidied.plus(store.save(plan.save_as, judged.record, measured, landed=lambda: ctx.journal.note(named)))
    if (message := tidied.message()) is not None:
        ctx.stderr.write(message + "\n")
    if plan.save_as is not None:
        return f"baseline '{plan.save_as}' in {display_path(ctx.layout.baseline(plan.save_as))}"
    return display_path(ctx.output_root) if plan.save_last else None
