"""The worker's side of ab's lockstep pairs: a gate the measuring loop passes around each sample.

A gated pytest worker (``--gate-fd N``, critbench ab on a pytest suite) says it is :class:`Ready` at a gate
on its report pipe and then blocks reading the runner's :class:`Release` from pipe ``N``: it uses no CPU
while its partner, the other revision's worker, takes its sample (``_lockstep`` is the runner's side).
Once that pipe ends (the runner is gone or has stopped gating) the gate lets everything through.
"""

from __future__ import annotations

import os
from typing import Protocol

from critbench.engine import _protocol as protocol


class Sender(Protocol):
    def send(self, message: protocol.Message) -> None: ...


class WorkerGate:
    """Gates on the runner's pipe ``fd``; reports on ``channel``."""

    def __init__(self, channel: Sender, fd: int) -> None:
        self._channel = channel
        self._releases = os.fdopen(fd, "rb")
        self._open = True

    def wait(self, benchmark_id: str, sample: int) -> None:
        """Say the worker is at gate ``sample`` of ``benchmark_id`` and wait for the runner's release."""
        if not self._open:
            return
        self._channel.send(protocol.Ready(benchmark_id, sample))
        line = self._releases.readline()
        if not line:
            self._open = False
            return
        release = protocol.decode_release(line)
        if (release.id, release.sample) != (benchmark_id, sample):
            raise protocol.ProtocolError(
                f"released from {release.id}#{release.sample}, waiting at {benchmark_id}#{sample}"
            )
