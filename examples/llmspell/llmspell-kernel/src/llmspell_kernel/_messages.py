"""The message envelope and its wire form: UTF-8 JSON bytes, so the transport carries what a socket would.

Every message has a ``type``, an ``id`` unique per client, the ``client`` it belongs to and a ``payload``
object; a reply also names the request it answers in ``reply_to``. A reply's type is the request's type
with ``_reply`` appended, or ``error`` with ``{"kind", "message"}`` in its payload.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from llmspell_tools import Json

PROTOCOL_VERSION = 1


class MessageError(ValueError):
    """Bytes that are not a well-formed envelope."""


@dataclass(frozen=True)
class Envelope:
    type: str
    id: str
    client: str
    payload: dict[str, Json] = field(default_factory=dict)
    reply_to: str | None = None

    @property
    def is_error(self) -> bool:
        return self.type == "error"

    def reply(self, payload: dict[str, Json]) -> Envelope:
        return Envelope(f"{self.type}_reply", f"{self.id}>", self.client, payload, reply_to=self.id)

    def error(self, kind: str, message: str) -> Envelope:
        return Envelope(
            "error", f"{self.id}>", self.client, {"kind": kind, "message": message}, reply_to=self.id
        )


def encode(envelope: Envelope) -> bytes:
    message: dict[str, Any] = {
        "v": PROTOCOL_VERSION,
        "type": envelope.type,
        "id": envelope.id,
        "client": envelope.client,
        "payload": envelope.payload,
    }
    if envelope.reply_to is not None:
        message["reply_to"] = envelope.reply_to
    try:
        return json.dumps(message, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()
    except (TypeError, ValueError) as exc:
        raise MessageError(f"{envelope.type} {envelope.id}: payload is not JSON: {exc}") from None


def decode(data: bytes) -> Envelope:
    try:
        message = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MessageError(f"not a JSON message: {exc}") from None
    if not isinstance(message, dict):
        raise MessageError("a message must be a JSON object")
    if message.get("v") != PROTOCOL_VERSION:
        raise MessageError(f"unsupported protocol version {message.get('v')!r} (expected {PROTOCOL_VERSION})")
    for key in ("type", "id", "client"):
        if not isinstance(message.get(key), str) or not message[key]:
            raise MessageError(f"message field {key!r} must be a non-empty string")
    payload = message.get("payload", {})
    if not isinstance(payload, dict):
        raise MessageError("message field 'payload' must be an object")
    reply_to = message.get("reply_to")
    if reply_to is not None and not isinstance(reply_to, str):
        raise MessageError("message field 'reply_to' must be a string")
    return Envelope(message["type"], message["id"], message["client"], payload, reply_to)
