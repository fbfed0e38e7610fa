"""``critbench run``: measure, analyse, compare, report, save — wiring the layers together."""

from __future__ import annotations

import dataclasses
import datetime
import json
import os
import re
import shlex
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from critbench import __version__
from critbench.cli._context import Context, display_path, output_format, progress_reporter, style_for
from critbench.discovery import select_targets
from critbench.errors import EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError
from critbench.model import (
    BenchmarkResult,
    Caution,
    CautionKind,
    ComparisonUnit,
    Diagnostics,
    Environment,
    HistoryPoint,
    RunRecord,
    RunSummary,
    Samples,
    Settings,
    SettingsLayer,
    Stability,
    Verdict,
    describe_baseline,
    settings_layer,
    to_data,
)
from critbench.storage import LAST_RUN, BaselineNotFound, BaselineStore, StoredBenchmark, check_baseline_name

_CLI_SETTINGS = {
    "sample_size": "sample_size",
    "warm_up_time": "warm_up_time",
    "measurement_time": "measurement_time",
    "nresamples": "nresamples",
    "noise_threshold": "noise_threshold",
    "significance_level": "significance_level",
    "confidence_level": "confidence_level",
    "quick": "quick",
    "timeout": "timeout",
    "seed": "seed",
    "processes": "processes",
    "precision": "precision",
}


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


def cli_settings_layer(options: dict[str, Any]) -> SettingsLayer:
    values = {key: options[opt] for opt, key in _CLI_SETTINGS.items() if options.get(opt) is not None}
    if values.get("quick") is False:
        del values["quick"]
    try:
        return settings_layer(values, source="command line")
    except ValueError as exc:
        raise UsageError(str(exc)) from None


@dataclasses.dataclass(frozen=True)
class BaselinePlan:
    """Which stored run to compare with, and where to save this one, from Criterion's flags."""

    compare_with: str | None
    strict: bool
    save_as: str | None
    save_last: bool
    load: str | None
    gate_changes: bool


def baseline_plan(options: dict[str, Any], store: BaselineStore) -> BaselinePlan:
    """Check every baseline name and existence before anything is measured (exit 2 on a problem)."""
    for flag in ("save_baseline", "baseline", "baseline_lenient", "load_baseline"):
        if options.get(flag) is not None:
            check_baseline_name(options[flag])
    save_as = options.get("save_baseline")
    strict = options.get("baseline")
    lenient = options.get("baseline_lenient")
    load = options.get("load_baseline")
    if sum(x is not None for x in (strict, lenient)) > 1:
        raise UsageError("--baseline and --baseline-lenient cannot be used together")
    if load is not None and strict is None:
        raise UsageError("--load-baseline needs --baseline NAME to compare it with")
    if strict is not None and not store.exists(strict):
        raise BaselineNotFound(strict, store.names())
    if load is not None and not store.exists(load):
        raise BaselineNotFound(load, store.names())
    discard = bool(options.get("discard_baseline"))
    if strict is not None:
        return BaselinePlan(strict, True, save_as, not discard and load is None, load, gate_changes=True)
    if lenient is not None:
        return BaselinePlan(lenient, False, save_as, not discard, None, gate_changes=True)
    if save_as is not None:
        compare = save_as if store.exists(save_as) else None
        return BaselinePlan(compare, False, save_as, not discard, None, gate_changes=False)
    compare = LAST_RUN if store.exists(LAST_RUN) else None
    return BaselinePlan(compare, False, None, not discard, None, gate_changes=False)


def merge_harness(own: dict[str, Any], harness: dict[str, Any]) -> dict[str, Any]:
    """Options given after ``--`` win over the same options given before it."""
    merged = dict(own)
    merged.update(harness)
    return merged


def check_filter(options: dict[str, Any]) -> tuple[str | None, bool]:
    pattern = options.get("filter")
    exact = bool(options.get("exact"))
    if pattern is not None and not exact:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise UsageError(f"invalid FILTER regex {pattern!r}: {exc}") from None
    return pattern, exact


def stored_result(item: StoredBenchmark) -> BenchmarkResult:
    """A stored benchmark as a result to evaluate again (comparison and targets are recomputed)."""
    return BenchmarkResult(info=item.info, samples=item.samples, analysis=item.analysis, memory=item.memory)


def _samples_of(stored: dict[str, StoredBenchmark]) -> dict[str, Samples]:
    return {key: item.samples for key, item in stored.items()}


class _Observers:
    """Fans the engine's lifecycle events out to several observers."""

    def __init__(self, *observers: Any) -> None:
        self._observers = observers

    def __getattr__(self, name: str) -> Any:
        def call(*args: Any) -> None:
            for observer in self._observers:
                getattr(observer, name)(*args)

        return call


def _measure(ctx: Context, options: dict[str, Any], settings: Settings, verbose: bool) -> list[BenchmarkResult]:
    from critbench.engine import Selection, run_suite

    targets = select_targets(ctx.workspace, options.get("package") or [], options.get("target"))
    if not targets:
        raise UsageError(f"no bench targets found in {ctx.workspace.root} (looked for <package>/benches/*.py)")
    pattern, exact = check_filter(options)
    progress = progress_reporter(ctx, options, verbose=verbose)
    try:
        results = run_suite(
            targets,
            settings,
            Selection(pattern, exact),
            progress,
            more=_imprecise,
            max_extra_rounds=3 * settings.processes if settings.precision is not None else 0,
            fake_clock=ctx.fake_clock,
        )
    finally:
        progress.finish()
    if settings.precision is None:
        return results
    unmet = _imprecise(results)
    return [
        dataclasses.replace(
            r,
            warnings=(
                *r.warnings,
                Caution(
                    CautionKind.PRECISION,
                    f"Warning: the precision asked for (±{100 * (r.info.settings.precision or 0):g}%) was not "
                    "reached within four times the measurement time; the interval shown is what was reached.",
                ),
            ),
        )
        if r.id.full_id in unmet
        else r
        for r in results
    ]


def _imprecise(results: list[BenchmarkResult]) -> set[str]:
    """``--precision``: the benchmarks whose typical time's CI half-width is still wider than asked."""
    from critbench.compare import analyze

    wanted = set()
    for result in results:
        precision = result.info.settings.precision
        if result.failure is not None or result.samples is None or precision is None:
            continue
        settings = result.info.settings
        typical = analyze(result.samples, 10_000, settings.confidence_level, settings.seed, result.id.full_id)
        typical_estimate = typical.estimates.typical
        if (typical_estimate.upper - typical_estimate.lower) / 2 > precision * typical_estimate.point:
            wanted.add(result.id.full_id)
    return wanted


@dataclasses.dataclass(frozen=True)
class _Measured:
    """One measurement of the suite and the machine's noise around it."""

    started_at: str
    results: list[BenchmarkResult]
    diagnostics_start: Diagnostics | None = None
    diagnostics_end: Diagnostics | None = None


def _measure_with_diagnostics(ctx: Context, options: dict[str, Any], settings: Settings) -> _Measured:
    from critbench.engine import DiagnosticsProbe

    started = _now()
    probe = DiagnosticsProbe()
    start = probe.start()
    results = _measure(ctx, options, settings, output_format(options).value == "verbose")
    return _Measured(started, results, start, probe.end())


def _load_measured(
    store: BaselineStore, name: str, options: dict[str, Any], started: str
) -> tuple[_Measured, Environment]:
    """``--load-baseline NAME``: its stored samples (those FILTER selects) as this run's, and its environment."""
    loaded = store.load(name)
    results = [stored_result(item) for item in loaded.benchmarks.values()]
    pattern, exact = check_filter(options)
    if pattern is not None:
        results = [
            r for r in results if (r.id.full_id == pattern if exact else re.search(pattern, r.id.full_id) is not None)
        ]
    return _Measured(started, results), loaded.run.environment


def _write_warnings(ctx: Context, options: dict[str, Any], warnings: Sequence[Caution]) -> None:
    from critbench.report import render_warnings

    ctx.stderr.write(render_warnings(warnings, style_for(options.get("color"), ctx.stderr)))


def _failed_note(repetition: int, repeat: int, results: list[BenchmarkResult]) -> Caution | None:
    failed = [f"{r.id.full_id} ({r.failure.reason})" for r in results if r.failure is not None]
    if not failed:
        return None
    text = f"Warning: run {repetition} of {repeat}: {len(failed)} benchmark(s) failed: " + "; ".join(failed)
    return Caution(CautionKind.FAILED_REPETITION, text)


def _environment_warning(env: Environment, baseline_env: Environment, name: str) -> str | None:
    diffs = env.differences(baseline_env)
    if not diffs:
        return None
    return (
        f"Warning: the baseline '{name}' was measured in a different environment ({'; '.join(diffs)}); "
        "differences may come from the machine, not the code."
    )


def record_history(ctx: Context, record: RunRecord, results: list[BenchmarkResult]) -> None:
    """Add the run to the history database; a store that cannot be reached is a warning, never a failed gate."""
    from critbench.storage import HistoryStore, StorageError

    try:
        with HistoryStore.open(ctx.store_url) as history:
            history.record_run(record, results)
    except StorageError as exc:
        ctx.stderr.write(f"Warning: this run was not recorded in the history: {exc}\n")


def load_history(ctx: Context, limit: int = 50) -> dict[str, list[HistoryPoint]]:
    """Every benchmark's stored series (the last ``limit`` runs); empty when there is none."""
    from critbench.storage import HistoryStore, StorageError

    if not HistoryStore.exists(ctx.store_url):
        return {}
    try:
        with HistoryStore.open(ctx.store_url) as history:
            return history.all_series(limit_per_benchmark=limit)
    except StorageError as exc:
        ctx.stderr.write(f"Warning: the history could not be read, so the default noise floor is used: {exc}\n")
        return {}


def write_reports(
    ctx: Context,
    options: dict[str, Any],
    record: RunRecord,
    results: list[BenchmarkResult],
    *,
    baseline_name: str | None,
    baseline_samples: dict[str, Samples] | None,
) -> Path | None:
    """Regenerate ``ROOT/report/`` (unless ``--noplot``) and append to GitHub's job summary when it is set."""
    from critbench.compare import prepare_report
    from critbench.report import render_html_report, render_step_summary
    from critbench.storage import append_text, write_folder_atomic

    if options.get("noplot") and not os.environ.get("GITHUB_STEP_SUMMARY"):
        return None
    data = prepare_report(
        record,
        results,
        baseline_name=baseline_name,
        baseline_samples=baseline_samples,
        history=load_history(ctx, limit=30),
        figures=not options.get("noplot"),
    )
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary_file:
        append_text(Path(summary_file), render_step_summary(data))
    if options.get("noplot"):
        return None
    folder = ctx.output_root / "report"
    write_folder_atomic(folder, render_html_report(data))
    return folder / "index.html"


def publish(
    ctx: Context,
    options: dict[str, Any],
    record: RunRecord,
    results: list[BenchmarkResult],
    summary: RunSummary,
    *,
    compared_with: str | None,
    saved_to: str | None,
    report_path: Path | None = None,
    stability: Sequence[Stability] | None = None,
) -> None:
    """Print the results, the summary and (after ``--repeat``) the stability table; write ``--json`` if asked."""
    from critbench.report import render_result, render_stability, render_summary, results_document
    from critbench.storage import write_bytes_atomic

    out_format = output_format(options)
    style = style_for(options.get("color"), ctx.stdout)
    for result in results:
        ctx.stdout.write(render_result(result, out_format, style))
    if out_format.value != "bencher":
        ctx.stdout.write(
            render_summary(
                summary,
                results,
                style,
                compared_with=compared_with,
                saved_to=saved_to,
                report=display_path(report_path) if report_path is not None else None,
            )
        )
        if stability is not None:
            ctx.stdout.write(render_stability(stability, style))
    ctx.stdout.flush()
    if options.get("json"):
        document = results_document(record, summary, results, stability)
        write_bytes_atomic(
            Path(options["json"]), json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False).encode() + b"\n"
        )


SIDE_BY_SIDE_HINT_AT = 0.05
"""Suggest measuring side by side when a comparison found nothing but could not have seen a change this big."""


def side_by_side_hint(results: Sequence[BenchmarkResult], compared_with: str | None, commit: str | None) -> str | None:
    """Advice for when separate runs were too noisy to show a modest change, and the baseline's code can be
    re-measured (it recorded its commit): the command that measures both versions in alternation."""
    blind = [
        r.comparison.min_detectable_change
        for r in results
        if r.comparison is not None
        and r.comparison.unit is not ComparisonUnit.PAIR
        and r.comparison.min_detectable_change is not None
        and r.comparison.verdict in (Verdict.NO_CHANGE, Verdict.WITHIN_NOISE)
    ]
    if not blind or max(blind) < SIDE_BY_SIDE_HINT_AT or not commit or compared_with is None:
        return None
    command = (
        f"critbench ab {commit[:10]}"
        if compared_with == LAST_RUN
        else f"critbench run --baseline {compared_with} --interleave"
    )
    return (
        f"Note: between separate runs on this machine, changes smaller than {100 * max(blind):.0f}% could not be "
        f"told from noise. To see smaller ones, measure both versions side by side: {command}"
    )


def parse_gates(ctx: Context, options: dict[str, Any]) -> Any:
    from critbench.compare import parse_fail_on

    try:
        return parse_fail_on(options.get("fail_on") or ctx.workspace.config.fail_on or "regression")
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def run_command(ctx: Context, options: dict[str, Any], argv: Iterable[str]) -> int:
    """Measure (``--repeat N`` times), judge against the baseline, save, report; the exit status of the run.

    With ``--repeat N`` each run is measured and judged the same way and recorded in the history; the last
    one is printed, saved, gated and written to ``--json``, followed by the stability table across the N runs.
    A benchmark that failed in any of the runs makes the exit status 3, as it would in a single run.
    """
    from critbench.compare import (
        evaluate,
        exit_status,
        machine_warnings,
        run_stability,
        stability_warnings,
        typicals_by_benchmark,
        with_spread_warnings,
    )
    from critbench.engine import capture_environment

    if options.get("profile_time") is not None:
        raise UsageError("--profile-time is not supported; use a profiler (py-spy, cProfile) on the bench target")
    if options.get("list"):
        from critbench.cli._list import list_command

        return list_command(ctx, options, terse=options.get("format") == "terse")
    if options.get("ignored"):
        return EXIT_OK

    store = BaselineStore(ctx.output_root)
    plan = baseline_plan(options, store)
    repeat = int(options.get("repeat") or 1)
    if repeat > 1 and plan.load is not None:
        raise UsageError("--repeat measures the suite again and again; --load-baseline measures nothing")
    if repeat > 1 and options.get("interleave"):
        raise UsageError("--repeat cannot be combined with --interleave, which measures both sides together once")
    if options.get("interleave"):
        if not plan.strict or plan.compare_with is None:
            raise UsageError("--interleave needs --baseline NAME: it re-measures that baseline's commit")
        from critbench.cli._ab import interleave_baseline

        return interleave_baseline(ctx, options, argv, plan.compare_with)
    gates = parse_gates(ctx, options)
    settings = Settings().apply(ctx.workspace.config.settings).apply(cli_settings_layer(options))
    started = _now()
    environment = capture_environment(ctx.workspace.root, __version__)

    baseline = store.load(plan.compare_with) if plan.compare_with is not None else None
    baseline_samples = _samples_of(baseline.benchmarks) if baseline is not None else None
    history: dict[str, list[HistoryPoint]] | None = None
    runs: list[list[BenchmarkResult]] = []
    failed_before = False
    for repetition in range(1, repeat + 1):
        if plan.load is not None:
            measured_run, environment = _load_measured(store, plan.load, options, started)
        else:
            if repeat > 1:
                ctx.stderr.write(f"Run {repetition} of {repeat}\n")
            measured_run = _measure_with_diagnostics(ctx, options, settings)
        if not measured_run.results:
            ctx.stderr.write("critbench: no benchmarks matched\n")
            return EXIT_USAGE

        if history is None:
            history = load_history(ctx) if baseline is not None else {}
        results = evaluate(measured_run.results, baseline_samples, plan.compare_with, history)
        results = with_spread_warnings(results)
        runs.append(results)
        record = RunRecord(
            started_at=measured_run.started_at,
            finished_at=_now(),
            environment=environment,
            command=shlex.join(["critbench", *argv]),
            saved_as=plan.save_as if repetition == repeat else None,
            compared_with=plan.compare_with,
            settings=to_data(settings),
            diagnostics_start=measured_run.diagnostics_start,
            diagnostics_end=measured_run.diagnostics_end,
        )
        if repetition < repeat:
            # An earlier run of --repeat: in the history and the stability table, not printed, saved or gated.
            record_history(ctx, record, results)
            note = _failed_note(repetition, repeat, results)
            failed_before = failed_before or note is not None
            warnings = machine_warnings(record.diagnostics_start, record.diagnostics_end)
            _write_warnings(ctx, options, warnings if note is None else [*warnings, note])
    summary = RunSummary.of(results)

    if baseline is not None:
        warning = _environment_warning(
            environment, baseline.run.environment, describe_baseline(plan.compare_with or "")
        )
        if warning:
            ctx.stderr.write(warning + "\n")
        if plan.strict:
            missing = [r.id.full_id for r in results if r.ok and r.id.full_id not in baseline.benchmarks]
            if missing:
                ctx.stderr.write(
                    f"Warning: baseline '{plan.compare_with}' has no data for {len(missing)} benchmark(s): "
                    + ", ".join(missing[:5])
                    + ("…" if len(missing) > 5 else "")
                    + "\n"
                )
        hint = side_by_side_hint(results, plan.compare_with, baseline.run.environment.git_commit)
        if hint:
            ctx.stderr.write(hint + "\n")

    measured = [
        StoredBenchmark(r.info, r.samples, r.analysis, r.memory)
        for r in results
        if r.samples is not None and r.analysis
    ]
    saved_to = None
    if plan.load is None and measured:
        if plan.save_last:
            store.save(LAST_RUN, record, measured)
        if plan.save_as is not None:
            store.save(plan.save_as, record, measured)
            saved_to = f"baseline '{plan.save_as}' in {display_path(ctx.output_root / plan.save_as)}"
        elif plan.save_last:
            saved_to = display_path(ctx.output_root)

    report_path = None
    if plan.load is None:
        record_history(ctx, record, results)
        report_path = write_reports(
            ctx,
            options,
            record,
            results,
            baseline_name=plan.compare_with if baseline is not None else None,
            baseline_samples=baseline_samples,
        )
    stability = run_stability(typicals_by_benchmark(runs)) if repeat > 1 else None
    _write_warnings(
        ctx,
        options,
        [
            *machine_warnings(record.diagnostics_start, record.diagnostics_end),
            *stability_warnings(stability or ()),
        ],
    )
    publish(
        ctx,
        options,
        record,
        results,
        summary,
        compared_with=plan.compare_with,
        saved_to=saved_to,
        report_path=report_path,
        stability=stability,
    )
    status = exit_status(summary, gates, gate_changes=plan.gate_changes)
    return EXIT_FAILED if failed_before else status
