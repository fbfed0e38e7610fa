"""Each revision sees only its own code: a module one revision lacks fails that revision, as a plain run would.

The package has no ``src/`` folder, so its modules sit in the package folder itself, which used to be the
worker's working directory (and so on revision A's ``sys.path``); an ``editable install`` of the working tree
(here: the working tree's package folder on ``PYTHONPATH``) is a second way the other revision's files could
be found. Neither may lend A a module only B has.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest

from critbench.testing import FakeClock
from tests.cli.test_ab import _git, _state
from tests.conftest import Workspace

TARGET = '''
from critbench import Bencher, bench


@bench
def uses_extra(b: Bencher) -> None:
    """Only the later commit has the module mylib_extra."""
    import mylib_extra

    b.iter(mylib_extra.work)


@bench
def plain(b: Bencher) -> None:
    import mylib

    b.iter(mylib.work)
'''


@pytest.fixture
def flat_repo(make_workspace: Callable[..., Workspace]) -> Workspace:
    ws = make_workspace()
    ws.package("pkg", "pkg", {"t": TARGET})
    ws.write("pkg/mylib/__init__.py", "def work() -> int:\n    return 1\n")
    ws.write(".gitignore", "target/\n")
    _git(ws.root, "init", "-q", "-b", "main")
    _git(ws.root, "add", "-A")
    _git(ws.root, "commit", "-qm", "first")
    ws.write("pkg/mylib_extra.py", "def work() -> int:\n    return 2\n")
    _git(ws.root, "add", "-A")
    _git(ws.root, "commit", "-qm", "second: mylib_extra")
    return ws


@pytest.mark.parametrize("editable", [False, True], ids=["plain", "editable-install-of-the-working-tree"])
@pytest.mark.parametrize("rev_b", [None, "HEAD"], ids=["working-tree", "named"])
def test_a_module_only_b_has_fails_a_instead_of_running_bs_code(
    flat_repo: Workspace, rev_b: str | None, editable: bool
) -> None:
    env = {"PYTHONPATH": str(flat_repo.root / "pkg")} if editable else {}
    before = _state(flat_repo.root)
    revisions = ["HEAD~1"] if rev_b is None else ["HEAD~1", rev_b]
    result = flat_repo.critbench("ab", *revisions, env=env, fake=FakeClock(1000, seed=1))
    assert result.returncode == 3, result.stdout + result.stderr
    failed = result.stdout.split("t/uses_extra", 1)[1].split("t/plain", 1)[0]
    assert "ModuleNotFoundError" in failed
    assert "No module named 'mylib_extra'" in failed
    assert "No change" not in failed
    measured = result.stdout.split("t/plain", 1)[1]
    assert "change:" in measured
    assert "FAILED" not in measured
    assert _state(flat_repo.root) == before


def test_the_same_comparison_the_other_way_round_measures_both(flat_repo: Workspace) -> None:
    """B lacking nothing of A's: both benchmarks are measured (the failure above is A's own, not ab's)."""
    _git(flat_repo.root, "rm", "-q", "pkg/mylib_extra.py")
    _git(flat_repo.root, "commit", "-qm", "third: no extra")
    result = flat_repo.critbench("ab", "HEAD~1", "HEAD", "--", "--exact", "t/plain", fake=FakeClock(1000, seed=1))
    assert result.returncode == 0, result.stdout + result.stderr
    assert os.path.exists(flat_repo.root / "pkg" / "mylib" / "__init__.py")
