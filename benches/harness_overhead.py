"""What critbench's timing loop adds to each iteration, against the cheapest loop Python can write.

``iter_noop`` times a no-op through ``Bencher.iter``; ``bare_loop_noop`` times the same no-op in a bare
``for`` loop (through ``iter_custom``, which lets the routine time itself). Their ratio is the harness
overhead; docs/performance.md records it.
"""

from __future__ import annotations

import asyncio
from time import perf_counter_ns

from critbench import Bencher, group

overhead = group("harness_overhead")


def noop() -> None:
    pass


async def async_noop() -> None:
    pass


@overhead.bench
def iter_noop(b: Bencher) -> None:
    """A no-op timed by Bencher.iter."""
    b.iter(noop)


@overhead.bench
def bare_loop_noop(b: Bencher) -> None:
    """The same no-op in a bare for-loop timed with perf_counter_ns: the floor iter is measured against."""

    def run(iters: int) -> float:
        start = perf_counter_ns()
        for _ in range(iters):
            noop()
        return perf_counter_ns() - start

    b.iter_custom(run)


@overhead.bench
def iter_batched_noop(b: Bencher) -> None:
    """A no-op routine under iter_batched with a trivial setup (setup untimed)."""
    b.iter_batched(lambda: None, lambda _: None)


@overhead.bench
def iter_async_noop(b: Bencher) -> None:
    """An empty coroutine awaited by iter_async, every iteration of a sample in one event loop."""
    b.iter_async(async_noop)


@overhead.bench
def bare_async_loop_noop(b: Bencher) -> None:
    """The same empty coroutine awaited in a bare loop inside one event loop: iter_async's floor."""

    async def timed(iters: int) -> float:
        start = perf_counter_ns()
        for _ in range(iters):
            await async_noop()
        return perf_counter_ns() - start

    with asyncio.Runner() as runner:
        b.iter_custom(lambda iters: runner.run(timed(iters)))
