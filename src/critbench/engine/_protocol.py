"""The versioned messages between the runner and its worker processes (Criterion's ``connection.rs``).

Workers write one JSON object per line to a dedicated pipe (never stdout, which belongs to the benchmark's
own prints). Every message is one of the frozen records below, written by one codec as its fields plus
``"v"`` (the protocol version) and ``"type"``. The runner rejects lines that are not messages of the current
version, of a known type, with the fields that type needs, so stray bytes can never be taken for a result.

Worker → runner messages, in order:

- :class:`Hello`: the worker is up.
- :class:`Benchmarks`: what the target declares, which of those the run's filter matches, and which this
  worker will measure.
- :class:`Start`, :class:`WarmingUp`, :class:`Collecting`: progress of one benchmark.
- :class:`SamplingWarning`: e.g. "Unable to complete 100 samples in 5.0s...".
- :class:`Measured`: one benchmark's raw data (under critbench ab, the judged revision's samples and
  revision A's, taken pair by pair in alternation).
- :class:`Failed`: the benchmark raised (the worker goes on with the next).
- :class:`Fatal`: the target could not be loaded; nothing else follows.
- :class:`Done`: every selected benchmark was attempted.
- :class:`Ready`: only from a *gated* worker (critbench ab on a pytest suite, ``_lockstep``): it is at gate
  ``sample`` of the benchmark being measured (-1 before its calibration and warm-up, ``j`` before sample
  ``j``, the sample count after the last) and waits there.

Runner → worker, on a second pipe that only a gated worker has (:data:`RUNNER_MESSAGE_TYPES`):

- :class:`Release`: go on past the gate the worker said it was :class:`Ready` at.

The runner takes them only in that order (``_conversation``): a result for the benchmark it saw start, once.
Benchmark code shares the worker's process, so a well-formed message out of turn can only be a forgery or an
accident of that code, and is a :class:`ProtocolViolation` failing the benchmark that was running.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from critbench.model import BenchmarkInfo, Failure, MemoryUsage, Samples, from_data, to_data

PROTOCOL_VERSION = 4
"""4: a gated worker waits at :class:`Ready` for the runner's :class:`Release` (ab's lockstep pairs). 3: a failure travels as the model's :class:`Failure`, and ab's samples of revision A ride on
:class:`Measured` (there is no ``paired`` message). 2: every message a typed record (1 carried loose dicts)."""


@dataclass(frozen=True)
class Hello:
    pid: int


@dataclass(frozen=True)
class Benchmarks:
    infos: tuple[BenchmarkInfo, ...]
    matched: tuple[str, ...]
    selected: tuple[str, ...]


@dataclass(frozen=True)
class AboutBenchmark:
    """A message about one benchmark: ``id`` is its full id, which the worker declared in :class:`Benchmarks`."""

    id: str


@dataclass(frozen=True)
class Start(AboutBenchmark):
    process: int = 0
    processes: int = 1


@dataclass(frozen=True)
class WarmingUp(AboutBenchmark):
    seconds: float


@dataclass(frozen=True)
class Collecting(AboutBenchmark):
    samples: int
    expected_s: float
    iterations: int


@dataclass(frozen=True)
class SamplingWarning(AboutBenchmark):
    text: str


@dataclass(frozen=True)
class Measured(AboutBenchmark):
    samples: Samples
    """Under ab, the judged revision's (B's)."""
    memory: MemoryUsage | None = None
    samples_a: Samples | None = None
    """Under ab, revision A's samples, taken pair by pair in alternation with ``samples``."""


@dataclass(frozen=True)
class Failed(AboutBenchmark):
    failure: Failure


@dataclass(frozen=True)
class Fatal:
    failure: Failure


@dataclass(frozen=True)
class Done:
    pass


@dataclass(frozen=True)
class Ready(AboutBenchmark):
    sample: int
    """The gate: -1 before calibration and warm-up, ``j`` before sample ``j``, the sample count after the last."""


@dataclass(frozen=True)
class Release(AboutBenchmark):
    """Runner → worker: go on past gate ``sample`` of benchmark ``id``."""

    sample: int


Message = (
    Hello | Benchmarks | Start | WarmingUp | Collecting | SamplingWarning | Measured | Failed | Fatal | Done | Ready
)

MESSAGE_TYPES: dict[str, type[Message]] = {
    "hello": Hello,
    "benchmarks": Benchmarks,
    "start": Start,
    "warmup": WarmingUp,
    "collecting": Collecting,
    "warning": SamplingWarning,
    "measured": Measured,
    "failed": Failed,
    "fatal": Fatal,
    "done": Done,
    "ready": Ready,
}
RUNNER_MESSAGE_TYPES: dict[str, type[Release]] = {"release": Release}
"""What the runner writes to a gated worker; a worker never sends these, nor reads the others."""
_TAGS: dict[type[Any], str] = {cls: tag for tag, cls in (*MESSAGE_TYPES.items(), *RUNNER_MESSAGE_TYPES.items())}


class ProtocolError(Exception):
    """A worker sent something that is not a message of this protocol version."""


class ProtocolViolation(ProtocolError):
    """A worker sent a well-formed message the runner did not ask for: a result for a benchmark other than the
    one it started, a second result, a result outside a Start ... result window."""


def encode(message: Message | Release) -> bytes:
    """One message as a JSON line; ValueError for values JSON cannot carry (NaN, infinity)."""
    payload = {"v": PROTOCOL_VERSION, "type": _TAGS[type(message)], **to_data(message)}
    return json.dumps(payload, separators=(",", ":"), allow_nan=False).encode() + b"\n"


def decode(line: bytes) -> Message:
    """The worker's message on one line, or ProtocolError saying why it is not one."""
    message: Message = _decode(line, MESSAGE_TYPES)
    return message


def decode_release(line: bytes) -> Release:
    """The runner's :class:`Release` on one line (a gated worker reads it), or ProtocolError."""
    release: Release = _decode(line, RUNNER_MESSAGE_TYPES)
    return release


def _decode(line: bytes, types: Mapping[str, type[Any]]) -> Any:
    try:
        payload: Any = json.loads(line)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProtocolError(f"not a JSON message: {line[:80]!r} ({exc})") from None
    if not isinstance(payload, dict):
        raise ProtocolError(f"not a message object: {line[:80]!r}")
    version = payload.pop("v", None)
    if version != PROTOCOL_VERSION:
        raise ProtocolError(f"worker speaks protocol {version!r}, the runner speaks {PROTOCOL_VERSION}")
    tag = payload.pop("type", None)
    cls = types.get(tag) if isinstance(tag, str) else None
    if cls is None:
        raise ProtocolError(f"unknown message type {tag!r}")
    try:
        return from_data(cls, payload)
    except (TypeError, ValueError) as exc:
        raise ProtocolError(f"malformed {tag!r} message: {exc}") from None


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
