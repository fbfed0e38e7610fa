"""The worker's side of the channel: the pipe is moved out of a benchmark's reach before user code runs."""

from __future__ import annotations

import fcntl
import os

import pytest

from critbench.engine._worker import HIDING_PLACES, hidden_descriptor


def test_the_pipe_moves_to_a_high_descriptor_closed_on_exec_and_the_inherited_one_is_closed() -> None:
    read_fd, write_fd = os.pipe()
    moved = hidden_descriptor(write_fd)
    try:
        assert moved >= min(HIDING_PLACES, os.sysconf("SC_OPEN_MAX")) // 2
        assert fcntl.fcntl(moved, fcntl.F_GETFD) & fcntl.FD_CLOEXEC, "a child process must not inherit it"
        with pytest.raises(OSError, match="Bad file descriptor"):
            os.fstat(write_fd)
        os.write(moved, b"hello\n")
        assert os.read(read_fd, 100) == b"hello\n"
    finally:
        os.close(moved)
        os.close(read_fd)


def test_the_descriptor_is_drawn_at_random() -> None:
    chosen = set()
    for _ in range(8):
        read_fd, write_fd = os.pipe()
        moved = hidden_descriptor(write_fd)
        chosen.add(moved)
        os.close(moved)
        os.close(read_fd)
    assert len(chosen) > 1
