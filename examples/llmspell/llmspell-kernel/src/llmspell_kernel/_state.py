"""The script runtime state a kernel keeps: named variables and a bounded history of requests."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass

from llmspell_tools import Json


@dataclass(frozen=True)
class HistoryEntry:
    number: int
    msg_type: str
    ok: bool


class RuntimeState:
    """What scripts running in the kernel share between requests."""

    def __init__(self, kernel_name: str, history_size: int) -> None:
        self.kernel_name = kernel_name
        self.started_at = time.time()
        self.execution_count = 0
        self.variables: dict[str, Json] = {}
        self.history: deque[HistoryEntry] = deque(maxlen=history_size)

    def record(self, msg_type: str, ok: bool) -> None:
        self.execution_count += 1
        self.history.append(HistoryEntry(self.execution_count, msg_type, ok))

    def errors(self) -> int:
        """How many of the remembered requests failed."""
        return sum(1 for entry in self.history if not entry.ok)
