"""The timing Bencher: each iter* method measures, misuse is reported with a clear message."""

from __future__ import annotations

import asyncio

import pytest

from critbench.engine._bencher_impl import BencherMisuse, FakeTimer, TimingBencher
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
    run = bencher.finish()
    assert run.mode is SamplingMode.LINEAR
    assert len(run.iters) == 5
    # ...plus three untimed calls of the memory pass
    assert len(calls) == run.warm_up_iters + sum(run.iters) + 3
    assert run.allocated_per_iteration_bytes is not None
    assert run.overhead_ns > 0


def test_memory_pass_sees_what_one_iteration_allocates() -> None:
    bencher = _bencher()
    bencher.iter(lambda: bytearray(1_000_000))
    run = bencher.finish()
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
    run = bencher.finish()
    # ...plus three inputs for the untimed memory pass
    assert len(seen) == len(made) == run.warm_up_iters + sum(run.iters) + 3
    assert len(set(seen)) == len(seen), "every input is used once"


def test_iter_custom_uses_the_routines_own_timing() -> None:
    bencher = _bencher()
    bencher.iter_custom(lambda iters: iters * 250.0)
    run = bencher.finish()
    assert all(t == n * 250.0 for n, t in zip(run.iters, run.times_ns, strict=True))


def test_iter_async_runs_each_sample_inside_one_event_loop() -> None:
    loops: set[int] = set()
    bencher = _bencher()

    async def routine() -> None:
        loops.add(id(asyncio.get_running_loop()))

    bencher.iter_async(routine)
    bencher.finish()
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
    bencher.finish()
    assert seen
    assert all(seen)


def test_forgetting_to_await_iter_async_is_reported() -> None:
    bencher = _bencher()

    async def benchmark() -> None:
        async def routine() -> None:
            pass

        bencher.iter_async(routine)

    asyncio.run(benchmark())
    with pytest.raises(BencherMisuse, match="never awaited"):
        bencher.finish()


def test_calling_two_iter_methods_or_none_is_misuse() -> None:
    bencher = _bencher()
    bencher.iter(lambda: None)
    with pytest.raises(BencherMisuse, match="exactly one"):
        bencher.iter(lambda: None)
    with pytest.raises(BencherMisuse, match="without calling an iter"):
        _bencher().finish()


def test_bad_batch_size_and_bad_custom_timing_are_misuse() -> None:
    with pytest.raises(BencherMisuse, match="batch_size"):
        _bencher().iter_batched(lambda: 1, lambda x: x, batch_size=0)
    with pytest.raises(BencherMisuse, match="nanoseconds"):
        _bencher().iter_custom(lambda iters: -1.0)


def test_fake_timer_is_deterministic_and_scales_with_cost() -> None:
    runs = []
    for cost in (1000.0, 1000.0, 2000.0):
        bencher = _bencher(fake=FakeTimer(cost, "key"))
        bencher.iter(lambda: None)
        runs.append(bencher.finish())
    assert runs[0] == runs[1]
    per_iter = [t / n for t, n in zip(runs[0].times_ns, runs[0].iters, strict=True)]
    assert all(900 < value < 1100 for value in per_iter)
    assert runs[2].iters != runs[0].iters or runs[2].times_ns != runs[0].times_ns


def test_windowed_loop_keeps_the_fastest_window_per_call() -> None:
    from critbench.engine._bencher_impl import WindowedLoop

    calls: list[int] = []
    loop = WindowedLoop(lambda: calls.append(1))
    totals = [loop(iters) for iters in (10, 5000, 5000)]
    assert len(calls) == 10_010
    assert len(loop.fastest) == 3
    for total, iters, fastest in zip(totals, (10, 5000, 5000), loop.fastest, strict=True):
        assert 0 < fastest <= total / iters, "the fastest window is never slower than the call's average"


def test_iter_records_each_samples_fastest_window() -> None:
    bencher = _bencher()
    bencher.iter(lambda: sum(range(50)))
    run = bencher.finish()
    assert run.fastest_ns is not None
    assert len(run.fastest_ns) == len(run.iters)
    assert all(0 < f <= t / n for f, t, n in zip(run.fastest_ns, run.times_ns, run.iters, strict=True))
