"""Date and time tools. Deterministic: they work only on the instants they are given, never "now".

Instants are ISO 8601 strings; one without an offset is taken as UTC. Durations are written like
``"1w2d3h4m5s"`` (weeks, days, hours, minutes, seconds; any subset, in that order; ``-`` in front negates).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from llmspell_tools._errors import ToolError
from llmspell_tools._schema import Json, Param
from llmspell_tools._tool import Catalog

catalog = Catalog("datetime")

_INSTANT = Param("instant", "string", "An ISO 8601 date or date-time, e.g. '2024-03-01T12:00:00Z'")
_DURATION = re.compile(
    r"^(?P<sign>-)?(?:(?P<w>\d+)w)?(?:(?P<d>\d+)d)?(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m)?(?:(?P<s>\d+(?:\.\d+)?)s)?$"
)


def parse_instant(text: str) -> datetime:
    """An aware datetime from ISO 8601 text (UTC when no offset is given)."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ToolError(f"not an ISO 8601 date-time: {text!r}") from None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def parse_duration(text: str) -> timedelta:
    """A timedelta from ``"1w2d3h4m5s"``-style text."""
    match = _DURATION.match(text.strip())
    if match is None or not any(match.group(unit) for unit in "wdhms"):
        raise ToolError(f"not a duration: {text!r} (expected e.g. '1d2h30m', '-45s')")
    delta = timedelta(
        weeks=int(match.group("w") or 0),
        days=int(match.group("d") or 0),
        hours=int(match.group("h") or 0),
        minutes=int(match.group("m") or 0),
        seconds=float(match.group("s") or 0),
    )
    return -delta if match.group("sign") else delta


def _iso(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


@catalog.tool(
    "datetime_parse",
    "Parse an ISO 8601 date-time into its parts (year ... second, weekday, offset)",
    _INSTANT,
)
def datetime_parse(instant: str) -> Json:
    value = parse_instant(instant)
    offset = value.utcoffset()
    return {
        "year": value.year,
        "month": value.month,
        "day": value.day,
        "hour": value.hour,
        "minute": value.minute,
        "second": value.second,
        "microsecond": value.microsecond,
        "weekday": value.strftime("%A"),
        "iso_week": value.isocalendar().week,
        "day_of_year": value.timetuple().tm_yday,
        "utc_offset_seconds": int(offset.total_seconds()) if offset is not None else 0,
        "iso": _iso(value),
    }


@catalog.tool(
    "datetime_format",
    "Format an ISO 8601 date-time with a strftime pattern, e.g. '%Y-%m-%d %H:%M'",
    _INSTANT,
    Param("pattern", "string", "strftime pattern", max_length=200),
)
def datetime_format(instant: str, pattern: str) -> Json:
    return parse_instant(instant).strftime(pattern)


@catalog.tool(
    "datetime_add",
    "Add a duration like '1d2h30m' (or subtract '-45m') to a date-time",
    _INSTANT,
    Param("duration", "string", "Duration: weeks w, days d, hours h, minutes m, seconds s"),
)
def datetime_add(instant: str, duration: str) -> Json:
    try:
        return _iso(parse_instant(instant) + parse_duration(duration))
    except OverflowError:
        raise ToolError(f"datetime_add: {instant} + {duration} is outside the supported years") from None


@catalog.tool(
    "datetime_diff",
    "The time between two date-times, in seconds and as days/hours/minutes/seconds",
    Param("start", "string", "ISO 8601 start"),
    Param("end", "string", "ISO 8601 end"),
)
def datetime_diff(start: str, end: str) -> Json:
    delta = parse_instant(end) - parse_instant(start)
    seconds = delta.total_seconds()
    whole = int(abs(seconds))
    return {
        "seconds": seconds,
        "days": whole // 86400,
        "hours": whole % 86400 // 3600,
        "minutes": whole % 3600 // 60,
        "remaining_seconds": whole % 60,
        "negative": seconds < 0,
    }


@catalog.tool(
    "datetime_from_unix",
    "Convert a Unix timestamp (seconds since 1970-01-01 UTC) to ISO 8601",
    Param("timestamp", "number", "Seconds since the epoch", minimum=-62135596800, maximum=253402300799),
)
def datetime_from_unix(timestamp: float) -> Json:
    return _iso(datetime.fromtimestamp(timestamp, tz=UTC))


@catalog.tool("datetime_to_unix", "Convert an ISO 8601 date-time to a Unix timestamp in seconds", _INSTANT)
def datetime_to_unix(instant: str) -> Json:
    return parse_instant(instant).timestamp()
