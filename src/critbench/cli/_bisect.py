"""``critbench bisect GOOD BAD``: the first commit at which a benchmark changed (written next)."""

from __future__ import annotations

from collections.abc import Sequence

from critbench.cli._context import Context
from critbench.cli._options import BisectOptions
from critbench.errors import UsageError


def bisect_command(ctx: Context, options: BisectOptions, argv: Sequence[str]) -> int:
    raise UsageError("critbench bisect is not available yet")
