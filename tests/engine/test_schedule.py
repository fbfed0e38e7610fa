"""The parent side of the engine against a stand-in worker (``fake_worker.py``) that speaks the protocol:
crashes, hangs, unreadable messages, restarts, processes merged, the --precision extension."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from critbench.engine._job import Job
from critbench.engine._runner import Selection, _job
from critbench.engine._schedule import TargetRun, load_failure_id, run_targets
from critbench.engine._worker_process import WorkerProcess
from critbench.model import BenchmarkResult, BenchTarget, FailureKind, Settings

FAKE_WORKER = str(Path(__file__).with_name("fake_worker.py"))


class Recorder:
    def __init__(self) -> None:
        self.events: list[str] = []
        self.plans: list[tuple[int, dict[str, int]]] = []
        """What ``planned`` was told, after how many events."""
        self.finished: list[BenchmarkResult] = []

    def benchmark_start(self, benchmark_id: str, process: int, processes: int) -> None:
        self.events.append(f"start {benchmark_id} {process + 1}/{processes}")

    def planned(self, processes: Mapping[str, int]) -> None:
        self.plans.append((len(self.events), dict(processes)))

    def warming_up(self, benchmark_id: str, seconds: float) -> None:
        pass

    def collecting(self, benchmark_id: str, samples: int, expected_s: float, iterations: int) -> None:
        self.events.append(f"collecting {benchmark_id}")

    def warning(self, benchmark_id: str, text: str) -> None:
        pass

    def benchmark_finished(self, result: BenchmarkResult) -> None:
        self.events.append(f"finished {result.id.full_id}")
        self.finished.append(result)


def _spawn(target: BenchTarget, job: Job) -> WorkerProcess:
    return WorkerProcess(target, job, command=(sys.executable, FAKE_WORKER))


@pytest.fixture
def schedule(tmp_path: Path) -> Callable[..., tuple[list[BenchmarkResult], Recorder]]:
    def run(
        benchmarks: dict[str, dict[str, Any]], behaviour: dict[str, str] | None = None, **options: Any
    ) -> tuple[list[BenchmarkResult], Recorder]:
        scenario = tmp_path / "scenario.json"
        scenario.write_text(json.dumps({"benchmarks": benchmarks, "behaviour": behaviour or {}}))
        target = BenchTarget("pkg", "t", scenario, tmp_path)
        observer = Recorder()
        job = _job(target, Settings(processes=1), Selection(), False)
        return run_targets([TargetRun(target, job, observer, spawn=_spawn)], observer, **options), observer

    return run


def _by_id(results: list[BenchmarkResult]) -> dict[str, BenchmarkResult]:
    return {result.id.full_id: result for result in results}


def test_a_benchmark_measured_in_several_processes_is_merged_and_announced_once(
    schedule: Callable[..., tuple[list[BenchmarkResult], Recorder]],
) -> None:
    results, observer = schedule({"a": {"processes": 3}, "b": {"processes": 2}})
    a, b = _by_id(results)["t/a"], _by_id(results)["t/b"]
    assert a.samples is not None
    assert b.samples is not None
    assert a.samples.process == (0, 0, 1, 1, 2, 2)
    assert a.samples.times_ns == (100.0, 101.0, 101.0, 102.0, 102.0, 103.0)
    assert b.samples.process == (0, 0, 1, 1)
    assert observer.events == [
        "start t/a 1/3",
        "start t/b 1/2",
        "start t/a 2/3",
        "start t/b 2/2",
        "finished t/b",
        "start t/a 3/3",
        "finished t/a",
    ], "rounds: the first process of every benchmark, then the second, ...; each announced when complete"
    assert observer.plans == [(0, {"t/a": 3, "t/b": 2})], "the processes of every benchmark, before the first starts"


def test_a_crash_fails_that_benchmark_and_a_fresh_worker_runs_the_rest(
    schedule: Callable[..., tuple[list[BenchmarkResult], Recorder]],
) -> None:
    results, observer = schedule({"a": {"processes": 2}, "b": {"processes": 2}, "c": {"processes": 2}}, {"b": "crash"})
    b = _by_id(results)["t/b"]
    assert b.failure is not None
    assert b.failure.kind is FailureKind.CRASH
    assert b.failure.reason == "its worker process exited with status 3"
    assert b.samples is None
    for ok in ("t/a", "t/c"):
        samples = _by_id(results)[ok].samples
        assert samples is not None
        assert samples.process == (0, 0, 1, 1)
    assert observer.events.count("start t/b 1/2") == 1
    assert "start t/b 2/2" not in observer.events, "a failed benchmark is not measured again"


def test_a_crash_once_costs_only_that_process_after_a_restart(
    schedule: Callable[..., tuple[list[BenchmarkResult], Recorder]],
) -> None:
    results, _ = schedule({"a": {"processes": 1}, "b": {"processes": 1}}, {"a": "crash-once"})
    a, b = _by_id(results)["t/a"], _by_id(results)["t/b"]
    assert a.failure is not None, "the process that crashed took its benchmark with it"
    assert b.failure is None, "the restarted worker skipped what was done and measured the rest"


def test_a_hang_past_the_deadline_is_killed_and_reported_as_a_timeout(
    schedule: Callable[..., tuple[list[BenchmarkResult], Recorder]],
) -> None:
    results, _ = schedule({"a": {"timeout": 0.3}, "b": {}}, {"a": "hang"})
    a = _by_id(results)["t/a"]
    assert a.failure is not None
    assert a.failure.kind is FailureKind.TIMEOUT
    assert a.failure.reason == "timed out after 0.3s"
    assert _by_id(results)["t/b"].ok


def test_an_unreadable_message_fails_the_benchmark_as_a_protocol_error(
    schedule: Callable[..., tuple[list[BenchmarkResult], Recorder]],
) -> None:
    results, _ = schedule({"a": {}, "b": {}}, {"a": "garbage"})
    a = _by_id(results)["t/a"]
    assert a.failure is not None
    assert a.failure.kind is FailureKind.PROTOCOL
    assert a.failure.reason.startswith("its worker sent an unreadable message: not a JSON message")
    assert _by_id(results)["t/b"].ok


def test_a_raising_benchmark_fails_alone_in_the_same_worker(
    schedule: Callable[..., tuple[list[BenchmarkResult], Recorder]],
) -> None:
    results, _ = schedule({"a": {}, "b": {}}, {"a": "raise"})
    a = _by_id(results)["t/a"]
    assert a.failure is not None
    assert (a.failure.kind, a.failure.reason) == (FailureKind.ERROR, "raised ValueError: bad input")
    assert _by_id(results)["t/b"].ok


def test_a_worker_that_ends_between_benchmarks_is_restarted_for_the_rest(
    schedule: Callable[..., tuple[list[BenchmarkResult], Recorder]],
) -> None:
    results, observer = schedule({"a": {}, "b": {}}, {"a": "exit-after"})
    assert _by_id(results)["t/a"].ok
    assert _by_id(results)["t/b"].ok
    assert observer.events == ["start t/a 1/1", "finished t/a", "start t/b 1/1", "finished t/b"]


def test_a_worker_that_ends_without_progress_fails_the_rest_instead_of_looping(
    schedule: Callable[..., tuple[list[BenchmarkResult], Recorder]],
) -> None:
    results, _ = schedule({"a": {}, "b": {}}, {"b": "vanish"})
    assert _by_id(results)["t/a"].ok
    b = _by_id(results)["t/b"]
    assert b.failure is not None
    assert b.failure.reason == "its worker process exited before running it"


def test_a_target_that_cannot_load_is_one_failure_under_its_load_id(
    schedule: Callable[..., tuple[list[BenchmarkResult], Recorder]], tmp_path: Path
) -> None:
    results, _ = schedule({"a": {}}, {"load": "fatal"})
    assert len(results) == 1
    assert results[0].id == load_failure_id(BenchTarget("pkg", "t", tmp_path, tmp_path))
    assert results[0].failure is not None
    assert "raised ImportError" in results[0].failure.reason


def test_a_plan_of_absurd_length_does_not_overflow_the_deadline(
    schedule: Callable[..., tuple[list[BenchmarkResult], Recorder]],
) -> None:
    results, observer = schedule({"a": {}}, {"a": "absurd"})
    assert _by_id(results)["t/a"].ok
    assert "collecting t/a" in observer.events


def test_the_precision_extension_adds_processes_to_the_benchmarks_it_names(
    schedule: Callable[..., tuple[list[BenchmarkResult], Recorder]],
) -> None:
    asked: list[list[str]] = []

    def more(results: list[BenchmarkResult]) -> set[str]:
        asked.append([result.id.full_id for result in results])
        return {"t/a"}

    results, observer = schedule({"a": {"processes": 2}, "b": {"processes": 2}}, more=more, max_extra_rounds=2)
    a, b = _by_id(results)["t/a"], _by_id(results)["t/b"]
    assert a.samples is not None
    assert b.samples is not None
    assert a.samples.process == (0, 0, 1, 1, 2, 2, 3, 3)
    assert b.samples.process == (0, 0, 1, 1)
    assert asked == [["t/a", "t/b"], ["t/a", "t/b"]]
    assert observer.events[-4:] == ["start t/a 3/2", "finished t/a", "start t/a 4/2", "finished t/a"]


def test_settled_benchmarks_get_no_further_processes_and_a_round_of_settled_ones_starts_no_worker(
    schedule: Callable[..., tuple[list[BenchmarkResult], Recorder]],
) -> None:
    asked: list[tuple[str, int]] = []

    def settle(results: list[BenchmarkResult]) -> set[str]:
        counts = {r.id.full_id: r.samples.process_count for r in results if r.samples is not None}
        asked.extend(sorted(counts.items()))
        return {"t/a"} if counts["t/b"] == 5 else {"t/a", "t/b"}

    results, observer = schedule({"a": {"processes": 8}, "b": {"processes": 8}, "c": {"processes": 3}}, settle=settle)
    by_id = _by_id(results)
    counts = {bid: result.samples.process_count for bid, result in by_id.items() if result.samples is not None}
    assert counts == {"t/a": 5, "t/b": 6, "t/c": 3}
    assert asked[:3] == [("t/a", 5), ("t/b", 5), ("t/c", 3)], "asked from the fifth round on, with what each has"
    starts = [event for event in observer.events if event.startswith("start")]
    assert starts[-3:] == ["start t/a 5/8", "start t/b 5/8", "start t/b 6/8"], "no worker for round 7"
    assert observer.events.count("finished t/a") == 1
    assert observer.events.index("finished t/a") < observer.events.index("start t/b 6/8")


def test_without_a_settle_rule_every_process_runs(
    schedule: Callable[..., tuple[list[BenchmarkResult], Recorder]],
) -> None:
    results, _ = schedule({"a": {"processes": 7}})
    result = _by_id(results)["t/a"]
    assert result.samples is not None
    assert result.samples.process_count == 7


FORGERIES = [
    ("b", "forge-other", "a result for t/c while t/b was being measured"),
    ("c", "forge-other", "a result for t/a while t/c was being measured"),
    ("b", "forge-twice", "a result for t/b after it had one"),
    ("b", "forge-outside", "a result for t/c, which was not started"),
    ("b", "forge-fatal", "a load failure after the benchmarks were listed"),
    ("b", "forge-ready", "t/b waited at a gate, but its worker has none"),
]


@pytest.mark.parametrize(("forger", "behaviour", "reason"), FORGERIES)
def test_a_message_the_runner_did_not_ask_for_fails_the_running_benchmark_and_no_other(
    schedule: Callable[..., tuple[list[BenchmarkResult], Recorder]], forger: str, behaviour: str, reason: str
) -> None:
    """t/b forges a result for t/c, which has not run yet; t/c forges one for t/a, which has finished."""
    results, observer = schedule(
        {"a": {"processes": 2}, "b": {"processes": 2}, "c": {"processes": 2}}, {forger: behaviour}
    )
    by_id = _by_id(results)
    failed = by_id[f"t/{forger}"].failure
    assert failed is not None
    assert failed.kind is FailureKind.PROTOCOL
    assert failed.reason.startswith(f"its worker broke the protocol: {reason}"), failed.reason
    for bid in {"t/a", "t/b", "t/c"} - {f"t/{forger}"}:
        samples = by_id[bid].samples
        assert samples is not None, bid
        assert samples.times_ns == (100.0, 101.0, 101.0, 102.0), "measured by its own processes, nothing forged"
    assert observer.finished.count(by_id[f"t/{forger}"]) == 1, "announced once, as failed"


def test_a_budget_caps_the_rounds_by_what_the_first_cost_but_not_below_five(
    schedule: Callable[..., tuple[list[BenchmarkResult], Recorder]],
) -> None:
    caps: list[int] = []
    results, observer = schedule({"a": {"processes": 8}, "b": {"processes": 3}}, budget_s=1e-9, capped=caps.append)
    a, b = _by_id(results)["t/a"], _by_id(results)["t/b"]
    assert a.samples is not None
    assert b.samples is not None
    assert sorted(set(a.samples.process)) == [0, 1, 2, 3, 4], "five processes, each with the share it had"
    assert sorted(set(b.samples.process)) == [0, 1, 2]
    assert caps == [5]
    assert observer.events.count("finished t/a") == 1
    roomy, _ = schedule({"a": {"processes": 8}}, budget_s=1e9, capped=caps.append)
    assert roomy[0].samples is not None
    assert len(set(roomy[0].samples.process)) == 8, "what fits is not capped"
    assert caps == [5]
