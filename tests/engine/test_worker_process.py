"""Deadlines stay within what a select call accepts, whatever a benchmark reports."""

from __future__ import annotations

import math
import time

import pytest

from critbench.engine._worker_process import LONGEST_WAIT_S, deadline_after


@pytest.mark.parametrize("seconds", [1e30, math.inf, math.nan, 3e15 * 1e9])
def test_deadlines_lie_at_most_a_week_ahead(seconds: float) -> None:
    now = time.monotonic()
    deadline = deadline_after(seconds)
    assert math.isfinite(deadline)
    assert now + LONGEST_WAIT_S <= deadline <= time.monotonic() + LONGEST_WAIT_S


def test_a_deadline_in_the_past_is_now() -> None:
    before = time.monotonic()
    assert before <= deadline_after(-5.0) <= time.monotonic()
