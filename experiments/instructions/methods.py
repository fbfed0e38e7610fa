#!/usr/bin/env python3
"""Compare three ways to get instructions per iteration of one routine under valgrind, none needing compiled
code of ours. Run from the repository root (takes ~2 minutes):

    .venv/bin/python experiments/instructions/methods.py [--python PYTHON]

1. markers   callgrind --zero-before=getsid --dump-before=getpgid, os.getsid(0) / os.getpgid(0) around
             intervals of N, 2N, 3N iterations in ONE process (what prototype.py does).
2. toggle    callgrind --collect-atstart=no --toggle-collect=ffi_call: the loop runs inside a ctypes callback,
             so only the callback is collected; one total per process, so N and 2N need TWO processes.
3. difference   cachegrind (or callgrind) of the whole process, N and 2N iterations: TWO processes whose
             start-up, imports and teardown must cancel exactly.

Each method is run twice to check that separate processes agree. The routine is kernel(20) from
sample_benches.py (~1 µs natively), and a ctypes-using variant (a routine that itself calls C through
ctypes, as cffi/ctypes-based libraries do) shows the toggle method's blind spot.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from cgfile import dump_path, read_totals  # noqa: E402

SCRIPT = r'''
import ctypes, os, sys
from itertools import repeat

def kernel(n):
    total = 0
    for i in range(n):
        total += i * i % 7
    return total

libc = ctypes.CDLL(None)
labs = libc.labs

ROUTINES = {
    "kernel": lambda: kernel(20),
    "ctypes": lambda: labs(-kernel(20)),   # the routine itself calls C through ctypes (libffi's ffi_call)
}

SRC = """
def loop(routine, it, start, end):
    start(0)
    for _ in it:
        routine()
    end(0)
"""

def fresh_loop():
    ns = {}
    exec(compile(SRC, "<loop>", "exec"), ns)
    return ns["loop"]

mode, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
routine = ROUTINES[name]
if mode == "markers":
    loop = fresh_loop()
    for n in [1, 1, 1, 4, 16, 64] + [count, 2 * count, 3 * count]:
        loop(routine, repeat(None, n), os.getsid, os.getpgid)
elif mode == "toggle":
    loop = fresh_loop()             # the same loop, with abs(0) (also METH_O) in place of the markers
    for n in [1, 1, 1, 4, 16, 64]:  # warm-up outside the callback (not collected)
        loop(routine, repeat(None, n), abs, abs)
    cb = ctypes.CFUNCTYPE(None)(lambda: loop(routine, repeat(None, count), abs, abs))
    cb()                            # collected: ffi_call and everything below it
else:  # "difference": everything is counted
    loop = fresh_loop()
    for n in [1, 1, 1, 4, 16, 64, count]:
        loop(routine, repeat(None, n), abs, abs)
'''


def run(python: str, tool: list[str], args: list[str], out: Path) -> float:
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    t = time.perf_counter()
    script = out.parent.parent / "script.py"  # the same path for every process
    subprocess.run(
        ["valgrind", *tool, "-q", python, str(script), *args], env=env, check=True, stderr=subprocess.DEVNULL
    )
    return time.perf_counter() - t


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--n", type=int, default=1000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="critbench-methods-"))
    (work / "script.py").write_text(SCRIPT)
    n = args.n
    width = len(str(3 * n))  # same-length arguments: argv's length must not differ between processes
    print(f"python {args.python}; N = {n}; files in {work}\n")
    print(f"{'method':12} {'routine':8} {'run':>3} {'Ir/iter (raw, incl. loop)':>26} {'check':>22} {'valgrind s':>10}")
    for routine in ("kernel", "ctypes"):
        for rep in (1, 2):
            # 1. markers: one process
            out = work / f"m-{routine}-{rep}" / "cg"
            out.parent.mkdir()
            secs = run(
                args.python,
                ["--tool=callgrind", "--zero-before=getsid", "--dump-before=getpgid", f"--callgrind-out-file={out}"],
                ["markers", routine, str(n).zfill(width)],
                out,
            )
            i1, i2, i3 = (read_totals(dump_path(out, k)).ir for k in (7, 8, 9))
            print(
                f"{'markers':12} {routine:8} {rep:>3} {(i3 - i1) / (2 * n):>26,.2f} {'2nd diff ' + str(i3 - 2 * i2 + i1):>22} {secs:>10.1f}"
            )
            # 2. toggle: two processes
            totals = []
            secs = 0.0
            for count in (n, 2 * n):
                out = work / f"t-{routine}-{rep}-{count}" / "cg"
                out.parent.mkdir()
                secs += run(
                    args.python,
                    [
                        "--tool=callgrind",
                        "--collect-atstart=no",
                        "--toggle-collect=ffi_call",
                        f"--callgrind-out-file={out}",
                    ],
                    ["toggle", routine, str(count).zfill(width)],
                    out,
                )
                totals.append(read_totals(out).ir)
            print(
                f"{'toggle':12} {routine:8} {rep:>3} {(totals[1] - totals[0]) / n:>26,.2f} {'N-run total ' + format(totals[0], ','):>22} {secs:>10.1f}"
            )
            # 3. difference: two whole processes under cachegrind
            totals = []
            secs = 0.0
            for count in (n, 2 * n):
                out = work / f"d-{routine}-{rep}-{count}" / "cg"
                out.parent.mkdir()
                secs += run(
                    args.python,
                    ["--tool=cachegrind", "--cache-sim=no", f"--cachegrind-out-file={out}"],
                    ["difference", routine, str(count).zfill(width)],
                    out,
                )
                totals.append(read_totals(out).ir)
            print(
                f"{'difference':12} {routine:8} {rep:>3} {(totals[1] - totals[0]) / n:>26,.2f} {'N-run total ' + format(totals[0], ','):>22} {secs:>10.1f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
