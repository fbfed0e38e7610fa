"""critbench.testing.smoke_run: bench files tested like any code."""

from __future__ import annotations

import asyncio

import pytest

from critbench import Bencher, bench
from critbench.testing import SmokeTestError, smoke_run


def test_runs_each_kind_of_benchmark() -> None:
    seen: list[str] = []

    @bench
    def plain(b: Bencher) -> None:
        b.iter(lambda: seen.append("iter"))

    @bench(params=[1, 2])
    def batched(b: Bencher, n: int) -> None:
        b.iter_batched(lambda: n, lambda x: seen.append(f"batched {x}"))

    @bench
    async def awaited(b: Bencher) -> None:
        queue: asyncio.Queue[int] = asyncio.Queue()

        async def roundtrip() -> None:
            await queue.put(1)
            seen.append(f"async {await queue.get()}")

        await b.iter_async(roundtrip)

    smoke_run(plain)
    smoke_run(batched, 2)
    smoke_run(awaited, iterations=2)
    assert seen == ["iter"] * 3 + ["batched 2"] * 3 + ["async 1"] * 2


def test_reports_misuse_and_errors() -> None:
    def forgets(b: Bencher) -> None:
        pass

    async def never_awaits(b: Bencher) -> None:
        async def nothing() -> None:
            pass

        b.iter_async(nothing).close()  # type: ignore[attr-defined]

    def raises(b: Bencher) -> None:
        b.iter(lambda: 1 / 0)

    with pytest.raises(SmokeTestError, match="without calling an iter"):
        smoke_run(forgets)
    with pytest.raises(SmokeTestError, match="never awaited"):
        smoke_run(never_awaits)
    with pytest.raises(ZeroDivisionError):
        smoke_run(raises)
