"""critbench ab's lockstep pairs on a pytest suite: which gated worker goes on, and when.

First with stand-in workers that record their releases in one shared log (the decisions are the
lockstep's alone), then with real gated processes of the stand-in worker (``fake_worker.py``), whose
"samples" are logged with their times; the pytest worker's own gates are exercised in
tests/cli/test_pytest_lockstep.py.
"""

from __future__ import annotations

import dataclasses
import json
import math
import sys
from pathlib import Path

from critbench.engine._job import PytestJob
from critbench.engine._lockstep import GatedWorker, Lockstep
from critbench.engine._observer import SilentObserver
from critbench.engine._pytest_runner import PairedProcesses, run_pytest_paired
from critbench.engine._runner import Selection, _job
from critbench.model import BenchTarget, Settings
from tests.engine.test_schedule import FAKE_WORKER

IDS = ("t/one", "t/two")


class _Stub(GatedWorker):
    def __init__(self, lockstep: Lockstep, side: str, log: list[tuple[str, str, int]]) -> None:
        self.side = side
        self.positions = {bid: place for place, bid in enumerate(IDS)}
        self.held_since = None
        self.held_total = 0.0
        self._lockstep = lockstep
        self._log = log

    def release(self, benchmark_id: str, sample: int) -> None:
        self._log.append((self.side, benchmark_id, sample))

    def close(self) -> None:
        """What a real worker's end tells the lockstep (it has no process to kill)."""
        self._lockstep.gone(self)


def _pair(seed: int = 0) -> tuple[Lockstep, _Stub, _Stub, list[tuple[str, str, int]]]:
    log: list[tuple[str, str, int]] = []
    lockstep = Lockstep(seed, ())
    a, b = _Stub(lockstep, "a", log), _Stub(lockstep, "b", log)
    for worker in (a, b):
        assert lockstep.attach(worker)
        lockstep.begin(worker.side, 0)
    return lockstep, a, b, log


def test_a_pair_runs_one_sample_then_the_other_in_the_drawn_order() -> None:
    lockstep, a, b, log = _pair()
    workers = {"a": a, "b": b}
    for sample in range(-1, 11):
        released = len(log)
        a.ready("t/one", sample)
        assert len(log) == released, "A waits for B"
        b.ready("t/one", sample)
        first = "a" if lockstep.first[(0, "t/one", sample)] else "b"
        second = "b" if first == "a" else "a"
        assert log[-1] == (first, "t/one", sample), "the drawn side goes first"
        assert workers[second].held_s() == math.inf, "its partner still waits, its deadline paused"
        lockstep.moved(workers[first])  # the first side reports something: its sample is done
        assert log[-1] == (second, "t/one", sample)
    orders = {lockstep.first[(0, "t/one", sample)] for sample in range(-1, 11)}
    assert orders == {True, False}, "the order is drawn per pair, so both occur"
    assert len(log) == 24


def test_the_order_of_each_pair_is_the_seeds_whatever_the_arrival_order() -> None:
    drawn = []
    for arrive_b_first in (False, True):
        lockstep, a, b, _ = _pair(seed=7)
        for sample in range(5):
            for worker in (b, a) if arrive_b_first else (a, b):
                worker.ready("t/one", sample)
            first = a if lockstep.first[(0, "t/one", sample)] else b
            lockstep.moved(first)
        drawn.append(lockstep.first)
    assert drawn[0] == drawn[1]


def test_the_side_behind_goes_on_alone() -> None:
    """B skipped or failed t/one: it waits at t/two, so A measures t/one alone; then they pair again."""
    lockstep, a, b, log = _pair()
    b.ready("t/two", -1)
    a.ready("t/one", 3)
    assert log == [("a", "t/one", 3)]
    a.ready("t/one", 4)
    assert log[-1] == ("a", "t/one", 4)
    a.ready("t/two", -1)
    assert len(log) == 3, "paired at t/two again: one goes, the other waits"
    assert log[-1][1:] == ("t/two", -1)
    assert (0, "t/one", 3) not in lockstep.first, "a sample taken alone has no pair order"


def test_a_side_that_took_fewer_samples_leaves_the_other_alone_at_its_last_gates() -> None:
    lockstep, a, b, log = _pair()
    a.ready("t/one", 2)  # A's plan has more samples: it waits at sample 2 ...
    b.ready("t/one", 2)  # ... where B's plan ends (its gate after the last sample)
    first = a if lockstep.first[(0, "t/one", 2)] else b
    lockstep.moved(first)
    assert {entry[0] for entry in log} == {"a", "b"}
    lockstep.moved(b)  # B's result
    b.ready("t/two", -1)
    a.ready("t/one", 3)
    assert log[-1] == ("a", "t/one", 3), "A is behind: it takes its last samples alone"


def test_a_crashed_sides_next_worker_or_the_end_of_its_round_releases_its_waiting_partner() -> None:
    lockstep, a, b, log = _pair()
    a.ready("t/one", 0)
    b.close()  # B crashed, or hit its deadline, while measuring t/one
    assert log == [], "B's round goes on: a fresh worker takes its remaining tests"
    fresh = _Stub(lockstep, "b", log)
    assert lockstep.attach(fresh)
    fresh.ready("t/two", -1)
    assert log == [("a", "t/one", 0)], "B is past t/one, so A measures it alone"
    a.ready("t/one", 1)
    fresh.close()
    lockstep.end("b")
    assert log[-1] == ("a", "t/one", 1), "B's round is over"


def test_the_first_of_a_pair_ending_releases_the_second() -> None:
    lockstep, a, b, log = _pair(seed=1)
    a.ready("t/one", 0)
    b.ready("t/one", 0)
    first, second = (a, b) if lockstep.first[(0, "t/one", 0)] else (b, a)
    first.close()  # crashed during its sample
    assert log[-1] == (second.side, "t/one", 0)


def test_a_side_whose_round_is_over_lets_the_other_through_every_gate() -> None:
    lockstep, a, _, log = _pair()
    lockstep.end("b")
    for sample in range(3):
        a.ready("t/one", sample)
    assert log == [("a", "t/one", 0), ("a", "t/one", 1), ("a", "t/one", 2)]


def test_a_held_workers_deadline_moves_by_the_time_it_waited() -> None:
    lockstep, a, _, _ = _pair()
    a.ready("t/one", 0)
    assert a.held_s() == math.inf
    lockstep.end("b")
    assert 0.0 <= a.held_s() < math.inf


def test_no_worker_joins_once_the_run_is_stopped() -> None:
    log: list[tuple[str, str, int]] = []
    lockstep = Lockstep(0, ())
    lockstep.stop()
    assert not lockstep.attach(_Stub(lockstep, "a", log))


# -- real gated processes: the stand-in worker (fake_worker.py) passing its gates ---------------------------


def _paired(tmp_path: Path, behaviour: dict[str, str], seed: int = 3) -> tuple[PairedProcesses, list[list[str]]]:
    scenario = tmp_path / "scenario.json"
    benchmarks = {"one": {"processes": 3}, "two": {"processes": 3}}
    scenario.write_text(json.dumps({"benchmarks": benchmarks, "behaviour": behaviour}))
    target = BenchTarget("pkg", "t", scenario, tmp_path)
    job = _job(target, Settings(processes=3), Selection(), False)
    job_a, job_b = (dataclasses.replace(job, pytest=PytestJob(args=(), side=side)) for side in ("a", "b"))
    paired = run_pytest_paired(target, job_a, job_b, SilentObserver(), seed=seed, command=(sys.executable, FAKE_WORKER))
    log = tmp_path / "gates.log"
    return paired, [line.split() for line in log.read_text().splitlines()] if log.exists() else []


def test_each_pair_runs_one_sample_right_after_the_other_in_the_recorded_order(tmp_path: Path) -> None:
    paired, log = _paired(tmp_path, {})
    by_id = {result.id.full_id: result for result in paired.results}
    assert set(by_id) == {"t/one", "t/two"}
    spans = {
        (side, bid, int(process), int(sample)): (float(start), float(end))
        for side, bid, process, sample, start, end in log
    }
    assert len(spans) == len(log) == 2 * 2 * 2 * 3, "every sample of both sides, in each of 3 rounds' processes"
    for bid in ("t/one", "t/two"):
        samples_a = paired.samples_a[bid]
        assert samples_a.ran_first is not None
        assert len(samples_a.ran_first) == 6
    for bid in ("t/one", "t/two"):
        samples_a = paired.samples_a[bid]
        orders = []
        for process, sample in zip(samples_a.process, (0, 1) * 3, strict=True):
            a_start, a_end = spans[("a", bid, process, sample)]
            b_start, b_end = spans[("b", bid, process, sample)]
            assert a_end <= b_start or b_end <= a_start, "the two samples of a pair never run at once"
            orders.append(a_start < b_start)
        assert samples_a.ran_first == tuple(orders), "A's samples record the order they ran in"
    drawn = [first for bid in ("t/one", "t/two") for first in paired.samples_a[bid].ran_first or ()]
    assert set(drawn) == {True, False}, "the order is drawn per pair"


def test_a_side_that_crashes_mid_samples_or_fails_leaves_the_other_to_finish(tmp_path: Path) -> None:
    """B's worker dies in the middle of t/one's samples while A waits at a gate for it, and B fails t/two:
    A finishes alone, and the results say what became of each."""
    paired, log = _paired(tmp_path, {"b:one": "crash-mid", "b:two": "raise"})
    by_id = {result.id.full_id: result for result in paired.results}
    crashed, raised = by_id["t/one"].failure, by_id["t/two"].failure
    assert crashed is not None
    assert "exited with status 3" in crashed.reason
    assert raised is not None
    assert "bad input" in raised.reason
    assert paired.samples_a == {}
    assert {(side, bid) for side, bid, *_ in log} == {("a", "t/one"), ("b", "t/one"), ("a", "t/two")}
    assert max(int(sample) for side, _, _, sample, *_ in log if side == "b") == 0, "B died after its first sample"
