"""valgrind's callgrind seen from critbench: whether it can run, the command, its dump files.

A counting worker runs as ``valgrind --tool=callgrind --zero-before=getsid --dump-before=getpgid ...``.
Callgrind zeroes every counter when libc's ``getsid`` is entered and writes a dump file (``cg.<pid>.<k>``,
k = 1, 2, ... per process) when ``getpgid`` is entered; the measured intervals are bracketed by
``os.getsid(0)`` and ``os.getpgid(0)`` (:class:`~critbench.engine._measurement.Instructions`), so each dump
holds exactly one interval. Both are exported libc functions that CPython calls only from ``os.getsid`` and
``os.getpgid``, so no compiled code of ours and no debug symbols are needed.

A dump's ``summary:`` line is the interval's count: after a zero, the file's body (and its ``totals:``
line) can still carry costs from before it (experiments/instructions/README.md measured up to 71,789
instructions in a first interval), while ``summary:`` equals what dump-only markers give, to the instruction.
Format: https://valgrind.org/docs/manual/cl-format.html
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

START_MARKER = "getsid"
END_MARKER = "getpgid"
TRIGGER = f"--dump-before={END_MARKER}"
"""What callgrind writes as a dump's trigger when the end marker caused it; any other dump is not ours."""

CACHE_GEOMETRY = ("--I1=32768,8,64", "--D1=32768,8,64", "--LL=8388608,16,64")
"""Pinned caches for the simulation (32 KiB 8-way L1s, 8 MiB 16-way LL, 64-byte lines), so the cycle
estimate does not depend on what valgrind detects on the host (a 256 MiB direct-mapped "LL" on a VM)."""

KEPT_ENVIRONMENT = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "VIRTUAL_ENV", "PYTHONPATH")
"""The variables a counting worker inherits; any other (a CI job's run number, say) would move the heap,
and with it the count of allocation-heavy code, from run to run."""

INSTALL_HINT = "install it with 'sudo apt-get install valgrind' (Debian, Ubuntu) or 'sudo dnf install valgrind'"


def valgrind_problem(platform: str = sys.platform) -> str | None:
    """Why instructions cannot be counted here (one line saying what to do), or None when they can."""
    if not platform.startswith("linux"):
        return (
            f"--measure instructions counts instructions under valgrind, which runs on Linux only (this is "
            f"{platform}); measure wall time here, or count instructions on a Linux machine or container"
        )
    if shutil.which("valgrind") is None:
        return f"--measure instructions needs valgrind, which is not on PATH: {INSTALL_HINT}"
    return None


def callgrind_command(out_dir: Path, *, cache_simulation: bool, python: str = sys.executable) -> list[str]:
    """valgrind's part of a counting worker's command line, up to and including the Python to run."""
    command = [
        "valgrind",
        "--tool=callgrind",
        f"--zero-before={START_MARKER}",
        f"--dump-before={END_MARKER}",
        f"--callgrind-out-file={out_dir / 'cg'}.%p",
        "--quiet",
    ]
    if cache_simulation:
        command += ["--cache-sim=yes", *CACHE_GEOMETRY]
    return [*command, python]


def worker_environment(python_path: str) -> list[str]:
    """``env -i`` arguments for the worker: :data:`KEPT_ENVIRONMENT`, ``PYTHONPATH`` led by ``python_path``
    (critbench's own source) and ``PYTHONHASHSEED=0``, so that two runs hash strings alike."""
    kept = {key: os.environ[key] for key in KEPT_ENVIRONMENT if key in os.environ}
    kept["PYTHONPATH"] = os.pathsep.join(filter(None, [python_path, kept.get("PYTHONPATH")]))
    kept["PYTHONHASHSEED"] = "0"
    return ["env", "-i", *(f"{key}={value}" for key, value in sorted(kept.items()))]


@dataclass(frozen=True)
class Dump:
    """One dump file's header: what caused it and the count of every event in its interval."""

    trigger: str
    events: dict[str, int]


def read_dump(path: Path) -> Dump:
    """The header of one dump file (``events:``, ``summary:`` and the trigger); its body is never read."""
    names: list[str] = []
    trigger = ""
    with path.open(encoding="utf-8", errors="replace") as handle:
        for line in handle:
            if line.startswith("events:"):
                names = line.split()[1:]
            elif line.startswith("desc: Trigger:"):
                trigger = line.split(":", 2)[2].strip()
            elif line.startswith("summary:"):
                values = [int(value) for value in line.split()[1:]]
                return Dump(trigger, {name: values[i] if i < len(values) else 0 for i, name in enumerate(names)})
    raise ValueError(f"{path} has no summary line: not a callgrind dump, or cut short")


def dump_path(out_dir: Path, pid: int, index: int) -> Path:
    """The ``index``-th dump (from 1) of process ``pid``."""
    return out_dir / f"cg.{pid}.{index}"
