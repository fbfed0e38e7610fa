"""Noise diagnostics read from a fake /proc and /sys tree: parsing, shares of CPU time, and the warnings."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from critbench.compare import machine_warnings
from critbench.engine import DiagnosticsProbe
from critbench.engine._diagnostics import read_governor, read_load_average
from critbench.engine._environment import read_cpu_model
from critbench.model import BusyProcess, Diagnostics

OWN_PID = 4242


@dataclass(frozen=True)
class Proc:
    name: str
    parent: int
    utime: int
    stime: int
    started: int = 100


class FakeMachine:
    """A /proc and /sys tree in a temporary folder, rewritten as the fake time passes."""

    def __init__(self, root: Path, *, cpus: int = 2, governors: tuple[str, ...] | None = ("powersave", "powersave")):
        self.proc = root / "proc"
        self.sys = root / "sys"
        self.proc.mkdir(parents=True)
        self.sys.mkdir(parents=True)
        self.cpus = cpus
        for index, governor in enumerate(governors or ()):
            folder = self.sys / "devices" / "system" / "cpu" / f"cpu{index}" / "cpufreq"
            folder.mkdir(parents=True)
            (folder / "scaling_governor").write_text(governor + "\n")

    def write(
        self,
        *,
        load: str,
        user: int,
        system: int,
        idle: int,
        steal: int,
        processes: dict[int, Proc],
    ) -> None:
        (self.proc / "loadavg").write_text(f"{load} 3/412 31337\n")
        # user nice system idle iowait irq softirq steal guest guest_nice: guest is already in user.
        lines = [f"cpu  {user} 0 {system} {idle} 100 0 0 {steal} 777 0"]
        lines += [f"cpu{i} 1 0 1 1 0 0 0 0 0 0" for i in range(self.cpus)]
        lines += ["intr 12345", "ctxt 999", "btime 1700000000"]
        (self.proc / "stat").write_text("\n".join(lines) + "\n")
        for entry in self.proc.iterdir():
            if entry.name.isdigit() and int(entry.name) not in processes:
                (entry / "stat").unlink()
                entry.rmdir()
        for pid, p in processes.items():
            folder = self.proc / str(pid)
            folder.mkdir(exist_ok=True)
            fields = ["S", str(p.parent), *["0"] * 9, str(p.utime), str(p.stime), *["0"] * 6, str(p.started), "0"]
            (folder / "stat").write_text(f"{pid} ({p.name}) {' '.join(fields)}\n")


BEFORE = {
    1: Proc("systemd", 0, 50, 50, started=1),
    OWN_PID: Proc("critbench", 1, 100, 20),
    OWN_PID + 1: Proc("python3", OWN_PID, 10, 0),
    100: Proc("firefox", 1, 500, 100),
    200: Proc("Web Content", 100, 40, 0),
    300: Proc("idle thing", 1, 7, 0),
    500: Proc("(odd) name)", 1, 1000, 0, started=10),
}

AFTER_WINDOW = {
    1: Proc("systemd", 0, 50, 51, started=1),
    OWN_PID: Proc("critbench", 1, 140, 30),
    OWN_PID + 1: Proc("python3", OWN_PID, 90, 0),  # our worker: never "other"
    100: Proc("firefox", 1, 560, 105),  # +65 ticks
    200: Proc("Web Content", 100, 65, 0),  # +25
    300: Proc("idle thing", 1, 12, 0),  # +5: not busy
    400: Proc("cc1", 1, 25, 5, started=950),  # new in the window: all 30 ticks count
    500: Proc("(odd) name)", 1, 20, 2, started=900),  # a new process reusing pid 500: 22 ticks
}


def _machine(tmp_path: Path, governors: tuple[str, ...] = ("powersave", "powersave")) -> FakeMachine:
    machine = FakeMachine(tmp_path, governors=governors)
    machine.write(load="3.10 2.50 1.75", user=1000, system=500, idle=8000, steal=400, processes=BEFORE)
    return machine


def test_start_snapshot_reads_load_governor_steal_and_busy_processes(tmp_path: Path) -> None:
    machine = _machine(tmp_path)
    waited: list[float] = []

    def sleep(seconds: float) -> None:
        waited.append(seconds)
        # 200 ticks pass in all (100 per CPU); 40 of them stolen by the hypervisor.
        machine.write(load="3.20 2.50 1.75", user=1060, system=520, idle=8080, steal=440, processes=AFTER_WINDOW)

    probe = DiagnosticsProbe(machine.proc, machine.sys, own_pid=OWN_PID, window_s=0.2, sleep=sleep)
    start = probe.start()

    assert waited == [0.2]
    assert start == Diagnostics(
        cpu_count=2,
        load_average=(3.2, 2.5, 1.75),
        governor="powersave",
        steal_share=0.2,
        busy_processes=(
            BusyProcess(100, "firefox", 0.65),
            BusyProcess(400, "cc1", 0.3),
            BusyProcess(200, "Web Content", 0.25),
            BusyProcess(500, "(odd) name)", 0.22),
        ),
    )


def test_end_snapshot_covers_the_run_since_the_start(tmp_path: Path) -> None:
    machine = _machine(tmp_path)

    def sleep(seconds: float) -> None:
        machine.write(load="3.20 2.50 1.75", user=1060, system=520, idle=8080, steal=440, processes=AFTER_WINDOW)

    probe = DiagnosticsProbe(machine.proc, machine.sys, own_pid=OWN_PID, sleep=sleep)
    probe.start()
    # The run: 2000 ticks more (1000 per CPU), 20 stolen; the worker has exited; firefox used 300 ticks.
    after_run = {pid: p for pid, p in AFTER_WINDOW.items() if pid != OWN_PID + 1}
    after_run[100] = Proc("firefox", 1, 800, 165)
    after_run[OWN_PID] = Proc("critbench", 1, 900, 60)
    machine.write(load="1.50 2.00 1.80", user=2000, system=1000, idle=8640, steal=460, processes=after_run)

    end = probe.end()

    assert end == Diagnostics(
        cpu_count=2,
        load_average=(1.5, 2.0, 1.8),
        governor="powersave",
        steal_share=0.01,
        busy_processes=(BusyProcess(100, "firefox", 0.3),),
    )


def test_warnings_from_a_busy_machine_say_what_to_do(tmp_path: Path) -> None:
    machine = _machine(tmp_path)

    def sleep(seconds: float) -> None:
        machine.write(load="3.20 2.50 1.75", user=1060, system=520, idle=8080, steal=440, processes=AFTER_WINDOW)

    probe = DiagnosticsProbe(machine.proc, machine.sys, own_pid=OWN_PID, sleep=sleep)
    start = probe.start()
    # The run: 200 ticks (100 per CPU), 60 stolen; cc1 used one and a half CPUs (it has threads).
    during = {**AFTER_WINDOW, 400: Proc("cc1", 1, 175, 5, started=950), 500: Proc("(odd) name)", 1, 120, 12, 900)}
    machine.write(load="2.40 2.00 1.80", user=1160, system=540, idle=8100, steal=500, processes=during)
    end = probe.end()

    assert [w.text for w in machine_warnings(start, end)] == [
        "Warning: the machine was busy (load 3.2 at the start and 2.4 at the end of the run, on 2 CPUs). "
        "Close other programs or wait for them to finish, then run again; changes are still judged against the "
        "noise floor, but a busy machine widens it, so smaller changes go undetected.",
        "Warning: the hypervisor gave 30.0% of this virtual machine's CPU time to other guests during the run "
        "(steal time). Timings on a shared host rise and fall with its neighbours' load: prefer a dedicated "
        "machine or instance, or measure both versions in one time window with critbench ab.",
        "Warning: other processes were busy during the run: cc1 (pid 400, 150% of a CPU), "
        "(odd) name) (pid 500, 110% of a CPU). Close them or wait for them to finish, then run again.",
        "Note: the CPU frequency governor is 'powersave', not 'performance', so the clock speed follows the "
        "load and adds noise. For steadier timings (needs root; shown for information): "
        "sudo cpupower frequency-set -g performance",
    ]


def test_a_quiet_machine_gives_no_warnings(tmp_path: Path) -> None:
    machine = _machine(tmp_path, governors=("performance", "performance"))
    quiet = {1: Proc("systemd", 0, 50, 50, started=1), OWN_PID: Proc("critbench", 1, 100, 20)}
    machine.write(load="0.20 0.10 0.05", user=1000, system=500, idle=8000, steal=400, processes=quiet)

    def sleep(seconds: float) -> None:
        machine.write(load="0.20 0.10 0.05", user=1010, system=505, idle=8185, steal=400, processes=quiet)

    probe = DiagnosticsProbe(machine.proc, machine.sys, own_pid=OWN_PID, sleep=sleep)
    start = probe.start()
    end = probe.end()

    assert start.governor == "performance"
    assert start.steal_share == 0.0
    assert end.steal_share is None  # no tick passed between the two readings
    assert machine_warnings(start, end) == []


def test_no_more_than_five_busy_processes_busiest_first(tmp_path: Path) -> None:
    machine = FakeMachine(tmp_path, cpus=1)
    before = {pid: Proc(f"p{pid}", 1, 0, 0) for pid in range(10, 17)}
    machine.write(load="0.1 0.1 0.1", user=0, system=0, idle=0, steal=0, processes=before)
    after = {pid: Proc(f"p{pid}", 1, 2 * pid, 0) for pid in range(10, 17)}

    def sleep(seconds: float) -> None:
        machine.write(load="0.1 0.1 0.1", user=50, system=0, idle=50, steal=0, processes=after)

    start = DiagnosticsProbe(machine.proc, machine.sys, own_pid=OWN_PID, sleep=sleep).start()

    assert [(p.name, p.cpu_share) for p in start.busy_processes] == [
        ("p16", 0.32),
        ("p15", 0.3),
        ("p14", 0.28),
        ("p13", 0.26),
        ("p12", 0.24),
    ]
    assert start.cpu_count == 1


def test_missing_files_are_recorded_as_unknown(tmp_path: Path) -> None:
    (tmp_path / "proc").mkdir()
    (tmp_path / "sys").mkdir()
    probe = DiagnosticsProbe(tmp_path / "proc", tmp_path / "sys", sleep=lambda seconds: None)

    assert probe.start() == Diagnostics(cpu_count=os.cpu_count() or 0)
    assert probe.end() == Diagnostics(cpu_count=os.cpu_count() or 0)
    assert machine_warnings(probe.start(), probe.end()) == []


def test_end_needs_a_start(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="before start"):
        DiagnosticsProbe(tmp_path, tmp_path).end()


def test_readers_of_single_files(tmp_path: Path) -> None:
    machine = FakeMachine(tmp_path, governors=("performance", "powersave", "performance"))
    assert read_governor(machine.sys) == "performance, powersave"
    assert read_governor(tmp_path / "nowhere") is None
    (machine.proc / "loadavg").write_text("0.52 0.58 0.59 1/467 12345\n")
    assert read_load_average(machine.proc) == (0.52, 0.58, 0.59)
    (machine.proc / "loadavg").write_text("garbage\n")
    assert read_load_average(machine.proc) is None
    (machine.proc / "cpuinfo").write_text(
        "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) CPU @ 2.20GHz\n"
    )
    assert read_cpu_model(machine.proc) == "Intel(R) Xeon(R) CPU @ 2.20GHz"


def test_the_real_machine_can_be_read() -> None:
    """On the machine running the tests: whatever it has, the probe returns a record and never raises."""
    probe = DiagnosticsProbe(window_s=0.01)
    start = probe.start()
    end = probe.end()
    assert start.cpu_count >= 1
    assert end.cpu_count >= 1
    assert all(process.pid != os.getpid() for process in start.busy_processes + end.busy_processes)
