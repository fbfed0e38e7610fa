"""Connecting to a history store: which driver a URL means, and how SQLite is made safe for concurrent runs.

SQLite serves one machine's history with nothing to start, but only if two runs finishing at once wait for
each other instead of failing. So: WAL, which lets readers go on while a run writes; a busy timeout, which
makes a second writer wait for the first; and write transactions that take the write lock at their start
(``BEGIN IMMEDIATE``), because a deferred transaction that reads before it writes can fail with "database
is locked" without waiting at all. pysqlite's own transaction handling (BEGIN only before DML, an implicit
COMMIT before DDL) would also make a schema migration half-applied on a crash, so we take BEGIN over, as
SQLAlchemy's SQLite documentation recommends: the driver runs in autocommit mode and we emit BEGIN.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine

BUSY_TIMEOUT_S = 60.0
"""How long a SQLite writer waits for another run's transaction before giving up."""

CONNECT_TIMEOUT_S = 10
"""How long connecting to a database server may take, so an unreachable host fails instead of hanging."""

_WRITE_OPTION = "critbench_write"

_DRIVERS = {"postgresql": "postgresql+psycopg", "postgres": "postgresql+psycopg"}
"""Bare dialect names mapped to the driver critbench is tested with (psycopg 3, ``critbench[postgres]``)."""


def parse_url(url: str | Path) -> URL:
    """The SQLAlchemy URL for ``url``, with ``postgresql://`` (and ``postgres://``) meaning psycopg 3.

    A Path is a SQLite file, named exactly: the URL is built from its parts, never parsed from a string, so
    no character of the path (``?``, ``#``, ``%``, ``@``) can be read as URL syntax. SQLAlchemy 2.0 and 2.1
    also disagree on whether ``%2F`` in a URL string's database part means ``/``; built, the path is the path.
    """
    if isinstance(url, Path):
        return URL.create("sqlite", database=str(url))
    parsed = sa.make_url(url)
    driver = _DRIVERS.get(parsed.drivername)
    return parsed.set(drivername=driver) if driver else parsed


def sqlite_path(url: URL) -> Path | None:
    """The database file of a SQLite URL; None for other databases and in-memory SQLite."""
    if url.get_backend_name() != "sqlite":
        return None
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:") or url.query.get("mode") == "memory":
        return None
    return Path(database)


def create_engine(url: str | Path) -> Engine:
    """An engine for ``url``; for a SQLite file, its folder is created and concurrent writers wait."""
    parsed = parse_url(url)
    path = sqlite_path(parsed)
    connect_args: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        connect_args["timeout"] = BUSY_TIMEOUT_S
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Created here, the file gets a plain file's mode (0666 less the umask) rather than SQLite's 0644
            # less the umask; its -wal and -shm files take the database file's mode.
            path.touch(exist_ok=True)
    elif parsed.get_backend_name() == "postgresql" and "connect_timeout" not in parsed.query:
        connect_args["connect_timeout"] = CONNECT_TIMEOUT_S
    engine = sa.create_engine(parsed, connect_args=connect_args)
    if parsed.get_backend_name() == "sqlite":
        _configure_sqlite(engine, wal=path is not None)
    return engine


def writer(engine: Engine) -> Engine:
    """The same engine (and pool) whose transactions take SQLite's write lock when they begin."""
    return engine.execution_options(**{_WRITE_OPTION: True})


def _switch_to_wal(cursor: Any) -> None:
    """``PRAGMA journal_mode = WAL``, retried: two processes opening a brand-new store at once can find
    the file locked by the other's switch, and SQLite reports that at once instead of waiting."""
    import sqlite3

    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _configure_sqlite(engine: Engine, *, wal: bool) -> None:
    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (see the module docstring)
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            cursor.execute("PRAGMA foreign_keys = ON")
            if wal:
                _switch_to_wal(cursor)
        finally:
            cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        immediate = connection.get_execution_options().get(_WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
