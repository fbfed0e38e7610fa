"""``critbench ab REV_A [REV_B]``: two revisions measured in alternation, in the same processes.

Also behind ``critbench run --baseline NAME --interleave``, which re-measures the baseline's own commit
side by side with the working tree instead of trusting numbers recorded at another time.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from critbench import __version__
from critbench.cli._code import CodeSource, bench_workspace
from critbench.cli._context import Context, measuring
from critbench.cli._measure import check_counting
from critbench.cli._options import AbOptions, RunOptions
from critbench.cli._pipeline import Judged, gates, now, open_history, preflight, publish, warn, write_reports
from critbench.cli._run import run_settings
from critbench.errors import NothingMatched, RevisionError, UsageError
from critbench.model import BenchTarget, Caution, CautionKind, RunRecord, ab_key, to_data

if TYPE_CHECKING:
    from critbench.engine import Checkout, Checkouts, RevisionCode


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


def revision_notes(owned: Checkouts, side_b: Checkout) -> list[Caution]:
    """What the user should know before a comparison of revisions: leftovers removed, uncommitted changes."""
    notes = [
        Caution(CautionKind.CLEANUP, f"Removed {folder}: the worktrees of an earlier critbench that was killed.")
        for folder in owned.abandoned
    ]
    if side_b.uncommitted:
        listed = ", ".join(side_b.uncommitted[:5]) + ("…" if len(side_b.uncommitted) > 5 else "")
        notes.append(
            Caution(
                CautionKind.UNCOMMITTED,
                f"Note: B is the working tree, and its uncommitted changes ({listed}) are part of what is measured.",
            )
        )
    return notes


@dataclass(frozen=True)
class Comparison:
    """Two revisions' code for every selected target, and whether they can share a process."""

    triples: list[tuple[BenchTarget, RevisionCode, RevisionCode]]
    by_process: bool
    notes: list[Caution]


def plan_comparison(
    source: CodeSource, side_a: Checkout, side_b: Checkout, packages: Sequence[str], target: str | None
) -> Comparison:
    """Each target's code on both sides (built where needed), and whether compiled modules of the same name
    force the two revisions into processes of their own."""
    from critbench.engine import compiled_modules

    triples = [(t, source.code(side_a, t), source.code(side_b, t)) for t in source.targets(tuple(packages), target)]
    shared: set[str] = set()
    for _, code_a, code_b in triples:
        shared |= compiled_modules([Path(p) for p in code_a.sys_path[1:]]) & compiled_modules(
            [Path(p) for p in code_b.sys_path[1:]]
        )
    notes = list(source.notes)
    if shared:
        names = ", ".join(sorted(name.replace("/", ".") for name in shared)[:3])
        notes.append(
            Caution(
                CautionKind.REVISIONS,
                f"Both revisions have compiled modules of the same name ({names}), which one process cannot load "
                "twice: A and B alternate process by process instead of sample by sample, and each change is "
                "judged over processes, so the changes it can detect are larger than a paired comparison's.",
            )
        )
    return Comparison(triples, bool(shared), notes)


def interleaved(ctx: Context, options: AbOptions, argv: Sequence[str], *, announce: str | None = None) -> int:
    """Measure ``rev_a`` and ``rev_b`` (default: the working tree) in alternation; report like a run."""
    from critbench.compare import evaluate, exit_status
    from critbench.engine import capture_environment, repository_root, resolve_commit, scratch_checkouts

    suite = options.suite
    gate_set = gates(ctx, suite.display.fail_on)
    settings = run_settings(ctx, suite.settings)
    check_counting(settings, ab=True)
    preflight(ctx, suite.display)
    repo = repository_root(ctx.workspace.root)
    relative = ctx.workspace.root.relative_to(repo)
    commit_a = resolve_commit(repo, options.rev_a)
    commit_b = resolve_commit(repo, options.rev_b) if options.rev_b is not None else None
    started = now()
    with scratch_checkouts(repo) as owned:
        side_a = owned.add(options.rev_a, commit_a)
        side_b = owned.working_tree() if options.rev_b is None else owned.add(options.rev_b, commit_b)
        notes = revision_notes(owned, side_b)
        if announce:
            notes.append(Caution(CautionKind.SIDE_BY_SIDE, announce))
        benches = bench_workspace(owned, relative, ctx.workspace, options.code)
        source = CodeSource(owned, benches, relative, options.code, ctx.layout.builds)
        notes.append(source.announce([side_a.label, side_b.label]))
        try:
            plan = plan_comparison(source, side_a, side_b, suite.scope.packages, suite.scope.target)
        except RevisionError:
            warn(ctx, suite.display, notes + source.notes)  # the builds that did succeed, and their logs
            raise
        warn(ctx, suite.display, notes + plan.notes)
        with measuring(ctx, suite, settings) as engine:
            paired = engine.run_paired(
                plan.triples, isolated=source.isolated, workdir=owned.scratch, by_process=plan.by_process
            )
    if not paired.results:
        raise NothingMatched("no benchmarks matched")
    label = side_a.short()
    record = RunRecord(
        started_at=started,
        finished_at=now(),
        environment=capture_environment(ctx.workspace.root, __version__),
        command=shlex.join(["critbench", *argv]),
        compared_with=ab_key(side_a.commit or side_a.label),
        settings=to_data(settings),
    )
    evaluation = evaluate(paired.results, paired.samples_a, label, paired=not paired.by_process)
    judged = Judged(record, evaluation, label, paired.samples_a)
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
