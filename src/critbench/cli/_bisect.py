"""``critbench bisect GOOD BAD``: the first commit at which one benchmark changed, measured side by side.

Each step checks out one commit into a temporary worktree (removed before the next), runs the benchmark
with the working tree's bench file and that commit's code against GOOD's, in alternation as ``critbench ab``
does, and hands the change to the search (``compare.BisectSearch``), which picks the next commit. Nothing is
saved as a baseline or in the history: the steps are a search, not runs of the workspace.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING

from critbench.cli._ab import plan_comparison, revision_notes
from critbench.cli._code import CodeSource, bench_workspace
from critbench.cli._context import Context, measuring, style_for
from critbench.cli._options import BisectOptions, SuiteOptions
from critbench.cli._pipeline import preflight, warn
from critbench.cli._run import run_settings
from critbench.errors import EXIT_FAILED, EXIT_OK, RevisionError, UsageError
from critbench.model import BenchTarget, BisectStep, Estimate, Selection, Settings

if TYPE_CHECKING:
    from critbench.engine import Checkout


def _the_benchmark(
    source: CodeSource, good: Checkout, suite: SuiteOptions, settings: Settings
) -> tuple[BenchTarget, str]:
    """The one benchmark to follow: the selection must match exactly one (listed with GOOD's code)."""
    from critbench.engine import list_target

    found: list[tuple[BenchTarget, str]] = []
    for target in source.targets(suite.scope.packages, suite.scope.target):
        code = source.code(good, target)
        listed = list_target(
            dataclasses.replace(target, import_paths=code.sys_path, package_root=source.owned.scratch), settings
        )
        if listed.failure is not None:
            raise UsageError(f"could not list {target.name} with {good.label}'s code: {listed.failure.reason}")
        found += [(target, i.id.full_id) for i in listed.infos if suite.scope.filter.matches(i.id.full_id)]
    if len(found) != 1:
        names = ", ".join(full_id for _, full_id in found[:8]) or "none"
        raise UsageError(
            f"bisect follows one benchmark, and the selection matches {len(found)} ({names}); "
            "name one with TARGET and -- --exact ID"
        )
    return found[0]


def _measure(
    ctx: Context,
    suite: SuiteOptions,
    settings: Settings,
    source: CodeSource,
    *,
    sides: tuple[Checkout, Checkout],
    target: BenchTarget,
) -> Estimate | str:
    """The change of ``sides[1]``'s mean from GOOD, with its interval, or why it could not be measured."""
    from critbench.compare import evaluate
    from critbench.engine import BuildError

    reported = len(source.notes)
    try:
        plan = plan_comparison(source, *sides, (target.package,), target.name)
    except BuildError as exc:
        return str(exc).splitlines()[0]
    finally:
        warn(ctx, suite.display, source.notes[reported:])
    with measuring(ctx, suite, settings) as engine:
        paired = engine.run_paired(
            plan.triples, isolated=source.isolated, workdir=source.owned.scratch, by_process=plan.by_process
        )
    evaluation = evaluate(paired.results, paired.samples_a, sides[0].label, paired=not paired.by_process)
    result = next(r for r in evaluation.results if suite.scope.filter.matches(r.id.full_id))
    if result.failure is not None:
        return f"the benchmark failed: {result.failure.reason}"
    if result.comparison is None:
        return "nothing to compare"
    return result.comparison.change.mean


def bisect_command(ctx: Context, options: BisectOptions, argv: Sequence[str]) -> int:
    from critbench.compare import BisectSearch
    from critbench.engine import commit_subject, commits_between, repository_root, resolve_commit, scratch_checkouts
    from critbench.report import (
        render_bisect_answer,
        render_bisect_candidates,
        render_bisect_header,
        render_bisect_irregular,
        render_bisect_step,
    )

    suite = options.suite
    settings = run_settings(ctx, suite.settings)
    preflight(ctx, suite.display)
    style = style_for(suite.display.color, ctx.stdout)
    repo = repository_root(ctx.workspace.root)
    relative = ctx.workspace.root.relative_to(repo)
    good, bad = resolve_commit(repo, options.good), resolve_commit(repo, options.bad)
    commits = commits_between(repo, good, bad)
    if not commits:
        raise UsageError(f"GOOD ({options.good}) and BAD ({options.bad}) are the same commit: nothing to bisect")
    search = BisectSearch(len(commits))
    with scratch_checkouts(repo) as owned:
        side_good = owned.add(options.good, good)
        benches = bench_workspace(owned, relative, ctx.workspace, options.code)
        source = CodeSource(owned, benches, relative, options.code, ctx.layout.builds)
        notes = [*revision_notes(owned, side_good), source.announce([options.good, "each commit up to " + options.bad])]
        warn(ctx, suite.display, notes)
        target, benchmark = _the_benchmark(source, side_good, suite, settings)
        exact = dataclasses.replace(suite, scope=dataclasses.replace(suite.scope, filter=Selection(benchmark, True)))
        ctx.stdout.write(
            render_bisect_header(
                benchmark, side_good.short(), f"{options.bad} ({bad[:10]})", len(commits), search.most_steps
            )
        )
        ctx.stdout.flush()
        while (index := search.next_index()) is not None:
            commit = commits[index]
            label = options.bad if index == len(commits) - 1 else commit[:10]
            try:
                side = owned.add(label, commit)
            except RevisionError as exc:
                outcome: Estimate | str = str(exc)
            else:
                try:
                    outcome = _measure(ctx, exact, settings, source, sides=(side_good, side), target=target)
                finally:
                    owned.remove(side)
            subject = commit_subject(repo, commit)
            if isinstance(outcome, str):
                step = BisectStep(index, commit, subject, skipped=outcome)
            else:
                step = BisectStep(index, commit, subject, change=outcome)
            step = search.record(step, options.threshold)
            ctx.stdout.write(render_bisect_step(len(search.steps), step, search.threshold, style))
            ctx.stdout.flush()
    if not search.measured:
        ctx.stderr.write(f"error: no step could be measured, not even BAD ({options.bad}) against GOOD\n")
        return EXIT_FAILED
    if search.hi is None:
        ctx.stderr.write(
            f"error: BAD ({options.bad}) does not differ from GOOD ({options.good}) by the threshold: "
            "nothing to bisect (give --threshold to search for a smaller change)\n"
        )
        return EXIT_FAILED
    ctx.stdout.write(render_bisect_irregular(search.irregularities(), style))
    candidates = search.candidates()
    if len(candidates) > 1:
        ctx.stdout.write(render_bisect_candidates([(commits[i], commit_subject(repo, commits[i])) for i in candidates]))
        return EXIT_FAILED
    first = commits[candidates[0]]
    ctx.stdout.write(render_bisect_answer(first, commit_subject(repo, first)))
    return EXIT_OK
