"""Two packages declaring the same benchmark id: both fail with a clear message, nothing is mixed."""

from __future__ import annotations

import json
from collections.abc import Callable

from critbench.testing import FakeClock
from tests.conftest import Workspace

TARGET = "from critbench import bench\n\n@bench\ndef f(b):\n    b.iter(lambda: None)\n"
GROUPED = "from critbench import group\n\n@group('other').bench\ndef f(b):\n    b.iter(lambda: None)\n"
FAKE = FakeClock(1000)


def test_an_id_declared_by_two_packages_fails_both_and_saves_neither(make_workspace: Callable[..., Workspace]) -> None:
    ws = make_workspace()
    ws.package("alpha", "alpha", {"w": TARGET})
    ws.package("beta", "beta", {"w": TARGET, "unique": TARGET.replace("def f", "def g")})
    result = ws.critbench("run", "--save-baseline", "main", "--json", "out.json", fake=FAKE)
    assert result.returncode == 3, result.stdout + result.stderr
    assert "the id w/f is declared by more than one bench target: alpha (benches/w.py), beta (benches/w.py)" in (
        result.stdout + result.stderr
    )
    document = json.loads((ws.root / "out.json").read_text())
    by_id: dict[str, list[str]] = {}
    for bench in document["benchmarks"]:
        by_id.setdefault(bench["id"], []).append(bench["status"])
    assert by_id["w/f"] == ["failed", "failed"]
    assert by_id["unique/g"] == ["ok"]


def test_a_group_of_its_own_resolves_the_clash(make_workspace: Callable[..., Workspace]) -> None:
    ws = make_workspace()
    ws.package("alpha", "alpha", {"w": TARGET})
    ws.package("beta", "beta", {"w": GROUPED})
    result = ws.critbench("run", fake=FAKE)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "w/f" in result.stdout
    assert "other/f" in result.stdout
