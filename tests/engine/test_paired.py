"""The A/B method (warm-up, how many pairs of how long, the order) and the pinning to one CPU."""

from __future__ import annotations

import random
import subprocess
import sys
import textwrap

import pytest

from critbench import Bencher, bench
from critbench.api import collecting
from critbench.api._bencher import run_to_end
from critbench.engine._core import drive
from critbench.engine._fake_timer import FakeTimer
from critbench.engine._paired import SAMPLE_TIME_NS, PairSide, Revision, Turn, measure_pair, paired_plan, paired_sampler
from critbench.model import Settings


class Recorder:
    def __init__(self) -> None:
        self.events: list[str] = []

    def warming_up(self, seconds: float) -> None:
        self.events.append(f"warm-up {seconds}")

    def collecting(self, samples: int, expected_ns: float, iterations: int) -> None:
        self.events.append(f"collecting {samples} in {expected_ns:.0f} ns ({iterations} iterations)")

    def warning(self, text: str) -> None:
        self.events.append(text)


def test_a_fast_routine_gets_many_samples_of_about_five_milliseconds() -> None:
    settings = Settings(measurement_time=0.5, sample_size=10)
    k, pairs = paired_plan(20_000.0, settings)
    assert k == 250  # 250 × 20 µs = 5 ms
    assert k * 20_000.0 == SAMPLE_TIME_NS
    assert pairs == 100  # 0.5 s of measurement per side in 5 ms samples


def test_a_routine_slower_than_a_sample_gets_one_iteration_per_sample() -> None:
    settings = Settings(measurement_time=0.5, sample_size=10)
    assert paired_plan(20e6, settings) == (1, 25)


def test_the_sample_size_is_a_minimum_even_past_the_measurement_time() -> None:
    settings = Settings(measurement_time=0.5, sample_size=10)
    assert paired_plan(200e6, settings) == (1, 10)  # Criterion's rule: the sample size wins over the time


def test_a_routine_that_takes_no_time_is_an_error() -> None:
    with pytest.raises(ValueError, match="no time"):
        paired_plan(0.0, Settings())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="CPU affinity is a Linux interface here")
def test_pinning_keeps_the_process_and_the_threads_it_starts_on_one_cpu() -> None:
    code = textwrap.dedent(
        """
        import os, threading
        from critbench.engine._paired import pin_to_one_cpu

        cpu = pin_to_one_cpu()
        seen = []
        thread = threading.Thread(target=lambda: seen.append(os.sched_getaffinity(0)))
        thread.start()
        thread.join()
        print(cpu, sorted(os.sched_getaffinity(0)), sorted(seen[0]))
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split(" ", 1)
    cpu = int(out[0])
    assert out[1].strip() == f"[{cpu}] [{cpu}]"


def test_the_sampler_warms_both_sides_up_on_their_summed_time_then_draws_each_pairs_order() -> None:
    settings = Settings(warm_up_time=1e-3, measurement_time=0.02, sample_size=3)
    asked: list[Turn] = []
    progress = Recorder()

    async def answer(turn: Turn) -> tuple[float, float]:
        asked.append(turn)
        return turn.iters * 1000.0, turn.iters * 3000.0  # B costs three times A

    run = run_to_end(drive(paired_sampler(settings, random.Random(1), progress), answer))
    warm = asked[: -len(run.iters)]
    # Doubling until A and B together exceed 1 ms: 1+2+...+128 = 255 iterations of 4 µs = 1.02 ms
    assert [turn.iters for turn in warm] == [2**i for i in range(8)]
    assert all(turn.a_first for turn in warm)
    # k from the slower side: 5 ms / 3 µs; pairs: 20 ms / (k · 3 µs)
    k, pairs = paired_plan(3000.0, settings)
    assert run.iters == (k,) * pairs
    assert run.times_b == tuple(3 * t for t in run.times_a)
    assert run.a_first == tuple(turn.a_first for turn in asked[len(warm) :])
    assert 0 < sum(run.a_first) < pairs, "the order is drawn for every pair"
    assert progress.events == [
        "warm-up 0.001",
        f"collecting {pairs} in {pairs * k * 4000.0:.0f} ns ({pairs * k} iterations)",
    ]


def test_a_pair_measured_with_the_fake_clock_costs_each_side_its_own_price() -> None:
    calls: list[str] = []

    @bench
    def routine(b: Bencher) -> None:
        b.iter(lambda: calls.append("x"))

    with collecting() as specs:
        bench(routine)
    instance = specs[0].instances("g")[0]
    sides = [
        PairSide(Revision(side, []), instance, FakeTimer(cost, f"k:{side}"))
        for side, cost in (("a", 1000.0), ("b", 2000.0))
    ]
    settings = Settings(warm_up_time=1e-3, measurement_time=0.05, sample_size=5)
    first = measure_pair(sides[0], sides[1], settings, rng=random.Random(3), progress=Recorder())
    again = measure_pair(sides[0], sides[1], settings, rng=random.Random(3), progress=Recorder())
    assert first == again, "the fake clock and a seeded order give the same pairs every time"
    ratios = [b / a for a, b in zip(first.times_a, first.times_b, strict=True)]
    assert all(1.8 < ratio < 2.2 for ratio in ratios)
    assert len(calls) == 2 * 2 * (len(first.iters) + 9), "once per side and turn, warm-up included"
