"""critbench bisect on a temporary repository: a regression planted in one of 16 commits, found in ≤ 5 steps.

The fake clock keys the cost by the code under test (``FakeClock.commit_factors``): every commit from the
planted one on costs 10% more, whichever comparison measures it, so the search and its output are the same
on any machine. Git dates are fixed, so the commits' hashes are too.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from critbench.testing import FakeClock
from tests.cli.test_ab import _git, _state
from tests.conftest import Workspace

TARGET = """
import mylib
from critbench import Bencher, bench


@bench
def work(b: Bencher) -> None:
    b.iter(mylib.work)


@bench
def other(b: Bencher) -> None:
    b.iter(mylib.work)
"""

PLANTED = 9
"""commits[PLANTED] (the 10th after GOOD) is the first slow one."""

STEP_LINE = re.compile(r"^step (\d+) +([0-9a-f]{10}) +(\S+) \[(\S+) (\S+)\] +(changed|unchanged)", re.M)


def _library(step: int) -> str:
    return f"STEP = {step}\n\n\ndef work() -> int:\n    return STEP\n"


@pytest.fixture
def history(make_workspace: Callable[..., Workspace]) -> tuple[Workspace, list[str]]:
    ws = make_workspace()
    ws.package("pkg", "pkg", {"t": TARGET})
    ws.write("pkg/src/mylib/__init__.py", _library(0))
    ws.write(".gitignore", "target/\n")
    _git(ws.root, "init", "-q", "-b", "main")
    _git(ws.root, "add", "-A")
    _git(ws.root, "commit", "-qm", "good")
    _git(ws.root, "tag", "good")
    commits = []
    for step in range(1, 17):
        ws.write("pkg/src/mylib/__init__.py", _library(step))
        _git(ws.root, "commit", "-qam", f"step {step}" + (" (the slow one)" if step == PLANTED + 1 else ""))
        commits.append(_git(ws.root, "rev-parse", "HEAD").strip())
    _git(ws.root, "tag", "bad")
    return ws, commits


def _clock(commits: list[str], **extra: float) -> FakeClock:
    return FakeClock(1000, seed=3, commit_factors={**dict.fromkeys(commits[PLANTED:], 1.1), **extra})


def _index(commits: list[str], short: str) -> int:
    return next(i for i, full in enumerate(commits) if full.startswith(short))


def test_bisect_finds_a_planted_regression_among_16_commits_in_at_most_5_steps(
    history: tuple[Workspace, list[str]],
) -> None:
    ws, commits = history
    before = _state(ws.root), _git(ws.root, "stash", "list")
    result = ws.critbench("bisect", "good", "bad", "--", "--exact", "t/work", fake=_clock(commits))
    assert result.returncode == 0, result.stdout + result.stderr
    steps = STEP_LINE.findall(result.stdout)
    assert 1 <= len(steps) <= 5, result.stdout
    assert steps[0][1] == commits[-1][:10], "BAD is measured first"
    assert 9.0 < float(steps[0][2].rstrip("%").lstrip("+")) < 11.0
    for _, commit, *_, verdict in steps:
        assert (verdict == "changed") == (_index(commits, commit) >= PLANTED)
    last = result.stdout.rstrip().splitlines()[-1]
    assert last == f"first changed commit: {commits[PLANTED]} step {PLANTED + 1} (the slow one)"
    assert "Not monotonic" not in result.stdout
    assert (_state(ws.root), _git(ws.root, "stash", "list")) == before
    assert "bisect" not in _git(ws.root, "for-each-ref"), "git bisect's own state is never touched"


def test_a_step_that_cannot_be_measured_is_skipped_like_git_bisect_skip(
    history: tuple[Workspace, list[str]],
) -> None:
    """The commit the search would measure second (the middle, 7) imports nothing: it is skipped, and the
    search goes on with the untested commit nearest the middle."""
    ws, commits = history
    result = ws.critbench("bisect", "good", "bad", "--", "--exact", "t/work", fake=_clock(commits, **{commits[7]: -1}))
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(rf"^step 2 +{commits[7][:10]}  skipped: ", result.stdout, re.M), result.stdout
    assert result.stdout.rstrip().splitlines()[-1].startswith(f"first changed commit: {commits[PLANTED]} ")


def test_a_history_that_changed_twice_is_reported_not_hidden(history: tuple[Workspace, list[str]]) -> None:
    ws, commits = history
    slower_then_undone = {commits[i]: 1.30 for i in range(3, 9)}
    result = ws.critbench(
        "bisect", "good", "bad", "--", "--exact", "t/work", fake=_clock(commits, **slower_then_undone)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Not monotonic:" in result.stdout
    assert "first changed commit: " in result.stdout


def test_bisect_needs_one_benchmark_and_ordered_revisions(history: tuple[Workspace, list[str]]) -> None:
    ws, commits = history
    several = ws.critbench("bisect", "good", "bad", fake=_clock(commits))
    assert several.returncode == 2
    assert "bisect follows one benchmark, and the selection matches 2 (t/work, t/other)" in several.stderr
    backwards = ws.critbench("bisect", "bad", "good", "--", "--exact", "t/work")
    assert backwards.returncode == 2
    assert "is not an ancestor of" in backwards.stderr
    same = ws.critbench("bisect", "bad", "bad", "--", "--exact", "t/work")
    assert same.returncode == 2
    unknown = ws.critbench("bisect", "good", "nope", "--", "--exact", "t/work")
    assert unknown.returncode == 2
    assert "no revision 'nope'" in unknown.stderr


def test_bisect_without_a_change_between_good_and_bad_says_so(history: tuple[Workspace, list[str]]) -> None:
    ws, _ = history
    result = ws.critbench("bisect", "good", "bad", "--threshold", "5%", "--", "--exact", "t/work", fake=FakeClock(1000))
    assert result.returncode == 3, result.stdout + result.stderr
    assert "does not differ from GOOD (good) by the threshold" in result.stderr
    assert "first changed commit" not in result.stdout
