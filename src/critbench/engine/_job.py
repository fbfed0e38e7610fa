"""The job a runner hands to a worker process."""

from __future__ import annotations

from dataclasses import dataclass

from critbench.model import Settings


@dataclass(frozen=True)
class Job:
    """What the runner asks of one worker process (written as JSON by the runner)."""

    target_path: str
    package: str
    target: str
    sys_path: tuple[str, ...]
    settings: Settings
    """Run-wide settings (config file and command line applied); group and benchmark layers go on top."""
    pattern: str | None = None
    exact: bool = False
    skip: tuple[str, ...] = ()
    list_only: bool = False
    process_index: int = 0
    fake_costs_ns: dict[str, float] | None = None
    """Test hook: benchmark id (or "default") → fake cost per iteration; replaces the clock."""
