"""The worker protocol: every message survives the codec, and anything else is rejected with the reason."""

from __future__ import annotations

import json

import pytest

from critbench.engine._protocol import (
    MESSAGE_TYPES,
    PROTOCOL_VERSION,
    Benchmarks,
    Collecting,
    Done,
    Failed,
    Fatal,
    Hello,
    LineBuffer,
    Measured,
    Message,
    ProtocolError,
    Ready,
    Release,
    SamplingWarning,
    Start,
    WarmingUp,
    decode,
    decode_release,
    encode,
)
from critbench.model import (
    BenchmarkId,
    BenchmarkInfo,
    Failure,
    FailureKind,
    MemoryUsage,
    Samples,
    SamplingMode,
    Settings,
    Throughput,
)

SAMPLES = Samples(SamplingMode.LINEAR, (1.0, 2.0), (10.0, 21.0), (0, 0), overhead_ns=0.5, fastest_ns=(9.0, 10.0))
INFO = BenchmarkInfo(
    BenchmarkId("g", "f", "3"),
    description="d",
    throughput=Throughput.bytes(64),
    settings=Settings(sample_size=20, timeout=2.0),
    package="pkg",
    bench_target="t",
)

EVERY_MESSAGE: list[Message] = [
    Hello(1234),
    Benchmarks((INFO,), ("g/f/3",), ()),
    Start("g/f/3", 2, 5),
    WarmingUp("g/f/3", 0.5),
    Collecting("g/f/3", 20, 1.5, 4000),
    SamplingWarning("g/f/3", "Warning: Unable to complete 20 samples"),
    Measured("g/f/3", SAMPLES, MemoryUsage(1 << 20, 128)),
    Measured(
        "g/f/3",
        SAMPLES,
        samples_a=Samples(SamplingMode.FLAT, (5.0, 5.0), (50.0, 51.0), (1, 1), ran_first=(True, False)),
    ),
    Failed("g/f/3", Failure(FailureKind.ERROR, "raised ValueError: bad", "Traceback ...")),
    Fatal(Failure(FailureKind.ERROR, "could not load the target: raised ImportError")),
    Done(),
    Ready("g/f/3", -1),
]


def test_every_message_type_is_covered() -> None:
    assert {type(message) for message in EVERY_MESSAGE} == set(MESSAGE_TYPES.values())


@pytest.mark.parametrize("message", EVERY_MESSAGE, ids=lambda m: type(m).__name__)
def test_round_trip(message: Message) -> None:
    line = encode(message)
    assert line.endswith(b"\n")
    assert line.count(b"\n") == 1
    assert decode(line.rstrip(b"\n")) == message


def test_the_runners_release_travels_the_other_way_only() -> None:
    """A gated worker reads Release; the runner never takes one from a worker, nor a worker's message as one."""
    line = encode(Release("g/f/3", 7)).rstrip(b"\n")
    assert decode_release(line) == Release("g/f/3", 7)
    with pytest.raises(ProtocolError, match="unknown message type 'release'"):
        decode(line)
    with pytest.raises(ProtocolError, match="unknown message type 'ready'"):
        decode_release(encode(Ready("g/f/3", 7)).rstrip(b"\n"))


def test_the_wire_form_names_its_version_and_type() -> None:
    payload = json.loads(encode(Start("g/f", 1, 3)))
    assert payload == {"v": PROTOCOL_VERSION, "type": "start", "id": "g/f", "process": 1, "processes": 3}


def _line(**payload: object) -> bytes:
    return json.dumps(payload).encode()


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b"hello world", "not a JSON message"),
        (b"[1, 2]", "not a message object"),
        (b"\xff\xfe", "not a JSON message"),
        (_line(type="start", id="x"), "protocol None"),
        (_line(v=1, type="start", id="x"), "worker speaks protocol 1"),
        (_line(v=2, type="start", id="x"), "worker speaks protocol 2"),
        (_line(v=99, type="start", id="x"), "protocol 99"),
        (_line(v=PROTOCOL_VERSION, type="launch"), "unknown message type 'launch'"),
        (_line(v=PROTOCOL_VERSION, type=["start"]), "unknown message type"),
        (_line(v=PROTOCOL_VERSION, type="start"), "malformed 'start' message: .*missing field 'id'"),
        (_line(v=PROTOCOL_VERSION, type="hello", pid="me"), "malformed 'hello' message"),
        (
            _line(v=PROTOCOL_VERSION, type="failed", id="x", failure={"kind": "melted", "reason": "r"}),
            "malformed 'failed'",
        ),
        (
            _line(v=PROTOCOL_VERSION, type="measured", id="x", memory={}, samples={"mode": "flat"}),
            "malformed 'measured' message",
        ),
    ],
)
def test_rejects_lines_that_are_not_messages(line: bytes, reason: str) -> None:
    with pytest.raises(ProtocolError, match=reason):
        decode(line)


def test_encode_refuses_values_json_cannot_carry() -> None:
    with pytest.raises(ValueError, match="Out of range float"):
        encode(WarmingUp("g/f", float("nan")))


def test_line_buffer_joins_split_chunks() -> None:
    buffer = LineBuffer()
    assert buffer.feed(b'{"a":') == []
    assert buffer.feed(b'1}\n{"b"') == [b'{"a":1}']
    assert buffer.feed(b":2}\n\n") == [b'{"b":2}']
    assert buffer.leftover == b""
