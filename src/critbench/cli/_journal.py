"""What a command has written so far, for a message that says exactly what an interrupt left behind."""

from __future__ import annotations


class Journal:
    """What a command has written so far, so an interrupted command can say exactly what was kept.

    A plain class, not a dataclass: ``critbench --help`` imports this module, and dataclasses would more
    than double its cost.
    """

    def __init__(self) -> None:
        self.written: list[str] = []

    def note(self, what: str) -> None:
        self.written.append(what)

    def interrupted(self) -> str:
        if not self.written:
            return "interrupted: nothing from this run was saved; existing baselines are unchanged"
        return (
            f"interrupted after saving {', '.join(self.written)}; nothing else from this run was written "
            "(every save is whole or not at all)"
        )
