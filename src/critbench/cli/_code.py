"""What each revision runs, for ``ab`` and ``bisect``: the bench targets from one place, the code from each.

The bench targets come from the working tree (or ``--benches-from REV``), so a release made before the
benchmarks were written can still be measured; the code under test comes from each revision's checkout: its
package folders at the same place in the workspace, their ``src/`` (or the folder itself) on ``sys.path``, or
the folder a build installed them into when they cannot be imported from source (``--install``, or compiled
extensions). ``--own-benches`` gives each revision its own bench files instead, for when the benchmarks
themselves changed.

Nothing here imports user code; messages name revisions as the user typed them, never a temporary folder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from critbench.cli._context import display_path
from critbench.cli._options import CodeOptions
from critbench.discovery import DiscoveryError, Workspace, load_workspace, select_targets
from critbench.engine import Checkout, Checkouts, RevisionCode
from critbench.errors import RevisionError, UsageError
from critbench.model import BenchTarget, Caution, CautionKind


def _relative(path: Path, root: Path) -> Path:
    return path.resolve().relative_to(root.resolve())


@dataclass
class CodeSource:
    """The bench targets of a comparison and, per revision, the folders its code is imported from."""

    owned: Checkouts
    workspace: Workspace
    """The workspace the bench targets come from (the working tree's, or ``--benches-from``'s)."""
    relative: Path
    """The workspace root's place in the repository."""
    options: CodeOptions
    cache: Path
    """Where built revisions are kept (``ROOT/.builds``)."""
    notes: list[Caution] = field(default_factory=list)
    _built: dict[tuple[str, str], str] = field(default_factory=dict)

    @property
    def isolated(self) -> tuple[Path, ...]:
        """Folders holding revisions' files, of which a worker may import only the active side's."""
        return (self.owned.repo, self.owned.scratch, self.cache)

    def workspace_of(self, side: Checkout) -> Path:
        return side.root / self.relative

    def targets(self, packages: tuple[str, ...], target: str | None) -> list[BenchTarget]:
        found = select_targets(self.workspace, list(packages), target)
        if not found:
            raise UsageError(f"no bench targets found in {self.workspace.root}")
        return found

    def code(self, side: Checkout, target: BenchTarget) -> RevisionCode:
        """What ``side`` runs for ``target``: which bench file, and its own code's folders first."""
        root = self.workspace_of(side)
        bench = target.path
        if self.options.own_benches:
            bench = root / _relative(target.path, self.workspace.root)
            if not bench.is_file():
                raise RevisionError(
                    f"{side.label} has no bench target {target.name!r} in package {target.package!r} "
                    f"({_relative(target.path, self.workspace.root)}): without --own-benches both revisions run "
                    "the working tree's benchmarks"
                )
        own = next(p for p in self.workspace.packages if p.name == target.package)
        folders = [self._package_code(side, own.name, root / _relative(own.root, self.workspace.root), own=True)]
        for package in self.workspace.packages:
            folder = root / _relative(package.root, self.workspace.root)
            if package is not own and folder.is_dir():
                folders.append(self._package_code(side, package.name, folder, own=False))
        return RevisionCode(side.label, side.commit, str(bench), (str(bench.parent), *folders))

    def _package_code(self, side: Checkout, name: str, folder: Path, *, own: bool) -> str:
        from critbench.engine import build_reason, install

        if not folder.is_dir():
            where = _relative(folder, self.workspace_of(side)).as_posix()
            raise RevisionError(f"{side.label} has no package {name!r}: its folder {where}/ does not exist there")
        reason = "--install" if self.options.install and own else build_reason(folder)
        if reason is None:
            src = folder / "src"
            return str(src if src.is_dir() else folder)
        key = (side.label, name)
        if key not in self._built:
            built = install(
                folder,
                label=side.label,
                package=name,
                commit=None if side.is_working_tree else side.commit,
                cache=self.cache,
                scratch=self.owned.scratch,
            )
            how = "a cached build" if built.cached else f"built ({reason}) in {built.seconds:.1f} s"
            self.notes.append(
                Caution(
                    CautionKind.REVISIONS,
                    f"{side.short()}: package {name!r} from {how}; log: {display_path(built.log)}",
                )
            )
            self._built[key] = str(built.site)
        return self._built[key]

    def announce(self, labels: list[str]) -> Caution:
        """The one line saying where benchmarks and code come from."""
        if self.options.own_benches:
            return Caution(CautionKind.REVISIONS, "Each revision runs its own bench files (--own-benches).")
        origin = self.options.benches_from or "the working tree"
        return Caution(
            CautionKind.REVISIONS,
            f"Bench targets from {origin}, code under test from each revision ({', '.join(labels)}); "
            "--own-benches runs each revision's own bench files instead.",
        )


def bench_workspace(owned: Checkouts, relative: Path, current: Workspace, options: CodeOptions) -> Workspace:
    """The workspace the bench targets come from: the working tree's, or a checkout of ``--benches-from``."""
    if options.benches_from is None:
        return current
    side = owned.add(options.benches_from)
    return load_revision_workspace(side, relative)


def load_revision_workspace(side: Checkout, relative: Path) -> Workspace:
    try:
        return load_workspace(side.root / relative)
    except DiscoveryError as exc:
        message = str(exc).replace(str(side.root.resolve()), side.label).replace(str(side.root), side.label)
        raise RevisionError(f"{side.label}: {message}") from None
