"""The steps of ``critbench bisect``: one commit measured against GOOD, or skipped."""

from __future__ import annotations

from dataclasses import dataclass

from critbench.model._results import Estimate


@dataclass(frozen=True)
class BisectStep:
    """One commit of a bisection, measured side by side with GOOD (or skipped, with the reason)."""

    index: int
    """The commit's place after GOOD: 0 is GOOD's child, the last is BAD."""
    commit: str
    subject: str
    change: Estimate | None = None
    """The benchmark's relative change from GOOD (0.1 = 10% slower), with its confidence interval: the side by
    side comparison's change of the mean. None when skipped."""
    changed: bool | None = None
    """Past the threshold in GOOD→BAD's direction."""
    skipped: str | None = None
    """Why the commit could not be measured (its build failed, its benchmark raised)."""
