"""``critbench list``: packages, bench targets, benchmark ids with descriptions and targets, baselines."""

from __future__ import annotations

from typing import Any

from critbench.cli._context import Context, display_path
from critbench.cli._options import ListOptions
from critbench.discovery import select_targets
from critbench.errors import EXIT_FAILED, EXIT_OK
from critbench.model import Settings
from critbench.report._format import printable
from critbench.storage import BaselineStore


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


def _time(ns: float) -> str:
    from critbench.report._format import time

    return time(ns).strip()


def list_command(ctx: Context, options: ListOptions) -> int:
    from critbench.engine import list_target
    from critbench.report._format import bytes_size, instructions

    targets = select_targets(ctx.workspace, list(options.scope.packages), options.scope.target)
    settings = Settings().apply(ctx.workspace.config.settings)
    out = ctx.stdout
    status = EXIT_OK
    if options.terse:
        for target in targets:
            for info in list_target(target, settings).infos:
                out.write(f"{printable(info.id.full_id)}: benchmark\n")
        return status

    out.write(f"Workspace: {display_path(ctx.workspace.root)}\n")
    by_package: dict[str, list[Any]] = {}
    for target in targets:
        by_package.setdefault(target.package, []).append(target)
    if not targets:
        out.write("  no bench targets found (a package is a folder with pyproject.toml and benches/*.py)\n")
    for package in ctx.workspace.packages:
        if package.name not in by_package:
            continue
        out.write(f"\n{package.name}" + (f" — {package.description}" if package.description else "") + "\n")
        for target in by_package[package.name]:
            listing = list_target(target, settings)
            out.write(f"  {target.name}  ({display_path(target.path)})\n")
            if listing.failure is not None:
                status = EXIT_FAILED
                out.write(f"    cannot load: {printable(listing.failure.reason)}\n")
                continue
            for info in listing.infos:
                goals = []
                if info.target_ns is not None:
                    goals.append(f"target < {_time(info.target_ns)}")
                if info.target_instructions is not None:
                    goals.append(f"target < {instructions(info.target_instructions)}")
                if info.memory_target_bytes is not None:
                    goals.append(f"memory < {bytes_size(info.memory_target_bytes)}")
                line = f"    {printable(info.id.full_id)}"
                if goals:
                    line += f"  [{', '.join(goals)}]"
                description = printable(_first_line(info.description))
                if description:
                    line += f"\n        {description}"
                out.write(line + "\n")
    names = BaselineStore(ctx.output_root).names()
    out.write(f"\nSaved baselines in {display_path(ctx.output_root)}: {', '.join(names) if names else 'none'}\n")
    return status
