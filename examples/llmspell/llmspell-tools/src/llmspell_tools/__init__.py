"""llmspell-tools: the llmspell tool set and its registry.

Every tool has a name, a category, a description and a parameter schema that its inputs are checked
against; :func:`default_registry` builds them all. The calculator evaluates arithmetic with its own parser.
"""

from llmspell_tools._calculator import evaluate
from llmspell_tools._errors import CalculationError, ToolError, ToolNotFound, ValidationError
from llmspell_tools._registry import SearchHit, ToolRegistry, create_tool, default_registry, tool_categories
from llmspell_tools._schema import Json, Param, Schema
from llmspell_tools._tool import Tool, ToolDefinition
from llmspell_tools.builtin.data import parse_path, query

__all__ = [
    "CalculationError",
    "Json",
    "Param",
    "Schema",
    "SearchHit",
    "Tool",
    "ToolDefinition",
    "ToolError",
    "ToolNotFound",
    "ToolRegistry",
    "ValidationError",
    "create_tool",
    "default_registry",
    "evaluate",
    "parse_path",
    "query",
    "tool_categories",
]
