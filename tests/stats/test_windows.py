"""Each process's fastest window, the gap between its two fastest, and the floor a comparison by windows uses:
hand-computed cases."""

from __future__ import annotations

import math

import pytest

from critbench import stats
from critbench.model import PROCESS_SPREAD_LIMIT, WINDOW_GAP_LIMIT


def test_window_estimates_take_each_process_fastest_window_in_process_order() -> None:
    fastest = [105.0, 100.0, 110.0, 200.0, 190.0, 195.0]
    process = [1, 1, 1, 0, 0, 0]
    assert stats.window_estimates(fastest, process).tolist() == [190.0, 100.0]


def test_window_estimates_refuse_mismatched_or_non_positive_input() -> None:
    with pytest.raises(ValueError, match="one length"):
        stats.window_estimates([1.0, 2.0], [0])
    with pytest.raises(ValueError, match="positive"):
        stats.window_estimates([0.0, 1.0], [0, 1])


def test_window_gap_is_the_median_over_processes_of_second_fastest_over_fastest() -> None:
    # process 0: 100, 101 → 1%; process 1: 200, 204 → 2%; process 2: 50, 50.25 → 0.5%; median 1%.
    fastest = [101.0, 100.0, 130.0, 204.0, 200.0, 50.25, 50.0]
    process = [0, 0, 0, 1, 1, 2, 2]
    assert stats.window_gap(fastest, process) == pytest.approx(0.01)


def test_window_gap_without_two_windows_in_any_process_is_none() -> None:
    assert stats.window_gap([100.0, 120.0], [0, 1]) is None


def test_noise_floor_is_kept_for_steady_windows_and_raised_for_drifting_ones() -> None:
    assert stats.window_noise_floor(0.03, [0.002, 0.004]) == 0.03
    assert stats.window_noise_floor(0.03, [0.002, WINDOW_GAP_LIMIT]) == 0.03
    assert stats.window_noise_floor(0.03, [0.002, 0.021]) == stats.MEMORY_BOUND_NOISE_FLOOR == 0.40
    assert stats.window_noise_floor(0.03, [None, None]) == 0.03
    # A configured floor wider than the memory-bound one stays.
    assert stats.window_noise_floor(0.5, [0.05, None]) == 0.5


def test_process_spread_is_the_median_process_over_the_fastest_one() -> None:
    # Sorted: 100, 101, 103, 150, 160 -> median 103 over 100 -> 3%.
    assert stats.process_spread([150.0, 101.0, 100.0, 160.0, 103.0]) == pytest.approx(0.03)
    # An even count takes the middle two's mean: (101 + 120) / 2 = 110.5 over 100.
    assert stats.process_spread([100.0, 101.0, 120.0, 200.0, 100.0, 300.0]) == pytest.approx(0.105)
    assert stats.process_spread([100.0, 150.0, 160.0, 170.0]) is None, "four processes say too little"


def test_a_wide_spread_between_processes_raises_the_floor_even_when_the_gaps_are_small() -> None:
    # The acceptance experiment's dict of a million keys once showed a gap of 0.81%; its processes' windows
    # lay 5.5-136% apart, CPU-bound code's 0.7-3.3%.
    assert stats.window_noise_floor(0.03, [0.008, 0.004], [0.02, 0.033]) == 0.03
    assert stats.window_noise_floor(0.03, [0.008, 0.004], [0.02, PROCESS_SPREAD_LIMIT]) == 0.03
    assert stats.window_noise_floor(0.03, [0.008, 0.004], [None, 0.081]) == 0.03, "struct_pack reached 8.1%"
    assert stats.window_noise_floor(0.03, [0.008, 0.004], [None, 0.16]) == 0.40
    assert stats.window_noise_floor(0.03, [0.008, 0.004], [None, None]) == 0.03


def test_a_middling_gap_raises_the_floor_only_with_a_middling_spread_in_the_same_run() -> None:
    # CPU-bound string building at a load of 2: gap 1.23%, spread 1.9% -> steady. The dict of a million keys
    # at a load of 4: gap 0.92%, spread 10.5% -> drifting.
    assert stats.window_noise_floor(0.03, [0.0123, 0.0068], [0.019, 0.017]) == 0.03
    assert stats.window_noise_floor(0.03, [0.0092, 0.0023], [0.105, 0.02]) == 0.40
    # Both signs must come from one run: a gap in one and a spread in the other say nothing together.
    assert stats.window_noise_floor(0.03, [0.0092, 0.0023], [0.02, 0.105]) == 0.03
    assert stats.window_noise_floor(0.03, [0.0151, None], [None, None]) == 0.40
    assert stats.drifts(0.009, 0.101)
    assert not stats.drifts(0.009, 0.079), "struct_pack at a load of 2: gap 0.90%, spread 7.9%"
    assert not stats.drifts(0.009, None)
    assert not stats.drifts(None, 0.1)


def test_processes_in_states_far_apart_widen_the_floor_to_half_their_log_range() -> None:
    # Fastest windows of a side's processes 136% apart (median over fastest): tau = log(2.36) / 2 = 0.429.
    assert stats.window_noise_floor(0.03, [0.02, 0.03], [0.136, 1.36]) == pytest.approx(math.log(2.36) / 2)
    # A spread whose half-log is under 40% leaves the memory-bound floor as it was.
    assert stats.window_noise_floor(0.03, [0.02, 0.03], [0.06, 0.2]) == 0.40


def test_time_beyond_windows_is_the_median_process_mean_time_over_its_fastest_window() -> None:
    # process 0: 300 ns over 2 iterations = 150 per iteration, fastest window 100 → log 1.5;
    # process 1: 240 / 2 = 120, window 100 → log 1.2; process 2: 220 / 2 = 110, window 110 → 0. Median log 1.2.
    iters = [1, 1, 1, 1, 1, 1]
    times = [100.0, 200.0, 120.0, 120.0, 110.0, 110.0]
    fastest = [100.0, 105.0, 100.0, 100.0, 110.0, 110.0]
    process = [0, 0, 1, 1, 2, 2]
    assert stats.time_beyond_windows(iters, times, fastest, process) == pytest.approx(math.log(1.2))


def test_time_beyond_windows_refuses_mismatched_input() -> None:
    with pytest.raises(ValueError, match="one length"):
        stats.time_beyond_windows([1, 1], [1.0, 1.0], [1.0], [0, 0])
