"""How noisy the machine is: load, steal time, frequency governor and other busy processes, from /proc and /sys.

A run takes two snapshots with one :class:`DiagnosticsProbe`::

    start()  reads the counters, sleeps a short window, reads again:   the machine just before measuring
    end()    reads the counters once more and compares with start's:    the machine over the whole run

Shares of CPU time come from the kernel's tick counters alone (``/proc/stat`` and ``/proc/PID/stat``), so the
numbers need no wall clock and a fake ``/proc`` tree in a test gives exact results. A process's share is of
one CPU, as ``top`` shows it: its ticks over the ticks that elapsed on one CPU (the machine's total over the
number of CPUs). Processes this one started (its workers, and theirs) are not "other" processes and are left
out; workers that have exited by the end snapshot are gone from ``/proc`` anyway.

Nothing here raises on a missing or odd file: what cannot be read is recorded as unknown.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from critbench.model import BusyProcess, Diagnostics

PROC = Path("/proc")
SYS = Path("/sys")

START_WINDOW_S = 0.2
"""How long the start snapshot watches the machine: long enough for 20 ticks per CPU at the usual 100 Hz."""

BUSY_PROCESS_SHARE = 0.20
"""A process is busy when it used at least this share of one CPU over the snapshot's window."""

MAX_BUSY_PROCESSES = 5

_CPU_LINE = re.compile(r"cpu\d+")


@dataclass(frozen=True)
class _Process:
    name: str
    parent: int
    ticks: int
    """User plus system time, in clock ticks."""
    started: int
    """Clock ticks after boot when it started: with the pid, tells a process from a later one reusing its pid."""


@dataclass(frozen=True)
class _Counters:
    """One reading of the kernel's tick counters."""

    total_ticks: int | None
    """Every CPU's ticks in every state (the ``cpu`` line of /proc/stat, without the guest columns it repeats)."""
    steal_ticks: int | None
    cpus: int
    processes: Mapping[int, _Process]


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def read_load_average(proc_root: Path = PROC) -> tuple[float, float, float] | None:
    """The 1, 5 and 15 minute load averages (``/proc/loadavg``), else ``os.getloadavg`` on the real system."""
    text = _read(proc_root / "loadavg")
    if text is not None:
        try:
            one, five, fifteen = (float(field) for field in text.split()[:3])
        except ValueError:
            return None
        return one, five, fifteen
    if proc_root == PROC and hasattr(os, "getloadavg"):
        try:
            return os.getloadavg()
        except OSError:
            return None
    return None


def read_governor(sys_root: Path = SYS) -> str | None:
    """Each CPU's ``scaling_governor``, one name when they agree, else the distinct names sorted and joined."""
    names = set()
    for path in sorted((sys_root / "devices" / "system" / "cpu").glob("cpu[0-9]*/cpufreq/scaling_governor")):
        text = _read(path)
        if text is not None and text.strip():
            names.add(text.strip())
    return ", ".join(sorted(names)) if names else None


def _read_stat(proc_root: Path) -> tuple[int | None, int | None, int]:
    text = _read(proc_root / "stat")
    if text is None:
        return None, None, os.cpu_count() or 0
    total = steal = None
    cpus = 0
    for line in text.splitlines():
        fields = line.split()
        if not fields:
            continue
        if fields[0] == "cpu":
            try:
                # user nice system idle iowait irq softirq steal [guest guest_nice: already in user and nice]
                ticks = [int(value) for value in fields[1:9]]
            except ValueError:
                continue
            total = sum(ticks)
            steal = ticks[7] if len(ticks) > 7 else 0
        elif _CPU_LINE.fullmatch(fields[0]):
            cpus += 1
    return total, steal, cpus or os.cpu_count() or 0


def _parse_process(text: str) -> _Process | None:
    """``/proc/PID/stat``: ``pid (comm) state ppid ...``; comm may hold spaces and parentheses."""
    open_at, close_at = text.find("("), text.rfind(")")
    if open_at < 0 or close_at < open_at:
        return None
    rest = text[close_at + 1 :].split()
    try:
        # rest[0] is field 3 (state): ppid is field 4, utime 14, stime 15, starttime 22.
        return _Process(
            name=text[open_at + 1 : close_at],
            parent=int(rest[1]),
            ticks=int(rest[11]) + int(rest[12]),
            started=int(rest[19]),
        )
    except (IndexError, ValueError):
        return None


def _read_processes(proc_root: Path) -> dict[int, _Process]:
    processes = {}
    try:
        entries = list(proc_root.iterdir())
    except OSError:
        return {}
    for entry in entries:
        if not entry.name.isdigit():
            continue
        text = _read(entry / "stat")
        process = _parse_process(text) if text is not None else None
        if process is not None:
            processes[int(entry.name)] = process
    return processes


def _read_counters(proc_root: Path) -> _Counters:
    total, steal, cpus = _read_stat(proc_root)
    return _Counters(total, steal, cpus, _read_processes(proc_root))


def _family(processes: Mapping[int, _Process], root: int) -> set[int]:
    """``root`` and every process descended from it."""
    children: dict[int, list[int]] = {}
    for pid, process in processes.items():
        children.setdefault(process.parent, []).append(pid)
    family, stack = set(), [root]
    while stack:
        pid = stack.pop()
        if pid not in family:
            family.add(pid)
            stack.extend(children.get(pid, ()))
    return family


def _busy_processes(before: _Counters, after: _Counters, own_pid: int) -> tuple[BusyProcess, ...]:
    if before.total_ticks is None or after.total_ticks is None or after.cpus <= 0:
        return ()
    ticks_per_cpu = (after.total_ticks - before.total_ticks) / after.cpus
    if ticks_per_cpu <= 0:
        return ()
    ours = _family(after.processes, own_pid)
    busy = []
    for pid, process in after.processes.items():
        if pid in ours:
            continue
        earlier = before.processes.get(pid)
        # A process that started inside the window spent all of its CPU time inside it.
        used = (
            process.ticks - earlier.ticks
            if earlier is not None and earlier.started == process.started
            else process.ticks
        )
        share = used / ticks_per_cpu
        if share >= BUSY_PROCESS_SHARE:
            busy.append(BusyProcess(pid=pid, name=process.name, cpu_share=round(share, 4)))
    busy.sort(key=lambda item: (-item.cpu_share, item.pid))
    return tuple(busy[:MAX_BUSY_PROCESSES])


def _steal_share(before: _Counters, after: _Counters) -> float | None:
    if before.total_ticks is None or after.total_ticks is None:
        return None
    if before.steal_ticks is None or after.steal_ticks is None:
        return None
    elapsed = after.total_ticks - before.total_ticks
    if elapsed <= 0:
        return None
    return round((after.steal_ticks - before.steal_ticks) / elapsed, 4)


class DiagnosticsProbe:
    """Snapshots of the machine's noise at the start and the end of one run.

    ``proc_root`` and ``sys_root`` point at ``/proc`` and ``/sys``, or at a fake tree in tests; ``sleep``
    waits out the start window (a test's ``sleep`` can rewrite the fake tree to simulate the passing time).
    """

    def __init__(
        self,
        proc_root: Path = PROC,
        sys_root: Path = SYS,
        *,
        own_pid: int | None = None,
        window_s: float = START_WINDOW_S,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._proc = proc_root
        self._sys = sys_root
        self._own_pid = os.getpid() if own_pid is None else own_pid
        self._window_s = window_s
        self._sleep = sleep
        self._start: _Counters | None = None

    def _snapshot(self, before: _Counters, after: _Counters) -> Diagnostics:
        return Diagnostics(
            cpu_count=after.cpus,
            load_average=read_load_average(self._proc),
            governor=read_governor(self._sys),
            steal_share=_steal_share(before, after),
            busy_processes=_busy_processes(before, after, self._own_pid),
        )

    def start(self) -> Diagnostics:
        """The machine over a short window just before measuring."""
        before = _read_counters(self._proc)
        self._sleep(self._window_s)
        self._start = _read_counters(self._proc)
        return self._snapshot(before, self._start)

    def end(self) -> Diagnostics:
        """The machine over the whole run, since :meth:`start` (which must have been called)."""
        if self._start is None:
            raise RuntimeError("DiagnosticsProbe.end() called before start()")
        return self._snapshot(self._start, _read_counters(self._proc))
