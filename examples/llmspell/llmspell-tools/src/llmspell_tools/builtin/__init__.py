"""The built-in tool catalogues, one module per category."""

from __future__ import annotations

from llmspell_tools._tool import Catalog, ToolDefinition
from llmspell_tools.builtin import data, dates, encoding, hashing, ids, numeric, text

CATALOGS: tuple[Catalog, ...] = (
    numeric.catalog,
    text.catalog,
    data.catalog,
    hashing.catalog,
    encoding.catalog,
    dates.catalog,
    ids.catalog,
)


def definitions(categories: frozenset[str] | None = None) -> list[ToolDefinition]:
    """The built-in tool definitions, optionally only those of some categories."""
    return [
        definition
        for catalog in CATALOGS
        if categories is None or catalog.category in categories
        for definition in catalog.definitions
    ]


def categories() -> list[str]:
    return [catalog.category for catalog in CATALOGS]
