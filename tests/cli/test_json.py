"""``--json``: every benchmark's id, estimates, raw samples, change, verdict and targets, versioned."""

from __future__ import annotations

import json
from collections.abc import Callable

from critbench.testing import FakeClock
from tests.conftest import Workspace

TARGET = '''
from critbench import Bencher, bench

@bench(target="1s")
def work(b: Bencher) -> None:
    """Some work."""
    b.iter(lambda: sum(range(200)))
'''


def test_json_results_carry_everything_a_program_needs(make_workspace: Callable[..., Workspace]) -> None:
    ws = make_workspace()
    ws.package("pkg", "pkg", {"t": TARGET})
    assert ws.critbench("run", "--save-baseline", "base", fake=FakeClock(1000, seed=1)).returncode == 0
    result = ws.critbench("run", "--baseline", "base", "--json", "results.json", fake=FakeClock(3000, seed=2))
    assert result.returncode == 1
    document = json.loads((ws.root / "results.json").read_text())
    assert document["schema_version"] == 2
    assert document["kind"] == "critbench-results"
    assert document["run"]["environment"]["python"]
    assert document["run"]["compared_with"] == "base"
    assert document["summary"]["regressed"] == ["t/work"]
    (bench,) = document["benchmarks"]
    assert bench["id"] == "t/work"
    assert bench["description"] == "Some work."
    assert len(bench["samples"]["times_ns"]) == 20
    assert bench["typical"]["point"] > 2000
    assert bench["comparison"]["verdict"] == "regressed"
    assert bench["comparison"]["verdict_text"] == "Performance has regressed."
    assert bench["comparison"]["indicator"] == "✗"
    assert 1.5 < bench["comparison"]["change"]["mean"]["point"] < 2.5
    assert bench["time_target"]["status"] == "EXCELLENT"
    assert "baseline_samples" not in bench, "only critbench ab adds the other side's samples"
    assert all(set(warning) == {"kind", "text"} for warning in bench["warnings"])
