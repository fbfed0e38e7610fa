"""Session management: creating sessions, saving and restoring their state, attaching hashed artifacts."""

from __future__ import annotations

import tempfile
from pathlib import Path

from critbench import Bencher, Throughput, bench
from llmspell_bridge import Session

STATE_SIZES = [10, 100, 1000]
ARTIFACT_SIZES = [1024, 65536, 1048576]


def _session(entries: int) -> Session:
    """A session with ``entries`` state entries (small nested objects) and two artifacts."""
    session = Session.create("bench", session_id="bench-session")
    for n in range(entries):
        session.state[f"key{n}"] = {"n": n, "label": f"entry {n}", "tags": ["a", "b"], "ratio": n / 7}
    session.attach_artifact("notes.md", "# Notes\n" + "line\n" * 100)
    session.attach_artifact("data.bin", bytes(range(256)) * 16)
    return session


@bench
def create_session(b: Bencher) -> None:
    """Create an empty session (a random UUID and a UTC timestamp)."""
    b.iter(lambda: Session.create("bench"))


@bench(params=STATE_SIZES, throughput=Throughput.elements)
def save_restore_state(b: Bencher, entries: int) -> None:
    """Save a session to JSON text and restore it, artifacts re-verified (throughput in state entries)."""
    session = _session(entries)
    b.iter(lambda: Session.from_json(session.to_json()))


@bench
def save_restore_file(b: Bencher) -> None:
    """Save a 100-entry session to a file atomically (temp file + rename) and load it back."""
    session = _session(100)
    with tempfile.TemporaryDirectory(prefix="llmspell-bench-") as directory:
        path = Path(directory) / "session.json"

        def save_and_load() -> Session:
            session.save(path)
            return Session.load(path)

        b.iter(save_and_load)


@bench(params=ARTIFACT_SIZES, throughput=Throughput.bytes)
def attach_artifact(b: Bencher, size: int) -> None:
    """Attach an artifact of the given size to a fresh session: copy and SHA-256 the content."""
    content = bytes(range(256)) * (size // 256)
    b.iter_batched(lambda: Session.create("bench"), lambda session: session.attach_artifact("blob", content))
