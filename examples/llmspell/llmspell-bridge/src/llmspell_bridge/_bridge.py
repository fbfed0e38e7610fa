"""The workflow bridge: workflows described as data (e.g. JSON from a script) turned into real workflows.

A description is an object with a ``name`` and a list of ``steps``; each step is one of::

    {"name": "n", "tool": "calculator", "params": {"expression": "${input.x} * 2"}}
    {"name": "n", "type": "sequence", "steps": [...]}
    {"name": "n", "type": "parallel", "steps": [...], "threads": false, "max_concurrency": 0}
    {"name": "n", "type": "conditional", "if": {"left": ..., "op": "gt", "right": ...},
     "then": [...], "else": [...]}
    {"name": "n", "type": "loop", "over": "${input.items}" | "times": 3 | "while": {...},
     "max_iterations": 100, "steps": [...]}

Mistakes are reported with where they are (``steps[1].then[0]: unknown key 'toool'``) before anything runs.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from llmspell_bridge._session import Session
from llmspell_tools import Json, ToolRegistry, default_registry
from llmspell_workflows import (
    Condition,
    Conditional,
    Loop,
    Node,
    Parallel,
    Sequential,
    ToolStep,
    Workflow,
    WorkflowDefinitionError,
    WorkflowResult,
)

_KEYS: dict[str, frozenset[str]] = {
    "tool": frozenset({"name", "type", "tool", "params"}),
    "sequence": frozenset({"name", "type", "steps"}),
    "parallel": frozenset({"name", "type", "steps", "threads", "max_concurrency"}),
    "conditional": frozenset({"name", "type", "if", "then", "else"}),
    "loop": frozenset({"name", "type", "steps", "over", "times", "while", "max_iterations"}),
}


class SpecError(WorkflowDefinitionError):
    """A workflow description is malformed; the message says where."""


def _get(spec: Mapping[str, Any], key: str, kind: type, where: str, default: Any = ...) -> Any:
    if key not in spec:
        if default is ...:
            raise SpecError(f"{where}: missing {key!r}")
        return default
    value = spec[key]
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise SpecError(f"{where}: {key!r} must be {kind.__name__}, got {type(value).__name__}")
    return value


def _condition(raw: Any, where: str) -> Condition:
    if not isinstance(raw, Mapping):
        raise SpecError(f"{where}: a condition must be an object")
    try:
        return Condition.from_spec(raw)
    except ValueError as exc:
        raise SpecError(f"{where}: {exc}") from None


def _body(raw: Any, name: str, where: str) -> Node:
    """A list of steps as one node (a single step as itself, several as a sequence named ``name``)."""
    if not isinstance(raw, list) or not raw:
        raise SpecError(f"{where}: expected a non-empty list of steps")
    nodes = [build_node(item, f"{where}[{index}]") for index, item in enumerate(raw)]
    return nodes[0] if len(nodes) == 1 else Sequential(name, nodes)


def build_node(spec: Any, where: str) -> Node:
    """One node from its description (see the module docstring)."""
    if not isinstance(spec, Mapping):
        raise SpecError(f"{where}: a step must be an object")
    kind = spec.get("type", "tool")
    if kind not in _KEYS:
        raise SpecError(f"{where}: unknown step type {kind!r} (known: {', '.join(_KEYS)})")
    unknown = sorted(set(spec) - _KEYS[kind])
    if unknown:
        raise SpecError(f"{where}: unknown key {unknown[0]!r} for a {kind} step")
    name = _get(spec, "name", str, where)
    where = f"{where} ({name})"
    try:
        if kind == "tool":
            return ToolStep(name, _get(spec, "tool", str, where), dict(_get(spec, "params", dict, where, {})))
        if kind == "sequence":
            return Sequential(name, _nodes(spec, where))
        if kind == "parallel":
            return Parallel(
                name,
                _nodes(spec, where),
                threads=_get(spec, "threads", bool, where, False),
                max_concurrency=_get(spec, "max_concurrency", int, where, 0),
            )
        if kind == "conditional":
            otherwise = _body(spec["else"], f"{name}_else", f"{where}.else") if "else" in spec else None
            return Conditional(
                name,
                _condition(_get(spec, "if", dict, where), f"{where}.if"),
                _body(_get(spec, "then", list, where), f"{name}_then", f"{where}.then"),
                otherwise,
            )
        body = _body(_get(spec, "steps", list, where), f"{name}_body", f"{where}.steps")
        return Loop(
            name,
            body,
            over=spec.get("over"),
            times=_get(spec, "times", int, where, None),
            while_=_condition(spec["while"], f"{where}.while") if "while" in spec else None,
            max_iterations=_get(spec, "max_iterations", int, where, 1000),
        )
    except ValueError as exc:
        if isinstance(exc, SpecError):
            raise
        raise SpecError(f"{where}: {exc}") from None


def _nodes(spec: Mapping[str, Any], where: str) -> list[Node]:
    steps = _get(spec, "steps", list, where)
    if not steps:
        raise SpecError(f"{where}: 'steps' is empty")
    return [build_node(step, f"{where}.steps[{index}]") for index, step in enumerate(steps)]


class WorkflowBridge:
    """Builds workflows from descriptions and runs them on a tool registry, optionally recording to a session."""

    def __init__(self, registry: ToolRegistry | None = None) -> None:
        self.registry = registry if registry is not None else default_registry()

    def build(self, spec: Mapping[str, Any] | str) -> Workflow:
        """A checked :class:`Workflow` from a description (an object, or its JSON text)."""
        if isinstance(spec, str):
            try:
                spec = json.loads(spec)
            except json.JSONDecodeError as exc:
                raise SpecError(f"workflow description is not JSON: {exc}") from None
        if not isinstance(spec, Mapping):
            raise SpecError("a workflow description must be an object")
        unknown = sorted(set(spec) - {"name", "steps"})
        if unknown:
            raise SpecError(f"workflow: unknown key {unknown[0]!r} (known: name, steps)")
        name = _get(spec, "name", str, "workflow")
        workflow = Workflow(name, Sequential(name, _nodes(spec, "workflow")))
        workflow.check_tools(self.registry)
        return workflow

    async def run(
        self,
        spec: Mapping[str, Any] | str | Workflow,
        inputs: Mapping[str, Json] | None = None,
        *,
        session: Session | None = None,
    ) -> WorkflowResult:
        """Run a workflow (built from ``spec`` unless already built).

        With a ``session``, the run is recorded in ``session.state["workflow_runs"]`` and every step's output
        is attached as the JSON artifact ``<workflow>-<run number>.json``.
        """
        workflow = spec if isinstance(spec, Workflow) else self.build(spec)
        result = await workflow.run(self.registry, inputs)
        if session is not None:
            _record(session, workflow.name, result)
        return result


def _record(session: Session, workflow: str, result: WorkflowResult) -> None:
    runs = session.state.setdefault("workflow_runs", [])
    assert isinstance(runs, list)
    number = len(runs) + 1
    artifact = session.attach_artifact(
        f"{workflow}-{number}.json",
        json.dumps(result.outputs, ensure_ascii=False, sort_keys=True),
        mime_type="application/json",
        metadata={"workflow": workflow, "run": number},
    )
    runs.append(
        {"workflow": workflow, "run": number, "steps_run": result.steps_run, "outputs": artifact.sha256}
    )
