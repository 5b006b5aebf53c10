"""The workspace's schema version, and bringing a database to it with the Alembic migrations in store/migrations."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlalchemy as sa

from kpi_core.store.engines import retry_busy

APPLICATION_ID = 0x4B504943  # "KPIC" in the SQLite header: tells our files from any other SQLite file
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Our own name for Alembic's version table: a PostgreSQL database shared with another Alembic app stays apart.
VERSION_TABLE = "kpi_coach_alembic"
# Revision "000N" is schema version N, written to a SQLite file's PRAGMA user_version too: an older app reads it
# and refuses a newer file (its error.newer_schema), as every version before Alembic did.
REVISIONS = ("0001", "0002", "0003", "0004")
SCHEMA_VERSION = len(REVISIONS)
HEAD = REVISIONS[-1]
# pg_advisory_xact_lock key: two processes migrating one PostgreSQL database at once take turns.
MIGRATION_LOCK = 0x4B504943


class SchemaRefused(Exception):
    """The database cannot be used by this version: code is a workspace.error.* message key."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def version_number(revision: str | None) -> int:
    """Schema version of an Alembic revision id (0 for an empty database)."""
    if revision is None:
        return 0
    return int(revision) if revision.isdigit() else -1


def migrate(engine: sa.Engine, *, ladder: bool = False) -> None:
    """Bring the database to SCHEMA_VERSION; SchemaRefused when it is newer or not a workspace. ladder: build an
    empty SQLite database by running every revision too (tests compare the two ways)."""
    if engine.dialect.name == "sqlite":
        _migrate_sqlite(engine, ladder)
    else:
        _migrate_postgresql(engine)


def current_version(conn: sa.Connection) -> int:
    """The database's schema version, as its version table says."""
    if conn.dialect.name == "sqlite":
        return int(_pragma(conn, "user_version"))
    return version_number(_revision(conn))


def _pragma(conn: sa.Connection, name: str) -> int:
    return conn.exec_driver_sql(f"PRAGMA {name}").scalar()


def _revision(conn: sa.Connection) -> str | None:
    if not sa.inspect(conn).has_table(VERSION_TABLE):
        return None
    return conn.execute(sa.text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def _check_sqlite(conn: sa.Connection) -> int:
    """The file's version, after checking it is ours and not newer."""
    version = int(_pragma(conn, "user_version"))
    if version > SCHEMA_VERSION:
        raise SchemaRefused("error.newer_schema", version=version, supported=SCHEMA_VERSION)
    if version == 0 and conn.exec_driver_sql("SELECT COUNT(*) FROM sqlite_master").scalar():
        raise SchemaRefused("error.not_a_workspace")
    if version and _pragma(conn, "application_id") != APPLICATION_ID:
        raise SchemaRefused("error.not_a_workspace")
    return version


def _migrate_sqlite(engine: sa.Engine, ladder: bool) -> None:
    with engine.connect() as conn:
        if _check_sqlite(conn) == SCHEMA_VERSION:
            return
        # Off while tables are rebuilt: dropping an old table must not null the references to it (ON DELETE).
        conn.exec_driver_sql("PRAGMA foreign_keys = OFF")
        try:
            retry_busy(lambda: conn.exec_driver_sql("BEGIN IMMEDIATE"))  # the write lock: one migrates, others wait
            version = _check_sqlite(conn)  # another process may have migrated while this one waited
            if version == 0 and not ladder:
                _build_new(conn)
            elif version < SCHEMA_VERSION:
                if version and not sa.inspect(conn).has_table(VERSION_TABLE):
                    # A file from before Alembic: its user_version says which revision it is at.
                    _alembic(conn, "stamp", REVISIONS[version - 1])
                _alembic(conn, "upgrade", HEAD)
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"the migration left rows naming missing rows: {broken[:5]}")
            if version < SCHEMA_VERSION:
                conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
                conn.exec_driver_sql(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
        finally:
            conn.exec_driver_sql("PRAGMA foreign_keys = ON")


def _migrate_postgresql(engine: sa.Engine) -> None:
    with engine.connect() as conn:
        revision = _revision(conn)
        conn.rollback()
        if revision == HEAD:
            return
        if revision is not None and revision not in REVISIONS:
            raise SchemaRefused("error.newer_schema", version=version_number(revision), supported=SCHEMA_VERSION)
        with conn.begin():
            # Held to the end of this transaction; Alembic reads the version again after it, so the second
            # process finds the database migrated and does nothing.
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(MIGRATION_LOCK)))
            revision = _revision(conn)
            if revision is not None and revision not in REVISIONS:
                raise SchemaRefused("error.newer_schema", version=version_number(revision),
                                    supported=SCHEMA_VERSION)
            _alembic(conn, "upgrade", HEAD)


def _build_new(conn: sa.Connection) -> None:
    """An empty SQLite database (a new file, a session in memory): the tables as they are at HEAD, stamped HEAD,
    as Alembic's cookbook builds a database from scratch. Running the four revisions instead costs about 0.1 s
    of CPU per in-memory workspace; tests/test_workspace.py checks that both ways give the same schema."""
    from kpi_core.store.tables import metadata

    metadata.create_all(conn)
    version = sa.Table(VERSION_TABLE, sa.MetaData(), sa.Column("version_num", sa.String(32), nullable=False),
                       sa.PrimaryKeyConstraint("version_num", name=f"{VERSION_TABLE}_pkc"))  # as Alembic makes it
    version.create(conn)
    conn.execute(version.insert().values(version_num=HEAD))


def _alembic(conn: sa.Connection, command_name: str, revision: str) -> None:
    """Run an Alembic command on `conn`, inside the transaction the caller holds (env.py reads the connection)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = conn
    getattr(command, command_name)(config, revision)


def _now() -> str:
    # ISO 8601 UTC to the second: the form of every *_at column and of an export's exported_at.
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
