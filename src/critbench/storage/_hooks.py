"""A test hook: stop a save at a named stage, so fault tests can interrupt it there and nowhere else.

Set only by tests (``tests/faults/``); a user never needs it. With the environment variable

    CRITBENCH_TEST_PAUSE_SAVE=<baseline>:<stage>:<marker file>

a save of ``<baseline>`` (``.last`` for the last run) that reaches ``<stage>`` creates ``<marker file>``
(holding its pid) and waits, polling, until the test removes it. Meanwhile the test sends SIGINT,
SIGTERM or SIGKILL, which lands at exactly that stage; the stages inside a swap hold SIGINT and SIGTERM,
so those two take effect when the swap is over, as they would in a real run. The stages of a save, in
order (:data:`SAVE_STAGES`):

    lock       about to take the baseline's lock (another save may hold it)
    locked     holding it, before reading what the baseline holds
    staging    part of the new copy written to its hidden staging folder
    staged     the new copy complete, nothing swapped yet
    set-aside  (signals held) the old copy renamed aside (for the last run: the old .previous)
    rotated    (signals held; the last run only) the old last run renamed to .previous
    swapped    (signals held) the new copy in place, the old one not yet removed
"""

from __future__ import annotations

import os
import time
from pathlib import Path

PAUSE_VARIABLE = "CRITBENCH_TEST_PAUSE_SAVE"
SAVE_STAGES = ("lock", "locked", "staging", "staged", "set-aside", "rotated", "swapped")
_POLL_SECONDS = 0.01


def pause_at(stage: str, name: str) -> None:
    """Wait here while the test hook asks for it (see the module docstring); nothing when it is unset."""
    spec = os.environ.get(PAUSE_VARIABLE)
    if not spec:
        return
    wanted_name, wanted_stage, marker = spec.split(":", 2)
    if wanted_stage not in SAVE_STAGES:
        raise RuntimeError(f"{PAUSE_VARIABLE}: unknown stage {wanted_stage!r} (stages: {', '.join(SAVE_STAGES)})")
    if (wanted_name, wanted_stage) != (name, stage):
        return
    path = Path(marker)
    path.write_text(f"{os.getpid()}\n", encoding="ascii")
    while path.exists():
        time.sleep(_POLL_SECONDS)
