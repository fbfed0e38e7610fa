"""The worker protocol rejects anything that is not a message of its version."""

from __future__ import annotations

import pytest

from critbench.engine._protocol import PROTOCOL_VERSION, LineBuffer, ProtocolError, decode, encode


def test_round_trip() -> None:
    message = decode(encode("start", id="g/f").rstrip(b"\n"))
    assert message.type == "start"
    assert message.data == {"id": "g/f"}


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b"hello world", "not a JSON message"),
        (b"[1, 2]", "not a message object"),
        (b'{"type": "start", "id": "x"}', "protocol None"),
        (b'{"v": 99, "type": "start"}', "protocol 99"),
        (b'{"v": %d, "type": "launch"}' % PROTOCOL_VERSION, "unknown message type"),
        (b"\xff\xfe", "not a JSON message"),
    ],
)
def test_rejects_lines_that_are_not_messages(line: bytes, reason: str) -> None:
    with pytest.raises(ProtocolError, match=reason):
        decode(line)


def test_encode_refuses_unknown_types_and_nan() -> None:
    with pytest.raises(ValueError, match="unknown message type"):
        encode("launch")
    with pytest.raises(ValueError, match="Out of range float"):
        encode("measured", value=float("nan"))


def test_line_buffer_joins_split_chunks() -> None:
    buffer = LineBuffer()
    assert buffer.feed(b'{"a":') == []
    assert buffer.feed(b'1}\n{"b"') == [b'{"a":1}']
    assert buffer.feed(b":2}\n\n") == [b'{"b":2}']
    assert buffer.leftover == b""
