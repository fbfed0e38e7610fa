"""What a running workflow knows: its inputs, each finished step's output, the current loop variables.

Step parameters may refer to these with ``${...}``: ``${input.city}``, ``${fetch}`` (a step's whole output),
``${fetch.result.items[0]}`` (a path inside it), ``${loop.item}`` and ``${loop.index}``. A string that is
exactly one reference becomes the referenced value, whatever its type; references inside a longer string
are interpolated as text (JSON for non-strings).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from llmspell_tools import Json, ToolError, query

RESERVED_NAMES = frozenset({"input", "loop"})

_REFERENCE = re.compile(r"\$\{([^{}]+)\}")
_ROOT = re.compile(r"([A-Za-z_]\w*)((?:[.\[].*)?)$")


class WorkflowError(Exception):
    """A workflow failed while running; the message names the step."""


class UnresolvedReference(WorkflowError):
    """A ``${...}`` reference names nothing, or a path inside it does not exist."""


class WorkflowContext:
    """The data of one workflow run. Steps write their outputs here; references read them."""

    def __init__(self, inputs: Mapping[str, Json] | None = None) -> None:
        self.inputs: dict[str, Json] = dict(inputs or {})
        self.outputs: dict[str, Json] = {}
        self.steps_run = 0
        self._loops: list[dict[str, Json]] = []

    @contextmanager
    def loop_scope(self) -> Iterator[dict[str, Json]]:
        """A fresh ``${loop.*}`` scope for one loop (the innermost loop's variables win)."""
        scope: dict[str, Json] = {}
        self._loops.append(scope)
        try:
            yield scope
        finally:
            self._loops.pop()

    def lookup(self, reference: str) -> Json:
        """The value a reference (the text inside ``${}``) points at."""
        match = _ROOT.match(reference.strip())
        if match is None:
            raise UnresolvedReference(f"${{{reference}}}: a reference starts with a step name, input or loop")
        root, path = match.group(1), match.group(2).removeprefix(".")
        value: Json
        if root == "input":
            value = self.inputs
        elif root == "loop":
            if not self._loops:
                raise UnresolvedReference(f"${{{reference}}}: not inside a loop")
            value = self._loops[-1]
        elif root in self.outputs:
            value = self.outputs[root]
        else:
            raise UnresolvedReference(f"${{{reference}}}: no step {root!r} has run yet")
        try:
            return query(value, path)
        except ToolError as exc:
            raise UnresolvedReference(f"${{{reference}}}: {exc}") from None

    def resolve(self, value: Json) -> Json:
        """``value`` with every reference in it (at any depth) replaced."""
        if isinstance(value, str):
            whole = _REFERENCE.fullmatch(value)
            if whole is not None:
                return self.lookup(whole.group(1))
            return _REFERENCE.sub(lambda match: _as_text(self.lookup(match.group(1))), value)
        if isinstance(value, list):
            return [self.resolve(item) for item in value]
        if isinstance(value, dict):
            return {key: self.resolve(item) for key, item in value.items()}
        return value


def _as_text(value: Json) -> str:
    return value if isinstance(value, str) else json.dumps(value)
