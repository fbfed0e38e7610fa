"""The history of every run, in a SQL database: SQLite in the output root by default, or any SQLAlchemy URL.

A baseline keeps one run per name; the history keeps them all, so a benchmark's series can be charted and
its stability measured across runs and machines. :class:`HistoryStore` is the whole interface: open a URL,
record a run, read runs and series. It turns every database error into a :class:`StorageError` naming the
store (with any password masked), so the CLI prints one line instead of a driver's traceback. A store is
named by a SQLAlchemy URL string, or by the Path of a SQLite file (``OutputLayout.history_database``, the
default store), which is used exactly as it is, whatever characters it holds.

This module imports no SQLAlchemy: the engine, schema and queries are loaded when a store is opened, so
importing ``critbench.storage`` (which every command does) stays cheap.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from critbench.errors import StorageError
from critbench.model import BenchmarkResult, HistoryPoint, RunRecord

if TYPE_CHECKING:
    from sqlalchemy import Engine


@dataclass(frozen=True)
class StoredRun:
    """One recorded run, as ``critbench history`` lists it."""

    run_id: int
    started_at: str
    """ISO 8601 UTC."""
    finished_at: str
    command: str
    git_commit: str | None
    git_branch: str | None
    git_dirty: bool | None
    saved_as: str | None
    compared_with: str | None
    benchmark_count: int
    failed_count: int


_USER_PASSWORD = re.compile(r"^(?P<before>[\w+.-]+://[^:/@?#]*:)(?P<password>.*)@(?P<after>[^@/?#]*(?:[/?#].*)?)$")
"""``scheme://user:PASSWORD@host...``; the password runs to the last ``@`` before the host, so a raw ``@``
or ``/`` in it is masked too (at worst this masks more than the password, never less)."""
_PASSWORD_PARAMETER = re.compile(r"(?i)(?P<before>[?&]password=)(?P<password>[^&#]*)")
_EXAMPLES = "e.g. sqlite:///path/to/history.sqlite or postgresql+psycopg://user:password@host/database"


def mask_password(url: str) -> str:
    """``url`` with its password (in the user part or a ``password=`` parameter) replaced by ``***``."""
    url = _PASSWORD_PARAMETER.sub(r"\g<before>***", url)
    return _USER_PASSWORD.sub(r"\g<before>***@\g<after>", url)


def describe_store(url: str | Path) -> str:
    """How messages name the store at ``url``: the URL with any password masked, or a SQLite file's URL."""
    return f"sqlite:///{url}" if isinstance(url, Path) else mask_password(url)


def _passwords(url: str | Path) -> list[str]:
    """The passwords written in ``url``, to scrub from a driver's error messages."""
    if isinstance(url, Path):
        return []
    found = [match["password"] for match in _PASSWORD_PARAMETER.finditer(url)]
    match = _USER_PASSWORD.match(url)
    if match:
        found.append(match["password"])
    return [secret for secret in found if len(secret) >= 3]  # shorter ones would garble the message


class HistoryStore:
    """Runs and their results in one database. Open with :meth:`open`; close, or use as a context manager.

    Safe to use from several processes at once: each :meth:`record_run` is one transaction, which lands whole
    or not at all, and on SQLite a second writer waits for the first instead of failing.
    """

    def __init__(self, engine: Engine, url: str | Path) -> None:
        """Wrap an engine whose schema is current; :meth:`open` is how a store should be made."""
        self._engine = engine
        self._url = url
        self.location = describe_store(url)
        """The store's URL with any password masked, for messages."""

    @classmethod
    def open(cls, url: str | Path) -> HistoryStore:
        """The store at ``url`` (a SQLAlchemy URL, or a SQLite file's Path), created or migrated to this
        critbench's schema on first use.

        ``postgresql://`` URLs use psycopg 3. Raises StorageError for a bad URL, a missing driver, an
        unreachable server, or a store written by a newer critbench.
        """
        from critbench import __version__
        from critbench.storage import _history_engine, _history_schema

        with _translated_errors(url, "open"):
            engine = _history_engine.create_engine(url)
            try:
                _history_schema.upgrade(engine, describe_store(url), f"critbench {__version__}")
            except BaseException:
                engine.dispose()
                raise
        return cls(engine, url)

    @staticmethod
    def exists(url: str | Path) -> bool:
        """False when ``url`` is a SQLite file that is not there yet (so reading it would find no runs)."""
        from critbench.storage import _history_engine

        with _translated_errors(url, "open"):
            path = _history_engine.sqlite_path(_history_engine.parse_url(url))
        return path is None or path.exists()

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    def schema_version(self) -> int:
        from critbench.storage._history_schema import stored_version

        with _translated_errors(self._url, "read"), self._engine.connect() as connection:
            return stored_version(connection)

    def record_run(self, run: RunRecord, results: Sequence[BenchmarkResult]) -> int:
        """Store a run with every result (measured or failed) in one transaction; the run's id."""
        from critbench.storage._history_queries import record_run

        with _translated_errors(self._url, "record a run in"):
            return record_run(self._engine, run, results)

    def runs(self, limit: int | None = None) -> list[StoredRun]:
        """The last ``limit`` runs (all when None), oldest first."""
        from critbench.storage._history_queries import select_runs

        with _translated_errors(self._url, "read"):
            return select_runs(self._engine, _checked(limit))

    def benchmark_ids(self) -> list[str]:
        """Every benchmark id the store has a result for (measured or failed), sorted."""
        from critbench.storage._history_queries import select_benchmark_ids

        with _translated_errors(self._url, "read"):
            return select_benchmark_ids(self._engine)

    def series(self, benchmark_id: str, limit: int | None = None) -> list[HistoryPoint]:
        """The benchmark's last ``limit`` successful measurements (all when None), oldest first."""
        from critbench.storage._history_queries import select_points

        with _translated_errors(self._url, "read"):
            return select_points(self._engine, benchmark_id, _checked(limit)).get(benchmark_id, [])

    def all_series(self, limit_per_benchmark: int | None = None) -> dict[str, list[HistoryPoint]]:
        """:meth:`series` of every benchmark with a successful measurement, read in one query."""
        from critbench.storage._history_queries import select_points

        with _translated_errors(self._url, "read"):
            return select_points(self._engine, None, _checked(limit_per_benchmark))


def _checked(limit: int | None) -> int | None:
    if limit is not None and limit < 0:
        raise ValueError(f"a limit must be zero or more, got {limit}")
    return limit


@contextlib.contextmanager
def _translated_errors(url: str | Path, action: str) -> Iterator[None]:
    """Database and driver errors as one-line StorageErrors that name the store and say what to do."""
    from sqlalchemy import exc

    location = describe_store(url)

    def reason(error: BaseException | None) -> str:
        lines = str(error).strip().splitlines()
        text = lines[0].strip() if lines else type(error).__name__
        for secret in _passwords(url):
            text = text.replace(secret, "***")
        return text

    try:
        yield
    except StorageError:
        raise
    except exc.NoSuchModuleError as error:
        raise StorageError(
            f"history store URL {location!r} names a database SQLAlchemy does not know ({reason(error)}); " + _EXAMPLES
        ) from error
    except exc.ArgumentError as error:
        raise StorageError(f"invalid history store URL {location!r} ({reason(error)}); {_EXAMPLES}") from error
    except ImportError as error:
        hint = "; for PostgreSQL use postgresql+psycopg:// with pip install 'critbench[postgres]'"
        raise StorageError(
            f"the database driver for history store {location} is not installed (no module {error.name!r})"
            + (hint if location.startswith("postgres") else "")
        ) from error
    except exc.DBAPIError as error:
        raise StorageError(f"cannot {action} history store {location}: {reason(error.orig)}") from error
    except (exc.SQLAlchemyError, OSError) as error:
        raise StorageError(f"cannot {action} history store {location}: {reason(error)}") from error
