"""The workspace file's SQLite schema: the migrations that build it, step by step, and its version."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable

APPLICATION_ID = 0x4B504943  # "KPIC" in the SQLite header: tells our files from any other SQLite file


def _v1_first_schema(conn: sqlite3.Connection) -> None:
    """Version 1: the plan as YAML text, the log's columns, the rows, the weekly reviews."""
    for statement in (
        "CREATE TABLE plan (id INTEGER PRIMARY KEY CHECK (id = 1), yaml TEXT NOT NULL, saved_at TEXT NOT NULL)",
        "CREATE TABLE log_columns (position INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, kind TEXT NOT NULL)",
        "CREATE TABLE log_rows (id INTEGER PRIMARY KEY, date TEXT, action TEXT, category TEXT, minutes REAL,"
        " reactions INTEGER, quality INTEGER, source TEXT, source_row INTEGER, extra TEXT NOT NULL DEFAULT '{}')",
        "CREATE INDEX log_rows_order ON log_rows (date, source, source_row)",
        "CREATE TABLE reviews (week_start TEXT PRIMARY KEY, fields TEXT NOT NULL, saved_at TEXT NOT NULL)",
        f"PRAGMA application_id = {APPLICATION_ID}",
    ):
        conn.execute(statement)


def _v2_uploads(conn: sqlite3.Connection) -> None:
    """Version 2: which upload each row came from."""
    conn.execute(
        "CREATE TABLE uploads (id INTEGER PRIMARY KEY, file_name TEXT NOT NULL, sha256 TEXT, read_at TEXT,"
        " rows_accepted INTEGER NOT NULL DEFAULT 0, rows_rejected INTEGER NOT NULL DEFAULT 0,"
        " rows_added INTEGER NOT NULL DEFAULT 0)")
    conn.execute("ALTER TABLE log_rows ADD COLUMN upload_id INTEGER REFERENCES uploads (id) ON DELETE SET NULL")
    conn.execute("CREATE INDEX log_rows_upload ON log_rows (upload_id)")
    # Version 1 kept no upload record: one per source file name, with hash and read time unknown (NULL).
    sources = conn.execute("SELECT source, COUNT(*) FROM log_rows GROUP BY source ORDER BY MIN(id)").fetchall()
    for source, count in sources:
        upload_id = conn.execute(
            "INSERT INTO uploads (file_name, rows_accepted, rows_added) VALUES (?, ?, ?)",
            (source or "", count, count)).lastrowid
        conn.execute("UPDATE log_rows SET upload_id = ? WHERE source IS ?", (upload_id, source))


def _v3_backups(conn: sqlite3.Connection) -> None:
    """Version 3: automatic backups (the export zip) taken before destructive actions."""
    conn.execute(
        "CREATE TABLE backups (id INTEGER PRIMARY KEY, created_at TEXT NOT NULL, reason TEXT NOT NULL,"
        " schema_version INTEGER NOT NULL, rows INTEGER NOT NULL, zip BLOB NOT NULL)")


# MIGRATIONS[i] upgrades a file from version i to i + 1; never edit a released step, append a new one.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_v1_first_schema, _v2_uploads, _v3_backups]
SCHEMA_VERSION = len(MIGRATIONS)


def _now() -> str:
    # ISO 8601 UTC to the second: the form of every *_at column and of an export's exported_at.
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
