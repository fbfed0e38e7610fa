"""Text tools: case, slugs, counting, truncation, splitting, templates and regular expressions."""

from __future__ import annotations

import functools
import re
import string
import unicodedata

from llmspell_tools._errors import ToolError
from llmspell_tools._schema import Json, Param
from llmspell_tools._tool import Catalog

catalog = Catalog("text")

_TEXT = Param("text", "string", "The input text")
_PATTERN = Param("pattern", "string", "A regular expression (Python syntax)", max_length=1000)
_WORD_BOUNDARY = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")


@functools.lru_cache(maxsize=256)
def _compile(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ToolError(f"invalid regular expression {pattern!r}: {exc}") from None


def _words(text: str) -> list[str]:
    return [word.lower() for word in _WORD_BOUNDARY.findall(text)]


@catalog.tool(
    "text_case",
    "Change the case of text: upper, lower, title, snake_case, camelCase or kebab-case",
    _TEXT,
    Param("style", "string", "The case style", enum=("upper", "lower", "title", "snake", "camel", "kebab")),
)
def text_case(text: str, style: str) -> Json:
    if style == "upper":
        return text.upper()
    if style == "lower":
        return text.lower()
    if style == "title":
        return text.title()
    words = _words(text)
    if style == "snake":
        return "_".join(words)
    if style == "kebab":
        return "-".join(words)
    return words[0] + "".join(word.capitalize() for word in words[1:]) if words else ""


@catalog.tool(
    "text_slug",
    "Turn text into a URL slug: ASCII, lower case, words joined by a separator",
    _TEXT,
    Param("separator", "string", "What joins the words", default="-", max_length=3),
)
def text_slug(text: str, separator: str) -> Json:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return separator.join(re.findall(r"[a-z0-9]+", ascii_text.lower()))


@catalog.tool("text_word_count", "Count the words, characters and lines of text", _TEXT)
def text_word_count(text: str) -> Json:
    return {"words": len(text.split()), "characters": len(text), "lines": len(text.splitlines())}


@catalog.tool(
    "text_truncate",
    "Shorten text to at most a given length, on a word boundary, ending with an ellipsis",
    _TEXT,
    Param("length", "integer", "Maximum length of the result", minimum=1),
    Param("ellipsis", "string", "Appended when the text was cut", default="..."),
)
def text_truncate(text: str, length: int, ellipsis: str) -> Json:
    if len(text) <= length:
        return text
    room = length - len(ellipsis)
    if room <= 0:
        return ellipsis[:length]
    cut = text[:room]
    if not text[room].isspace() and " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip() + ellipsis


@catalog.tool("text_reverse", "Reverse text character by character", _TEXT)
def text_reverse(text: str) -> Json:
    return text[::-1]


@catalog.tool(
    "text_replace",
    "Replace every occurrence of a substring in text",
    _TEXT,
    Param("old", "string", "The substring to replace"),
    Param("new", "string", "The replacement"),
)
def text_replace(text: str, old: str, new: str) -> Json:
    if not old:
        raise ToolError("text_replace: 'old' must not be empty")
    return text.replace(old, new)


@catalog.tool(
    "text_split",
    "Split text into a list on a separator (whitespace by default)",
    _TEXT,
    Param("separator", "string", "The separator; null splits on runs of whitespace", default=None),
)
def text_split(text: str, separator: str | None) -> Json:
    if separator == "":
        raise ToolError("text_split: the separator must not be empty")
    parts: list[Json] = list(text.split(separator))
    return parts


@catalog.tool(
    "text_join",
    "Join a list of strings into one text with a separator",
    Param("parts", "array", "The strings to join", items="string"),
    Param("separator", "string", "What goes between the parts", default=" "),
)
def text_join(parts: list[str], separator: str) -> Json:
    return separator.join(parts)


@catalog.tool("text_trim", "Remove leading and trailing whitespace and collapse inner runs of spaces", _TEXT)
def text_trim(text: str) -> Json:
    return " ".join(text.split())


@catalog.tool(
    "text_template",
    "Fill a string template: $name or ${name} placeholders replaced by values",
    Param("template", "string", "The template, e.g. 'Hello, $name!'"),
    Param("values", "object", "Placeholder values"),
)
def text_template(template: str, values: dict[str, Json]) -> Json:
    try:
        return string.Template(template).substitute({key: str(value) for key, value in values.items()})
    except KeyError as exc:
        raise ToolError(f"text_template: no value for placeholder {exc.args[0]!r}") from None
    except ValueError as exc:
        raise ToolError(f"text_template: malformed template: {exc}") from None


@catalog.tool(
    "regex_match",
    "Match a regular expression against text: the first match, its position and its groups",
    _TEXT,
    _PATTERN,
)
def regex_match(text: str, pattern: str) -> Json:
    match = _compile(pattern).search(text)
    if match is None:
        return {"matched": False}
    return {
        "matched": True,
        "match": match.group(),
        "start": match.start(),
        "end": match.end(),
        "groups": list(match.groups()),
        "named": dict(match.groupdict()),
    }


@catalog.tool(
    "regex_find_all", "Every non-overlapping match of a regular expression in text", _TEXT, _PATTERN
)
def regex_find_all(text: str, pattern: str) -> Json:
    return [match.group() for match in _compile(pattern).finditer(text)]


@catalog.tool(
    "regex_replace",
    "Replace the matches of a regular expression in text (\\1 or \\g<name> refer to groups)",
    _TEXT,
    _PATTERN,
    Param("replacement", "string", "The replacement text"),
)
def regex_replace(text: str, pattern: str, replacement: str) -> Json:
    try:
        return _compile(pattern).sub(replacement, text)
    except re.error as exc:
        raise ToolError(f"regex_replace: invalid replacement {replacement!r}: {exc}") from None
