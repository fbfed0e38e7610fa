"""--precision keeps adding worker processes until the interval is narrow enough, or says it could not."""

from __future__ import annotations

from collections.abc import Callable

from tests.conftest import Workspace

TARGET = '''
import random
import time
from critbench import Bencher, bench

random.seed(7)


@bench
def steady(b: Bencher) -> None:
    """The same work every call."""
    b.iter(lambda: sum(range(300)))


@bench
def erratic(b: Bencher) -> None:
    """Samples that take one or five microseconds per iteration at random: never within 0.5%."""

    def run(iters: int) -> float:
        cost = iters * 1000.0 * random.choice([1, 5])
        start = time.perf_counter_ns()
        while time.perf_counter_ns() - start < cost:  # spend the time it reports, as a real routine would
            pass
        return cost

    b.iter_custom(run)
'''


def test_precision_adds_processes_until_it_gives_up_and_says_so(make_workspace: Callable[..., Workspace]) -> None:
    ws = make_workspace()
    ws.package("pkg", "pkg", {"p": TARGET})
    result = ws.critbench("run", "--precision", "0.5%", "--json", "out.json", "--", "--verbose")
    assert result.returncode == 0, result.stderr
    erratic = result.stdout.split("p/erratic", 1)[1]
    assert "samples from 20 worker processes" in erratic, "5 processes plus up to 15 more"
    assert "precision asked for (±0.5%) was not reached" in erratic
    bad = ws.critbench("run", "--precision", "150%")
    assert bad.returncode == 2
    assert "precision must be a fraction" in bad.stderr
