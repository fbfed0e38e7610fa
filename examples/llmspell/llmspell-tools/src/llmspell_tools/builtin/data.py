"""JSON tools: parse, format, query by dotted path, merge and inspect."""

from __future__ import annotations

import json
import re

from llmspell_tools._errors import ToolError
from llmspell_tools._schema import Json, Param
from llmspell_tools._tool import Catalog

catalog = Catalog("json")

_SOURCE = Param("source", "string", "JSON text")
_PATH_PART = re.compile(r"([^.\[\]]+)|\[(-?\d+)\]")


def _parse(source: str, tool: str) -> Json:
    try:
        value: Json = json.loads(source)
    except json.JSONDecodeError as exc:
        raise ToolError(f"{tool}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    return value


def parse_path(path: str) -> list[str | int]:
    """``"a.b[0].c"`` or ``"a.b.0.c"`` → ``["a", "b", 0, "c"]``; digits address list items, ``[-1]`` the last."""
    if not path:
        return []
    parts: list[str | int] = []
    position = 0
    for segment in path.split("."):
        if not segment:
            raise ToolError(f"malformed path {path!r}: empty segment at position {position}")
        consumed = 0
        for match in _PATH_PART.finditer(segment):
            if match.start() != consumed:
                break
            key, index = match.groups()
            parts.append(int(index) if index is not None else int(key) if key.isdigit() else key)
            consumed = match.end()
        if consumed != len(segment):
            raise ToolError(f"malformed path {path!r} near {segment[consumed:]!r}")
        position += len(segment) + 1
    return parts


def query(value: Json, path: str) -> Json:
    """The value at ``path`` inside ``value``; :class:`ToolError` naming the first step that fails."""
    current = value
    walked: list[str] = []
    for part in parse_path(path):
        where = ".".join(walked) or "the document"
        if isinstance(part, int) and isinstance(current, list):
            if not -len(current) <= part < len(current):
                raise ToolError(
                    f"path {path!r}: index {part} out of range in {where} (length {len(current)})"
                )
            current = current[part]
        elif isinstance(current, dict) and str(part) in current:
            current = current[str(part)]
        elif isinstance(current, dict):
            raise ToolError(f"path {path!r}: no key {str(part)!r} in {where}")
        else:
            kind = "a list" if isinstance(current, list) else "a scalar"
            raise ToolError(f"path {path!r}: {where} is {kind}, cannot take {part!r}")
        walked.append(str(part))
    return current


def deep_merge(base: Json, overlay: Json) -> Json:
    """``overlay`` merged into ``base``: objects merge key by key, anything else is replaced."""
    if isinstance(base, dict) and isinstance(overlay, dict):
        merged = dict(base)
        for key, value in overlay.items():
            merged[key] = deep_merge(base[key], value) if key in base else value
        return merged
    return overlay


@catalog.tool("json_parse", "Parse JSON text into a value", _SOURCE)
def json_parse(source: str) -> Json:
    return _parse(source, "json_parse")


@catalog.tool(
    "json_format",
    "Format JSON text: pretty-printed with an indent, or compact; optionally with sorted keys",
    _SOURCE,
    Param("indent", "integer", "Spaces per level; 0 means compact", default=2, minimum=0, maximum=8),
    Param("sort_keys", "boolean", "Sort object keys", default=False),
)
def json_format(source: str, indent: int, sort_keys: bool) -> Json:
    value = _parse(source, "json_format")
    if indent == 0:
        return json.dumps(value, separators=(",", ":"), sort_keys=sort_keys, ensure_ascii=False)
    return json.dumps(value, indent=indent, sort_keys=sort_keys, ensure_ascii=False)


@catalog.tool(
    "json_query",
    "Query a value inside JSON by dotted path, e.g. 'users[0].name' or 'users.0.name'",
    _SOURCE,
    Param("path", "string", "Dotted path; empty for the whole document", max_length=1000),
)
def json_query(source: str, path: str) -> Json:
    return query(_parse(source, "json_query"), path)


@catalog.tool(
    "json_validate",
    "Check whether text is valid JSON; report the error position when it is not",
    _SOURCE,
)
def json_validate(source: str) -> Json:
    try:
        json.loads(source)
    except json.JSONDecodeError as exc:
        return {"valid": False, "error": exc.msg, "line": exc.lineno, "column": exc.colno}
    return {"valid": True}


@catalog.tool(
    "json_merge",
    "Deep-merge two JSON objects; values of the second win",
    Param("base", "object", "The base object"),
    Param("overlay", "object", "The object merged on top"),
)
def json_merge(base: dict[str, Json], overlay: dict[str, Json]) -> Json:
    return deep_merge(base, overlay)


@catalog.tool(
    "json_keys",
    "The keys of the JSON object at a path (the document itself by default)",
    _SOURCE,
    Param("path", "string", "Dotted path to an object", default=""),
)
def json_keys(source: str, path: str) -> Json:
    value = query(_parse(source, "json_keys"), path)
    if not isinstance(value, dict):
        raise ToolError(f"json_keys: the value at {path or 'the document'!r} is not an object")
    return list(value)
