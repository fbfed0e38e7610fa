"""The search of ``critbench bisect``: which commit to measure next, and what the measurements say.

The commits after GOOD up to BAD are ``0 .. n-1`` (BAD is ``n-1``); GOOD is ``-1``. Every step measures one
commit against GOOD with the paired A/B method, so each step's change is a change *from GOOD*. BAD is
measured first: its change ``Δ`` sets the direction and, unless given, the threshold (half of ``Δ``). A commit
whose change goes past the threshold in ``Δ``'s direction is *changed*; the search keeps the last unchanged
commit ``lo`` and the first changed one ``hi`` and halves the range between them, as ``git bisect`` does::

    GOOD  0  1  2  3  4  5  6  7  8  9 10 11 12 13 14 15=BAD      16 commits: BAD, then 4 halvings
     lo=-1                    mid=7                    hi=15       at most 1 + ⌈log2 16⌉ = 5 measured steps

A step that cannot be measured (its build failed, its benchmark raised) is skipped like ``git bisect skip``:
the next candidate is the untested commit nearest the middle. The search assumes the change happened once;
a history where it did not (a step past GOOD→BAD's change by far, or changed the other way) is reported as
non-monotonic, and the answer is then the first commit that crossed the threshold among those measured.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from critbench.model import BisectStep

OVERSHOOT = 1.5
"""A step changed by more than this multiple of GOOD→BAD's change means a later commit undid part of it."""


@dataclass
class BisectSearch:
    """The state of one bisection over ``count`` commits (GOOD excluded, BAD last)."""

    count: int
    threshold: float | None = None
    """The change that counts as changed, in GOOD→BAD's direction (positive); None until BAD is measured."""
    direction: float = 1.0
    steps: list[BisectStep] = field(default_factory=list)
    lo: int = -1
    hi: int | None = None

    def __post_init__(self) -> None:
        if self.count < 1:
            raise ValueError("nothing to bisect: BAD is GOOD")

    @property
    def most_steps(self) -> int:
        """Measured steps a search without skips needs at most: BAD, then one per halving."""
        return 1 + math.ceil(math.log2(self.count)) if self.count > 1 else 1

    def _tested(self) -> set[int]:
        return {step.index for step in self.steps}

    def next_index(self) -> int | None:
        """The commit to measure next; None when the search is over."""
        if not self.steps:
            return self.count - 1
        if self.hi is None or self.threshold is None:
            return None
        untested = [i for i in range(self.lo + 1, self.hi) if i not in self._tested()]
        if not untested:
            return None
        middle = (self.lo + self.hi) / 2
        return min(untested, key=lambda i: (abs(i - middle), i))

    def record(self, step: BisectStep, threshold: float | None = None) -> BisectStep:
        """A measured or skipped step, judged. BAD's (the first) sets the direction and, unless ``threshold``
        is given, the threshold: half its change."""
        if step.change is None:
            self.steps.append(step)
            return step
        change = step.change.point
        if not self.steps and step.index == self.count - 1:
            self.direction = 1.0 if change >= 0 else -1.0
            self.threshold = threshold if threshold is not None else abs(change) / 2
        assert self.threshold is not None
        judged = replace(step, changed=self.direction * change > self.threshold)
        self.steps.append(judged)
        if judged.changed:
            self.hi = step.index if self.hi is None else min(self.hi, step.index)
        elif step.index < self.count - 1:
            self.lo = max(self.lo, step.index)
        return judged

    @property
    def measured(self) -> list[BisectStep]:
        return [step for step in self.steps if step.change is not None]

    def candidates(self) -> list[int]:
        """Once the search is over, the commits the first change may be: ``hi`` alone when the search pinned
        it, else ``hi`` and the skipped commits before it."""
        return [] if self.hi is None else list(range(self.lo + 1, self.hi + 1))

    def irregularities(self) -> list[tuple[BisectStep, str]]:
        """Measured steps that do not fit one change between GOOD and BAD, and why."""
        bad = next((s for s in self.steps if s.index == self.count - 1 and s.change is not None), None)
        if bad is None or bad.change is None or self.threshold is None:
            return []
        found = []
        for step in self.measured:
            assert step.change is not None
            along = self.direction * step.change.point
            if along < -self.threshold:
                found.append((step, "changed the other way from GOOD→BAD"))
            elif step is not bad and along > OVERSHOOT * abs(bad.change.point):
                found.append((step, "changed far more than GOOD→BAD did: a later commit undid part of it"))
        return found
