"""Utility tools: UUIDs."""

from __future__ import annotations

import uuid

from llmspell_tools._errors import ToolError
from llmspell_tools._schema import Json, Param
from llmspell_tools._tool import Catalog

catalog = Catalog("util")

_NAMESPACES = {"dns": uuid.NAMESPACE_DNS, "url": uuid.NAMESPACE_URL, "oid": uuid.NAMESPACE_OID}


@catalog.tool(
    "uuid_generate",
    "Generate a UUID: version 4 (random) or version 5 (deterministic, from a namespace and a name)",
    Param("version", "integer", "4 or 5", default=4, enum=(4, 5)),
    Param("namespace", "string", "Version 5: dns, url, oid or a UUID", default="url"),
    Param("name", "string", "Version 5: the name to derive the UUID from", default=None),
)
def uuid_generate(version: int, namespace: str, name: str | None) -> Json:
    if version == 4:
        return str(uuid.uuid4())
    if name is None:
        raise ToolError("uuid_generate: version 5 needs a 'name'")
    if namespace in _NAMESPACES:
        space = _NAMESPACES[namespace]
    else:
        try:
            space = uuid.UUID(namespace)
        except ValueError:
            raise ToolError(
                f"uuid_generate: namespace {namespace!r} is not dns, url, oid or a UUID"
            ) from None
    return str(uuid.uuid5(space, name))


@catalog.tool(
    "uuid_validate",
    "Check whether text is a UUID; report its canonical form and version",
    Param("text", "string", "The candidate UUID"),
)
def uuid_validate(text: str) -> Json:
    try:
        value = uuid.UUID(text.strip())
    except ValueError:
        return {"valid": False}
    return {"valid": True, "canonical": str(value), "version": value.version}
