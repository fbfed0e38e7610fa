"""The seed's kernel benchmarks (``llmspell-kernel/benches/kernel_performance.rs``), in Python.

Targets from the seed's "Performance Targets (Phase 10)": startup < 2 s cold and < 100 ms warm, an
in-process message roundtrip < 5 ms, a simple tool invocation < 10 ms, registry access < 1 ms. Every async
benchmark runs all its iterations in one event loop (the seed's Rust benchmarks lost ~12 ms per iteration
to building a runtime per iteration).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from time import perf_counter_ns

from critbench import Bencher, group
from llmspell_kernel import Kernel, StartupCache, embedded_kernel
from llmspell_tools import Json, default_registry

# The configuration every kernel here starts from: TOML text, as a user's kernel.toml would hold it.
CONFIG = """
name = "bench"
tools = "all"

[limits]
request_timeout = 30
"""

IDLE_CONFIG: dict[str, Json] = {"name": "idle", "tools": []}


async def _timed_starts(iters: int, cache_for_start: Callable[[], StartupCache]) -> float:
    """Start ``iters`` kernels; only the starts are timed, each shutdown happens off the clock."""
    elapsed = 0
    for _ in range(iters):
        cache = cache_for_start()
        began = perf_counter_ns()
        kernel = await Kernel.start_embedded(CONFIG, cache=cache)
        elapsed += perf_counter_ns() - began
        await kernel.shutdown()
    return float(elapsed)


async def _roundtrips(b: Bencher, config: str | dict[str, Json], msg_type: str, **payload: Json) -> None:
    """Time one request/reply over a running kernel's in-process transport (a failed reply raises)."""
    async with embedded_kernel(config) as kernel:
        client = kernel.client()
        await b.iter_async(lambda: client.request(msg_type, **payload))


startup = group("kernel_startup", sample_size=10, measurement_time="10s")


@startup.bench(target="2s")
def embedded_cold_start(b: Bencher) -> None:
    """Start an embedded kernel from nothing: parse the TOML config, build every built-in tool, start the server.

    Each start gets an empty StartupCache, so nothing from an earlier start is reused (Python's module
    imports stay cached by the interpreter, as they would in a long-lived host process).
    """
    with asyncio.Runner() as runner:
        b.iter_custom(lambda iters: runner.run(_timed_starts(iters, StartupCache)))


@startup.bench(target="100ms")
def embedded_warm_start(b: Bencher) -> None:
    """Start an embedded kernel again: config and tool registry come from the cache of an earlier start."""
    cache = StartupCache()
    with asyncio.Runner() as runner:
        runner.run(_timed_starts(1, lambda: cache))  # the first start fills the cache
        b.iter_custom(lambda iters: runner.run(_timed_starts(iters, lambda: cache)))


messages = group("message_handling")


@messages.bench(target="5ms")
async def inprocess_tool_list_roundtrip(b: Bencher) -> None:
    """A `list` request and its reply (every built-in tool described) through the in-process transport."""
    await _roundtrips(b, CONFIG, "list")


invocation = group("tool_invocation")


@invocation.bench(target="10ms")
async def calculator_simple_expression(b: Bencher) -> None:
    """Invoke the calculator on "2 + 2" through the kernel: validate, parse, evaluate, reply."""
    await _roundtrips(b, CONFIG, "invoke", tool="calculator", params={"expression": "2 + 2"})


@invocation.bench(target="10ms")
async def calculator_complex_expression(b: Bencher) -> None:
    """Invoke the calculator on "(10 + 5) * 3 - 8 / 2" through the kernel."""
    await _roundtrips(b, CONFIG, "invoke", tool="calculator", params={"expression": "(10 + 5) * 3 - 8 / 2"})


@invocation.bench(target="10ms")
async def tool_info_lookup(b: Bencher) -> None:
    """An `info` request for the calculator: its description and JSON parameter schema."""
    await _roundtrips(b, CONFIG, "info", tool="calculator")


@invocation.bench(target="10ms")
async def tool_search(b: Bencher) -> None:
    """A `search` request ranking all tools against the keywords "hash text"."""
    await _roundtrips(b, CONFIG, "search", query="hash text", limit=5)


registry_ops = group("registry_operations")


@registry_ops.bench(target="1ms")
def list_all_tools(b: Bencher) -> None:
    """List every tool of the registry directly (no transport), sorted by name."""
    registry = default_registry()
    b.iter(registry.list)


@registry_ops.bench(target="1ms")
def list_tools_filtered(b: Bencher) -> None:
    """List the tools of one category ("text") directly from the registry."""
    registry = default_registry()
    b.iter(lambda: registry.list("text"))


memory = group("kernel_memory")


@memory.bench(memory_target="50MB")
async def kernel_idle(b: Bencher) -> None:
    """A kernel with no tools loaded answering `kernel_info`: the kernel's own footprint."""
    await _roundtrips(b, IDLE_CONFIG, "kernel_info")


@memory.bench(memory_target="100MB")
async def kernel_with_tools(b: Bencher) -> None:
    """A kernel with every tool loaded answering `list`: the footprint with the full tool set."""
    await _roundtrips(b, CONFIG, "list")
