"""Turning records into JSON-ready data and back, driven by the dataclasses' own type hints.

One codec serves the worker protocol, the baseline files and the ``--json`` output, so a field added to a
record travels everywhere without a second hand-written serialiser to keep in step.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import types
import typing
from typing import Any, TypeVar

T = TypeVar("T")


def to_data(value: object) -> Any:
    """Plain JSON-ready data (dicts, lists, str, numbers, None) for a record, enum or container."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: to_data(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [to_data(item) for item in value]
    if isinstance(value, dict):
        return {str(key): to_data(item) for key, item in value.items()}
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    raise TypeError(f"cannot encode {type(value).__name__}")


def from_data(cls: type[T], data: Any) -> T:
    """The record of type ``cls`` that :func:`to_data` encoded as ``data``.

    Unknown keys are ignored and missing keys take the field's default, so files written by a newer or
    older minor version still load; a missing key without a default raises ValueError.
    """
    return typing.cast(T, _decode(cls, data, cls.__name__))


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _decode(tp: Any, data: Any, where: str) -> Any:
    origin = typing.get_origin(tp)
    if tp is Any or tp is object:
        return data
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(tp)
        if data is None and type(None) in options:
            return None
        errors = []
        for option in options:
            if option is type(None):
                continue
            try:
                return _decode(option, data, where)
            except (TypeError, ValueError) as exc:
                errors.append(str(exc))
        raise ValueError(f"{where}: no type of {tp} fits {data!r}: {'; '.join(errors)}")
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        if not isinstance(data, dict):
            raise ValueError(f"{where}: expected an object, got {type(data).__name__}")
        hints = _hints(tp)
        kwargs = {}
        for field in dataclasses.fields(tp):
            if not field.init:
                continue
            if field.name in data:
                kwargs[field.name] = _decode(hints[field.name], data[field.name], f"{where}.{field.name}")
            elif field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
                raise ValueError(f"{where}: missing field {field.name!r}")
        return tp(**kwargs)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return tp(data)
    if origin is tuple:
        args = typing.get_args(tp)
        if not isinstance(data, list | tuple):
            raise ValueError(f"{where}: expected a list, got {type(data).__name__}")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_decode(args[0], item, where) for item in data)
        return tuple(_decode(arg, item, where) for arg, item in zip(args, data, strict=True))
    if origin is list:
        (arg,) = typing.get_args(tp)
        return [_decode(arg, item, where) for item in data]
    if origin is dict:
        _, value_type = typing.get_args(tp)
        return {str(key): _decode(value_type, item, where) for key, item in data.items()}
    if tp is float:
        if isinstance(data, bool) or not isinstance(data, int | float):
            raise ValueError(f"{where}: expected a number, got {data!r}")
        return float(data)
    if tp in (int, str, bool):
        if not isinstance(data, tp) or (tp is int and isinstance(data, bool)):
            raise ValueError(f"{where}: expected {tp.__name__}, got {data!r}")
        return data
    raise TypeError(f"{where}: cannot decode into {tp}")
