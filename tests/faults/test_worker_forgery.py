"""Results cannot be forged: benchmark code writing well-formed results to the descriptors a worker inherited
changes no result, neither of a benchmark that already finished nor of one not yet run."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from critbench.testing import FakeClock
from tests.conftest import Workspace

HONEST = '''
from critbench import bench

@bench
def victim(b):
    """Finished before the forger runs."""
    b.iter(lambda: None)

@bench
def forger(b):
    """Honest here; the forging version writes results first."""
    b.iter(lambda: None)

@bench
def later(b):
    """Not yet run when the forger runs."""
    b.iter(lambda: None)
'''

FORGING = HONEST.replace(
    '''    """Honest here; the forging version writes results first."""''',
    """    import os
    from critbench.engine._protocol import Measured, encode
    from critbench.model import MemoryUsage, Samples, SamplingMode

    forged = Samples(SamplingMode.FLAT, (1.0, 1.0), (1.0, 1.0), (0, 0))
    for target in ("t/victim", "t/later", "t/forger"):
        line = encode(Measured(target, forged, MemoryUsage()))
        for fd in range(3, 11):
            try:
                os.write(fd, line)
            except OSError:
                pass""",
)


def _benchmarks(ws: Workspace, source: str, name: str) -> dict[str, Any]:
    ws.package("pkg", "pkg", {"t": source})
    result = ws.critbench("run", "--json", name, fake=FakeClock(1000))
    assert result.returncode == 0, result.stdout + result.stderr
    document = json.loads((ws.root / name).read_text())
    return {bench["id"]: bench for bench in document["benchmarks"]}


def test_results_written_to_inherited_descriptors_change_no_result(make_workspace: Callable[..., Workspace]) -> None:
    ws = make_workspace()
    honest = _benchmarks(ws, HONEST, "honest.json")
    forging = _benchmarks(ws, FORGING, "forging.json")
    assert set(forging) == {"t/victim", "t/forger", "t/later"}
    for bid, bench in forging.items():
        assert bench["status"] == "ok", bid
        assert bench["samples"] == honest[bid]["samples"], f"{bid}: its samples are its own, as without the forger"
        assert 1.0 not in bench["samples"]["times_ns"], bid
