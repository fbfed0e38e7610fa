"""Parameter schemas: declared once per tool, checked on every call, exported as JSON Schema.

A :class:`Schema` is built from :class:`Param` declarations when a tool is created; it precomputes what
validation needs (required names, allowed names, per-parameter checks) so each call only does the checks.
"""

from __future__ import annotations

import copy
import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, TypeAlias

from llmspell_tools._errors import ValidationError

Json: TypeAlias = bool | int | float | str | list["Json"] | dict[str, "Json"] | None
"""A JSON value: what tools take as parameters and return as results."""

ParamType = Literal["string", "integer", "number", "boolean", "array", "object"]

_PYTHON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
}


class _Missing(enum.Enum):
    MISSING = enum.auto()


_MISSING = _Missing.MISSING


def type_name(value: object) -> str:
    """The JSON type name of a Python value, for error messages."""
    if value is None:
        return "null"
    for name, types in _PYTHON_TYPES.items():
        if isinstance(value, bool) != (name == "boolean"):
            continue
        if isinstance(value, types):
            return "number" if name == "number" and isinstance(value, float) else name
    return type(value).__name__


def _is_type(value: object, param_type: str) -> bool:
    # bool is an int in Python but never a number in JSON.
    if isinstance(value, bool):
        return param_type == "boolean"
    return isinstance(value, _PYTHON_TYPES[param_type])


@dataclass(frozen=True)
class Param:
    """One declared parameter. A parameter with a ``default`` is optional."""

    name: str
    type: ParamType
    description: str
    default: Json | _Missing = _MISSING
    enum: tuple[Json, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    max_length: int | None = None
    items: ParamType | None = None

    def __post_init__(self) -> None:
        if not self.name.isidentifier():
            raise ValueError(f"parameter name {self.name!r} must be an identifier")
        if self.type not in _PYTHON_TYPES:
            raise ValueError(f"parameter {self.name!r}: unknown type {self.type!r}")
        if self.items is not None and self.type != "array":
            raise ValueError(f"parameter {self.name!r}: items= only applies to arrays")
        if self.has_default and self.default is not None and not _is_type(self.default, self.type):
            raise ValueError(f"parameter {self.name!r}: default {self.default!r} is not a {self.type}")

    @property
    def has_default(self) -> bool:
        return not isinstance(self.default, _Missing)

    @property
    def required(self) -> bool:
        return not self.has_default

    def json_schema(self) -> dict[str, Json]:
        schema: dict[str, Json] = {"type": self.type, "description": self.description}
        if not isinstance(self.default, _Missing):
            schema["default"] = copy.deepcopy(self.default)
        if self.enum is not None:
            schema["enum"] = list(self.enum)
        if self.minimum is not None:
            schema["minimum"] = self.minimum
        if self.maximum is not None:
            schema["maximum"] = self.maximum
        if self.max_length is not None:
            schema["maxLength" if self.type == "string" else "maxItems"] = self.max_length
        if self.items is not None:
            schema["items"] = {"type": self.items}
        return schema

    def check(self, tool: str, value: object) -> None:
        """Raise :class:`ValidationError` unless ``value`` is acceptable for this parameter."""
        where = f"{tool}: parameter {self.name!r}"
        if value is None and self.has_default and self.default is None:
            return
        if not _is_type(value, self.type):
            raise ValidationError(f"{where} must be {self.type}, got {type_name(value)}")
        if self.enum is not None and value not in self.enum:
            choices = ", ".join(repr(choice) for choice in self.enum)
            raise ValidationError(f"{where} must be one of {choices}, got {value!r}")
        if isinstance(value, int | float):
            if self.minimum is not None and value < self.minimum:
                raise ValidationError(f"{where} must be at least {self.minimum:g}, got {value!r}")
            if self.maximum is not None and value > self.maximum:
                raise ValidationError(f"{where} must be at most {self.maximum:g}, got {value!r}")
        if self.max_length is not None and isinstance(value, str | list) and len(value) > self.max_length:
            raise ValidationError(f"{where} is too long: {len(value)} > {self.max_length}")
        if self.items is not None and isinstance(value, list):
            for index, item in enumerate(value):
                if not _is_type(item, self.items):
                    raise ValidationError(f"{where}[{index}] must be {self.items}, got {type_name(item)}")


class Schema:
    """The checked parameter list of one tool."""

    def __init__(self, tool: str, params: Sequence[Param]) -> None:
        names = [param.name for param in params]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise ValueError(f"{tool}: parameters declared twice: {', '.join(repeated)}")
        self.tool = tool
        self.params: tuple[Param, ...] = tuple(params)
        self._by_name = {param.name: param for param in params}
        self._required = frozenset(param.name for param in params if param.required)
        self._expected = ", ".join(names) or "no parameters"

    def json_schema(self) -> dict[str, Json]:
        """The parameters as a JSON Schema object (what ``info`` shows)."""
        properties: dict[str, Json] = {param.name: param.json_schema() for param in self.params}
        return {
            "type": "object",
            "properties": properties,
            "required": [param.name for param in self.params if param.required],
            "additionalProperties": False,
        }

    def validate(self, values: Mapping[str, object]) -> dict[str, object]:
        """The keyword arguments for the tool's function: ``values`` checked, defaults filled in."""
        unknown = [name for name in values if name not in self._by_name]
        if unknown:
            raise ValidationError(
                f"{self.tool}: unknown parameter {unknown[0]!r} (expected: {self._expected})"
            )
        missing = [name for name in self._required if name not in values]
        if missing:
            raise ValidationError(f"{self.tool}: missing required parameter {sorted(missing)[0]!r}")
        arguments: dict[str, object] = {}
        for param in self.params:
            if param.name in values:
                value = values[param.name]
                param.check(self.tool, value)
                arguments[param.name] = value
            else:
                default = param.default
                arguments[param.name] = copy.copy(default) if isinstance(default, list | dict) else default
        return arguments
