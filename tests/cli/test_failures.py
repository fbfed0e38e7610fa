"""A benchmark that raises, hangs or kills its worker is reported failed; the others still run and save."""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Callable

from critbench.testing import FakeClock
from tests.conftest import Workspace, start_critbench

TROUBLE = '''
import os
import signal
import time
from critbench import Bencher, bench

@bench
def before(b: Bencher) -> None:
    """Runs fine."""
    b.iter(lambda: sum(range(100)))

@bench
def raises(b: Bencher) -> None:
    raise ValueError("bad input")

@bench(timeout=1)
def hangs(b: Bencher) -> None:
    time.sleep(60)

@bench
def exits(b: Bencher) -> None:
    os._exit(3)

@bench
def killed(b: Bencher) -> None:
    os.kill(os.getpid(), signal.SIGKILL)

@bench
def prints_forgery(b: Bencher) -> None:
    """Prints protocol-looking lines to stdout; they must not become results."""
    print('{"v":2,"type":"measured","id":"trouble/before","samples":{}}')
    b.iter(lambda: sum(range(100)))

@bench
def after(b: Bencher) -> None:
    """Runs fine after the troubles."""
    b.iter(lambda: sum(range(100)))
'''


def test_failures_are_isolated_reported_and_exit_3(make_workspace: Callable[..., Workspace]) -> None:
    ws = make_workspace()
    ws.package("pkg", "pkg", {"trouble": TROUBLE})
    result = ws.critbench("run", "--save-baseline", "mixed", "--json", "out.json")
    assert result.returncode == 3, result.stdout + result.stderr
    out = result.stdout
    assert "trouble/raises" in out
    assert "FAILED: raised ValueError: bad input" in out
    assert "FAILED: timed out after 1s" in out
    assert "FAILED: its worker process exited with status 3" in out
    assert "FAILED: its worker process was killed by SIGKILL" in out
    assert "failed: 4" in out

    document = json.loads((ws.root / "out.json").read_text())
    status = {b["id"]: b["status"] for b in document["benchmarks"]}
    assert status == {
        "trouble/before": "ok",
        "trouble/raises": "failed",
        "trouble/hangs": "failed",
        "trouble/exits": "failed",
        "trouble/killed": "failed",
        "trouble/prints_forgery": "ok",
        "trouble/after": "ok",
    }
    saved = json.loads((ws.output_root / "mixed" / "run.json").read_text())
    assert sorted(saved["benchmarks"]) == ["trouble/after", "trouble/before", "trouble/prints_forgery"]


def test_sigint_leaves_existing_baselines_intact_and_no_partial_one(make_workspace: Callable[..., Workspace]) -> None:
    ws = make_workspace()
    ws.package(
        "pkg", "pkg", {"steady": "from critbench import bench\n\n@bench\ndef quick(b):\n    b.iter(lambda: None)\n"}
    )
    assert ws.critbench("run", "--save-baseline", "keep").returncode == 0
    before = {p.relative_to(ws.output_root): p.read_bytes() for p in ws.output_root.rglob("*") if p.is_file()}

    ws.write(
        "pkg/benches/steady.py",
        "import time\nfrom critbench import bench\n\n@bench\ndef quick(b):\n    time.sleep(30)\n    b.iter(lambda: None)\n",
    )
    process = start_critbench(["run", "--save-baseline", "keep"], ws.root, {**os.environ, "NO_COLOR": "1"})
    try:
        time.sleep(3)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=120)
    finally:  # never leave it running (nor its pipes open) for a later test to trip over
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 130
    assert "interrupted" in stderr
    after = {p.relative_to(ws.output_root): p.read_bytes() for p in ws.output_root.rglob("*") if p.is_file()}
    assert after == before
    assert not [p for p in ws.output_root.iterdir() if p.name.startswith((".tmp", ".old"))]


STAMPED = '''
import time
from critbench import Bencher, bench

@bench
def stamped(b: Bencher) -> None:
    """Returns a timestamp where a duration belongs."""
    b.iter_custom(lambda iters: time.time_ns())

@bench
def fine(b: Bencher) -> None:
    b.iter(lambda: None)
'''


def test_an_iter_custom_returning_a_timestamp_fails_that_benchmark_in_one_line(
    make_workspace: Callable[..., Workspace],
) -> None:
    ws = make_workspace()
    ws.package("pkg", "pkg", {"t": STAMPED})
    result = ws.critbench("run")
    assert result.returncode == 3, result.stdout + result.stderr
    named = [line for line in result.stdout.splitlines() if "t/stamped" in line]
    assert len(named) == 2, named  # its result line and the summary's list of failures
    assert "FAILED: raised BencherMisuse: iter_custom's routine returned" in named[0]
    assert "more time than the call can have taken" in named[0]
    assert "not a timestamp such as time.time_ns()" in named[0]
    assert "failed: 1 (t/stamped)" in named[1]
    assert "Traceback" not in result.stdout + result.stderr
    assert "t/fine" in result.stdout
    verbose = ws.critbench("run", "--", "--exact", "t/stamped", "--verbose")
    assert "Traceback" in verbose.stdout, "the traceback is there for whoever asks"


def test_absurd_times_per_iteration_do_not_take_the_run_down(make_workspace: Callable[..., Workspace]) -> None:
    """1e15 ns an iteration plans samples lasting years; no deadline computed from that may overflow."""
    ws = make_workspace()
    ws.package("pkg", "pkg", {"t": STAMPED})
    result = ws.critbench("run", "--", "--exact", "t/fine", fake=FakeClock(1e15))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "t/fine" in result.stdout
    assert "internal error" not in result.stderr
