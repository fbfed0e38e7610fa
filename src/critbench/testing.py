"""Helpers for a project's own tests of its bench files (no numpy, nothing timed).

- :func:`smoke_run` — call a benchmark function once, its routine run a few times, misuse reported.
"""

from critbench.api._testing import SmokeBencher, SmokeTestError, smoke_run

__all__ = ["SmokeBencher", "SmokeTestError", "smoke_run"]
