"""The A/B plan (how many pairs of how long) and the pinning that keeps both sides on one CPU."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from critbench.engine._paired import SAMPLE_TIME_NS, paired_plan
from critbench.model import Settings


def test_a_fast_routine_gets_many_samples_of_about_five_milliseconds() -> None:
    settings = Settings(measurement_time=0.5, sample_size=10)
    k, pairs = paired_plan(20_000.0, settings)
    assert k == 250  # 250 × 20 µs = 5 ms
    assert k * 20_000.0 == SAMPLE_TIME_NS
    assert pairs == 100  # 0.5 s of measurement per side in 5 ms samples


def test_a_routine_slower_than_a_sample_gets_one_iteration_per_sample() -> None:
    settings = Settings(measurement_time=0.5, sample_size=10)
    assert paired_plan(20e6, settings) == (1, 25)


def test_the_sample_size_is_a_minimum_even_past_the_measurement_time() -> None:
    settings = Settings(measurement_time=0.5, sample_size=10)
    assert paired_plan(200e6, settings) == (1, 10)  # Criterion's rule: the sample size wins over the time


def test_a_routine_that_takes_no_time_is_an_error() -> None:
    with pytest.raises(ValueError, match="no time"):
        paired_plan(0.0, Settings())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="CPU affinity is a Linux interface here")
def test_pinning_keeps_the_process_and_the_threads_it_starts_on_one_cpu() -> None:
    code = textwrap.dedent(
        """
        import os, threading
        from critbench.engine._paired import pin_to_one_cpu

        cpu = pin_to_one_cpu()
        seen = []
        thread = threading.Thread(target=lambda: seen.append(os.sched_getaffinity(0)))
        thread.start()
        thread.join()
        print(cpu, sorted(os.sched_getaffinity(0)), sorted(seen[0]))
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split(" ", 1)
    cpu = int(out[0])
    assert out[1].strip() == f"[{cpu}] [{cpu}]"
