"""Sample bench file for the instruction-count prototype: plain, async and batched routines, three sizes.

Native times on the project's machine (fast state): py_loop/1us ~1 µs, py_loop/100us ~100 µs,
py_loop/10ms ~10 ms; json_loads ~100 µs; sort_floats ~10 ms.
"""

import asyncio
import json
import random
import time

from critbench import bench


def kernel(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i % 7
    return total


@bench(params={"1us": 20, "100us": 2_000, "10ms": 200_000})
def py_loop(b, n):
    """The same pure-Python loop at three sizes."""
    b.iter(lambda: kernel(n))


@bench
def py_loop_heavy_setup(b):
    """py_loop/100us after a setup (before b.iter) costing ~1 s natively: the setup must not be counted."""
    junk = [str(i) * 3 for i in range(300_000)]
    json.loads(json.dumps(junk))
    sorted(junk, reverse=True)
    del junk
    b.iter(lambda: kernel(2_000))


DOC = json.dumps({"items": list(range(2_000)), "names": [f"name-{i}" for i in range(200)]})


@bench
def json_loads(b):
    """json.loads of a 14 kB document (mostly C code)."""
    b.iter(lambda: json.loads(DOC))


@bench
def sort_floats(b):
    """sorted() of 100k random floats (C code, memory-bound)."""
    rng = random.Random(1)
    data = [rng.random() for _ in range(100_000)]
    b.iter(lambda: sorted(data))


@bench
def str_keys_dict(b):
    """A dict of 200 str keys: hashes depend on PYTHONHASHSEED."""
    keys = [f"key{i}" for i in range(200)]
    b.iter(lambda: dict.fromkeys(keys, 1))


@bench
def cyclic_garbage(b):
    """Each iteration leaves a reference cycle: the cyclic GC runs every ~700 iterations."""

    def routine():
        a = [1, 2, 3]
        a.append(a)

    b.iter(routine)


def cheap_reversed():
    return list(range(2_000, 0, -1))


def costly_reversed():
    # the same list, made the slow way (about 40x the instructions of cheap_reversed)
    rng = random.Random(7)
    xs = list(range(1, 2_001))
    rng.shuffle(xs)
    return sorted(xs, key=lambda x: -x)


@bench
def sort_batched(b):
    """list.sort of a reversed 2000-element list; inputs from a cheap setup."""
    b.iter_batched(cheap_reversed, lambda xs: xs.sort())


@bench
def sort_batched_costly_setup(b):
    """The same routine and inputs, from a setup ~40x costlier: the count must not move."""
    b.iter_batched(costly_reversed, lambda xs: xs.sort())


@bench
def sort_batched_per_iteration(b):
    """The same routine and inputs, one input per batch."""
    b.iter_batched(cheap_reversed, lambda xs: xs.sort(), batch_size="per_iteration")


@bench
def async_kernel(b):
    """An async routine that never suspends: the coroutine's own cost is the loop overhead subtracted."""

    async def routine():
        return kernel(20)

    b.iter_async(routine)


@bench
def async_sleep0(b):
    """An async routine that yields to the event loop once per iteration (the loop's work is the routine's)."""

    async def routine():
        await asyncio.sleep(0)
        return kernel(20)

    b.iter_async(routine)


@bench
async def async_in_running_loop(b):
    """An async def benchmark: measured inside its own running loop."""

    async def routine():
        return kernel(20)

    await b.iter_async(routine)


@bench
def sleeps_1ms(b):
    """Mostly waiting: time.sleep(0.001). Instructions cannot see the wait."""
    b.iter(lambda: time.sleep(0.001))


@bench
def custom_loop(b):
    """iter_custom: the routine runs the iterations itself (its own timer calls are counted)."""

    def routine(iters):
        t = time.perf_counter_ns()
        for _ in range(iters):
            kernel(20)
        return time.perf_counter_ns() - t

    b.iter_custom(routine)
