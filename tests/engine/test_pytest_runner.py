"""The pytest worker's command line, and critbench ab's pairing of whole processes."""

from __future__ import annotations

import pytest

from critbench.engine._pytest_runner import pair_by_process
from critbench.engine._pytest_worker import PLUGIN_MODULE, worker_arguments
from critbench.model import Samples, SamplingMode


def test_the_worker_loads_critbench_itself_and_keeps_the_rest_of_the_command_line() -> None:
    args = worker_arguments(["-x", "-p", "critbench", "-pno:critbench", "-k", "fast", "--lf", "tests/a.py"], "/tmp/c")
    assert args[:8] == ["-p", "no:critbench", "-p", PLUGIN_MODULE, "-p", "no:benchmark", "-o", "cache_dir=/tmp/c"]
    assert "critbench" not in args[8:]
    assert "-pno:critbench" not in args
    assert [a for a in args if a in ("-x", "-k", "fast", "--lf", "tests/a.py")] == [
        "-x",
        "-k",
        "fast",
        "--lf",
        "tests/a.py",
    ]
    assert "--continue-on-collection-errors" in args
    assert args.index("--maxfail=2147483647") > args.index("-x"), "-x stops nothing in a worker"


def test_processes_pair_sample_by_sample_within_each_process() -> None:
    """Each pair keeps the order its two samples ran in, as the lockstep drew it for that process and sample."""
    new = Samples(SamplingMode.LINEAR, (1.0, 2.0, 1.0), (110.0, 220.0, 330.0), (0, 0, 1))
    base = Samples(SamplingMode.LINEAR, (1.0, 2.0, 3.0, 1.0), (100.0, 200.0, 300.0, 300.0), (0, 0, 0, 1))
    order = {(0, 0): True, (0, 1): False, (1, 0): False}
    paired_new, paired_base = pair_by_process(new, base, lambda process, sample: order[(process, sample)])
    assert paired_new.process == paired_base.process == (0, 0, 1)
    assert paired_new.times_ns == pytest.approx((110.0, 110.0, 330.0))
    assert paired_base.times_ns == pytest.approx((100.0, 100.0, 300.0))
    assert paired_base.ran_first == (True, False, False)
    assert paired_new.ran_first == (False, True, True)


def test_pairs_take_each_samples_fastest_window_where_both_sides_kept_it() -> None:
    """Whole samples carry whatever else the machine did while they ran; their fastest 0.1 ms window does not."""
    new = Samples(SamplingMode.FLAT, (1.0, 1.0), (150.0, 240.0), (0, 0), fastest_ns=(110.0, 120.0))
    base = Samples(SamplingMode.FLAT, (1.0, 1.0), (100.0, 300.0), (0, 0), fastest_ns=(100.0, 100.0))
    paired_new, paired_base = pair_by_process(new, base, lambda process, sample: True)
    assert paired_new.times_ns == pytest.approx((110.0, 120.0))
    assert paired_base.times_ns == pytest.approx((100.0, 100.0))
    without = Samples(SamplingMode.FLAT, (1.0, 1.0), (100.0, 300.0), (0, 0))
    paired_new, paired_base = pair_by_process(new, without, lambda process, sample: True)
    assert paired_new.times_ns == pytest.approx((150.0, 240.0)), "one side without windows: whole samples"
    assert paired_base.times_ns == pytest.approx((100.0, 300.0))
