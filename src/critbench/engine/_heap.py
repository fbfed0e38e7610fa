"""The heap a counted interval starts from: the same allocator state whatever the process's history.

CPython's small-object allocator (pymalloc) hands out blocks from the first pool on a list per size class,
and its fast paths are "take a free block from that pool" and "give a block back to a pool that stays
partly used". Which pool comes first, and how full it is, follows everything the process allocated and
freed before: the imports, the bench file, the benchmark's setup. A routine whose temporary objects land in
a pool with one free block left takes the slow paths on every allocation and free (the pool fills, leaves
the list, comes back), and one whose temporaries are a pool's only blocks frees and re-initialises the pool
every time: up to 5% more instructions for the same code, and which of these happens is chaotic
(experiments/instructions/README.md).

:func:`settle_small_objects` removes that history: it fills every free block of every partly used pool
with an object kept for the rest of the (forked) process, then allocates one block more per size class, so
each class's first pool is a fresh one holding that block. A routine's objects then come from fresh pools,
in every heap layout and every run, and its free never empties the pool it came from. It reads the pools'
free blocks from ``sys._debugmallocstats()`` (CPython; without pymalloc, e.g. ``PYTHONMALLOC=malloc``, it
does nothing). Everything it allocates after reading them is either kept or freed before it plugs, so the
figures it read stay exact: an object made then and freed again refills the hole it took.
"""

from __future__ import annotations

import gc
import os
import sys
from array import array
from collections.abc import Callable
from itertools import repeat
from typing import Any

CLASSES = 32
"""pymalloc's size classes on 64-bit CPython 3.8+: 16-byte steps up to 512 bytes."""
POOL_BLOCKS = (16384 - 48) // 512
"""Blocks of the largest class in a pool (16 KiB pools with a 48-byte header on 64-bit CPython 3.10+)."""
_BYTES_HEADER = sys.getsizeof(b"")
"""A bytes object's size beyond its length (33 on 64-bit CPython: the object header and a trailing NUL)."""

_KEPT: list[Any] = []
"""The plugs and anchors: alive until the forked process exits."""


def _maker(size_class: int) -> tuple[Callable[[Any], object], object]:
    """A function and its argument that allocate one object of ``size_class`` (16-byte steps, 0-based)."""
    if size_class == 0:
        return (lambda _: object()), None  # 16 bytes
    if size_class == 1:
        return (lambda value: value + 1), 1000  # a one-digit int: 28 bytes (ints have no free list)
    return bytes, 16 * (size_class + 1) - _BYTES_HEADER  # bytes(n): n + 33 bytes, the class's largest size


_MAKERS = [_maker(k) for k in range(CLASSES)]


def free_blocks(into: array[int]) -> bool:
    """Each size class's free blocks in partly used pools, written into ``into``, then the arenas' unused pools
    (``into[CLASSES]``); False without pymalloc."""
    fd = os.memfd_create("critbench-mallocstats")
    saved = os.dup(2)
    try:
        sys.stderr.flush()
        os.dup2(fd, 2)
        try:
            sys._debugmallocstats()  # CPython's only view of its pools
        finally:
            os.dup2(saved, 2)
        os.lseek(fd, 0, os.SEEK_SET)
        text = os.read(fd, 1 << 20)
    finally:
        os.close(saved)
        os.close(fd)
    found = False
    for line in text.splitlines():
        fields = line.split()
        if len(fields) == 5 and fields[0].isdigit() and int(fields[0]) < CLASSES:
            into[int(fields[0])] = int(fields[4])
            found = True
        elif len(fields) > 2 and fields[1:3] == [b"unused", b"pools"]:
            into[CLASSES] = int(fields[0])
    return found


def settle_small_objects() -> None:
    """Fill every partly used pool and start each size class on a fresh pool holding one kept block.

    Call it right after ``gc.collect()``: a collection while it works would free blocks it did not see.
    """
    counts = array("q", bytes(8 * (CLASSES + 1)))
    plugs: list[object] = [None] * (CLASSES + 1)
    anchors: list[object] = [None] * CLASSES
    _KEPT.append((counts, plugs, anchors))
    collecting = gc.isenabled()
    gc.disable()
    try:
        if free_blocks(counts):
            _plug(counts, plugs, anchors)
    finally:
        if collecting:
            gc.enable()


def _plug(counts: array[int], plugs: list[object], anchors: list[object]) -> None:
    for size_class in range(CLASSES):
        if counts[size_class] > 0:
            make, argument = _MAKERS[size_class]
            plugs[size_class] = tuple(map(make, repeat(argument, counts[size_class])))
    # Every pool still free in the arenas, filled with the largest blocks (31 a pool), so that the pools a
    # routine takes come from a new arena, carved in order, whatever the arenas before it hold.
    make, argument = _MAKERS[CLASSES - 1]
    plugs[CLASSES] = tuple(map(make, repeat(argument, counts[CLASSES] * POOL_BLOCKS)))
    for size_class in range(CLASSES):
        make, argument = _MAKERS[size_class]
        anchors[size_class] = make(argument)
