"""The versioned message format between the runner and its worker processes.

Workers write one JSON object per line to a dedicated pipe (never stdout, which belongs to the benchmark's
own prints). Every message carries ``"v"`` (the protocol version) and ``"type"``. The runner rejects lines
that are not JSON objects of the current version, so stray bytes can never be taken for a result.

Worker → runner messages, in order:

- ``hello``        ``{pid}``: the worker is up.
- ``benchmarks``   ``{infos: [BenchmarkInfo...], matched: [id...], selected: [id...]}``: what the target
  declares, which of those the run's filter matches, and which this worker will measure.
- ``start``        ``{id}``; ``warmup`` ``{id, seconds}``; ``collecting`` ``{id, samples, expected_s,
  iterations}``: progress of one benchmark.
- ``warning``      ``{id, text}``: e.g. "Unable to complete 100 samples in 5.0s...".
- ``measured``     ``{id, samples: Samples, memory: MemoryUsage}``: one benchmark's raw data.
- ``paired``       ``{id, samples: Samples, samples_a: Samples}``: critbench ab's alternating samples of
  the judged revision and of revision A, pair by pair.
- ``failed``       ``{id, kind, reason, detail}``: the benchmark raised (the worker goes on with the next).
- ``fatal``        ``{reason, detail}``: the target could not be loaded; nothing else follows.
- ``done``         ``{}``: every selected benchmark was attempted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

PROTOCOL_VERSION = 1

MESSAGE_TYPES = frozenset(
    {
        "hello",
        "benchmarks",
        "start",
        "warmup",
        "collecting",
        "warning",
        "measured",
        "paired",
        "failed",
        "fatal",
        "done",
    }
)


class ProtocolError(Exception):
    """A worker sent something that is not a message of this protocol version."""


@dataclass(frozen=True)
class Message:
    type: str
    data: dict[str, Any]


def encode(message_type: str, **data: Any) -> bytes:
    """One message as a JSON line."""
    if message_type not in MESSAGE_TYPES:
        raise ValueError(f"unknown message type {message_type!r}")
    payload = {"v": PROTOCOL_VERSION, "type": message_type, **data}
    return json.dumps(payload, separators=(",", ":"), allow_nan=False).encode() + b"\n"


def decode(line: bytes) -> Message:
    """The message on one line, or ProtocolError saying why it is not one."""
    try:
        payload = json.loads(line)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProtocolError(f"not a JSON message: {line[:80]!r} ({exc})") from None
    if not isinstance(payload, dict):
        raise ProtocolError(f"not a message object: {line[:80]!r}")
    version = payload.pop("v", None)
    if version != PROTOCOL_VERSION:
        raise ProtocolError(f"worker speaks protocol {version!r}, the runner speaks {PROTOCOL_VERSION}")
    message_type = payload.pop("type", None)
    if message_type not in MESSAGE_TYPES:
        raise ProtocolError(f"unknown message type {message_type!r}")
    return Message(message_type, payload)


class LineBuffer:
    """Splits bytes read from a pipe into complete lines."""

    def __init__(self) -> None:
        self._pending = b""

    def feed(self, chunk: bytes) -> list[bytes]:
        self._pending += chunk
        *lines, self._pending = self._pending.split(b"\n")
        return [line for line in lines if line]

    @property
    def leftover(self) -> bytes:
        return self._pending
