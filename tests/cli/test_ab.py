"""critbench ab on a real git repository: two commits, both revisions measured with the fake clock.

Nothing here depends on real timing: the fake clock (``critbench --fake-clock``) gives revision A the cost in
``costs_ns`` and revision B the one in ``costs_b_ns``, with a seeded jitter, so the verdicts and the whole
terminal output are the same on a quiet laptop and a loaded CI machine. Git dates are fixed, so the
commits, and the hashes the output names, are too.

Regenerate the golden files after an intended change with
``CRITBENCH_UPDATE_GOLDEN=1 python3 dev.py test tests/cli/test_ab.py`` and review the diff.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from critbench.testing import FakeClock
from tests.conftest import Workspace

GOLDEN = Path(__file__).parent / "golden"

LIBRARY = """
import os

REVISION = "{revision}"


def work() -> int:
    with open(os.environ["CRITBENCH_TEST_LOG"], "a") as log:
        log.write(f"{{REVISION}} {{__file__}}\\n")
    return 0


def loop() -> int:
    return sum(range(10))
"""

TARGET = '''
import mylib
from critbench import Bencher, bench


@bench
def slowed(b: Bencher) -> None:
    """Twice the cost in the second commit."""
    mylib.work()
    b.iter(mylib.loop)


@bench
def sped_up(b: Bencher) -> None:
    """Half the cost in the second commit."""
    b.iter(mylib.loop)


@bench
def steady(b: Bencher) -> None:
    """The same in both commits."""
    b.iter(lambda: sum(range(300)))
'''

CLOCK = FakeClock(1000, seed=5, costs_b_ns={"w/slowed": 2000, "w/sped_up": 500})
"""Revision B (the later one) is twice as slow in w/slowed and twice as fast in w/sped_up."""
SAME = FakeClock(1000, seed=5)
LOG = {"CRITBENCH_TEST_LOG": os.devnull}


def _git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "GIT_AUTHOR_DATE": "2024-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2024-01-01T00:00:00Z"},
    )
    return done.stdout


def _check(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("CRITBENCH_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"missing golden file {path}; run with CRITBENCH_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")


@pytest.fixture
def repo(make_workspace: Callable[..., Workspace]) -> Workspace:
    ws = make_workspace()
    ws.package("pkg", "pkg", {"w": TARGET})
    ws.write("pkg/src/mylib/__init__.py", LIBRARY.format(revision="A"))
    ws.write(".gitignore", "target/\n*.log\n")
    _git(ws.root, "init", "-q", "-b", "main")
    _git(ws.root, "add", "-A")
    _git(ws.root, "commit", "-qm", "first")
    ws.write("pkg/src/mylib/__init__.py", LIBRARY.format(revision="B"))
    _git(ws.root, "commit", "-qam", "second")
    return ws


def _sides(log: Path) -> dict[str, Path]:
    return {line.split(" ", 1)[0]: Path(line.split(" ", 1)[1]).resolve() for line in log.read_text().splitlines()}


def _state(root: Path) -> tuple[str, str, str]:
    return _git(root, "status", "--porcelain"), _git(root, "rev-parse", "HEAD"), _git(root, "worktree", "list")


def test_ab_output_matches_golden(repo: Workspace) -> None:
    """One benchmark unchanged, one slower, one faster: the terminal report byte for byte."""
    result = repo.critbench("ab", "HEAD~1", "HEAD", env=LOG, fake=CLOCK)
    assert result.returncode == 1, result.stdout + result.stderr
    _check("ab.txt", result.stdout)
    verbose = repo.critbench("ab", "HEAD~1", "HEAD", "--output-format", "verbose", env=LOG, fake=CLOCK)
    assert verbose.returncode == 1, verbose.stdout + verbose.stderr
    _check("ab-verbose.txt", verbose.stdout)


def test_ab_judges_each_benchmark_by_its_pairs_and_gates_on_the_regression(repo: Workspace) -> None:
    result = repo.critbench("ab", "HEAD~1", "HEAD", env=LOG, fake=CLOCK)
    assert result.returncode == 1, result.stdout + result.stderr
    slowed = result.stdout.split("w/slowed", 1)[1].split("w/sped_up", 1)[0]
    assert "Performance has regressed." in slowed
    assert "✗" in slowed
    assert "20 pairs measured in alternation in 5 processes" in slowed
    assert "Performance has improved." in result.stdout.split("w/sped_up", 1)[1].split("w/steady", 1)[0]
    assert "No change in performance detected." in result.stdout.split("w/steady", 1)[1]
    assert "regressed w/slowed" in result.stdout
    assert "vs HEAD~1" in result.stdout
    for stage in ("Warming up for", "Collecting 4 samples in estimated"):
        assert f"Benchmarking w/slowed [process 1/5]: {stage}" in result.stderr


def test_ab_runs_each_sides_own_code_and_leaves_the_checkout_alone(repo: Workspace) -> None:
    log = repo.root / "sides.log"
    before = _state(repo.root)
    result = repo.critbench("ab", "HEAD~1", "HEAD", env={"CRITBENCH_TEST_LOG": str(log)}, fake=SAME)
    assert result.returncode == 0, result.stdout + result.stderr
    sides = _sides(log)
    assert set(sides) == {"A", "B"}, "each side imported its own revision's module"
    assert sides["A"] != sides["B"]
    for path in sides.values():
        assert not path.is_relative_to(repo.root.resolve()), "named revisions run from their own worktrees"
    assert _state(repo.root) == before, "the user's checkout, HEAD and worktree list are untouched"


def test_ab_against_the_working_tree_includes_uncommitted_changes(repo: Workspace) -> None:
    repo.write("pkg/src/mylib/__init__.py", LIBRARY.format(revision="W"))
    before = _state(repo.root)
    log = repo.root / "x.log"
    result = repo.critbench(
        "ab", "HEAD~1", "--", "--exact", "w/slowed", env={"CRITBENCH_TEST_LOG": str(log)}, fake=SAME
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "uncommitted changes (pkg/src/mylib/__init__.py) are part of what is measured" in result.stderr
    assert "w/steady" not in result.stdout
    sides = _sides(log)
    assert set(sides) == {"A", "W"}, "B is the working tree as it stands"
    assert sides["W"].is_relative_to(repo.root.resolve())
    assert not sides["A"].is_relative_to(repo.root.resolve())
    assert _state(repo.root) == before


def test_ab_refuses_unknown_revisions_and_missing_targets_cleanly(repo: Workspace) -> None:
    before = _state(repo.root)
    missing = repo.critbench("ab", "no-such-branch")
    assert missing.returncode == 2
    assert "no revision 'no-such-branch'" in missing.stderr
    repo.write("pkg/benches/extra.py", "from critbench import bench\n\n@bench\ndef x(b):\n    b.iter(lambda: None)\n")
    _git(repo.root, "add", "-A")
    _git(repo.root, "commit", "-qm", "a new target")
    no_target = repo.critbench("ab", "HEAD~1", "HEAD", "extra", "--own-benches")
    assert no_target.returncode == 2
    assert "error: HEAD~1 has no bench target 'extra' in package 'pkg' (pkg/benches/extra.py)" in no_target.stderr
    assert "critbench-ab-" not in no_target.stderr, "messages name revisions as typed, not temporary folders"
    after = _state(repo.root)
    assert after[0] == before[0]
    assert [line.split()[0] for line in after[2].splitlines()] == [line.split()[0] for line in before[2].splitlines()]


def test_ab_refuses_a_target_that_declares_one_id_twice(repo: Workspace) -> None:
    """The same job runner as critbench run, so the same check: two benchmarks, one id."""
    repo.write(
        "pkg/benches/w.py",
        TARGET + "\n\n@bench(name='steady')\ndef steady_again(b: Bencher) -> None:\n    b.iter(lambda: None)\n",
    )
    result = repo.critbench("ab", "HEAD", env=LOG, fake=SAME)
    assert result.returncode == 3, result.stdout + result.stderr
    assert "two benchmarks have the id 'w/steady'" in result.stdout


def test_interleave_needs_a_baseline_with_a_commit(make_workspace: Callable[..., Workspace]) -> None:
    ws = make_workspace()
    ws.package("pkg", "pkg", {"t": "from critbench import bench\n\n@bench\ndef x(b):\n    b.iter(lambda: None)\n"})
    assert ws.critbench("run", "--save-baseline", "nogit", fake=FakeClock(1000)).returncode == 0
    result = ws.critbench("run", "--baseline", "nogit", "--interleave")
    assert result.returncode == 2
    assert "did not record a git commit" in result.stderr


def test_worktrees_left_by_a_killed_comparison_are_removed_and_live_ones_kept(
    repo: Workspace, tmp_path_factory: pytest.TempPathFactory
) -> None:
    gone = subprocess.Popen(["true"])
    gone.wait()
    scratch_root = tmp_path_factory.mktemp("scratch")
    dead = scratch_root / "critbench-ab-dead"
    live = scratch_root / "critbench-ab-live"
    for scratch, owner in ((dead, gone.pid), (live, os.getpid())):
        scratch.mkdir()
        (scratch / "owner.pid").write_text(f"{owner}\n")
        _git(repo.root, "worktree", "add", "--detach", "--quiet", str(scratch / "a"), "HEAD~1")
    status_before = _git(repo.root, "status", "--porcelain")

    result = repo.critbench("ab", "HEAD~1", "HEAD", "--", "--exact", "w/steady", env=LOG, fake=SAME)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Removed {dead}: the worktrees of an earlier critbench that was killed." in result.stderr
    assert str(live) not in result.stderr
    assert not dead.exists()
    listed = _git(repo.root, "worktree", "list", "--porcelain")
    assert str(dead / "a") not in listed
    assert str(live / "a") in listed, "a worktree whose owner is still running is not ours to remove"
    assert _git(repo.root, "status", "--porcelain") == status_before


def test_ab_from_a_linked_worktree_with_uncommitted_changes(repo: Workspace, tmp_path: Path) -> None:
    linked = tmp_path / "linked"
    _git(repo.root, "worktree", "add", "--quiet", "-b", "feature", str(linked), "HEAD")
    source = linked / "pkg" / "src" / "mylib" / "__init__.py"
    source.write_text(LIBRARY.format(revision="L"))
    log = tmp_path / "sides.log"
    before = _state(linked)
    main_before = _state(repo.root)

    undone = FakeClock(2000, seed=5, costs_b_ns={"w/slowed": 1000})  # the linked tree undid the extra work
    result = repo.critbench(
        "ab", "HEAD", "--", "--exact", "w/slowed", cwd=linked, env={"CRITBENCH_TEST_LOG": str(log)}, fake=undone
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "uncommitted changes (pkg/src/mylib/__init__.py) are part of what is measured" in result.stderr
    assert "Performance has improved." in result.stdout
    sides = _sides(log)
    assert sides["L"].is_relative_to(linked.resolve())
    assert sides["B"] != sides["L"]
    assert not sides["B"].is_relative_to(linked.resolve())
    assert _state(linked) == before
    assert _state(repo.root)[:2] == main_before[:2]


def test_a_comparison_too_noisy_to_see_modest_changes_suggests_measuring_side_by_side(repo: Workspace) -> None:
    same = {"CRITBENCH_TEST_LOG": os.devnull}
    unchanged_clock = FakeClock(1000)
    commit = _git(repo.root, "rev-parse", "HEAD").strip()
    assert repo.critbench("run", "--save-baseline", "before", env=same, fake=unchanged_clock).returncode == 0
    unchanged = repo.critbench("run", "--baseline", "before", env=same, fake=unchanged_clock)
    assert "No change in performance detected." in unchanged.stdout
    assert "could not be told from noise" in unchanged.stderr
    assert "critbench run --baseline before --interleave" in unchanged.stderr
    plain = repo.critbench(
        "run", env=same, fake=unchanged_clock
    )  # against the previous run, which has no name to --interleave
    assert f"critbench ab {commit[:10]}" in plain.stderr
    slower = repo.critbench("run", "--baseline", "before", env=same, fake=FakeClock(3000))
    assert "Performance has regressed." in slower.stdout
    assert "side by side" not in slower.stderr, "a comparison that found the change needs no advice"


def test_ab_quick_mode_measures_in_three_processes_and_says_so(repo: Workspace) -> None:
    result = repo.critbench("ab", "HEAD~1", "--", "--exact", "w/slowed", "--quick", env=LOG, fake=CLOCK)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "alternation in 3 processes)" in result.stdout
    assert "Benchmarking w/slowed [process 3/3]" in result.stderr
    assert "[process 4/" not in result.stderr, "quick mode runs three processes; the progress line must say so"


def test_ab_leaves_a_users_prunable_worktree_registered(repo: Workspace, tmp_path: Path) -> None:
    """A user's worktree on a drive that is not mounted is prunable, but it is theirs: only critbench's own
    worktrees are removed, each by its path, and no bare ``git worktree prune`` runs."""
    unmounted = tmp_path / "usb" / "feature"
    _git(repo.root, "worktree", "add", "--quiet", "--detach", str(unmounted), "HEAD~1")
    (repo.root / "stash-me.txt").write_text("x")
    _git(repo.root, "add", "stash-me.txt")
    _git(repo.root, "stash", "push", "-q")
    import shutil

    shutil.rmtree(unmounted.parent)
    before = _state(repo.root), _git(repo.root, "stash", "list"), (repo.root / ".git" / "index").read_bytes()
    assert "prunable" in _git(repo.root, "worktree", "list", "--porcelain")

    result = repo.critbench("ab", "HEAD~1", "HEAD", "--", "--exact", "w/steady", env=LOG, fake=SAME)
    assert result.returncode == 0, result.stdout + result.stderr
    after = _state(repo.root), _git(repo.root, "stash", "list"), (repo.root / ".git" / "index").read_bytes()
    assert after == before
    assert str(unmounted) in _git(repo.root, "worktree", "list")
