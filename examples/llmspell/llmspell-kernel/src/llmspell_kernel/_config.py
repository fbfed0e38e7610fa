"""Kernel configuration: from a dict, or from TOML or JSON text, checked before anything starts.

::

    name = "llmspell"
    tools = ["math", "text"]        # tool categories to load; omitted = all, [] = none

    [limits]
    max_message_bytes = 1048576     # larger requests or replies are refused
    request_timeout = 30.0          # seconds a client waits for a reply
    max_pending_requests = 1024     # bound of the kernel's request queue
    history_size = 100              # requests remembered by the runtime state
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from llmspell_tools import tool_categories


class ConfigError(ValueError):
    """The kernel configuration is malformed; the message names the offending key."""


@dataclass(frozen=True)
class Limits:
    max_message_bytes: int = 1024 * 1024
    request_timeout: float = 30.0
    max_pending_requests: int = 1024
    history_size: int = 100


@dataclass(frozen=True)
class KernelConfig:
    name: str = "llmspell"
    tool_categories: tuple[str, ...] | None = None
    """The tool categories to load; ``None`` loads them all."""
    limits: Limits = field(default_factory=Limits)


def _positive(key: str, value: Any, kind: type) -> Any:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or (kind is int and not isinstance(value, int))
    ):
        raise ConfigError(
            f"limits.{key} must be {'an integer' if kind is int else 'a number'}, got {value!r}"
        )
    if value <= 0:
        raise ConfigError(f"limits.{key} must be positive, got {value!r}")
    return kind(value)


def _limits(raw: Any) -> Limits:
    if not isinstance(raw, Mapping):
        raise ConfigError(f"limits must be a table, got {raw!r}")
    known = {f.name: f.type for f in fields(Limits)}
    unknown = sorted(set(raw) - set(known))
    if unknown:
        raise ConfigError(f"unknown limit {unknown[0]!r} (known: {', '.join(known)})")
    return Limits(
        **{
            key: _positive(key, value, float if key == "request_timeout" else int)
            for key, value in raw.items()
        }
    )


def _categories(raw: Any) -> tuple[str, ...] | None:
    if raw is None or raw == "all":
        return None
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        raise ConfigError(f"tools must be a list of category names or 'all', got {raw!r}")
    known = tool_categories()
    unknown = [item for item in raw if item not in known]
    if unknown:
        raise ConfigError(f"unknown tool category {unknown[0]!r} (known: {', '.join(known)})")
    return tuple(dict.fromkeys(raw))


def parse_config(source: Mapping[str, Any] | str) -> KernelConfig:
    """A checked :class:`KernelConfig` from a mapping or from TOML / JSON text (JSON if it starts with ``{``)."""
    if isinstance(source, str):
        text = source.strip()
        try:
            raw: Mapping[str, Any] = json.loads(text) if text.startswith("{") else tomllib.loads(text)
        except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot parse the kernel configuration: {exc}") from None
    else:
        raw = source
    if not isinstance(raw, Mapping):
        raise ConfigError(f"the kernel configuration must be a table, got {type(raw).__name__}")
    unknown = sorted(set(raw) - {"name", "tools", "limits"})
    if unknown:
        raise ConfigError(f"unknown configuration key {unknown[0]!r} (known: name, tools, limits)")
    name = raw.get("name", "llmspell")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"name must be a non-empty string, got {name!r}")
    return KernelConfig(
        name=name, tool_categories=_categories(raw.get("tools")), limits=_limits(raw.get("limits", {}))
    )
