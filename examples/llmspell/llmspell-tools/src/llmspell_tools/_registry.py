"""The tool registry: register, look up, list by category and search by keyword."""

from __future__ import annotations

import builtins
import difflib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from llmspell_tools import builtin
from llmspell_tools._errors import ToolNotFound
from llmspell_tools._schema import Json
from llmspell_tools._tool import Tool

# Search scores: a match in the name counts more than one in the description.
_EXACT_NAME = 100.0
_NAME_WORD = 10.0
_NAME_PART = 5.0
_CATEGORY = 6.0
_DESCRIPTION_WORD = 3.0
_DESCRIPTION_SUBSTRING = 1.0


@dataclass(frozen=True)
class SearchHit:
    """One search result: the tool and how well it matched (higher is better)."""

    tool: Tool
    score: float


class ToolRegistry:
    """Tools by name. Registering twice under one name is an error; lookups suggest close names."""

    def __init__(self, tools: Iterable[Tool] = ()) -> None:
        self._tools: dict[str, Tool] = {}
        self._by_category: dict[str, list[Tool]] = {}
        for tool in tools:
            self.register(tool)

    def __len__(self) -> int:
        return len(self._tools)

    def __contains__(self, name: object) -> bool:
        return name in self._tools

    def __iter__(self) -> Iterator[Tool]:
        return iter(self._tools.values())

    def register(self, tool: Tool) -> None:
        if tool.name in self._tools:
            raise ValueError(f"a tool named {tool.name!r} is already registered")
        self._tools[tool.name] = tool
        self._by_category.setdefault(tool.category, []).append(tool)

    def get(self, name: str) -> Tool:
        """The tool called ``name``; :class:`ToolNotFound` (with suggestions) if there is none."""
        try:
            return self._tools[name]
        except KeyError:
            raise ToolNotFound(name, difflib.get_close_matches(name, self._tools, n=3)) from None

    def categories(self) -> builtins.list[str]:
        return sorted(self._by_category)

    def list(self, category: str | None = None) -> list[Tool]:
        """All tools, or those of one category, sorted by name."""
        if category is None:
            return sorted(self._tools.values(), key=_by_name)
        return sorted(self._by_category.get(category, ()), key=_by_name)

    def info(self, name: str) -> dict[str, Json]:
        """The description and parameter schema of one tool, as JSON."""
        return self.get(name).info()

    def search(self, query: str, limit: int = 10) -> builtins.list[SearchHit]:
        """Tools whose name, category or description match ``query``'s keywords, best first.

        Each keyword scores where it is found (whole name > a word of the name > part of the name > category > a word of the
        description > part of the description); a tool's score is the sum. Ties are broken by name.
        """
        keywords = re.findall(r"[a-z0-9_]+", query.lower())
        if not keywords or limit <= 0:
            return []
        hits = []
        for tool in self._tools.values():
            score = sum(_keyword_score(tool, keyword) for keyword in keywords)
            if score > 0:
                hits.append(SearchHit(tool, score))
        hits.sort(key=lambda hit: (-hit.score, hit.tool.name))
        return hits[:limit]


def _by_name(tool: Tool) -> str:
    return tool.name


def _keyword_score(tool: Tool, keyword: str) -> float:
    score = 0.0
    if keyword == tool.name:
        score += _EXACT_NAME
    elif keyword in tool.name:
        score += _NAME_WORD if keyword in tool.name.split("_") else _NAME_PART
    if keyword == tool.category:
        score += _CATEGORY
    if keyword in tool.keywords:
        score += _DESCRIPTION_WORD
    elif keyword in tool.description.lower():
        score += _DESCRIPTION_SUBSTRING
    return score


def create_tool(name: str) -> Tool:
    """A new instance of the built-in tool ``name``."""
    for definition in builtin.definitions():
        if definition.name == name:
            return Tool(definition)
    names = [definition.name for definition in builtin.definitions()]
    raise ToolNotFound(name, difflib.get_close_matches(name, names, n=3))


def default_registry(categories: Iterable[str] | None = None) -> ToolRegistry:
    """A new registry holding fresh instances of every built-in tool (or those of some categories)."""
    wanted = None if categories is None else frozenset(categories)
    if wanted is not None:
        unknown = sorted(wanted - set(builtin.categories()))
        if unknown:
            raise ValueError(f"unknown tool categories {unknown} (known: {', '.join(builtin.categories())})")
    return ToolRegistry(Tool(definition) for definition in builtin.definitions(wanted))


def tool_categories() -> list[str]:
    """The categories of the built-in tools."""
    return builtin.categories()
