"""One reproducible random stream per benchmark.

Criterion seeds its bootstrap from the wall clock, so re-analysing the same samples prints different
intervals. critbench derives each benchmark's generator from the run's seed and the benchmark's id instead:
the same ``(seed, key)`` gives the same stream in any process, on any run, whatever order benchmarks run in.
"""

from __future__ import annotations

import hashlib

import numpy as np


def make_rng(seed: int, key: str) -> np.random.Generator:
    """The deterministic generator for the benchmark named ``key`` under the run-wide ``seed``.

    The key is hashed with BLAKE2b (stable across processes, unlike ``hash()``), the seed is zigzag-encoded
    so negative seeds are distinct from positive ones, and both feed a :class:`numpy.random.SeedSequence`,
    which spreads them into a well-mixed PCG64 state.
    """
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}")
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=16).digest()
    key_word = int.from_bytes(digest, "little")
    seed_word = 2 * seed if seed >= 0 else -2 * seed - 1
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed_word, key_word])))
