"""The measuring core through the timing Bencher: each iter* method measures, the fake clock is repeatable."""

from __future__ import annotations

import asyncio

import pytest

from critbench.engine._core import TimingBencher
from critbench.engine._fake_timer import FakeTimer
from critbench.model import BenchmarkId, SamplingMode, Settings

FAST = Settings(warm_up_time=1e-3, measurement_time=2e-3, sample_size=5)


class Recorder:
    def __init__(self) -> None:
        self.events: list[str] = []

    def warming_up(self, seconds: float) -> None:
        self.events.append("warmup")

    def collecting(self, samples: int, expected_ns: float, iterations: int) -> None:
        self.events.append(f"collecting {samples}")

    def warning(self, text: str) -> None:
        self.events.append("warning")


def _bencher(settings: Settings = FAST, fake: FakeTimer | None = None) -> TimingBencher:
    return TimingBencher(BenchmarkId("g", "f"), settings, Recorder(), fake)


def test_iter_calls_the_routine_once_per_iteration() -> None:
    calls = []
    bencher = _bencher()
    bencher.iter(lambda: calls.append(1))
    run = bencher.measured()
    assert run.mode is SamplingMode.LINEAR
    assert len(run.iters) == 5
    # ...plus three untimed calls of the memory pass
    assert len(calls) == run.warm_up_iters + sum(run.iters) + 3
    assert run.allocated_per_iteration_bytes is not None
    assert run.overhead_ns > 0


def test_memory_pass_sees_what_one_iteration_allocates() -> None:
    bencher = _bencher()
    bencher.iter(lambda: bytearray(1_000_000))
    run = bencher.measured()
    assert run.allocated_per_iteration_bytes is not None
    assert 1_000_000 <= run.allocated_per_iteration_bytes < 1_100_000


def test_iter_batched_times_only_the_routine_and_feeds_fresh_inputs() -> None:
    made: list[int] = []
    seen: list[int] = []
    bencher = _bencher()

    def setup() -> int:
        made.append(1)
        return len(made)

    bencher.iter_batched(setup, seen.append, batch_size="per_iteration")
    run = bencher.measured()
    # ...plus three inputs for the untimed memory pass
    assert len(seen) == len(made) == run.warm_up_iters + sum(run.iters) + 3
    assert len(set(seen)) == len(seen), "every input is used once"


def test_iter_custom_uses_the_routines_own_timing() -> None:
    bencher = _bencher()
    bencher.iter_custom(lambda iters: iters * 250.0)
    run = bencher.measured()
    assert all(t == n * 250.0 for n, t in zip(run.iters, run.times_ns, strict=True))


def test_iter_async_runs_each_sample_inside_one_event_loop() -> None:
    loops: set[int] = set()
    bencher = _bencher()

    async def routine() -> None:
        loops.add(id(asyncio.get_running_loop()))

    bencher.iter_async(routine)
    bencher.measured()
    assert len(loops) == 1


def test_iter_async_awaited_in_an_async_benchmark_uses_its_loop() -> None:
    bencher = _bencher()
    seen: list[object] = []

    async def benchmark() -> None:
        loop = asyncio.get_running_loop()

        async def routine() -> None:
            seen.append(asyncio.get_running_loop() is loop)

        await bencher.iter_async(routine)

    asyncio.run(benchmark())
    bencher.measured()
    assert seen
    assert all(seen)


def test_fake_timer_is_deterministic_and_scales_with_cost() -> None:
    runs = []
    for cost in (1000.0, 1000.0, 2000.0):
        bencher = _bencher(fake=FakeTimer(cost, "key"))
        bencher.iter(lambda: None)
        runs.append(bencher.measured())
    assert runs[0] == runs[1]
    per_iter = [t / n for t, n in zip(runs[0].times_ns, runs[0].iters, strict=True)]
    assert all(900 < value < 1100 for value in per_iter)
    assert runs[2].iters != runs[0].iters or runs[2].times_ns != runs[0].times_ns


def test_iter_records_each_samples_fastest_window() -> None:
    bencher = _bencher()
    bencher.iter(lambda: sum(range(50)))
    run = bencher.measured()
    assert run.fastest_ns is not None
    assert len(run.fastest_ns) == len(run.iters)
    assert all(0 < f <= t / n for f, t, n in zip(run.fastest_ns, run.times_ns, run.iters, strict=True))


def test_the_fake_clock_runs_the_routine_once_per_timing_and_takes_no_overhead_or_memory() -> None:
    calls: list[int] = []
    bencher = _bencher(fake=FakeTimer(1000.0, "key"))
    bencher.iter(lambda: calls.append(1))
    run = bencher.measured()
    assert len(calls) == len(run.iters) + len(_warm_up_steps(run.warm_up_iters))
    assert run.overhead_ns == 0.0
    assert run.allocated_per_iteration_bytes is None
    assert run.fastest_ns is None


def test_the_fake_clock_bypasses_the_iter_custom_plausibility_check() -> None:
    bencher = _bencher(fake=FakeTimer(1e15, "key"))
    bencher.iter_custom(lambda iters: 1.7e18)  # a timestamp: the fake clock reports synthetic times by design
    run = bencher.measured()
    assert all(t == pytest.approx(n * 1e15, rel=0.2) for n, t in zip(run.iters, run.times_ns, strict=True))


def _warm_up_steps(total_iters: int) -> list[int]:
    steps: list[int] = []
    n = 1
    while sum(steps) < total_iters:
        steps.append(n)
        n *= 2
    return steps
