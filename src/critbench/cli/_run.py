"""``critbench run``: measure, analyse, compare, report, save — wiring the layers together."""

from __future__ import annotations

import dataclasses
import datetime
import json
import re
import shlex
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from critbench import __version__
from critbench.cli._args import UsageError
from critbench.cli._context import Context, display_path, output_format, style_for
from critbench.discovery import select_targets
from critbench.model import (
    BenchmarkResult,
    Environment,
    HistoryPoint,
    RunRecord,
    RunSummary,
    Samples,
    Settings,
    SettingsLayer,
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


def _check_filter(options: dict[str, Any]) -> tuple[str | None, bool]:
    pattern = options.get("filter")
    exact = bool(options.get("exact"))
    if pattern is not None and not exact:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise UsageError(f"invalid FILTER regex {pattern!r}: {exc}") from None
    return pattern, exact


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
    from critbench.report import ProgressReporter

    targets = select_targets(ctx.workspace, options.get("package") or [], options.get("target"))
    if not targets:
        raise UsageError(f"no bench targets found in {ctx.workspace.root} (looked for <package>/benches/*.py)")
    pattern, exact = _check_filter(options)
    progress = ProgressReporter(
        ctx.stderr,
        overwrite=ctx.stderr.isatty() and options.get("color") != "never",
        verbose=verbose,
        style=style_for(options.get("color"), ctx.stderr),
    )
    try:
        return run_suite(targets, settings, Selection(pattern, exact), progress)
    finally:
        progress.finish()


def _environment_warning(env: Environment, baseline_env: Environment, name: str) -> str | None:
    diffs = env.differences(baseline_env)
    if not diffs:
        return None
    return (
        f"Warning: the baseline '{name}' was measured in a different environment ({'; '.join(diffs)}); "
        "differences may come from the machine, not the code."
    )


def _display_name(name: str | None) -> str | None:
    return "the previous run" if name == LAST_RUN else name


def _record_history(ctx: Context, record: RunRecord, results: list[BenchmarkResult]) -> None:
    """Add the run to the history database; a store that cannot be reached is a warning, never a failed gate."""
    from critbench.storage import HistoryStore, StorageError

    try:
        with HistoryStore.open(ctx.store_url) as history:
            history.record_run(record, results)
    except StorageError as exc:
        ctx.stderr.write(f"Warning: this run was not recorded in the history: {exc}\n")


def _load_history(ctx: Context) -> dict[str, list[HistoryPoint]]:
    """Every benchmark's stored series (the last 50 runs), for the noise floor; empty when there is none."""
    from critbench.storage import HistoryStore, StorageError

    if not HistoryStore.exists(ctx.store_url):
        return {}
    try:
        with HistoryStore.open(ctx.store_url) as history:
            return history.all_series(limit_per_benchmark=50)
    except StorageError as exc:
        ctx.stderr.write(f"Warning: the history could not be read, so the default noise floor is used: {exc}\n")
        return {}


def publish(
    ctx: Context,
    options: dict[str, Any],
    record: RunRecord,
    results: list[BenchmarkResult],
    summary: RunSummary,
    *,
    compared_with: str | None,
    saved_to: str | None,
) -> None:
    """Print the results and the summary, and write the ``--json`` file when asked."""
    from critbench.report import render_result, render_summary, results_document
    from critbench.storage import write_bytes_atomic

    out_format = output_format(options)
    style = style_for(options.get("color"), ctx.stdout)
    for result in results:
        ctx.stdout.write(render_result(result, out_format, style))
    if out_format.value != "bencher":
        ctx.stdout.write(
            render_summary(summary, results, style, compared_with=_display_name(compared_with), saved_to=saved_to)
        )
    ctx.stdout.flush()
    if options.get("json"):
        document = results_document(record, summary, results)
        write_bytes_atomic(
            Path(options["json"]), json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False).encode() + b"\n"
        )


def parse_gates(ctx: Context, options: dict[str, Any]) -> Any:
    from critbench.compare import parse_fail_on

    try:
        return parse_fail_on(options.get("fail_on") or ctx.workspace.config.fail_on or "regression")
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def run_command(ctx: Context, options: dict[str, Any], argv: Iterable[str]) -> int:
    from critbench.compare import EXIT_OK, EXIT_USAGE, evaluate, exit_status
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
    gates = parse_gates(ctx, options)
    settings = Settings().apply(ctx.workspace.config.settings).apply(cli_settings_layer(options))
    started = _now()
    environment = capture_environment(ctx.workspace.root, __version__)

    baseline = store.load(plan.compare_with) if plan.compare_with is not None else None
    if plan.load is not None:
        loaded = store.load(plan.load)
        results = [
            BenchmarkResult(info=item.info, samples=item.samples, analysis=item.analysis)
            for item in loaded.benchmarks.values()
        ]
        pattern, exact = _check_filter(options)
        if pattern is not None:
            results = [
                r
                for r in results
                if (r.id.full_id == pattern if exact else re.search(pattern, r.id.full_id) is not None)
            ]
        environment = loaded.run.environment
    else:
        results = _measure(ctx, options, settings, output_format(options).value == "verbose")
    if not results:
        ctx.stderr.write("critbench: no benchmarks matched\n")
        return EXIT_USAGE

    baseline_samples = _samples_of(baseline.benchmarks) if baseline is not None else None
    history = _load_history(ctx) if baseline is not None else {}
    results = evaluate(results, baseline_samples, _display_name(plan.compare_with), history)
    summary = RunSummary.of(results)
    finished = _now()

    if baseline is not None:
        warning = _environment_warning(environment, baseline.run.environment, _display_name(plan.compare_with) or "")
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

    record = RunRecord(
        started_at=started,
        finished_at=finished,
        environment=environment,
        command=shlex.join(["critbench", *argv]),
        saved_as=plan.save_as,
        compared_with=plan.compare_with,
        settings=to_data(settings),
    )
    measured = [StoredBenchmark(r.info, r.samples, r.analysis) for r in results if r.samples is not None and r.analysis]
    saved_to = None
    if plan.load is None and measured:
        if plan.save_last:
            store.save(LAST_RUN, record, measured)
        if plan.save_as is not None:
            store.save(plan.save_as, record, measured)
            saved_to = f"baseline '{plan.save_as}' in {display_path(ctx.output_root / plan.save_as)}"
        elif plan.save_last:
            saved_to = display_path(ctx.output_root)

    if plan.load is None:
        _record_history(ctx, record, results)
    publish(ctx, options, record, results, summary, compared_with=plan.compare_with, saved_to=saved_to)
    return exit_status(summary, gates, gate_changes=plan.gate_changes)
