"""The history database's tables, its schema version, and the migrations that bring old stores forward.

::

    critbench_schema    one row: the schema version, and the critbench that wrote it
    critbench_runs      one row per run: when, git commit/branch/dirty, baselines, environment, settings
    critbench_results   one row per benchmark of a run: id, status, estimates, change, verdict, targets
    critbench_samples   one row per measured benchmark of a run: the raw samples, as JSON arrays

Every name is prefixed, so a team can keep the history in a database (or PostgreSQL schema) it shares with
other things. Only portable types are used, so any SQLAlchemy database can hold it; SQLite and PostgreSQL
are tested. Times are nanoseconds, changes are fractions, enums are stored by name.

To change the schema: edit the tables below (they always describe the newest version, which is what a new
store is created with), bump :data:`SCHEMA_VERSION`, and add ``MIGRATIONS[n]``, a function that changes a
version ``n - 1`` store in place. :func:`upgrade` runs the missing steps in one transaction, so a store is
never left between two versions, and refuses a store newer than this code, which it would misread.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import sqlalchemy as sa
from sqlalchemy import BigInteger, Boolean, Column, Double, ForeignKey, Integer, String, Table, Text

from critbench.errors import StorageError
from critbench.storage._history_engine import writer

SCHEMA_VERSION = 1
"""The schema this critbench writes. Version 1 is the initial schema."""

Migration = Callable[[sa.Connection], None]

MIGRATIONS: dict[int, Migration] = {}
"""``MIGRATIONS[n]`` turns a version ``n - 1`` store into version ``n`` (none yet: version 1 is the first)."""

_MIGRATION_LOCK_KEY = 0x63726974  # "crit": serialises PostgreSQL clients creating or migrating one store

metadata = sa.MetaData()

schema_table = Table(
    "critbench_schema",
    metadata,
    Column("version", Integer, nullable=False),
    Column("written_by", String(64), nullable=False),
    comment="Never change this table: every critbench version reads it to decide whether it may open the store.",
)

runs = Table(
    "critbench_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("started_at", String(40), nullable=False),
    Column("finished_at", String(40), nullable=False),
    Column("command", Text, nullable=False),
    Column("saved_as", String(255)),
    Column("compared_with", String(255)),
    Column("git_commit", String(64)),
    Column("git_branch", Text),
    Column("git_dirty", Boolean),
    Column("hostname", Text, nullable=False),
    Column("python", String(64), nullable=False),
    Column("critbench_version", String(64), nullable=False),
    Column("environment", Text, nullable=False, comment="JSON of the Environment record"),
    Column("settings", Text, nullable=False, comment="JSON of the run-wide settings"),
    sqlite_autoincrement=True,  # run ids are never reused, so a printed id always means the same run
)


def _estimate(prefix: str, *, standard_error: bool = False) -> list[Column[float]]:
    names = ["point", "lower", "upper", *(["standard_error"] if standard_error else [])]
    return [Column(f"{prefix}_{name}", Double) for name in names]


results = Table(
    "critbench_results",
    metadata,
    Column("run_id", Integer, ForeignKey(runs.c.id, ondelete="CASCADE"), primary_key=True, autoincrement=False),
    Column("position", Integer, primary_key=True, autoincrement=False, comment="index in the run's results"),
    Column("benchmark_id", Text, nullable=False),
    Column("group_name", Text, nullable=False),
    Column("function_name", Text, nullable=False),
    Column("parameter", Text),
    Column("package", Text, nullable=False),
    Column("bench_target", Text, nullable=False),
    Column("status", String(16), nullable=False, comment="'ok', 'failed' or 'unmeasured'"),
    Column("failure_kind", String(16)),
    Column("failure_reason", Text),
    Column("typical_kind", String(8), comment="'slope' (linear sampling) or 'mean'"),
    *_estimate("typical", standard_error=True),
    Column("confidence_level", Double),
    *_estimate("mean"),
    *_estimate("median"),
    *_estimate("std_dev"),
    *_estimate("mad"),
    *_estimate("slope"),
    Column("compared_with", String(255)),
    *_estimate("change_mean"),
    Column("change_median_point", Double),
    Column("p_value", Double),
    Column("p_value_adjusted", Double),
    Column("min_detectable_change", Double),
    Column("verdict", String(16)),
    Column("target_ns", Double),
    Column("time_target_status", String(16)),
    Column("memory_target_bytes", BigInteger),
    Column("memory_target_status", String(16)),
    Column("memory_peak_bytes", BigInteger, comment="the worker's peak RSS while the benchmark ran"),
    Column("memory_allocated_per_iteration_bytes", BigInteger, comment="tracemalloc peak of one iteration"),
)
sa.Index(
    "ix_critbench_results_benchmark",
    results.c.benchmark_id,
    results.c.run_id,
    mysql_length={"benchmark_id": 255},
)

samples = Table(
    "critbench_samples",
    metadata,
    Column("run_id", Integer, primary_key=True, autoincrement=False),
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("sampling_mode", String(8), nullable=False),
    Column("iters", Text, nullable=False, comment="JSON array"),
    Column("times_ns", Text, nullable=False, comment="JSON array"),
    Column("process", Text, nullable=False, comment="JSON array"),
    Column("overhead_ns", Double, nullable=False, comment="the timing loop's own cost per iteration"),
    sa.ForeignKeyConstraint(["run_id", "position"], [results.c.run_id, results.c.position], ondelete="CASCADE"),
)


def stored_version(connection: sa.Connection) -> int:
    """The store's schema version; 0 for a database critbench has not created its tables in."""
    if not sa.inspect(connection).has_table(schema_table.name):
        return 0
    return connection.scalar(sa.select(sa.func.max(schema_table.c.version))) or 0


def upgrade(
    engine: sa.Engine,
    where: str,
    written_by: str,
    *,
    latest: int | None = None,
    migrations: Mapping[int, Migration] | None = None,
) -> int:
    """Create or migrate the store to ``latest`` (default :data:`SCHEMA_VERSION`); its version after.

    A store already at ``latest`` costs one read. Creating and migrating run in one write transaction that
    re-reads the version first, so two runs opening a new store at once create it once. ``where`` names the
    store in errors; ``latest`` and ``migrations`` default to this module's, read at call time.
    """
    latest = SCHEMA_VERSION if latest is None else latest
    migrations = MIGRATIONS if migrations is None else migrations
    with engine.connect() as connection:
        version = stored_version(connection)
    _refuse_newer(version, latest, where)
    if version == latest:
        return version
    with writer(engine).begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(sa.select(sa.func.pg_advisory_xact_lock(_MIGRATION_LOCK_KEY)))
        version = stored_version(connection)
        _refuse_newer(version, latest, where)
        if version == 0:
            metadata.create_all(connection)
            connection.execute(schema_table.insert().values(version=latest, written_by=written_by))
            return latest
        for step in range(version + 1, latest + 1):
            migrations[step](connection)
        connection.execute(schema_table.update().values(version=latest, written_by=written_by))
    return latest


def _refuse_newer(version: int, latest: int, where: str) -> None:
    if version > latest:
        raise StorageError(
            f"history store {where} has schema version {version}, newer than this critbench understands "
            f"({latest}); upgrade critbench, or use another store with --store"
        )
