"""Where workspaces live: the database URL a host configures, and one pooled SQLAlchemy Engine per URL per process."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Mapping
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.pool import StaticPool

URL_VAR = "KPI_COACH_DATABASE_URL"
CONNECTION = "kpi_coach"  # [connections.kpi_coach] url = "postgresql+psycopg://…" in .streamlit/secrets.toml
BUSY_TIMEOUT_S = 10.0  # how long one SQLite write waits for another tab's write before retrying
LOCK_RETRIES = 5
MEMORY = ":memory:"


class Busy(Exception):
    """The SQLite file stayed locked by another writer through every retry."""


def database_url(environ: Mapping[str, str] | None = None, secrets: Mapping | None = None) -> str | None:
    """$KPI_COACH_DATABASE_URL, else secrets' [connections.kpi_coach] url; None when neither is set."""
    environ = os.environ if environ is None else environ
    if environ.get(URL_VAR):
        return environ[URL_VAR]
    try:
        url = (secrets or {})["connections"][CONNECTION]["url"]
    except (KeyError, TypeError):
        return None
    return str(url) if url else None


def url_of(target: str | os.PathLike) -> sa.URL:
    """A workspace target as a URL: a SQLAlchemy URL as given, ":memory:", or a SQLite file path."""
    name = os.fspath(target)
    if name == MEMORY:
        return sa.URL.create("sqlite")
    if "://" in name:
        url = sa.make_url(name)
        if url.drivername in ("postgres", "postgresql"):  # as hosts hand them out: psycopg 3 is the driver here
            url = url.set(drivername="postgresql+psycopg")
        if url.get_backend_name() not in ("sqlite", "postgresql"):
            raise ValueError(f"a workspace lives in SQLite or PostgreSQL, not {url.get_backend_name()}")
        return url
    return sa.URL.create("sqlite", database=str(Path(name).expanduser()))


def is_memory(url: sa.URL) -> bool:
    return url.get_backend_name() == "sqlite" and url.database in (None, "", MEMORY)


def retry_busy(action):
    """Run action(); when SQLite says the file is locked (after its own busy timeout), back off and try again."""
    for attempt in range(LOCK_RETRIES):
        try:
            return action()
        except (sqlite3.OperationalError, sa.exc.OperationalError) as error:
            text = str(getattr(error, "orig", error))
            if "locked" not in text and "busy" not in text:
                raise
            if attempt == LOCK_RETRIES - 1:
                raise Busy from error
            time.sleep(0.05 * 2**attempt)  # the busy timeout already waited; back off, then ask again
    raise AssertionError("unreachable")


def _sqlite_connected(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    # The driver begins nothing on its own: the workspace says BEGIN or BEGIN IMMEDIATE itself.
    dbapi_connection.isolation_level = None
    retry_busy(lambda: dbapi_connection.execute("PRAGMA journal_mode = WAL").fetchone())
    # FULL: a commit survives a power cut too, not only a killed process; commits are per user action.
    dbapi_connection.execute("PRAGMA synchronous = FULL")
    dbapi_connection.execute("PRAGMA foreign_keys = ON")


def _create(url: sa.URL) -> sa.Engine:
    # hide_parameters: a database error's text never carries the values bound to it (a person's log, notes,
    # reviews) into the server's log or onto a page; the SQL itself is still said.
    if url.get_backend_name() == "postgresql":
        # pre_ping: a pooled connection the database dropped (restart, idle timeout) is replaced, not failed.
        return sa.create_engine(url, pool_pre_ping=True, hide_parameters=True)
    if is_memory(url):  # one connection held by its engine: the database lives as long as it does
        engine = sa.create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False},
                                  hide_parameters=True)
    else:
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False},
                                  hide_parameters=True)
    sa.event.listen(engine, "connect", _sqlite_connected)
    return engine


class _Shared:
    """Engines by URL, shared by every workspace open on it in this process; the last one closed disposes it
    (the last connection to a SQLite file folds its WAL back into it)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._engines: dict[str, tuple[sa.Engine, int]] = {}

    def acquire(self, url: sa.URL) -> sa.Engine:
        if is_memory(url):
            return _create(url)  # each in-memory workspace is a database of its own
        key = url.render_as_string(hide_password=False)
        with self._lock:
            engine, users = self._engines.get(key) or (_create(url), 0)
            self._engines[key] = (engine, users + 1)
            return engine

    def release(self, engine: sa.Engine) -> None:
        if is_memory(engine.url):
            engine.dispose()
            return
        key = engine.url.render_as_string(hide_password=False)
        with self._lock:
            held, users = self._engines.get(key, (None, 0))
            if held is not engine:
                return
            if users > 1:
                self._engines[key] = (engine, users - 1)
                return
            del self._engines[key]
        engine.dispose()


engines = _Shared()
