"""Which commits bisect searches: BAD's first-parent line after GOOD, also when GOOD is on a merged branch.

A project that releases from a maintenance branch (pallets/markupsafe's 2.1.x, say) tags GOOD on that
branch and merges it into the main line, where BAD is. GOOD is then an ancestor of BAD only through a
merge's second parent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from critbench.engine import commits_between
from critbench.errors import RevisionError
from tests.cli.test_ab import _git


def _commit(root: Path, message: str) -> str:
    (root / f"{message.replace(' ', '-')}.txt").write_text(message + "\n")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", message)
    return _git(root, "rev-parse", "HEAD").strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    _git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / "log.txt").write_text("")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "start")
    return tmp_path


def test_a_linear_history_is_every_commit_after_good(repo: Path) -> None:
    good = _git(repo, "rev-parse", "HEAD").strip()
    later = [_commit(repo, f"c{i}") for i in range(4)]
    assert commits_between(repo, good, later[-1]) == later


def test_good_on_a_merged_release_branch_searches_the_main_line_from_the_fork(repo: Path) -> None:
    fork = _git(repo, "rev-parse", "HEAD").strip()
    _git(repo, "switch", "-qc", "release")
    good = _commit(repo, "fix on the release branch")
    _git(repo, "tag", "good")
    _git(repo, "switch", "-q", "main")
    before_merge = [_commit(repo, "speed-up on main"), _commit(repo, "more on main")]
    _git(repo, "merge", "-q", "--no-ff", "-m", "merge release", "release")
    merge = _git(repo, "rev-parse", "HEAD").strip()
    after = _commit(repo, "after the merge")
    found = commits_between(repo, good, after)
    assert found == [*before_merge, merge, after], "the main line's commits before the merge are searched too"
    assert fork not in found
    assert good not in found


def test_good_after_bad_is_refused(repo: Path) -> None:
    first = _git(repo, "rev-parse", "HEAD").strip()
    second = _commit(repo, "next")
    with pytest.raises(RevisionError, match="not an ancestor"):
        commits_between(repo, second, first)
