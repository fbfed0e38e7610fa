"""Math tools: the calculator and statistics over lists of numbers."""

from __future__ import annotations

import statistics

from llmspell_tools._calculator import evaluate
from llmspell_tools._errors import ToolError
from llmspell_tools._schema import Json, Param
from llmspell_tools._tool import Catalog

catalog = Catalog("math")

_NUMBERS = Param("numbers", "array", "The numbers", items="number", max_length=100_000)


def _numbers(values: list[float], tool: str, at_least: int = 1) -> list[float]:
    if len(values) < at_least:
        raise ToolError(f"{tool}: needs at least {at_least} number(s), got {len(values)}")
    return values


@catalog.tool(
    "calculator",
    "Evaluate an arithmetic expression safely: + - * / // % ** parentheses, sqrt abs min max round floor "
    "ceil log, constants pi e tau",
    Param("expression", "string", "The arithmetic expression, e.g. '(10 + 5) * 3'", max_length=1000),
)
def calculator(expression: str) -> Json:
    return {"expression": expression, "result": evaluate(expression)}


@catalog.tool("list_sum", "Sum of a list of numbers", _NUMBERS)
def list_sum(numbers: list[float]) -> Json:
    return sum(numbers)


@catalog.tool("list_mean", "Arithmetic mean (average) of a list of numbers", _NUMBERS)
def list_mean(numbers: list[float]) -> Json:
    return statistics.fmean(_numbers(numbers, "list_mean"))


@catalog.tool("list_median", "Median (middle value) of a list of numbers", _NUMBERS)
def list_median(numbers: list[float]) -> Json:
    return statistics.median(_numbers(numbers, "list_median"))


@catalog.tool("list_stdev", "Sample standard deviation of a list of numbers", _NUMBERS)
def list_stdev(numbers: list[float]) -> Json:
    return statistics.stdev(_numbers(numbers, "list_stdev", at_least=2))


@catalog.tool(
    "list_stats",
    "Summary statistics of a list of numbers: count, min, max, sum, mean, median and standard deviation",
    _NUMBERS,
)
def list_stats(numbers: list[float]) -> Json:
    values = _numbers(numbers, "list_stats")
    return {
        "count": len(values),
        "min": min(values),
        "max": max(values),
        "sum": sum(values),
        "mean": statistics.fmean(values),
        "median": statistics.median(values),
        "stdev": statistics.stdev(values) if len(values) > 1 else 0.0,
    }


@catalog.tool(
    "list_sort",
    "Sort a list of numbers ascending or descending",
    _NUMBERS,
    Param("descending", "boolean", "Largest first", default=False),
)
def list_sort(numbers: list[float], descending: bool) -> Json:
    return list[Json](sorted(numbers, reverse=descending))


@catalog.tool(
    "number_format",
    "Format a number with thousands separators and a fixed number of decimal places",
    Param("value", "number", "The number to format"),
    Param("decimals", "integer", "Digits after the decimal point", default=2, minimum=0, maximum=20),
    Param("separator", "string", "Thousands separator", default=",", max_length=1),
)
def number_format(value: float, decimals: int, separator: str) -> Json:
    text = f"{value:,.{decimals}f}"
    return text.replace(",", separator)
