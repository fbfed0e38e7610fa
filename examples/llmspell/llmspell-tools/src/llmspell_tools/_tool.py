"""A tool: a named, described, categorised function whose inputs are checked against its schema.

Tool functions are declared with :func:`tool` in the ``builtin`` modules; the declaration is a
:class:`ToolDefinition` (cheap, made at import). Creating a :class:`Tool` from it builds the schema and
the search text, which is the work ``tool_initialization`` measures.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from llmspell_tools._errors import ToolError
from llmspell_tools._schema import Json, Param, Schema

ToolFunction = Callable[..., Json]
F = TypeVar("F", bound=ToolFunction)

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class ToolDefinition:
    """What a ``@tool`` declaration recorded: enough to create the tool on demand."""

    name: str
    category: str
    description: str
    params: tuple[Param, ...]
    function: ToolFunction


class Tool:
    """A ready-to-call tool. Stateless after creation, so one instance may serve many callers."""

    def __init__(self, definition: ToolDefinition) -> None:
        if not _NAME.match(definition.name):
            raise ValueError(f"tool name {definition.name!r} must be lower_snake_case")
        if not definition.description.strip():
            raise ValueError(f"tool {definition.name!r} needs a description")
        self.name = definition.name
        self.category = definition.category
        self.description = definition.description
        self.schema = Schema(definition.name, definition.params)
        self._function = definition.function
        self.keywords = frozenset(re.findall(r"[a-z0-9]+", f"{self.name} {self.description}".lower()))

    def __repr__(self) -> str:
        return f"Tool({self.name!r}, category={self.category!r})"

    def info(self) -> dict[str, Json]:
        """Name, category, description and parameter schema, as JSON."""
        return {
            "name": self.name,
            "category": self.category,
            "description": self.description,
            "parameters": self.schema.json_schema(),
        }

    def invoke(self, params: Mapping[str, object] | None = None) -> Json:
        """Check ``params`` against the schema, then run the tool. Raises :class:`ToolError` on bad input."""
        arguments = self.schema.validate(params or {})
        try:
            return self._function(**arguments)
        except ToolError:
            raise
        except (ValueError, OverflowError, UnicodeError) as exc:
            raise ToolError(f"{self.name}: {exc}") from exc


class Catalog:
    """The definitions of one category of built-in tools, in declaration order."""

    def __init__(self, category: str) -> None:
        self.category = category
        self.definitions: list[ToolDefinition] = []

    def tool(self, name: str, description: str, *params: Param) -> Callable[[F], F]:
        """Declare the decorated function as a tool of this category (the function is returned as is)."""

        def declare(function: F) -> F:
            self.definitions.append(ToolDefinition(name, self.category, description, params, function))
            return function

        return declare
