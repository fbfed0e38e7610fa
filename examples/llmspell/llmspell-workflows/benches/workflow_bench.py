"""Workflow performance: each workflow type over the built-in tools, and sequences of growing length."""

from __future__ import annotations

import itertools

from critbench import Bencher, Throughput, bench
from llmspell_tools import Json, default_registry
from llmspell_workflows import Condition, Conditional, Loop, Node, Parallel, Sequential, ToolStep, Workflow

BRANCHES = 8


def _chain(steps: int) -> Workflow:
    """``steps`` calculator steps, each adding one to the previous step's result."""
    nodes: list[Node] = [ToolStep("s0", "calculator", {"expression": "0"})]
    nodes += [
        ToolStep(f"s{n}", "calculator", {"expression": f"${{s{n - 1}.result}} + 1"}) for n in range(1, steps)
    ]
    return Workflow("chain", Sequential("main", nodes))


def _fan_out(threads: bool) -> Workflow:
    """Hash 64 KiB of text with a different algorithm in each of 8 branches."""
    algorithms = ["hash_md5", "hash_sha1", "hash_sha256", "hash_blake2b"]
    branches: list[Node] = [
        ToolStep(f"b{n}", algorithms[n % len(algorithms)], {"text": "${input.text}"}) for n in range(BRANCHES)
    ]
    return Workflow("fan", Parallel("fan", branches, threads=threads))


@bench(params=[1, 10, 100], throughput=Throughput.elements)
async def run_sequential(b: Bencher, steps: int) -> None:
    """A sequence of calculator steps, each reading the previous result (throughput in steps)."""
    registry, workflow = default_registry(), _chain(steps)
    await b.iter_async(lambda: workflow.run(registry))


@bench(params={"inline": False, "threads": True})
async def run_parallel(b: Bencher, threads: bool) -> None:
    """Eight hashing branches over 64 KiB each, gathered on the event loop or run in worker threads."""
    registry, workflow = default_registry(), _fan_out(threads)
    inputs = {"text": "0123456789abcdef" * 4096}
    await b.iter_async(lambda: workflow.run(registry, inputs))


@bench
async def run_conditional(b: Bencher) -> None:
    """Measure a value, compare it, run the chosen branch (alternating branches across iterations)."""
    registry = default_registry()
    workflow = Workflow(
        "cond",
        Sequential(
            "main",
            [
                ToolStep("measure", "text_word_count", {"text": "${input.text}"}),
                Conditional(
                    "choose",
                    Condition("${measure.words}", "gt", 3),
                    ToolStep("long", "text_truncate", {"text": "${input.text}", "length": 12}),
                    ToolStep("short", "text_case", {"text": "${input.text}", "style": "upper"}),
                ),
            ],
        ),
    )
    inputs = itertools.cycle([{"text": "a short one"}, {"text": "a somewhat longer sentence of words"}])
    await b.iter_async(lambda: workflow.run(registry, next(inputs)))


@bench(throughput=Throughput.elements(20))
async def run_loop(b: Bencher) -> None:
    """A loop over 20 items, each slugged then hashed (throughput in items)."""
    registry = default_registry()
    body = Sequential(
        "body",
        [
            ToolStep("slug", "text_slug", {"text": "Item ${loop.index}: ${loop.item}"}),
            ToolStep("digest", "hash_sha256", {"text": "${slug}"}),
        ],
    )
    workflow = Workflow("loop", Loop("items", body, over="${input.items}"))
    inputs: dict[str, Json] = {"items": [f"Entry number {n} — ünïcode" for n in range(20)]}
    await b.iter_async(lambda: workflow.run(registry, inputs))
