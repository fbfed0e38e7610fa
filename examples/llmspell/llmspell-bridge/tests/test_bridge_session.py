import hashlib
import json
from pathlib import Path

import pytest

from llmspell_bridge import SESSION_FORMAT_VERSION, Session, SessionError, SessionStore, content_hash


def populated() -> Session:
    session = Session.create("analysis", session_id="s-1", created_at="2024-03-01T00:00:00+00:00")
    session.state.update({"step": 3, "notes": ["a", "b"], "config": {"deep": {"x": 1.5}}, "none": None})
    session.attach_artifact("report.md", "# Report\nhéllo")
    session.attach_artifact("blob.bin", bytes(range(256)), metadata={"source": "test"})
    return session


def test_artifacts_are_hashed() -> None:
    session = populated()
    report = session.artifact("report.md")
    assert report.sha256 == hashlib.sha256("# Report\nhéllo".encode()).hexdigest()
    assert report.sha256 == content_hash(report.content)
    assert report.size == len("# Report\nhéllo".encode())
    assert report.mime_type == "text/plain; charset=utf-8"
    assert session.artifact("blob.bin").mime_type == "application/octet-stream"
    assert report.verify()
    assert [a.name for a in session.list_artifacts()] == ["blob.bin", "report.md"]
    assert session.find_by_hash(report.sha256) == [report]


def test_attach_refuses_to_overwrite_unless_asked() -> None:
    session = populated()
    with pytest.raises(SessionError, match=r"already has an artifact 'report\.md'"):
        session.attach_artifact("report.md", "new")
    replaced = session.attach_artifact("report.md", "new", replace=True)
    assert session.artifact("report.md") is replaced
    assert replaced.content == b"new"
    with pytest.raises(ValueError, match="must be non-empty"):
        session.attach_artifact("../escape", "x")
    with pytest.raises(SessionError, match="has no artifact 'missing'"):
        session.artifact("missing")


def test_dict_round_trip_restores_everything() -> None:
    session = populated()
    document = session.to_dict()
    assert document["format"] == SESSION_FORMAT_VERSION
    restored = Session.from_dict(json.loads(json.dumps(document)))
    assert restored.id == "s-1"
    assert restored.name == "analysis"
    assert restored.created_at == session.created_at
    assert restored.state == session.state
    assert restored.list_artifacts() == session.list_artifacts()


def test_saved_state_is_a_snapshot() -> None:
    session = populated()
    document = session.to_dict()
    notes = session.state["notes"]
    assert isinstance(notes, list)
    notes.append("later")
    assert Session.from_dict(document).state["notes"] == ["a", "b"]


def test_file_round_trip_and_store(tmp_path: Path) -> None:
    session = populated()
    path = tmp_path / "nested" / "session.json"
    session.save(path)
    assert Session.load(path).to_dict() == session.to_dict()
    assert [p.name for p in path.parent.iterdir()] == ["session.json"]  # no temporary files left behind

    store = SessionStore(tmp_path / "store")
    assert store.ids() == []
    store.save(session)
    other = Session.create("other", session_id="s-2")
    store.save(other)
    assert store.ids() == ["s-1", "s-2"]
    assert store.load("s-2").name == "other"
    store.delete("s-1")
    assert store.ids() == ["s-2"]
    with pytest.raises(SessionError, match="no session file"):
        store.load("s-1")
    with pytest.raises(SessionError, match="must be letters, digits"):
        store.path("../x")


def test_restore_refuses_corrupted_artifacts() -> None:
    document = populated().to_dict()
    artifacts = document["artifacts"]
    assert isinstance(artifacts, list)
    first = artifacts[0]
    assert isinstance(first, dict)
    first["content"] = "AAAA"
    with pytest.raises(SessionError, match="does not match its SHA-256"):
        Session.from_dict(document)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"format": 99}, "unsupported session format 99"),
        ({"state": []}, "'state' must be an object"),
        ({"artifacts": [{"name": "x"}]}, "malformed artifact 'x'"),
    ],
)
def test_restore_refuses_malformed_documents(change: dict[str, object], message: str) -> None:
    document = {**populated().to_dict(), **change}
    with pytest.raises(SessionError, match=message):
        Session.from_dict(document)


def test_unserialisable_state_is_reported_on_save(tmp_path: Path) -> None:
    session = Session.create("bad")
    session.state["x"] = float("nan")
    with pytest.raises(SessionError, match="state is not JSON"):
        session.save(tmp_path / "bad.json")
    assert not (tmp_path / "bad.json").exists()
    with pytest.raises(SessionError, match="not a session document"):
        Session.from_json("{")
