"""What every command needs first: the workspace, its config, the output root, and how to print."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from critbench.discovery import Workspace, find_workspace_root, load_workspace
from critbench.errors import UsageError
from critbench.model import FakeClock
from critbench.report import OutputFormat, ProgressReporter, Style


@dataclass(frozen=True)
class Context:
    workspace: Workspace
    output_root: Path
    store_url: str
    """The history database: ``--store``, ``$CRITBENCH_STORE``, ``[tool.critbench] store``, else SQLite in the root."""
    stdout: TextIO
    stderr: TextIO
    fake_clock: FakeClock | None = None
    """Tests only (``--fake-clock``): the deterministic clock every worker uses instead of the real one."""


def make_context(options: dict[str, Any], stdout: TextIO = sys.stdout, stderr: TextIO = sys.stderr) -> Context:
    start = Path(options["workspace"]) if options.get("workspace") else Path.cwd()
    root = start.resolve() if options.get("workspace") else find_workspace_root(start)
    workspace = load_workspace(root)
    if options.get("output_dir"):
        output_root = Path(options["output_dir"]).resolve()
    elif os.environ.get("CRITBENCH_HOME"):
        output_root = Path(os.environ["CRITBENCH_HOME"]).resolve()
    elif workspace.config.output_dir:
        output_root = (workspace.root / workspace.config.output_dir).resolve()
    else:
        output_root = workspace.root / "target" / "critbench"
    store_url = (
        options.get("store")
        or os.environ.get("CRITBENCH_STORE")
        or workspace.config.store
        or f"sqlite:///{output_root / '.history.sqlite'}"
    )
    fake_clock = None
    if options.get("fake_clock"):
        try:
            fake_clock = FakeClock.from_json(options["fake_clock"])
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    return Context(workspace, output_root, store_url, stdout, stderr, fake_clock)


def style_for(choice: str | None, stream: TextIO) -> Style:
    """Colour when asked, or on a terminal that does not opt out with NO_COLOR."""
    if choice == "always":
        return Style(color=True)
    if choice == "never":
        return Style(color=False)
    return Style(color=stream.isatty() and not os.environ.get("NO_COLOR"))


def output_format(options: dict[str, Any]) -> OutputFormat:
    if options.get("output_format"):
        return OutputFormat(options["output_format"])
    if options.get("quiet"):
        return OutputFormat.QUIET
    if options.get("verbose"):
        return OutputFormat.VERBOSE
    return OutputFormat.CRITERION


def display_path(path: Path) -> str:
    """``path`` relative to the current folder when it is below it, as a user would type it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def progress_reporter(ctx: Context, options: dict[str, Any], *, verbose: bool) -> ProgressReporter:
    """The progress lines on stderr, overwritten in place on a terminal unless colour is off."""
    return ProgressReporter(
        ctx.stderr,
        overwrite=ctx.stderr.isatty() and options.get("color") != "never",
        verbose=verbose,
        style=style_for(options.get("color"), ctx.stderr),
    )
