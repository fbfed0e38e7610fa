"""Workflow execution through the bridge: a workflow described as data, built, checked and run."""

from __future__ import annotations

from typing import Any

from critbench import Bencher, bench
from llmspell_bridge import Session, WorkflowBridge
from llmspell_tools import Json, default_registry

# A small report pipeline, as a script would send it: every workflow type, each step using earlier outputs.
REPORT: dict[str, Any] = {
    "name": "report",
    "steps": [
        {"name": "stats", "tool": "list_stats", "params": {"numbers": "${input.numbers}"}},
        {
            "name": "fan",
            "type": "parallel",
            "steps": [
                {
                    "name": "mean",
                    "tool": "number_format",
                    "params": {"value": "${stats.mean}", "decimals": 1},
                },
                {
                    "name": "spread",
                    "tool": "calculator",
                    "params": {"expression": "${stats.max} - ${stats.min}"},
                },
                {"name": "digest", "tool": "hash_sha256", "params": {"text": "${input.title}"}},
            ],
        },
        {
            "name": "verdict",
            "type": "conditional",
            "if": {"left": "${spread.result}", "op": "gt", "right": 5},
            "then": [
                {"name": "wide", "tool": "text_case", "params": {"text": "wide spread", "style": "upper"}}
            ],
            "else": [{"name": "narrow", "tool": "text_case", "params": {"text": "narrow", "style": "upper"}}],
        },
        {
            "name": "labels",
            "type": "loop",
            "over": "${input.numbers}",
            "steps": [
                {
                    "name": "label",
                    "tool": "text_template",
                    "params": {"template": "#$i=$v", "values": {"i": "${loop.index}", "v": "${loop.item}"}},
                }
            ],
        },
        {"name": "summary", "tool": "text_join", "params": {"parts": "${labels}", "separator": " "}},
    ],
}

INPUTS: dict[str, Json] = {"title": "Quarterly numbers", "numbers": [3, 1, 4, 1, 5, 9, 2, 6]}


@bench
def build_workflow(b: Bencher) -> None:
    """Turn the report description into a checked workflow (structure, step names, tool names)."""
    bridge = WorkflowBridge(default_registry())
    b.iter(lambda: bridge.build(REPORT))


@bench
async def run_data_workflow(b: Bencher) -> None:
    """Build and run the report description: 14 tool calls over sequence, parallel, conditional and loop."""
    bridge = WorkflowBridge(default_registry())
    await b.iter_async(lambda: bridge.run(REPORT, INPUTS))


@bench
async def run_with_session(b: Bencher) -> None:
    """Run the built report workflow into a new session: state entry plus a hashed JSON artifact."""
    bridge = WorkflowBridge(default_registry())
    workflow = bridge.build(REPORT)
    await b.iter_async(lambda: bridge.run(workflow, INPUTS, session=Session.create("bench")))
