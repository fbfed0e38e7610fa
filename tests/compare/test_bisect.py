"""The search of critbench bisect (critbench.compare.BisectSearch), measured changes given by hand."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from critbench.compare import BisectSearch
from critbench.model import BisectStep, Estimate


def _run(search: BisectSearch, change_of: Mapping[int, float | None], threshold: float | None = None) -> list[int]:
    visited = []
    while (index := search.next_index()) is not None:
        visited.append(index)
        change = change_of[index]
        if change is None:
            step = BisectStep(index, f"c{index}", "subject", skipped="could not build")
        else:
            step = BisectStep(
                index, f"c{index}", "subject", Estimate(change, change - 0.01, change + 0.01, 0.005, 0.95)
            )
        search.record(step, threshold)
    return visited


@pytest.mark.parametrize("first", [0, 1, 7, 9, 14, 15])
def test_a_single_change_is_found_in_one_plus_log2_steps(first: int) -> None:
    search = BisectSearch(16)
    visited = _run(search, {i: 0.10 if i >= first else 0.002 for i in range(16)})
    assert search.candidates() == [first]
    assert len(visited) <= search.most_steps == 5
    assert visited[0] == 15, "BAD first"
    assert search.threshold == pytest.approx(0.05)


def test_an_improvement_is_bisected_the_same_way() -> None:
    search = BisectSearch(8)
    _run(search, {i: -0.2 if i >= 3 else 0.01 for i in range(8)})
    assert search.direction == -1.0
    assert search.candidates() == [3]


def test_skipped_steps_are_passed_over_and_can_leave_several_candidates() -> None:
    search = BisectSearch(16)
    changes: dict[int, float | None] = {i: 0.10 if i >= 9 else 0.0 for i in range(16)}
    changes[8] = None
    visited = _run(search, changes)
    assert 8 in visited
    assert search.candidates() == [8, 9], "8 could not be measured, so the change is in 8 or 9"


def test_an_explicit_threshold_wins_and_a_bad_below_it_ends_the_search() -> None:
    search = BisectSearch(4)
    assert _run(search, {3: 0.02}, threshold=0.05) == [3]
    assert search.hi is None
    assert search.candidates() == []


def test_a_step_past_bad_or_the_other_way_is_irregular() -> None:
    search = BisectSearch(16)
    changes = {i: 0.10 if i >= 9 else 0.0 for i in range(16)}
    changes.update({7: 0.40, 3: -0.2})
    _run(search, changes)
    reasons = {step.index: why for step, why in search.irregularities()}
    assert 7 in reasons
    assert "far more" in reasons[7]


def test_nothing_to_bisect_when_bad_is_good() -> None:
    with pytest.raises(ValueError, match="nothing to bisect"):
        BisectSearch(0)
