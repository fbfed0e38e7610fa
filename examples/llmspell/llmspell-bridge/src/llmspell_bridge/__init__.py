"""llmspell-bridge: sessions (state and hashed artifacts, saved and restored) and the workflow bridge."""

from llmspell_bridge._bridge import SpecError, WorkflowBridge, build_node
from llmspell_bridge._session import (
    SESSION_FORMAT_VERSION,
    Artifact,
    Session,
    SessionError,
    SessionStore,
    content_hash,
)

__all__ = [
    "SESSION_FORMAT_VERSION",
    "Artifact",
    "Session",
    "SessionError",
    "SessionStore",
    "SpecError",
    "WorkflowBridge",
    "build_node",
    "content_hash",
]
