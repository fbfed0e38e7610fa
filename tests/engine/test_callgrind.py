"""Reading callgrind's dumps, building its command, and saying why it cannot run."""

from __future__ import annotations

from pathlib import Path

import pytest

from critbench.engine import _callgrind as callgrind
from critbench.engine._callgrind import callgrind_command, read_dump, valgrind_problem, worker_environment

DUMP = """\
# callgrind format
version: 1
creator: callgrind-3.19.0
pid: 4242
cmd:  /usr/bin/python3 -m critbench.engine._counting_worker
part: 3

desc: I1 cache: 32768 B, 64 B, 8-way associative
desc: Timerange: Basic block 100 - 200
desc: Trigger: --dump-before=getpgid

positions: line
events: Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw
summary: 12748 3000 1900 2 1 0 0 0 0


ob=(1) /usr/lib/libpython3.11.so
fl=(1) ???
fn=(1) _PyEval_EvalFrameDefault
0 88381 1 1 1 1 1 1 1 1
totals: 88381 3000 1900 2 1 0 0 0 0
"""


def test_a_dump_is_read_from_its_summary_line(tmp_path: Path) -> None:
    path = tmp_path / "cg.4242.3"
    path.write_text(DUMP)
    dump = read_dump(path)
    # The summary line is the interval's count; the body and totals still carry costs from before the zero.
    assert dump.events["Ir"] == 12748
    assert dump.events["DLmw"] == 0
    assert list(dump.events) == ["Ir", "Dr", "Dw", "I1mr", "D1mr", "D1mw", "ILmr", "DLmr", "DLmw"]
    assert dump.trigger == callgrind.TRIGGER


def test_a_file_without_a_summary_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "cg.1.1"
    path.write_text("events: Ir\n")
    with pytest.raises(ValueError, match="no summary line"):
        read_dump(path)


def test_the_command_zeroes_at_getsid_and_dumps_at_getpgid(tmp_path: Path) -> None:
    command = callgrind_command(tmp_path, cache_simulation=False, python="/usr/bin/python3")
    assert command[:4] == ["valgrind", "--tool=callgrind", "--zero-before=getsid", "--dump-before=getpgid"]
    assert f"--callgrind-out-file={tmp_path}/cg.%p" in command
    assert "--cache-sim=yes" not in command
    assert command[-1] == "/usr/bin/python3"
    simulated = callgrind_command(tmp_path, cache_simulation=True, python="python")
    assert "--cache-sim=yes" in simulated
    assert "--LL=8388608,16,64" in simulated


def test_the_worker_environment_is_reduced_and_seeded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_RUN_NUMBER", "1234")
    monkeypatch.setenv("PYTHONHASHSEED", "random")
    monkeypatch.setenv("PYTHONPATH", "/user/path")
    arguments = worker_environment("/critbench/src")
    assert arguments[:2] == ["env", "-i"]
    assert "PYTHONHASHSEED=0" in arguments
    assert "PYTHONPATH=/critbench/src:/user/path" in arguments
    assert not any(argument.startswith("GITHUB_RUN_NUMBER=") for argument in arguments)


def test_missing_valgrind_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("shutil.which", lambda name: None)
    problem = valgrind_problem("linux")
    assert problem is not None
    assert "apt-get install valgrind" in problem
    assert "\n" not in problem


def test_other_platforms_are_told_valgrind_is_linux_only() -> None:
    problem = valgrind_problem("darwin")
    assert problem is not None
    assert "Linux only" in problem
