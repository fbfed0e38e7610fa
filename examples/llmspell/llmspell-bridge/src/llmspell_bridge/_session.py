"""Sessions: state that survives a restart, and artifacts identified by the SHA-256 of their content.

A session saves to a JSON document (``to_dict`` / ``from_dict``) or a file (``save`` / ``load``, written
atomically). Artifact contents travel as Base64 next to their hash, and restoring checks every hash, so a
corrupted or edited artifact is refused rather than silently used.
"""

from __future__ import annotations

import base64
import binascii
import copy
import hashlib
import json
import os
import tempfile
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from llmspell_tools import Json

SESSION_FORMAT_VERSION = 1


class SessionError(Exception):
    """A session cannot be saved or restored; the message says what is wrong."""


def content_hash(content: bytes) -> str:
    """The artifact hash: SHA-256, hex."""
    return hashlib.sha256(content).hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat()


@dataclass(frozen=True)
class Artifact:
    name: str
    content: bytes
    mime_type: str
    sha256: str
    created_at: str
    metadata: dict[str, Json] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.content)

    def verify(self) -> bool:
        """Whether the content still matches its recorded hash."""
        return content_hash(self.content) == self.sha256

    def to_dict(self) -> dict[str, Json]:
        return {
            "name": self.name,
            "mime_type": self.mime_type,
            "sha256": self.sha256,
            "size": self.size,
            "created_at": self.created_at,
            "metadata": copy.deepcopy(self.metadata),
            "content": base64.b64encode(self.content).decode("ascii"),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Artifact:
        try:
            content = base64.b64decode(data["content"], validate=True)
            artifact = cls(
                name=str(data["name"]),
                content=content,
                mime_type=str(data["mime_type"]),
                sha256=str(data["sha256"]),
                created_at=str(data["created_at"]),
                metadata=dict(data.get("metadata", {})),
            )
        except (KeyError, TypeError, ValueError, binascii.Error) as exc:
            raise SessionError(f"malformed artifact {data.get('name')!r}: {exc!r}") from None
        if not artifact.verify():
            raise SessionError(f"artifact {artifact.name!r} does not match its SHA-256 (corrupted or edited)")
        return artifact


class Session:
    """A named session with JSON state and artifacts. Create with :meth:`create`."""

    def __init__(self, session_id: str, name: str, created_at: str) -> None:
        self.id = session_id
        self.name = name
        self.created_at = created_at
        self.state: dict[str, Json] = {}
        self._artifacts: dict[str, Artifact] = {}

    @classmethod
    def create(cls, name: str, *, session_id: str | None = None, created_at: str | None = None) -> Session:
        if not name.strip():
            raise ValueError("a session needs a name")
        return cls(session_id or str(uuid.uuid4()), name, created_at or _now())

    def __repr__(self) -> str:
        return f"Session({self.name!r}, id={self.id!r}, artifacts={len(self._artifacts)})"

    def attach_artifact(
        self,
        name: str,
        content: bytes | str,
        *,
        mime_type: str | None = None,
        metadata: Mapping[str, Json] | None = None,
        replace: bool = False,
    ) -> Artifact:
        """Store ``content`` (text is UTF-8 encoded) under ``name``, hashed; refuses to overwrite unless ``replace``."""
        if not name or "/" in name or name.startswith("."):
            raise ValueError(f"artifact name {name!r} must be non-empty, without '/', not starting with '.'")
        if name in self._artifacts and not replace:
            raise SessionError(f"session {self.name!r} already has an artifact {name!r} (pass replace=True)")
        data = content.encode() if isinstance(content, str) else bytes(content)
        kind = mime_type or (
            "text/plain; charset=utf-8" if isinstance(content, str) else "application/octet-stream"
        )
        artifact = Artifact(name, data, kind, content_hash(data), _now(), dict(metadata or {}))
        self._artifacts[name] = artifact
        return artifact

    def artifact(self, name: str) -> Artifact:
        try:
            return self._artifacts[name]
        except KeyError:
            raise SessionError(f"session {self.name!r} has no artifact {name!r}") from None

    def list_artifacts(self) -> list[Artifact]:
        """The artifacts, sorted by name."""
        return [self._artifacts[name] for name in sorted(self._artifacts)]

    def find_by_hash(self, sha256: str) -> list[Artifact]:
        """The artifacts whose content has this SHA-256."""
        return [artifact for artifact in self.list_artifacts() if artifact.sha256 == sha256]

    def to_dict(self) -> dict[str, Json]:
        """The whole session as a JSON document (state deep-copied, so later changes do not leak in)."""
        return {
            "format": SESSION_FORMAT_VERSION,
            "id": self.id,
            "name": self.name,
            "created_at": self.created_at,
            "state": copy.deepcopy(self.state),
            "artifacts": [artifact.to_dict() for artifact in self.list_artifacts()],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Session:
        """Restore a session saved by :meth:`to_dict`; :class:`SessionError` if it is malformed or corrupted."""
        if data.get("format") != SESSION_FORMAT_VERSION:
            raise SessionError(
                f"unsupported session format {data.get('format')!r} (expected {SESSION_FORMAT_VERSION})"
            )
        try:
            session = cls(str(data["id"]), str(data["name"]), str(data["created_at"]))
            state = data["state"]
            artifacts = data["artifacts"]
        except KeyError as exc:
            raise SessionError(f"session document lacks {exc.args[0]!r}") from None
        if not isinstance(state, dict) or not isinstance(artifacts, list):
            raise SessionError("session 'state' must be an object and 'artifacts' a list")
        session.state = copy.deepcopy(state)
        for raw in artifacts:
            artifact = Artifact.from_dict(raw)
            session._artifacts[artifact.name] = artifact
        return session

    def to_json(self) -> str:
        try:
            return json.dumps(self.to_dict(), ensure_ascii=False, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise SessionError(f"session {self.name!r} state is not JSON: {exc}") from None

    @classmethod
    def from_json(cls, text: str) -> Session:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise SessionError(f"not a session document: {exc}") from None
        if not isinstance(data, dict):
            raise SessionError("a session document must be a JSON object")
        return cls.from_dict(data)

    def save(self, path: Path) -> None:
        """Write the session to ``path`` atomically: a crash leaves the old file or the new one, never half."""
        text = self.to_json()
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write(text)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, path: Path) -> Session:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise SessionError(f"no session file at {path}") from None
        return cls.from_json(text)


class SessionStore:
    """Sessions saved as ``<id>.json`` files in one directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def path(self, session_id: str) -> Path:
        if not session_id or not all(c.isalnum() or c in "-_" for c in session_id):
            raise SessionError(f"session id {session_id!r} must be letters, digits, '-' and '_'")
        return self.directory / f"{session_id}.json"

    def save(self, session: Session) -> Path:
        path = self.path(session.id)
        session.save(path)
        return path

    def load(self, session_id: str) -> Session:
        return Session.load(self.path(session_id))

    def ids(self) -> list[str]:
        if not self.directory.is_dir():
            return []
        return sorted(path.stem for path in self.directory.glob("*.json"))

    def delete(self, session_id: str) -> None:
        self.path(session_id).unlink(missing_ok=True)
