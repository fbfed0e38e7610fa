"""The output root's layout: every path named in one place, hidden but for baselines and the report."""

from __future__ import annotations

from pathlib import Path

import pytest

from critbench.model import LAST_RUN, PREVIOUS_RUN
from critbench.storage import MAX_BASELINE_NAME_LENGTH, HistoryStore, OutputLayout
from critbench.storage._layout import NAME_MAX, SWAP_NAME_EXTRA, set_aside_copies, set_aside_path, staging_path
from tests.storage.conftest import make_result, make_run


def test_every_path_is_under_the_root_and_only_baselines_and_the_report_are_visible(tmp_path: Path) -> None:
    layout = OutputLayout(tmp_path)
    assert layout.baseline("main") == tmp_path / "main"
    assert layout.report == tmp_path / "report"
    assert layout.report_index == tmp_path / "report" / "index.html"
    assert layout.baseline(LAST_RUN) == tmp_path / ".last"
    assert layout.baseline(PREVIOUS_RUN) == tmp_path / ".previous"
    assert layout.history_database == tmp_path / ".history.sqlite"
    hidden = [
        layout.baseline(LAST_RUN),
        layout.baseline(PREVIOUS_RUN),
        layout.history_database,
        staging_path(layout.baseline("main")),
        set_aside_path(layout.baseline("main")),
        staging_path(layout.report),
        set_aside_path(layout.report),
    ]
    for path in hidden:
        assert path.parent == tmp_path
        assert path.name.startswith("."), path


def test_swap_names_are_fresh_and_add_exactly_the_characters_the_name_limit_allows_for(tmp_path: Path) -> None:
    folder = tmp_path / ("n" * MAX_BASELINE_NAME_LENGTH)
    names = {staging_path(folder).name for _ in range(50)} | {set_aside_path(folder).name for _ in range(50)}
    assert len(names) == 100
    assert max(len(name) for name in names) == NAME_MAX
    assert MAX_BASELINE_NAME_LENGTH == NAME_MAX - SWAP_NAME_EXTRA == 241


def test_set_aside_copies_match_the_whole_name_oldest_first(tmp_path: Path) -> None:
    first = set_aside_path(tmp_path / "a")
    first.mkdir()
    other = set_aside_path(tmp_path / "a-b")  # ".old-a-b-xxxxxxxx" must not count as a copy of "a"
    other.mkdir()
    (tmp_path / ".old-a-notahexsuffix").mkdir()
    second = set_aside_path(tmp_path / "a")
    second.mkdir()
    assert sorted(set_aside_copies(tmp_path / "a")) == sorted([first, second])
    assert set_aside_copies(tmp_path / "a-b") == [other]
    assert set_aside_copies(tmp_path / "missing" / "a") == []


# A folder name with every character a URL string would misread: query, fragment, an escaped slash,
# a percent sign, userinfo and port syntax, a space and non-ASCII letters.
AWKWARD = "out?store=x#frag%2Fup%41 @host:1 ü日本"


@pytest.mark.parametrize("name", [AWKWARD, "plain", "with space", "a?b", "a#b", "a%2Fb", "ünï"])
def test_the_default_history_database_lands_exactly_in_the_root(tmp_path: Path, name: str) -> None:
    root = tmp_path / name / "target" / "critbench"
    database = OutputLayout(root).history_database
    assert not HistoryStore.exists(database)
    with HistoryStore.open(database) as store:
        store.record_run(make_run(), [make_result("g/f")])
        assert str(root) in store.location
    assert HistoryStore.exists(database)
    assert database.is_file()
    assert sorted(path.relative_to(tmp_path) for path in tmp_path.rglob("*") if path.is_file()) == [
        database.relative_to(tmp_path)
    ], "nothing but the database (WAL files are removed on close) is written, and nowhere else"
    with HistoryStore.open(database) as store:
        assert len(store.runs()) == 1
