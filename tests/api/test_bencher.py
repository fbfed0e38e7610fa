"""The API's Bencher bookkeeping: Criterion's batch sizes, and running a measurement without an event loop."""

from __future__ import annotations

import asyncio

import pytest

from critbench.api._bencher import BatchedRoutine, BatchSize, run_to_end


@pytest.mark.parametrize(
    ("batch_size", "iters", "inputs"),
    [("small", 95, 10), ("large", 1001, 2), ("per_iteration", 500, 1), (7, 500, 7)],
)
def test_inputs_per_batch_follow_criterions_rule(batch_size: BatchSize, iters: int, inputs: int) -> None:
    assert BatchedRoutine(lambda: 1, lambda x: x, batch_size).inputs_per_batch(iters) == inputs


def test_a_measurement_of_synchronous_code_runs_to_its_end_without_an_event_loop() -> None:
    async def answer() -> int:
        return 42

    assert run_to_end(answer()) == 42


def test_a_measurement_that_waits_for_an_event_loop_is_refused() -> None:
    async def waits() -> None:
        await asyncio.sleep(0)

    with pytest.raises(RuntimeError, match="waited for an event loop"):
        run_to_end(waits())
