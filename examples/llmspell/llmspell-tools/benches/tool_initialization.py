"""Tool creation time (the seed's target: < 10 ms): the whole tool set, one category, single tools.

Creating a tool builds its parameter schema and search keywords from its declaration; a registry also
indexes the tools by name and category.
"""

from __future__ import annotations

from critbench import Bencher, Throughput, bench
from llmspell_tools import create_tool, default_registry, tool_categories

TOOL_COUNT = len(default_registry())


@bench(target="10ms", throughput=Throughput.elements(TOOL_COUNT))
def create_default_registry(b: Bencher) -> None:
    """Build the default registry: a fresh instance of every built-in tool, indexed (throughput in tools)."""
    b.iter(default_registry)


@bench(target="10ms", params=tool_categories())
def create_category_registry(b: Bencher, category: str) -> None:
    """Build a registry holding only the tools of one category."""
    b.iter(lambda: default_registry([category]))


@bench(target="10ms", params=["calculator", "json_query", "datetime_add"])
def create_single_tool(b: Bencher, name: str) -> None:
    """Create one tool by name: find its declaration, build its schema."""
    b.iter(lambda: create_tool(name))
