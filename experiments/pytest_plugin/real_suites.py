"""Real pytest-benchmark suites, unmodified, under critbench's plugin: passes, gates, JSON, and wall time.

For each suite (pluggy's ``testing/benchmark.py``, pint's ``pint/testsuite/benchmarks``) the script:

1. downloads the package's sdist from the package index (``pip download --no-binary PKG``) into ``WORK``;
2. builds two clean virtualenvs from it: ``cb`` holds the package, pytest and critbench (from this checkout,
   not editable), and no pytest-benchmark; ``pb`` holds the package, pytest, pytest-benchmark and numpy
   (critbench brings numpy, which pint's numpy benchmarks need; installing it on both sides runs the same tests);
3. under critbench: runs the suite with ``--benchmark-autosave --benchmark-json``, checks that every benchmark
   test passed and has its statistics in the JSON, then ``--benchmark-compare --benchmark-compare-fail=mean:5%``
   on unchanged code (exit 0 wanted), then the same after patching the *installed* package so that one
   benchmarked function does its work twice (exit 1 wanted), and restores the file;
4. times whole sessions, pytest-benchmark's and critbench's alternately (``--runs`` of each), and reports the
   median wall time of each and their ratio (the machine is shared: alternation gives both the same load).

Usage::

    python3 experiments/pytest_plugin/real_suites.py [--work DIR] [--suite pluggy|pint]... [--runs N]
        [--select ARGS]   # pytest arguments narrowing the gate checks (step 3) of a large suite

Nothing downloaded is kept in the repository: ``WORK`` defaults to a folder under the system's temporary one.
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Suite:
    """A package whose sdist ships pytest-benchmark tests, and how to run them against the installed package."""

    package: str
    tests: tuple[str, ...]
    """pytest's arguments that collect the benchmark tests (run from the suite's own folder)."""
    copy: str | None
    """A file of the sdist to copy into the run folder (tests outside the installed package), or None."""
    patched_module: str
    """The installed module made slower, relative to site-packages."""
    patch: str
    """Appended to that module: one benchmarked function does its work twice."""
    gate_select: tuple[str, ...] = ()
    """pytest arguments that narrow the gate runs (step 3) by default; the timing runs take the whole suite."""


SUITES = {
    "pluggy": Suite(
        "pluggy",
        ("benchmark.py",),
        "testing/benchmark.py",
        "pluggy/_decorators.py",
        """

_varnames_once = varnames


def varnames(*args, **kwargs):  # made 2x slower by the experiment (not _multicall: pytest calls hooks with it)
    _varnames_once(*args, **kwargs)
    return _varnames_once(*args, **kwargs)
""",
    ),
    "pint": Suite(
        "pint",
        ("--pyargs", "pint.testsuite.benchmarks"),
        None,
        "pint/pint_eval.py",
        """

_plain_tokenizer_once = plain_tokenizer


def plain_tokenizer(input_string):  # made 2x slower by the experiment
    tuple(_plain_tokenizer_once(input_string))
    yield from _plain_tokenizer_once(input_string)
""",
        gate_select=("--pyargs", "pint.testsuite.benchmarks.test_01_eval"),
    ),
}


def sh(args: list[str], cwd: Path, log: Path | None = None) -> tuple[int, float, str]:
    """Run ``args``; its exit status, wall time and output (also written to ``log``)."""
    start = time.monotonic()
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False)
    wall = time.monotonic() - start
    output = done.stdout + done.stderr
    if log is not None:
        log.write_text(f"$ {shlex.join(args)}\n{output}\nexit {done.returncode}, {wall:.1f} s\n", encoding="utf-8")
    return done.returncode, wall, output


def venv(path: Path, *requirements: str) -> Path:
    if not (path / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
        subprocess.run([str(path / "bin" / "pip"), "install", "-q", *requirements], check=True)
    return path / "bin" / "python"


def site_packages(python: Path) -> Path:
    out = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    )
    return Path(out.stdout.strip())


def prepare(suite: Suite, work: Path) -> tuple[Path, Path, Path]:
    """The sdist, the two virtualenvs, and the folder the suite runs in."""
    downloads = work / "sdists"
    downloads.mkdir(parents=True, exist_ok=True)
    if not list(downloads.glob(f"{suite.package}-*.tar.gz")):
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "-q",
                "--no-deps",
                "--no-binary",
                suite.package,
                "-d",
                str(downloads),
                suite.package,
            ],
            check=True,
        )
    sdist = sorted(downloads.glob(f"{suite.package}-*.tar.gz"))[-1]
    source = work / sdist.name.removesuffix(".tar.gz")
    if not source.exists():
        with tarfile.open(sdist) as archive:
            archive.extractall(work, filter="data")
    cb = venv(work / f"cb-{suite.package}", "pytest", str(REPO), str(sdist))
    subprocess.run(  # this checkout's critbench, as it is now, in a virtualenv made earlier too
        [str(cb.parent / "pip"), "install", "-q", "--no-deps", "--force-reinstall", str(REPO)], check=True
    )
    pb = venv(work / f"pb-{suite.package}", "pytest", "pytest-benchmark", "numpy", str(sdist))
    run_dir = work / f"run-{suite.package}"
    run_dir.mkdir(exist_ok=True)
    if suite.copy is not None:
        shutil.copy(source / suite.copy, run_dir / Path(suite.copy).name)
    return cb, pb, run_dir


def pytest(python: Path, *args: str) -> list[str]:
    return [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", *args]


def passed(output: str) -> tuple[int, int]:
    """pytest's closing line's passed and failed counts."""
    last = [line for line in output.splitlines() if " in " in line and ("passed" in line or "failed" in line)]
    words = last[-1].replace(",", " ").split() if last else []
    count = {word: int(words[i - 1]) for i, word in enumerate(words) if i and words[i - 1].isdigit()}
    return count.get("passed", 0), count.get("failed", 0) + count.get("error", 0) + count.get("errors", 0)


def gates(suite: Suite, cb: Path, run_dir: Path, select: tuple[str, ...], logs: Path) -> dict[str, object]:
    """Step 3: autosave and JSON, compare unchanged, compare after the 2x patch."""
    out = run_dir / "target"
    shutil.rmtree(out, ignore_errors=True)
    tests = select or suite.gate_select or suite.tests
    json_path = run_dir / "critbench.json"
    code, wall, output = sh(
        pytest(cb, *tests, "--benchmark-autosave", f"--benchmark-json={json_path}"), run_dir, logs / "1-autosave.txt"
    )
    ok, failed = passed(output)
    document = json.loads(json_path.read_text()) if json_path.exists() else {"benchmarks": []}
    fields = ("min", "max", "mean", "stddev", "median", "iqr", "rounds", "data")
    complete = [b for b in document["benchmarks"] if all(f in b.get("stats", {}) for f in fields)]
    same, _, _ = sh(
        pytest(cb, *tests, "--benchmark-compare", "--benchmark-compare-fail=mean:5%"), run_dir, logs / "2-unchanged.txt"
    )
    module = site_packages(cb) / suite.patched_module
    original = module.read_text(encoding="utf-8")
    try:
        module.write_text(original + suite.patch, encoding="utf-8")
        shutil.rmtree(module.parent / "__pycache__", ignore_errors=True)
        slow, _, slow_output = sh(
            pytest(cb, *tests, "--benchmark-compare", "--benchmark-compare-fail=mean:5%"),
            run_dir,
            logs / "3-two-times-slower.txt",
        )
    finally:
        module.write_text(original, encoding="utf-8")
        shutil.rmtree(module.parent / "__pycache__", ignore_errors=True)
    failing = [line.strip() for line in slow_output.splitlines() if "mean:5%:" in line]
    slow_passed, slow_failed = passed(slow_output)
    return {
        "tests": " ".join(tests),
        "autosave exit": code,
        "passed": ok,
        "failed": failed,
        "json benchmarks": len(document["benchmarks"]),
        "json with statistics": len(complete),
        "compare unchanged exit": same,
        "compare 2x slower exit": slow,
        "2x slower run passed, failed": (slow_passed, slow_failed),
        "failing comparisons": len(failing),
        "first failing": failing[0] if failing else "",
        "autosave run wall s": round(wall, 1),
    }


def timing(suite: Suite, cb: Path, pb: Path, run_dir: Path, *, runs: int, logs: Path) -> dict[str, object]:
    """Step 4: the whole suite, pytest-benchmark and critbench alternately."""
    walls: dict[str, list[float]] = {"pytest-benchmark": [], "critbench": []}
    counts: dict[str, tuple[int, int]] = {}
    for index in range(runs):
        for name, python in (("pytest-benchmark", pb), ("critbench", cb)):
            shutil.rmtree(run_dir / "target", ignore_errors=True)
            shutil.rmtree(run_dir / ".benchmarks", ignore_errors=True)
            _, wall, output = sh(pytest(python, *suite.tests), run_dir, logs / f"time-{name}-{index + 1}.txt")
            walls[name].append(wall)
            counts[name] = passed(output)
    pb_median = statistics.median(walls["pytest-benchmark"])
    cb_median = statistics.median(walls["critbench"])
    return {
        "tests (passed, failed) pytest-benchmark": counts["pytest-benchmark"],
        "tests (passed, failed) critbench": counts["critbench"],
        "pytest-benchmark wall s": [round(w, 1) for w in walls["pytest-benchmark"]],
        "critbench wall s": [round(w, 1) for w in walls["critbench"]],
        "ratio of medians": round(cb_median / pb_median, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "critbench-real-suites")
    parser.add_argument("--suite", action="append", choices=sorted(SUITES))
    parser.add_argument("--runs", type=int, default=2, help="timed sessions of each tool per suite (default 2)")
    parser.add_argument("--select", default="", help="pytest arguments for the gate runs (default: the suite's)")
    parser.add_argument("--skip-timing", action="store_true")
    parser.add_argument("--skip-gates", action="store_true")
    args = parser.parse_args()
    for name in args.suite or sorted(SUITES):
        suite = SUITES[name]
        cb, pb, run_dir = prepare(suite, args.work)
        logs = args.work / f"logs-{name}"
        logs.mkdir(exist_ok=True)
        report: dict[str, object] = {"suite": name, "python": sysconfig.get_python_version()}
        if not args.skip_gates:
            report |= gates(suite, cb, run_dir, tuple(shlex.split(args.select)), logs)
        if not args.skip_timing:
            report |= timing(suite, cb, pb, run_dir, runs=args.runs, logs=logs)
        print(json.dumps(report, indent=2), flush=True)
        print(f"(sessions' outputs in {logs})", flush=True)


if __name__ == "__main__":
    main()
