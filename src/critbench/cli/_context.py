"""What every command needs first: the workspace, its config, the output root, and how to print."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from critbench.cli._journal import Journal
from critbench.cli._options import Display, Locations, SuiteOptions
from critbench.discovery import Workspace, find_workspace_root, load_workspace
from critbench.model import FakeClock, Settings
from critbench.report import OutputFormat, ProgressReporter, Style
from critbench.storage import OutputLayout

if TYPE_CHECKING:
    from critbench.engine import SuiteRunner


@dataclass(frozen=True)
class Context:
    workspace: Workspace
    output_root: Path
    store_url: str | Path
    """The history database: ``--store``, ``$CRITBENCH_STORE``, ``[tool.critbench] store`` (SQLAlchemy URLs),
    else the SQLite file of the output root's layout (a path, so no character in it can be read as URL syntax)."""
    stdout: TextIO
    stderr: TextIO
    fake_clock: FakeClock | None = None
    """Tests only (``--fake-clock``): the deterministic clock every worker uses instead of the real one."""
    journal: Journal = field(default_factory=Journal)

    @property
    def layout(self) -> OutputLayout:
        """Every path under the output root (only storage joins names onto it)."""
        return OutputLayout(self.output_root)


def make_context(where: Locations, stdout: TextIO, stderr: TextIO, journal: Journal | None = None) -> Context:
    root = where.workspace.resolve() if where.workspace is not None else find_workspace_root(Path.cwd())
    workspace = load_workspace(root, where.pytest)
    if where.output_dir is not None:
        output_root = where.output_dir.resolve()
    elif os.environ.get("CRITBENCH_HOME"):
        output_root = Path(os.environ["CRITBENCH_HOME"]).resolve()
    elif workspace.config.output_dir:
        output_root = (workspace.root / workspace.config.output_dir).resolve()
    else:
        output_root = workspace.root / "target" / "critbench"
    store_url = (
        where.store
        or os.environ.get("CRITBENCH_STORE")
        or workspace.config.store
        or OutputLayout(output_root).history_database
    )
    return Context(workspace, output_root, store_url, stdout, stderr, where.fake_clock, journal or Journal())


def style_for(color: str, stream: TextIO) -> Style:
    """Colour when asked, or on a terminal that does not opt out with NO_COLOR."""
    if color == "always":
        return Style(color=True)
    if color == "never":
        return Style(color=False)
    return Style(color=stream.isatty() and not os.environ.get("NO_COLOR"))


def output_format(display: Display) -> OutputFormat:
    return OutputFormat(display.output_format)


def display_path(path: Path) -> str:
    """``path`` relative to the current folder when it is below it, as a user would type it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@contextlib.contextmanager
def measuring(ctx: Context, suite: SuiteOptions, settings: Settings) -> Iterator[SuiteRunner]:
    """The engine set to measure ``suite`` with ``settings``; its progress lines on stderr while the block runs,
    overwritten in place on a terminal unless colour is off, and cleared when it ends however it ends."""
    from critbench.engine import SuiteRunner

    display = suite.display
    progress = ProgressReporter(
        ctx.stderr,
        overwrite=ctx.stderr.isatty() and display.color != "never",
        verbose=display.verbose,
        style=style_for(display.color, ctx.stderr),
    )
    try:
        yield SuiteRunner(settings, suite.scope.filter, progress, ctx.fake_clock)
    finally:
        progress.finish()
