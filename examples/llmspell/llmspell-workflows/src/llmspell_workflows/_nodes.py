"""The building blocks of a workflow: a tool step, and the four ways of combining steps.

Every node has a name; when it finishes, its output is stored under that name in the context, so later
steps can refer to it (``${name}``). A sequence's output is its last step's; a parallel block's is an object
of its branches' outputs; a conditional's is the chosen branch's (``null`` if none); a loop's is the list of
its body's outputs.
"""

from __future__ import annotations

import abc
import asyncio
import contextvars
from collections.abc import Iterator, Sequence

from llmspell_tools import Json, ToolError, ToolRegistry
from llmspell_workflows._conditions import Predicate, holds
from llmspell_workflows._context import WorkflowContext, WorkflowError

DEFAULT_MAX_ITERATIONS = 1000

_in_thread_branch: contextvars.ContextVar[bool] = contextvars.ContextVar("in_thread_branch", default=False)


class Node(abc.ABC):
    def __init__(self, name: str) -> None:
        if not name.isidentifier():
            raise ValueError(f"step name {name!r} must be an identifier")
        self.name = name

    async def run(self, context: WorkflowContext, registry: ToolRegistry) -> Json:
        output = await self._run(context, registry)
        context.outputs[self.name] = output
        return output

    @abc.abstractmethod
    async def _run(self, context: WorkflowContext, registry: ToolRegistry) -> Json: ...

    def children(self) -> Sequence[Node]:
        return ()

    def walk(self) -> Iterator[Node]:
        """This node and every node inside it, depth first."""
        yield self
        for child in self.children():
            yield from child.walk()


class ToolStep(Node):
    """Call one tool with parameters that may hold ``${...}`` references."""

    def __init__(self, name: str, tool: str, params: dict[str, Json] | None = None) -> None:
        super().__init__(name)
        self.tool = tool
        self.params: dict[str, Json] = dict(params or {})

    async def _run(self, context: WorkflowContext, registry: ToolRegistry) -> Json:
        try:
            tool = registry.get(self.tool)
            params = context.resolve(self.params)
            assert isinstance(params, dict)
            context.steps_run += 1
            if _in_thread_branch.get():
                return await asyncio.to_thread(tool.invoke, params)
            return tool.invoke(params)
        except (ToolError, WorkflowError) as exc:
            raise WorkflowError(f"step {self.name!r} ({self.tool}): {exc}") from exc


class Sequential(Node):
    """Run steps one after another."""

    def __init__(self, name: str, steps: Sequence[Node]) -> None:
        super().__init__(name)
        if not steps:
            raise ValueError(f"sequence {name!r} has no steps")
        self.steps = tuple(steps)

    def children(self) -> Sequence[Node]:
        return self.steps

    async def _run(self, context: WorkflowContext, registry: ToolRegistry) -> Json:
        output: Json = None
        for step in self.steps:
            output = await step.run(context, registry)
        return output


class Parallel(Node):
    """Run branches concurrently with ``asyncio.gather``; with ``threads=True`` tool calls run in threads.

    Branches must not refer to each other's outputs (they may not have run yet). The first failing branch
    fails the block; the other branches are cancelled.
    """

    def __init__(
        self, name: str, branches: Sequence[Node], *, threads: bool = False, max_concurrency: int = 0
    ) -> None:
        super().__init__(name)
        if not branches:
            raise ValueError(f"parallel block {name!r} has no branches")
        if max_concurrency < 0:
            raise ValueError("max_concurrency must be 0 (unbounded) or positive")
        self.branches = tuple(branches)
        self.threads = threads
        self.max_concurrency = max_concurrency

    def children(self) -> Sequence[Node]:
        return self.branches

    async def _run(self, context: WorkflowContext, registry: ToolRegistry) -> Json:
        limit = asyncio.Semaphore(self.max_concurrency or len(self.branches))

        async def branch(node: Node) -> Json:
            async with limit:
                _in_thread_branch.set(self.threads)
                return await node.run(context, registry)

        try:
            async with asyncio.TaskGroup() as group:
                tasks = [group.create_task(branch(node)) for node in self.branches]
        except* WorkflowError as failed:
            first = failed.exceptions[0]
            raise WorkflowError(f"parallel block {self.name!r}: {first}") from first
        return {node.name: task.result() for node, task in zip(self.branches, tasks, strict=True)}


class Conditional(Node):
    """Run ``then`` if the condition holds, else ``otherwise`` (if given)."""

    def __init__(self, name: str, condition: Predicate, then: Node, otherwise: Node | None = None) -> None:
        super().__init__(name)
        self.condition = condition
        self.then = then
        self.otherwise = otherwise

    def children(self) -> Sequence[Node]:
        return (self.then,) if self.otherwise is None else (self.then, self.otherwise)

    async def _run(self, context: WorkflowContext, registry: ToolRegistry) -> Json:
        try:
            chosen = self.then if holds(self.condition, context) else self.otherwise
        except WorkflowError as exc:
            raise WorkflowError(f"condition of {self.name!r}: {exc}") from exc
        return None if chosen is None else await chosen.run(context, registry)


class Loop(Node):
    """Run a body once per item of a list (``over``), a number of ``times``, or ``while_`` a condition holds.

    Inside the body ``${loop.index}`` counts from 0 and ``${loop.item}`` is the current item (for ``over``).
    ``max_iterations`` bounds every loop, so a condition that never turns false fails instead of hanging.
    """

    def __init__(
        self,
        name: str,
        body: Node,
        *,
        over: Json = None,
        times: int | None = None,
        while_: Predicate | None = None,
        max_iterations: int = DEFAULT_MAX_ITERATIONS,
    ) -> None:
        super().__init__(name)
        if sum(x is not None for x in (over, times, while_)) != 1:
            raise ValueError(f"loop {name!r} needs exactly one of over=, times= or while_=")
        if times is not None and times < 0:
            raise ValueError(f"loop {name!r}: times must not be negative")
        self.body = body
        self.over = over
        self.times = times
        self.while_ = while_
        self.max_iterations = max_iterations

    def children(self) -> Sequence[Node]:
        return (self.body,)

    def _items(self, context: WorkflowContext) -> list[Json] | None:
        if self.over is None:
            return None
        items = context.resolve(self.over)
        if not isinstance(items, list):
            raise WorkflowError(f"loop {self.name!r}: 'over' must be a list, got {items!r}")
        return items

    def _continues(self, index: int, items: list[Json] | None, context: WorkflowContext) -> bool:
        if items is not None:
            return index < len(items)
        if self.times is not None:
            return index < self.times
        assert self.while_ is not None
        return holds(self.while_, context)

    async def _run(self, context: WorkflowContext, registry: ToolRegistry) -> Json:
        outputs: list[Json] = []
        items = self._items(context)
        with context.loop_scope() as scope:
            index = 0
            while self._continues(index, items, context):
                if index >= self.max_iterations:
                    raise WorkflowError(f"loop {self.name!r} exceeded {self.max_iterations} iterations")
                scope["index"] = index
                scope["item"] = items[index] if items is not None else index
                outputs.append(await self.body.run(context, registry))
                index += 1
        return outputs
