"""The timing loops: what each calls, what the windows keep, what iter_custom may report, the calibration."""

from __future__ import annotations

import time

import pytest

from critbench.api._bencher import (
    AsyncRoutine,
    BatchedRoutine,
    BencherMisuse,
    CustomRoutine,
    IterRoutine,
    run_to_end,
)
from critbench.engine import _loops
from critbench.engine._core import TimingBencher
from critbench.engine._fake_timer import FakeTimer
from critbench.engine._loops import (
    BATCH_BYTES,
    CUSTOM_SLACK_NS,
    AsyncLoop,
    BatchedLoop,
    CustomLoop,
    FakeLoop,
    IterLoop,
    Loop,
    calibrated_overhead,
    loop_for,
)
from critbench.model import BenchmarkId, Settings
from tests.engine.test_misuse import Quiet


class Counter:
    """A Measurement that counts its reads instead of reading a clock: every region is worth 1000."""

    unit = "reads"

    def __init__(self) -> None:
        self.reads = 0

    def start(self) -> int:
        self.reads += 1
        return 0

    def end(self, started: int) -> float:
        self.reads += 1
        return 1000.0


def test_the_windowed_loop_keeps_the_fastest_window_per_call() -> None:
    calls: list[int] = []
    loop = IterLoop(lambda: calls.append(1))
    totals = [run_to_end(loop.time(iters)) for iters in (10, 5000, 5000)]
    assert len(calls) == 10_010
    fastest_ns = loop.fastest(3)
    assert len(fastest_ns) == 3
    for total, iters, fastest in zip(totals, (10, 5000, 5000), fastest_ns, strict=True):
        assert 0 < fastest <= total / iters, "the fastest window is never slower than the call's average"


def test_the_batched_loop_times_its_batches_in_windows_and_keeps_the_fastest() -> None:
    loop = BatchedLoop(BatchedRoutine(lambda: 3, lambda x: sum(range(x * 50)), "small"))
    totals = [run_to_end(loop.time(iters)) for iters in (10, 4000, 4000)]
    fastest_ns = loop.fastest(3)
    assert len(fastest_ns) == 3
    for total, iters, fastest in zip(totals, (10, 4000, 4000), fastest_ns, strict=True):
        assert 0 < fastest <= total / iters

    # Later calls split each batch into windows of ~0.1 ms (sized from the call before), one region each.
    class Slow(Counter):
        def end(self, started: int) -> float:
            self.reads += 1
            return 1e6

    slow = Slow()
    counted = BatchedLoop(BatchedRoutine(lambda: 1, lambda x: x, 100), slow)
    assert run_to_end(counted.time(100)) == 1e6, "the first call's batch is one window"
    assert run_to_end(counted.time(100)) == 10 * 1e6, "then windows of 100,000 ns / (1e6 ns / 100) = 10 inputs"
    assert slow.reads == 2 * 11
    assert counted.fastest(2) == (1e4, 1e5)


def test_the_async_loop_keeps_the_fastest_window_per_call_as_iter_does() -> None:
    calls: list[int] = []

    async def routine() -> None:
        calls.append(1)

    loop = AsyncLoop(routine)
    totals = [run_to_end(loop.time(iters)) for iters in (10, 3000, 3000)]
    assert len(calls) == 6010
    fastest_ns = loop.fastest(3)
    assert len(fastest_ns) == 3
    for total, iters, fastest in zip(totals, (10, 3000, 3000), fastest_ns, strict=True):
        assert 0 < fastest <= total / iters
    counter = Counter()
    assert run_to_end(AsyncLoop(routine, counter).time(7)) == 1000.0, "the first call is one window"
    assert counter.reads == 2


def test_loops_bracket_each_timed_block_with_the_measurement() -> None:
    counter = Counter()
    batched = BatchedLoop(BatchedRoutine(lambda: 1, lambda x: x, 2), counter)
    assert run_to_end(batched.time(10)) == 5 * 1000.0, "five batches of two, each one region"
    assert counter.reads == 10
    assert run_to_end(IterLoop(lambda: None, counter).time(7)) == 1000.0, "the first call is one window"


def test_iter_and_async_loops_share_the_window_sizes_and_end_on_the_remainder() -> None:
    class Slow(Counter):
        def end(self, started: int) -> float:
            self.reads += 1
            return 1e6

    calls: list[int] = []

    async def routine() -> None:
        calls.append(1)

    def iter_loop(slow: Slow) -> Loop:
        return IterLoop(lambda: calls.append(1), slow)

    def async_loop(slow: Slow) -> Loop:
        return AsyncLoop(routine, slow)

    for make in (iter_loop, async_loop):
        calls.clear()
        slow = Slow()
        loop = make(slow)
        assert run_to_end(loop.time(100)) == 1e6, "the first call is one window"
        # Windows of 100,000 ns / (1e6 ns / 100 iterations) = 10 iterations: 10, 10 and the remaining 5.
        assert run_to_end(loop.time(25)) == 3 * 1e6
        assert len(calls) == 125
        assert slow.reads == 2 * (1 + 3)
        assert loop.fastest(2) == (1e4, 1e6 / 10), "the last window's 5 iterations are not the fastest"


def test_each_routine_kind_gets_its_loop() -> None:
    async def nothing() -> None:
        pass

    assert isinstance(loop_for(IterRoutine(lambda: None)), IterLoop)
    assert isinstance(loop_for(BatchedRoutine(lambda: 1, lambda x: x, "small")), BatchedLoop)
    assert isinstance(loop_for(CustomRoutine(lambda n: 0.0)), CustomLoop)
    assert isinstance(loop_for(AsyncRoutine(nothing)), AsyncLoop)


def test_iter_custom_may_report_what_the_call_took() -> None:
    def honest(iters: int) -> float:
        start = time.perf_counter_ns()
        sum(range(iters))
        return float(time.perf_counter_ns() - start)

    loop = CustomLoop(CustomRoutine(honest))
    assert run_to_end(loop.time(1000)) >= 0
    # Timer granularity: up to 1 ms beyond twice the wall time is allowed.
    assert run_to_end(CustomLoop(CustomRoutine(lambda n: CUSTOM_SLACK_NS / 2)).time(1)) == CUSTOM_SLACK_NS / 2


@pytest.mark.parametrize("reported", [float(time.time_ns()), 1e15, 1e200])
def test_iter_custom_reporting_more_than_the_call_took_fails_the_benchmark(reported: float) -> None:
    loop = CustomLoop(CustomRoutine(lambda iters: reported))
    with pytest.raises(BencherMisuse, match=r"more time than the call can have taken.*not a timestamp"):
        run_to_end(loop.time(1))


def test_the_fake_loop_runs_the_routine_once_and_reports_iterations_times_cost() -> None:
    calls: list[int] = []
    loop = FakeLoop(IterRoutine(lambda: calls.append(1)), FakeTimer(1000.0, "key"))
    value = run_to_end(loop.time(5000))
    assert calls == [1]
    assert 5000 * 900 < value < 5000 * 1100


def test_the_overhead_is_calibrated_once_per_method_and_not_for_custom_or_fake_loops() -> None:
    class Empty(IterLoop):
        key = "test-empty"
        made = 0

        def empty(self) -> Loop:
            Empty.made += 1
            return super().empty()

    first = run_to_end(calibrated_overhead(Empty(lambda: None)))
    second = run_to_end(calibrated_overhead(Empty(lambda: None)))
    assert first == second > 0
    assert Empty.made == 2, "each loop names its empty twin, but only the first is timed"
    assert run_to_end(calibrated_overhead(CustomLoop(CustomRoutine(lambda n: 0.0)))) == 0.0
    assert run_to_end(calibrated_overhead(FakeLoop(IterRoutine(lambda: None), FakeTimer(1.0, "k")))) == 0.0


class Alive:
    """An input that counts how many of its kind exist at once."""

    now = 0
    most = 0

    def __init__(self, payload: int = 0) -> None:
        self.payload = bytearray(payload)
        Alive.now += 1
        Alive.most = max(Alive.most, Alive.now)

    def __del__(self) -> None:
        Alive.now -= 1

    @classmethod
    def reset(cls) -> None:
        cls.now = cls.most = 0


@pytest.fixture
def most_inputs(monkeypatch: pytest.MonkeyPatch) -> int:
    """A cap of 100 inputs a batch instead of thousands, so a test needs only thousands of iterations."""
    monkeypatch.setattr(_loops, "MOST_BATCH_INPUTS", 100)
    return 100


@pytest.mark.parametrize("size", ["small", "large"])
def test_relative_batches_hold_at_most_a_few_thousand_inputs(size: str, most_inputs: int) -> None:
    Alive.reset()
    loop = BatchedLoop(BatchedRoutine(Alive, lambda item: item, size))  # type: ignore[arg-type]
    run_to_end(loop.time(300_000 if size == "large" else 3000))  # Criterion's batches: 300 inputs
    assert 0 < Alive.most <= most_inputs
    assert Alive.now == 0


def test_batches_of_big_inputs_hold_at_most_the_byte_budget() -> None:
    Alive.reset()
    loop = BatchedLoop(BatchedRoutine(lambda: Alive(2**20), lambda item: item, "small"))
    run_to_end(loop.time(1000))  # Criterion's batch: 100 inputs of 1 MiB
    assert Alive.most <= BATCH_BYTES // 2**20
    assert Alive.now == 0


def test_a_batch_size_given_as_a_number_is_kept(most_inputs: int) -> None:
    Alive.reset()
    loop = BatchedLoop(BatchedRoutine(Alive, lambda item: item, 1000))
    run_to_end(loop.time(2000))
    assert Alive.most == 1000


def test_quick_mode_keeps_batches_small(most_inputs: int) -> None:
    """--quick doubles a fast routine's iterations into the millions: a tenth of that per batch held 604 MB."""
    Alive.reset()
    # Quick mode stops once two timings agree after 0.1 s, or at the measurement time: 0.5 s leaves a loaded
    # machine room to double past a thousand iterations (10 ms did not, at a load of 10).
    settings = Settings(quick=True, measurement_time=0.5)
    bencher = TimingBencher(BenchmarkId("g", "f"), settings, Quiet())
    bencher.iter_batched(Alive, lambda item: item)
    run = bencher.measured()
    assert max(run.iters) > 10 * most_inputs, "large enough that Criterion's batches would be larger"
    assert Alive.most <= most_inputs
