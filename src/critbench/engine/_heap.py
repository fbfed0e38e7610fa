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


TCACHE_SIZES = 64
"""glibc's per-thread cache: chunks of 32 to 1,040 bytes in 16-byte steps, up to 7 of each."""
TCACHE_COUNT = 7
TCACHE_LARGEST = 24 + 16 * TCACHE_SIZES
LARGEST_FILL = 1 << 16
"""The largest chunk the fill asks for: below glibc's mmap threshold (128 KiB), so it comes from the heap."""
MAX_KEPT_CHUNKS = 1 << 17


class _Glibc:
    """glibc's ``malloc``, ``free`` and ``mallinfo2`` through ctypes, and the chunks kept out of its bins."""

    def __init__(self) -> None:
        import ctypes

        fields = ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks")
        info = type(
            "mallinfo2", (ctypes.Structure,), {"_fields_": [(name, ctypes.c_size_t) for name in (*fields, "keepcost")]}
        )
        libc = ctypes.CDLL(None)
        self.malloc = libc.malloc
        self.malloc.restype, self.malloc.argtypes = ctypes.c_void_p, [ctypes.c_size_t]
        self.free = libc.free
        self.free.restype, self.free.argtypes = None, [ctypes.c_void_p]
        self.mallinfo2 = libc.mallinfo2
        self.mallinfo2.restype, self.mallinfo2.argtypes = info, []
        self.malloc_trim = libc.malloc_trim
        self.malloc_trim.restype, self.malloc_trim.argtypes = ctypes.c_int, [ctypes.c_size_t]
        self.kept = array("Q", bytes(8 * MAX_KEPT_CHUNKS))  # a mapping of its own: not in the heap it fills
        self.count = 0

    def in_bins(self) -> int:
        """Bytes in free chunks other than the top chunk (bins and fast bins; the tcache is not counted)."""
        info = self.mallinfo2()
        return int(info.fordblks - info.keepcost)

    def keep(self, size: int) -> None:
        if self.count < MAX_KEPT_CHUNKS:
            self.kept[self.count] = self.malloc(size) or 0
            self.count += 1

    def drain_tcache(self) -> None:
        for index in range(TCACHE_SIZES):
            for _ in range(TCACHE_COUNT):
                self.keep(24 + 16 * index)

    def fill_bins(self) -> None:
        """Allocate from the free chunks until none is left: largest requests first, an eighth smaller once
        requests stop coming from the bins. Above the tcache's sizes such a request came from the top chunk,
        and is freed (next to the top, it merges back); within them it may have come from the tcache (a
        chunk of the size asked for, taken from the bins earlier), and is kept, eight times before moving on.
        ``malloc_trim`` first merges the fast bins' chunks into the others, where any request can reach them."""
        self.malloc_trim(0)
        size, misses = LARGEST_FILL, 0
        free = self.in_bins()
        while size >= 32 and free > 0 and self.count < MAX_KEPT_CHUNKS:
            pointer = self.malloc(size - 8)
            now = self.in_bins()
            if now < free or size <= TCACHE_LARGEST:
                self.kept[self.count] = pointer or 0
                self.count += 1
            else:
                self.free(pointer)
            if now < free:
                free, misses = now, 0
            elif size > TCACHE_LARGEST or misses == TCACHE_COUNT:
                size, misses = (size - size // 8) & ~15, 0
            else:
                misses += 1


_GLIBC: list[_Glibc] = []


def settle_glibc() -> bool:
    """Take every free chunk out of glibc's tcache and bins, so that the blocks over 512 bytes a routine asks
    for come from the top of the heap, and growing the last of them grows it in place, whatever the process
    freed before; False where glibc's ``mallinfo2`` is missing (another C library, glibc before 2.33)."""
    if not _GLIBC:
        try:
            _GLIBC.append(_Glibc())
        except (OSError, AttributeError):
            return False
    glibc = _GLIBC[0]
    collecting = gc.isenabled()
    gc.disable()
    try:
        glibc.drain_tcache()
        glibc.fill_bins()
        glibc.drain_tcache()
    finally:
        if collecting:
            gc.enable()
    return True
