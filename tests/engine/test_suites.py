"""What a worker measures: critbench ab's samples carry each side's harness overhead, as a run's do."""

from __future__ import annotations

from pathlib import Path

import pytest

from critbench.engine._job import Job, PairedTarget
from critbench.engine._loops import _CALIBRATED
from critbench.engine._protocol import Measured
from critbench.engine._suites import load_suite
from critbench.model import FakeClock, Settings
from tests.engine.test_misuse import Quiet

SIDES = {
    "a": "from critbench import bench\n\n@bench\ndef f(b):\n    b.iter(lambda: None)\n",
    "b": "from critbench import bench\n\n@bench\ndef f(b):\n    b.iter_batched(lambda: 1, lambda x: x)\n",
}


def _paired_job(tmp_path: Path, fake_clock: FakeClock | None = None) -> Job:
    for side, source in SIDES.items():
        (tmp_path / side / "benches").mkdir(parents=True)
        (tmp_path / side / "benches" / "t.py").write_text(source)
    return Job(
        target_path=str(tmp_path / "b" / "benches" / "t.py"),
        package="pkg",
        target="t",
        sys_path=(),
        settings=Settings(warm_up_time=0.01, measurement_time=0.02, sample_size=2, processes=1),
        paired=PairedTarget(
            target_path=str(tmp_path / "a" / "benches" / "t.py"),
            sys_path=(),
            root_a=str(tmp_path / "a"),
            root_b=str(tmp_path / "b"),
            label_a="A",
            label_b="B",
        ),
        fake_clock=fake_clock,
    )


def _measured(job: Job) -> Measured:
    suite = load_suite(job)
    message = suite.measure(suite.infos[0], job, Quiet())
    assert isinstance(message, Measured)
    assert message.samples_a is not None
    return message


def test_ab_samples_carry_the_calibrated_overhead_of_each_sides_loop(tmp_path: Path) -> None:
    measured = _measured(_paired_job(tmp_path))
    assert measured.samples_a is not None
    assert measured.samples_a.overhead_ns == _CALIBRATED["iter"] > 0
    assert measured.samples.overhead_ns == _CALIBRATED["iter_batched:small"] > 0
    assert measured.samples.net_times_ns != measured.samples.times_ns, "the analysis nets it out"


def test_ab_samples_under_the_fake_clock_carry_no_overhead(tmp_path: Path) -> None:
    measured = _measured(_paired_job(tmp_path, FakeClock(1000)))
    assert measured.samples_a is not None
    assert (measured.samples_a.overhead_ns, measured.samples.overhead_ns) == (0.0, 0.0)


@pytest.fixture(autouse=True)
def _fresh_calibration() -> None:
    _CALIBRATED.clear()
