"""``critbench ab REV_A [REV_B]``: two revisions measured in alternation, in the same processes.

Also behind ``critbench run --baseline NAME --interleave``, which re-measures the baseline's own commit
side by side with the working tree instead of trusting numbers recorded at another time.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from pathlib import Path

from critbench import __version__
from critbench.cli._context import Context, measuring
from critbench.cli._measure import check_counting
from critbench.cli._options import AbOptions, RunOptions
from critbench.cli._pipeline import Judged, gates, now, open_history, preflight, publish, warn, write_reports
from critbench.cli._run import run_settings
from critbench.discovery import DiscoveryError, Workspace, load_workspace, select_targets, with_revision_code
from critbench.errors import NothingMatched, RevisionError, UsageError
from critbench.model import BenchTarget, Caution, CautionKind, RunRecord, to_data


def _pairs(
    workspace_a: Workspace, workspace_b: Workspace, packages: Sequence[str], target: str | None, label_a: str
) -> list[tuple[BenchTarget, BenchTarget]]:
    targets_b = select_targets(workspace_b, list(packages), target)
    if not targets_b:
        raise UsageError(f"no bench targets found in {workspace_b.root}")
    known_a = {(t.package, t.name): t for t in select_targets(workspace_a, [], None)}
    pairs = []
    for target_b in targets_b:
        if target_b.is_pytest:
            # The tests are the working tree's; revision A supplies only the code they import.
            pairs.append((with_revision_code(target_b, workspace_b.root, workspace_a.root), target_b))
            continue
        target_a = known_a.get((target_b.package, target_b.name))
        if target_a is None:
            raise RevisionError(
                f"{label_a} has no bench target {target_b.name!r} in package {target_b.package!r} "
                f"(benches/{target_b.name}.py): nothing to compare it with; pick a later revision or use -p/TARGET"
            )
        pairs.append((target_a, target_b))
    return pairs


def _split_revision_and_target(ctx: Context, options: AbOptions) -> AbOptions:
    """``ab HEAD~1 kernel_performance`` means a target, not a second revision, when it names one."""
    from dataclasses import replace

    from critbench.engine import repository_root, resolve_commit

    if options.rev_b is not None and options.suite.scope.target is None:
        names = {t.name for package in ctx.workspace.packages for t in package.targets}
        if options.rev_b in names:
            try:
                resolve_commit(repository_root(ctx.workspace.root), options.rev_b)
            except RevisionError:
                suite = replace(options.suite, scope=replace(options.suite.scope, target=options.rev_b))
                return replace(options, rev_b=None, suite=suite)
    return options


def interleaved(ctx: Context, options: AbOptions, argv: Sequence[str], *, announce: str | None = None) -> int:
    """Measure ``rev_a`` and ``rev_b`` (default: the working tree) in alternation; report like a run."""
    from critbench.compare import evaluate, exit_status
    from critbench.engine import capture_environment, checkouts, repository_root

    suite = options.suite
    gate_set = gates(ctx, suite.display.fail_on)
    settings = run_settings(ctx, suite.settings)
    check_counting(settings, ab=True)
    preflight(ctx, suite.display)
    repo = repository_root(ctx.workspace.root)
    relative = ctx.workspace.root.relative_to(repo)
    started = now()
    cleaned: list[Path] = []
    notes: list[Caution] = []
    with checkouts(repo, options.rev_a, options.rev_b, cleaned=cleaned) as (side_a, side_b):
        for folder in cleaned:
            notes.append(
                Caution(
                    CautionKind.CLEANUP, f"Removed {folder}: the worktrees of an earlier critbench ab that was killed."
                )
            )
        if announce:
            notes.append(Caution(CautionKind.SIDE_BY_SIDE, announce))
        if side_b.uncommitted:
            listed = ", ".join(side_b.uncommitted[:5]) + ("…" if len(side_b.uncommitted) > 5 else "")
            notes.append(
                Caution(
                    CautionKind.UNCOMMITTED,
                    f"Note: B is the working tree, and its uncommitted changes ({listed}) are part of what is measured.",
                )
            )
        warn(ctx, suite.display, notes)
        try:
            workspace_a = load_workspace(side_a.root / relative)
        except DiscoveryError as exc:
            raise UsageError(f"{side_a.label} has no usable workspace at {relative or '.'}: {exc}") from None
        workspace_b = ctx.workspace if side_b.root == repo else load_workspace(side_b.root / relative)
        pairs = _pairs(workspace_a, workspace_b, suite.scope.packages, suite.scope.target, side_a.label)
        with measuring(ctx, suite, settings) as engine:
            paired = engine.run_paired(pairs, labels=(side_a.label, side_b.label), roots=(side_a.root, side_b.root))
    if not paired.results:
        raise NothingMatched("no benchmarks matched")
    label = f"{side_a.label} ({(side_a.commit or '')[:10]})"
    record = RunRecord(
        started_at=started,
        finished_at=now(),
        environment=capture_environment(ctx.workspace.root, __version__),
        command=shlex.join(["critbench", *argv]),
        compared_with=f"ab:{side_a.commit or side_a.label}",
        settings=to_data(settings),
    )
    judged = Judged(record, evaluate(paired.results, paired.samples_a, label, paired=True), label, paired.samples_a)
    with open_history(ctx) as history:
        run_id = history.record(record, judged.results)
        report_path = write_reports(ctx, suite.display, judged, history.series(), run_id)
        warn(ctx, suite.display, history.cautions)
    publish(ctx, suite.display, judged, report_path=report_path)
    return exit_status(judged.summary, gate_set, gate_changes=True)


def ab_command(ctx: Context, options: AbOptions, argv: Sequence[str]) -> int:
    return interleaved(ctx, _split_revision_and_target(ctx, options), argv)


def interleave_baseline(ctx: Context, options: RunOptions, argv: Sequence[str], name: str) -> int:
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
    ab = AbOptions(environment.git_commit, None, options.suite)
    return interleaved(ctx, ab, argv, announce=announce)
