"""The errors a tool can raise. Every one is a :class:`ToolError`, so callers catch one type."""

from __future__ import annotations


class ToolError(Exception):
    """A tool could not do what it was asked; the message says why, in terms of the caller's input."""


class ValidationError(ToolError):
    """The parameters do not match the tool's schema (missing, unknown, wrong type or out of range)."""


class CalculationError(ToolError):
    """The calculator refused or could not evaluate an expression."""


class ToolNotFound(ToolError):
    """No tool has the requested name."""

    def __init__(self, name: str, suggestions: list[str]) -> None:
        hint = f" (did you mean {', '.join(repr(s) for s in suggestions)}?)" if suggestions else ""
        super().__init__(f"no tool named {name!r}{hint}")
        self.name = name
        self.suggestions = suggestions
