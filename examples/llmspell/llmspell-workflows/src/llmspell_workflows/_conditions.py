"""Conditions for conditional steps and while-loops: a comparison of two (resolved) values."""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeGuard

from llmspell_tools import Json
from llmspell_workflows._context import WorkflowContext, WorkflowError


def _contains(container: Json, item: Json) -> bool:
    if isinstance(container, str):
        return isinstance(item, str) and item in container
    if isinstance(container, list | dict):
        return item in container
    raise WorkflowError(f"'contains' needs a string, list or object on the left, got {container!r}")


def _is_number(value: Json) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _ordered(compare: Callable[[float | str, float | str], bool]) -> Callable[[Json, Json], bool]:
    def check(left: Json, right: Json) -> bool:
        if isinstance(left, str) and isinstance(right, str):
            return compare(left, right)
        if _is_number(left) and _is_number(right):
            return compare(left, right)
        raise WorkflowError(f"cannot order {left!r} and {right!r}: both must be numbers or both strings")

    return check


OPERATORS: dict[str, Callable[[Json, Json], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": _ordered(operator.lt),
    "le": _ordered(operator.le),
    "gt": _ordered(operator.gt),
    "ge": _ordered(operator.ge),
    "contains": _contains,
    "truthy": lambda left, _right: bool(left),
    "falsy": lambda left, _right: not left,
}


@dataclass(frozen=True)
class Condition:
    """``left <op> right``, both sides resolved against the context first (so both may be references)."""

    left: Json
    op: str
    right: Json = None

    def __post_init__(self) -> None:
        if self.op not in OPERATORS:
            raise ValueError(f"unknown condition operator {self.op!r} (known: {', '.join(OPERATORS)})")

    @classmethod
    def from_spec(cls, spec: Mapping[str, Json]) -> Condition:
        """From data: ``{"left": "${count.result}", "op": "gt", "right": 10}``."""
        unknown = sorted(set(spec) - {"left", "op", "right"})
        if unknown:
            raise ValueError(f"unknown condition key {unknown[0]!r} (known: left, op, right)")
        if "left" not in spec or not isinstance(spec.get("op"), str):
            raise ValueError("a condition needs 'left' and an 'op' string")
        return cls(spec["left"], str(spec["op"]), spec.get("right"))

    def holds(self, context: WorkflowContext) -> bool:
        return OPERATORS[self.op](context.resolve(self.left), context.resolve(self.right))


Predicate = Condition | Callable[[WorkflowContext], bool]


def holds(predicate: Predicate, context: WorkflowContext) -> bool:
    """Whether a :class:`Condition` or a plain ``context -> bool`` function holds."""
    if isinstance(predicate, Condition):
        return predicate.holds(context)
    return bool(predicate(context))
