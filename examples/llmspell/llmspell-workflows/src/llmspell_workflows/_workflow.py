"""A workflow: a named tree of steps, checked when built, run against a tool registry."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from llmspell_tools import Json, ToolRegistry
from llmspell_workflows._context import RESERVED_NAMES, WorkflowContext
from llmspell_workflows._nodes import Node, ToolStep


class WorkflowDefinitionError(ValueError):
    """The workflow's structure is invalid (repeated or reserved step names, unknown tools)."""


@dataclass(frozen=True)
class WorkflowResult:
    output: Json
    """The root node's output."""
    outputs: dict[str, Json]
    """Every named step's (last) output."""
    steps_run: int
    """How many tool calls were made."""


class Workflow:
    def __init__(self, name: str, root: Node) -> None:
        seen: set[str] = set()
        for node in root.walk():
            if node.name in RESERVED_NAMES:
                raise WorkflowDefinitionError(f"{name}: a step cannot be called {node.name!r} (reserved)")
            if node.name in seen:
                raise WorkflowDefinitionError(f"{name}: two steps are called {node.name!r}")
            seen.add(node.name)
        self.name = name
        self.root = root

    def tools(self) -> set[str]:
        """The names of the tools the workflow calls."""
        return {node.tool for node in self.root.walk() if isinstance(node, ToolStep)}

    def check_tools(self, registry: ToolRegistry) -> None:
        """Fail before running if any step names a tool the registry does not have."""
        missing = sorted(tool for tool in self.tools() if tool not in registry)
        if missing:
            raise WorkflowDefinitionError(f"{self.name}: unknown tool(s) {', '.join(missing)}")

    async def run(self, registry: ToolRegistry, inputs: Mapping[str, Json] | None = None) -> WorkflowResult:
        context = WorkflowContext(inputs)
        output = await self.root.run(context, registry)
        return WorkflowResult(output, dict(context.outputs), context.steps_run)
