"""The one error boundary: every way a command can end has its own exit status, and only a gate exits 1."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Callable

import pytest

from critbench import cli, errors
from critbench.cli import _options
from critbench.cli._journal import Journal
from critbench.testing import FakeClock
from tests.conftest import Workspace

TARGET = "from critbench import bench\n\n@bench\ndef f(b):\n    b.iter(lambda: None)\n"


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = cli.run(list(argv), stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


def test_exit_statuses_are_defined_once_and_distinct() -> None:
    statuses = [errors.EXIT_OK, errors.EXIT_GATE, errors.EXIT_USAGE, errors.EXIT_FAILED, errors.EXIT_INTERNAL]
    assert statuses == [0, 1, 2, 3, 4]
    assert errors.CritbenchError.exit_status == errors.EXIT_USAGE
    for kind in (errors.UsageError, errors.ConfigError, errors.StorageError, errors.RevisionError):
        assert issubclass(kind, errors.CritbenchError)


def test_an_internal_error_is_one_line_and_status_4_never_1(
    make_workspace: Callable[..., Workspace], monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = make_workspace()
    ws.package("pkg", "pkg", {"t": TARGET})

    def broken(command: str, values: dict[str, object]) -> object:
        raise RuntimeError("a bug\nwith a second line")

    monkeypatch.setattr(_options, "command_options", broken)
    status, out, err = _run("--workspace", str(ws.root), "list")
    assert status == errors.EXIT_INTERNAL
    assert out == ""
    assert (
        err
        == "critbench: internal error: RuntimeError: a bug (run again with -v for the traceback; please report it)\n"
    )

    status, _, err = _run("--workspace", str(ws.root), "run", "-v")
    assert status == errors.EXIT_INTERNAL
    assert err.startswith("critbench: internal error: RuntimeError: a bug\nTraceback (most recent call last):")
    assert 'raise RuntimeError("a bug' in err


def test_usage_errors_exit_2_with_the_message(make_workspace: Callable[..., Workspace]) -> None:
    ws = make_workspace()
    ws.package("pkg", "pkg", {"t": TARGET})
    status, _, err = _run("--workspace", str(ws.root), "run", "--sample-size", "0")
    assert status == errors.EXIT_USAGE
    assert err.startswith("error: critbench run: argument --sample-size: expected a positive number")
    status, _, err = _run("--workspace", str(ws.root), "--fake-clock", "{not json", "list")
    assert status == errors.EXIT_USAGE
    assert "--fake-clock: not JSON" in err


def test_long_options_are_never_matched_by_prefix(make_workspace: Callable[..., Workspace]) -> None:
    """``--measurement`` must not be read as ``--measurement-time`` (nor ``--sample`` as ``--sample-size``)."""
    ws = make_workspace()
    ws.package("pkg", "pkg", {"t": TARGET})
    for abbreviated in (["--measurement", "2"], ["--sample", "20"], ["--", "--warm", "1"]):
        status, _, err = _run("--workspace", str(ws.root), "run", *abbreviated)
        assert status == errors.EXIT_USAGE, abbreviated
        assert "unrecognized arguments" in err, abbreviated


def test_the_harness_arguments_have_their_own_help(make_workspace: Callable[..., Workspace]) -> None:
    """``cargo bench -- --help`` shows the harness's flags; so does ``critbench run -- --help``, measuring nothing."""
    ws = make_workspace()
    ws.package("pkg", "pkg", {"t": TARGET})
    result = ws.critbench("run", "--", "--help")
    assert result.returncode == errors.EXIT_OK, result.stderr
    assert result.stdout.startswith("usage: critbench run|ab|bisect ... -- [harness options] [FILTER]")
    assert "--save-baseline NAME" in result.stdout
    assert "--measurement-time SECONDS" in result.stdout
    assert not ws.output_root.exists()


def test_nothing_matched_exits_2(make_workspace: Callable[..., Workspace]) -> None:
    ws = make_workspace()
    ws.package("pkg", "pkg", {"t": TARGET})
    result = ws.critbench("run", "--", "no-such-benchmark", fake=FakeClock(1000))
    assert result.returncode == errors.EXIT_USAGE
    assert result.stderr.strip().endswith("error: no benchmarks matched")


def test_a_reader_that_goes_away_ends_the_command_quietly(make_workspace: Callable[..., Workspace]) -> None:
    """``critbench list | head -1``: no BrokenPipeError traceback, the status of a closed pipe (141)."""
    ws = make_workspace()
    for index in range(40):
        ws.package(f"p{index}", f"p{index}", {"t": TARGET})
    with subprocess.Popen(
        [sys.executable, "-m", "critbench", "list"],
        cwd=ws.root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    ) as process:
        assert process.stdout is not None
        assert process.stderr is not None
        first = process.stdout.readline()
        process.stdout.close()
        stderr = process.stderr.read().decode()
        assert process.wait(timeout=300) == cli.EXIT_BROKEN_PIPE
    assert first.startswith(b"Workspace:")
    assert "Traceback" not in stderr
    assert "BrokenPipeError" not in stderr


ESCAPING_TARGET = """
from critbench import bench

@bench(params=["plain", "red\\x1b[31mtext", "bell\\x07"])
def f(b, p):
    b.iter(lambda: None)
"""


def test_an_ascii_terminal_gets_ascii_look_alikes_and_control_characters_are_escaped(
    make_workspace: Callable[..., Workspace],
) -> None:
    ws = make_workspace()
    ws.package("pkg", "pkg", {"t": ESCAPING_TARGET})
    ascii_terminal = {"LC_ALL": "C", "PYTHONIOENCODING": "ascii"}
    assert ws.critbench("run", "--save-baseline", "base", env=ascii_terminal, fake=FakeClock(1000)).returncode == 0
    result = ws.critbench("run", "--baseline", "base", env=ascii_terminal, fake=FakeClock(2000))
    assert result.returncode == errors.EXIT_GATE, result.stderr
    assert "Traceback" not in result.stderr
    assert "change: [+" in result.stdout
    assert "Performance has regressed." in result.stdout
    assert "could detect changes >= " in result.stdout
    assert " X\n" in result.stdout, "the red cross of a regression, in ASCII"
    assert "\x1b" not in result.stdout + result.stderr
    assert "\x07" not in result.stdout + result.stderr
    assert "t/f/red\\x1b[31mtext" in result.stdout
    assert "t/f/bell\\x07" in result.stdout
    markdown = ws.critbench("report", "--markdown", "out.md", env=ascii_terminal)
    assert markdown.returncode == 0, markdown.stderr
    text = (ws.root / "out.md").read_text(encoding="utf-8")
    assert "\x1b" not in text
    assert "red\\x1b[31mtext" in text


def test_an_interrupt_says_exactly_what_was_saved() -> None:
    journal = Journal()
    assert journal.interrupted() == "interrupted: nothing from this run was saved; existing baselines are unchanged"
    journal.note("the results as the last run (target/critbench/.last)")
    assert journal.interrupted() == (
        "interrupted after saving the results as the last run (target/critbench/.last); nothing else from this "
        "run was written (every save is whole or not at all)"
    )
