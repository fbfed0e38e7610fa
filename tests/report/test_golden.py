"""The terminal report, byte for byte, from whole runs driven by the fake timer.

Regenerate after an intended change with ``CRITBENCH_UPDATE_GOLDEN=1 python3 dev.py test tests/report``
and review the diff.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from critbench.testing import FakeClock
from tests.conftest import Workspace

GOLDEN = Path(__file__).parent / "golden"

TARGET = '''
from critbench import Bencher, Throughput, bench, group

@bench(target="2us")
def steady(b: Bencher) -> None:
    """Unchanged between the runs."""
    b.iter(lambda: None)

@bench(target="1500ns")
def slower(b: Bencher) -> None:
    """Twice as slow in the second run."""
    b.iter(lambda: None)

@bench
def faster(b: Bencher) -> None:
    """Half the time in the second run."""
    b.iter(lambda: None)

@bench(throughput=Throughput.bytes(4096))
def hashing(b: Bencher) -> None:
    """Shows throughput lines."""
    b.iter(lambda: None)

flat = group("a_group_with_a_rather_long_name", sampling_mode="flat", sample_size=10)

@flat.bench(params=[1, 2])
def flat_sampled(b: Bencher, n: int) -> None:
    """Flat sampling, parametrised, with an id longer than 23 characters."""
    b.iter(lambda: None)
'''

CONFIG = """\
[tool.critbench]
warm-up-time = 0.001
measurement-time = 0.01
sample-size = 20
nresamples = 1000
processes = 5
"""

BASE_CLOCK = FakeClock(1000, seed=1, busy=0.0)
NEW_CLOCK = FakeClock(1000, {"golden/slower": 2000, "golden/faster": 500}, seed=2, busy=0.0)


def _check(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("CRITBENCH_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"missing golden file {path}; run with CRITBENCH_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")


@pytest.fixture
def compared(make_workspace: Callable[..., Workspace]) -> Workspace:
    ws = make_workspace(CONFIG)
    ws.package("pkg", "pkg", {"golden": TARGET})
    saved = ws.critbench("run", "--save-baseline", "base", fake=BASE_CLOCK)
    assert saved.returncode == 0, saved.stderr
    _check("save.txt", saved.stdout)
    return ws


def test_comparison_output_matches_golden(compared: Workspace) -> None:
    result = compared.critbench("run", "--baseline", "base", "--discard-baseline", fake=NEW_CLOCK)
    assert result.returncode == 1
    _check("compare.txt", result.stdout)


def test_verbose_and_bencher_and_quiet_formats_match_golden(compared: Workspace) -> None:
    for fmt in ("verbose", "bencher", "quiet"):
        result = compared.critbench(
            "run", "--baseline", "base", "--discard-baseline", "--output-format", fmt, fake=NEW_CLOCK
        )
        assert result.returncode == 1
        _check(f"compare-{fmt}.txt", result.stdout)


def test_same_fake_run_twice_prints_the_same_numbers(compared: Workspace) -> None:
    first = compared.critbench("run", "--baseline", "base", "--discard-baseline", fake=NEW_CLOCK)
    second = compared.critbench("run", "--baseline", "base", "--discard-baseline", fake=NEW_CLOCK)
    assert first.stdout == second.stdout
