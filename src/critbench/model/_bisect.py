"""The steps of ``critbench bisect``: one commit measured against GOOD, or skipped."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BisectStep:
    """One commit of a bisection, measured side by side with GOOD (or skipped, with the reason)."""

    index: int
    """The commit's place after GOOD: 0 is GOOD's child, the last is BAD."""
    commit: str
    subject: str
    change: float | None = None
    """Relative change of the benchmark from GOOD (0.1 = 10% slower); None when skipped."""
    lower: float | None = None
    upper: float | None = None
    """The change's confidence interval."""
    changed: bool | None = None
    """Past the threshold in GOOD→BAD's direction."""
    skipped: str | None = None
    """Why the commit could not be measured (its build failed, its benchmark raised)."""
