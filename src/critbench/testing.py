"""Helpers for a project's own tests of its bench files (no numpy, nothing timed).

- :func:`smoke_run` — call a benchmark function once, its routine run a few times, misuse reported.
- :class:`FakeClock` — a deterministic clock for golden-output tests of whole runs
  (``critbench --fake-clock JSON``, the JSON from :meth:`FakeClock.to_json`).
"""

from critbench.api._testing import SmokeBencher, SmokeTestError, smoke_run
from critbench.model import FakeClock

__all__ = ["FakeClock", "SmokeBencher", "SmokeTestError", "smoke_run"]
