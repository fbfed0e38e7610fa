"""One worker's messages turned into results: the runner's side of the protocol, and what a worker's ending means.

:class:`Conversation` reads one worker process (``_worker_process``) from spawn to exit and tells the
schedule (``_schedule``) each benchmark's outcome: measured, failed with what it raised, timed out, taken down
with its worker, or failed for a message the runner did not ask for.
"""

from __future__ import annotations

from typing import Protocol

from critbench.engine import _protocol as protocol
from critbench.engine._observer import RunObserver
from critbench.engine._worker_process import STARTUP_BUDGET_S, WorkerProcess, deadline_after
from critbench.model import BenchmarkInfo, BenchmarkResult, Caution, CautionKind, Failure, FailureKind, Samples


class Listener(Protocol):
    """What the schedule hears from a conversation."""

    def listed(self, infos: tuple[BenchmarkInfo, ...], matched: tuple[str, ...]) -> None:
        """A worker said what its target declares and what the run's filter matches."""

    def finished(self, result: BenchmarkResult, samples_a: Samples | None) -> None:
        """One process's outcome for one benchmark (``samples_a``: revision A's, under ab)."""


def timeout_s(info: BenchmarkInfo, expected_s: float | None) -> float:
    """How long a benchmark may run: its own timeout, or three times its plan plus a minute."""
    settings = info.settings
    if settings.timeout is not None:
        return settings.timeout
    if expected_s is None:
        return 3 * settings.warm_up_time + 60.0
    return 3 * expected_s + 60.0


class Conversation:
    """One worker process from spawn to exit: its messages dispatched, its ending turned into failures.

    The runner takes a result only for the benchmark it let the worker start, and only once: a
    :class:`~critbench.engine._protocol.Start` for a benchmark the worker selected, then progress about that
    benchmark, then one ``Measured`` or ``Failed`` for it. Anything else (a result for another benchmark, a
    second result, a result outside a Start ... result window, a Start inside one) is a
    :class:`~critbench.engine._protocol.ProtocolViolation`: benchmark code is the only thing in the worker that
    could have written it, so the benchmark whose code was running fails with the reason, the worker is
    stopped, and no other benchmark's result is touched. A result is held back until the worker moves on (its
    next Start, Done, or its end), so a second result for the same benchmark can still void the first.
    """

    def __init__(self, worker: WorkerProcess, listener: Listener, observer: RunObserver) -> None:
        self.worker = worker
        self.listener = listener
        self.observer = observer
        self.infos: dict[str, BenchmarkInfo] = {}
        self.listed = False
        self.selected: tuple[str, ...] = ()
        self.started: set[str] = set()
        self.current: str | None = None
        self.held: tuple[BenchmarkResult, Samples | None] | None = None
        """The last result, until the worker moves on."""
        self.warnings: list[Caution] = []
        self.deadline = deadline_after(STARTUP_BUDGET_S)
        self.done = False
        self.fatal: Failure | None = None

    def run(self) -> Failure | None:
        """Read the worker to its end; the failure that ended it before it could run its benchmarks, if any."""
        try:
            for message in self.worker.messages(lambda: self.deadline):
                if message is None:
                    self._timed_out()
                    break
                self._dispatch(message)
                if self.done or self.fatal is not None:
                    break
            else:
                self._exited()
        except protocol.ProtocolViolation as exc:
            self._broken(
                f"its worker broke the protocol: {exc} (benchmark code writing to a descriptor it does not own?)"
            )
        except protocol.ProtocolError as exc:
            self._broken(f"its worker sent an unreadable message: {exc}")
        self._release()
        return self.fatal

    def _dispatch(self, message: protocol.Message) -> None:
        match message:
            case protocol.Hello():
                if self.listed:
                    raise protocol.ProtocolViolation("a second hello, after the benchmarks were listed")
            case protocol.Benchmarks(infos=infos, matched=matched, selected=selected):
                if self.listed:
                    raise protocol.ProtocolViolation("the benchmarks were listed twice")
                self.infos = {info.id.full_id: info for info in infos}
                if not set(self.infos) >= {*matched, *selected}:
                    raise protocol.ProtocolError("the worker matched or selected a benchmark it did not declare")
                self.listed = True
                self.selected = selected
                self.listener.listed(infos, matched)
            case protocol.Start(id=bid, process=process, processes=processes):
                self._check_start(bid)
                self._release()
                self.current = bid
                self.started.add(bid)
                self.warnings = []
                self.deadline = deadline_after(timeout_s(self.infos[bid], None))
                self.observer.benchmark_start(bid, process, processes)
            case protocol.WarmingUp(id=bid, seconds=seconds):
                self._check_current(bid, "progress")
                self.observer.warming_up(bid, seconds)
            case protocol.Collecting(id=bid, samples=samples, expected_s=expected_s, iterations=iterations):
                info = self.infos[self._check_current(bid, "progress")]
                if info.settings.timeout is None:
                    self.deadline = deadline_after(timeout_s(info, expected_s))
                self.observer.collecting(bid, samples, expected_s, iterations)
            case protocol.SamplingWarning(id=bid, text=text):
                self._check_current(bid, "a warning")
                self.warnings.append(Caution(CautionKind.SAMPLING_BUDGET, text))
                self.observer.warning(bid, text)
            case protocol.Measured(id=bid, samples=samples, memory=memory, samples_a=samples_a):
                info = self.infos[self._check_current(bid, "a result")]
                self._hold(BenchmarkResult(info, samples, warnings=tuple(self.warnings), memory=memory), samples_a)
            case protocol.Failed(id=bid, failure=failure):
                self._check_current(bid, "a result")
                self._fail_current(failure)
            case protocol.Fatal(failure=failure):
                if self.listed:
                    raise protocol.ProtocolViolation(
                        f"a load failure after the benchmarks were listed: {failure.reason}"
                    )
                self.fatal = failure
            case protocol.Ready(id=bid, sample=sample):
                self._check_current(bid, "a gate")
                self.worker.ready(bid, sample)
            case protocol.Done():
                if self.current is not None:
                    raise protocol.ProtocolViolation(f"done while {self.current} had no result")
                self.done = True

    def _check_start(self, bid: str) -> None:
        if not self.listed:
            raise protocol.ProtocolViolation(f"{bid} started before the benchmarks were listed")
        if self.current is not None:
            raise protocol.ProtocolViolation(f"{bid} started while {self.current} had no result")
        if bid not in self.selected:
            raise protocol.ProtocolViolation(f"{bid} started, which this worker was not asked to run")
        if bid in self.started:
            raise protocol.ProtocolViolation(f"{bid} started a second time")

    def _check_current(self, bid: str, what: str) -> str:
        """``bid``, if it is the benchmark being measured; ProtocolViolation otherwise."""
        if bid == self.current:
            return bid
        if self.current is not None:
            raise protocol.ProtocolViolation(f"{what} for {bid} while {self.current} was being measured")
        if bid in self.started:
            raise protocol.ProtocolViolation(f"{what} for {bid} after it had one")
        raise protocol.ProtocolViolation(f"{what} for {bid}, which was not started")

    def _hold(self, result: BenchmarkResult, samples_a: Samples | None) -> None:
        self.current = None
        self.warnings = []
        self.held = (result, samples_a)

    def _release(self) -> None:
        """Hand the held result to the listener: the worker moved on, so it is final."""
        if self.held is not None:
            result, samples_a = self.held
            self.held = None
            self.listener.finished(result, samples_a)

    def _fail_current(self, failure: Failure) -> None:
        assert self.current is not None
        info = self.infos[self.current]
        self._hold(BenchmarkResult(info=info, failure=failure, warnings=tuple(self.warnings)), None)

    def _broken(self, reason: str) -> None:
        """The worker said something it must not: stop it and fail the benchmark whose code was running
        (the one being measured, else the one whose result is held), or the load when none had started."""
        self.worker.kill()
        failure = Failure(FailureKind.PROTOCOL, reason, self.worker.output_tail())
        if self.current is not None:
            self._fail_current(failure)
        elif self.held is not None:
            info = self.held[0].info
            self.held = (BenchmarkResult(info=info, failure=failure), None)
        else:
            self.fatal = failure

    def _timed_out(self) -> None:
        self.worker.kill()
        if self.current is None:
            if not self.listed:
                self.fatal = Failure(
                    FailureKind.TIMEOUT,
                    f"the target did not load within {STARTUP_BUDGET_S:.0f}s",
                    self.worker.output_tail(),
                )
            return
        limit = self.infos[self.current].settings.timeout
        reason = f"timed out after {limit:g}s" if limit is not None else "timed out (it ran far past its plan)"
        self._fail_current(Failure(FailureKind.TIMEOUT, reason, self.worker.output_tail()))

    def _exited(self) -> None:
        reason = self.worker.exit_reason()
        if self.current is not None:
            self._fail_current(Failure(FailureKind.CRASH, reason, self.worker.output_tail()))
        elif not self.listed:
            self.fatal = Failure(
                FailureKind.CRASH, f"the target could not be loaded: {reason}", self.worker.output_tail()
            )
