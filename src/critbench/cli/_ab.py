"""``critbench ab REV_A [REV_B]``: two revisions measured in alternation, in the same processes.

Also behind ``critbench run --baseline NAME --interleave``, which re-measures the baseline's own commit
side by side with the working tree instead of trusting numbers recorded at another time.
"""

from __future__ import annotations

import datetime
import shlex
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from critbench import __version__
from critbench.cli._context import Context, progress_reporter
from critbench.cli._run import (
    check_filter,
    cli_settings_layer,
    parse_gates,
    publish,
    record_history,
    write_reports,
)
from critbench.discovery import DiscoveryError, Workspace, load_workspace, select_targets
from critbench.errors import UsageError
from critbench.model import BenchTarget, RunRecord, RunSummary, Settings, to_data


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


def _pairs(
    workspace_a: Workspace, workspace_b: Workspace, packages: list[str], target: str | None, label_a: str
) -> list[tuple[BenchTarget, BenchTarget]]:
    from critbench.engine import RevisionError

    targets_b = select_targets(workspace_b, packages, target)
    if not targets_b:
        raise UsageError(f"no bench targets found in {workspace_b.root}")
    known_a = {(t.package, t.name): t for t in select_targets(workspace_a, [], None)}
    pairs = []
    for target_b in targets_b:
        target_a = known_a.get((target_b.package, target_b.name))
        if target_a is None:
            raise RevisionError(
                f"{label_a} has no bench target {target_b.name!r} in package {target_b.package!r} "
                f"(benches/{target_b.name}.py): nothing to compare it with; pick a later revision or use -p/TARGET"
            )
        pairs.append((target_a, target_b))
    return pairs


def _split_revision_and_target(ctx: Context, options: dict[str, Any]) -> tuple[str, str | None, str | None]:
    """``ab HEAD~1 kernel_performance`` means a target, not a second revision, when it names one."""
    from critbench.engine import RevisionError, repository_root, resolve_commit

    rev_a, rev_b, target = options["rev_a"], options.get("rev_b"), options.get("target")
    if rev_b is not None and target is None:
        names = {t.name for package in ctx.workspace.packages for t in package.targets}
        if rev_b in names:
            try:
                resolve_commit(repository_root(ctx.workspace.root), rev_b)
            except RevisionError:
                return rev_a, None, rev_b
    return rev_a, rev_b, target


def interleaved(
    ctx: Context,
    options: dict[str, Any],
    argv: Iterable[str],
    *,
    rev_a: str,
    rev_b: str | None,
    target: str | None,
    announce: str | None = None,
) -> int:
    """Measure ``rev_a`` and ``rev_b`` (default: the working tree) in alternation; report like a run."""
    from critbench.compare import evaluate, exit_status
    from critbench.engine import Selection, capture_environment, checkouts, repository_root, run_paired_suite

    gates = parse_gates(ctx, options)
    settings = Settings().apply(ctx.workspace.config.settings).apply(cli_settings_layer(options))
    pattern, exact = check_filter(options)
    repo = repository_root(ctx.workspace.root)
    relative = ctx.workspace.root.relative_to(repo)
    started = _now()
    cleaned: list[Path] = []
    with checkouts(repo, rev_a, rev_b, cleaned=cleaned) as (side_a, side_b):
        for folder in cleaned:
            ctx.stderr.write(f"Removed {folder}: the worktrees of an earlier critbench ab that was killed.\n")
        if announce:
            ctx.stderr.write(announce + "\n")
        if side_b.uncommitted:
            listed = ", ".join(side_b.uncommitted[:5]) + ("…" if len(side_b.uncommitted) > 5 else "")
            ctx.stderr.write(
                f"Note: B is the working tree, and its uncommitted changes ({listed}) are part of what is measured.\n"
            )
        try:
            workspace_a = load_workspace(side_a.root / relative)
        except DiscoveryError as exc:
            raise UsageError(f"{side_a.label} has no usable workspace at {relative or '.'}: {exc}") from None
        workspace_b = ctx.workspace if side_b.root == repo else load_workspace(side_b.root / relative)
        pairs = _pairs(workspace_a, workspace_b, options.get("package") or [], target, side_a.label)
        progress = progress_reporter(ctx, options, verbose=bool(options.get("verbose")))
        try:
            paired = run_paired_suite(
                pairs,
                settings,
                Selection(pattern, exact),
                progress,
                labels=(side_a.label, side_b.label),
                roots=(side_a.root, side_b.root),
                seed=settings.seed,
                fake_clock=ctx.fake_clock,
            )
        finally:
            progress.finish()
    if not paired.results:
        ctx.stderr.write("critbench: no benchmarks matched\n")
        return 2
    label = f"{side_a.label} ({(side_a.commit or '')[:10]})"
    results = evaluate(paired.results, paired.samples_a, label, paired=True)
    summary = RunSummary.of(results)
    record = RunRecord(
        started_at=started,
        finished_at=_now(),
        environment=capture_environment(ctx.workspace.root, __version__),
        command=shlex.join(["critbench", *argv]),
        compared_with=f"ab:{side_a.commit or side_a.label}",
        settings=to_data(settings),
    )
    record_history(ctx, record, results)
    report_path = write_reports(ctx, options, record, results, baseline_name=label, baseline_samples=paired.samples_a)
    publish(ctx, options, record, results, summary, compared_with=label, saved_to=None, report_path=report_path)
    return exit_status(summary, gates, gate_changes=True)


def ab_command(ctx: Context, options: dict[str, Any], argv: Iterable[str]) -> int:
    rev_a, rev_b, target = _split_revision_and_target(ctx, options)
    return interleaved(ctx, options, argv, rev_a=rev_a, rev_b=rev_b, target=target)


def interleave_baseline(ctx: Context, options: dict[str, Any], argv: Iterable[str], name: str) -> int:
    """``run --baseline NAME --interleave``: the baseline's commit against the working tree, side by side."""
    from critbench.storage import BaselineStore

    stored = BaselineStore(ctx.output_root).load(name)
    environment = stored.run.environment
    if not environment.git_commit:
        raise UsageError(
            f"baseline '{name}' did not record a git commit (it was not saved in a git checkout), so its code "
            "cannot be re-measured; compare without --interleave, or save a baseline inside a git repository"
        )
    dirty = " (its tree had uncommitted changes, which are not re-measured)" if environment.git_dirty else ""
    announce = (
        f"Re-measuring baseline '{name}' at its commit {environment.git_commit[:10]}{dirty} side by side with "
        "the working tree, instead of comparing with its stored numbers."
    )
    return interleaved(
        ctx, options, argv, rev_a=environment.git_commit, rev_b=None, target=options.get("target"), announce=announce
    )
