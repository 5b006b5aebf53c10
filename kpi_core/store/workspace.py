"""A person's workspace: plan, log rows, uploads, reviews and backups, in a SQLite file or in PostgreSQL."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
import sys
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from kpi_core.bounds import ReviewRepair, repair_reviews
from kpi_core.localtime import local_time
from kpi_core.messages import DEFAULT_LANG, t
from kpi_core.personas import PersonaCatalog, default_catalog
from kpi_core.plan import Plan, PlanRepair, plan_from_yaml, plan_to_yaml, read_stored_plan
from kpi_core.store.bundle import (
    _UPLOAD_FIELDS,
    ImportFile,
    WorkspaceProblem,
    _Bundle,
    _Content,
    _plan_parts,
    _read_bundle,
    _zip,
    read_import,
)
from kpi_core.store.engines import Busy, engines, retry_busy, url_of
from kpi_core.store.owned import LOCAL_OWNER, Owned, Owner, person_of
from kpi_core.store.rows import (
    _columns,
    _conformed,
    _fetch,
    _frame,
    _insert,
    _keys,
    _new_rows,
    _prepare,
    _Rows,
    _set_columns,
    _union,
)
from kpi_core.store.schema import SCHEMA_VERSION, SchemaRefused, _now, current_version, migrate
from kpi_core.store.tables import OWNED, backups, log_rows, people, plan, reviews, uploads

ENV_VAR = "KPI_COACH_WORKSPACE"
APP_DIR = "kpi-coach"
FILE_NAME = "workspace.sqlite3"
MAX_BACKUPS = 30  # per person, oldest dropped first, so automatic backups cannot fill the disk
BACKUP_REASONS = ("manual", "replace_log", "delete_rows", "import_replace", "restore", "reset_plan", "repair")


# ---------------------------------------------------------------- plain values


class WorkspaceError(Exception):
    """A workspace that cannot be used as asked; rendered late in the UI language."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def message(self, lang: str = DEFAULT_LANG) -> str:
        """The error in `lang`."""
        return t(f"workspace.{self.code}", lang, **self.params)

    def __str__(self) -> str:
        return self.message("en")


class WorkspaceImportError(WorkspaceError):
    """An import refused because the file has blocking problems."""

    def __init__(self, problems: Iterable[WorkspaceProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("import.refused", count=len(self.problems))

    def message(self, lang: str = DEFAULT_LANG) -> str:
        return "\n".join(p.message(lang) for p in self.problems if p.blocking)


@dataclass(frozen=True)
class UploadInfo:
    """What the app knows about a file it read: recorded with the rows it adds."""

    file_name: str
    sha256: str | None = None
    read_at: str | None = None  # ISO 8601 UTC; None = now
    rows_accepted: int = 0
    rows_rejected: int = 0

    @classmethod
    def of(cls, file_name: str, data: bytes, *, rows_accepted: int = 0, rows_rejected: int = 0) -> UploadInfo:
        """An upload record for a file's bytes (its sha256 tells a re-upload of the same file)."""
        return cls(file_name, hashlib.sha256(data).hexdigest(), _now(), rows_accepted, rows_rejected)


@dataclass(frozen=True)
class Upload:
    """A recorded upload: rows_added when it was read, rows_present still in the log now."""

    id: int
    file_name: str
    sha256: str | None
    read_at: str | None
    rows_accepted: int
    rows_rejected: int
    rows_added: int
    rows_present: int


@dataclass(frozen=True)
class BackupInfo:
    """A stored backup (the whole workspace as an export zip)."""

    id: int
    created_at: str
    reason: str
    schema_version: int
    rows: int
    size_bytes: int

    def label(self, lang: str = DEFAULT_LANG, zone: str | None = None) -> str:
        """「2026-11-23 05:29 JST・ログの置き換え前・120行」 (time in `zone`, UTC when unknown) or its English form."""
        reason = t(f"workspace.backup.reason.{self.reason}", lang) if self.reason in BACKUP_REASONS else self.reason
        return t("workspace.backup.label", lang, created_at=self.when(zone), reason=reason, rows=self.rows)

    def when(self, zone: str | None = None) -> str:
        """When the backup was taken, in the IANA zone `zone` (UTC when unknown)."""
        return local_time(self.created_at, zone)


@dataclass(frozen=True)
class ImportPreview:
    """What importing a zip would change; merge adds what is missing, replace makes the workspace the file."""

    problems: tuple[WorkspaceProblem, ...] = ()
    schema_version: int | None = None
    exported_at: str | None = None
    rows_in_file: int = 0
    rows_rejected: int = 0  # rows of log.csv the reader could not accept (someone edited it)
    rows_to_add: int = 0  # rows of the file the workspace does not have yet (merge and replace)
    rows_already_present: int = 0
    rows_only_here: int = 0  # rows the file lacks: replace removes them, merge keeps them
    plan_in_file: bool = False
    plan_here: bool = False
    plan_differs: bool = False
    reviews_in_file: int = 0
    reviews_added: int = 0  # weeks only in the file
    reviews_changed: int = 0  # weeks in both, different: replace takes the file's, merge keeps yours
    reviews_only_here: int = 0  # replace removes them
    rows_here: int = 0  # the workspace's own counts, for the restore preview's "now → backup"
    reviews_here: int = 0
    plan_parts: tuple[str, ...] = ()  # which parts differ (see _plan_parts); "all" when only one side has a plan

    @property
    def ok(self) -> bool:
        """True when nothing blocks the import."""
        return not any(p.blocking for p in self.problems)

    def lines(self, lang: str = DEFAULT_LANG, mode: str = "merge") -> list[str]:
        """The changes as sentences for the confirmation step."""
        if not self.ok:
            return [p.message(lang) for p in self.problems]
        if mode == "replace":
            total = self.rows_to_add + self.rows_already_present
            lines = [t("workspace.preview.rows_replace", lang, total=total, added=self.rows_to_add,
                       removed=self.rows_only_here)]
        else:
            lines = [t("workspace.preview.rows_merge", lang, added=self.rows_to_add,
                       present=self.rows_already_present)]
        if not self.plan_in_file or not self.plan_differs:
            lines.append(t("workspace.preview.plan_same", lang))
        elif not self.plan_here:
            lines.append(t("workspace.preview.plan_added", lang))
        else:
            lines.append(t(f"workspace.preview.plan_{'replaced' if mode == 'replace' else 'kept'}", lang))
        if mode == "replace":
            lines.append(t("workspace.preview.reviews_replace", lang, total=self.reviews_in_file,
                           added=self.reviews_added, changed=self.reviews_changed, removed=self.reviews_only_here))
            lines.append(t("workspace.preview.backup_first", lang))
        else:
            lines.append(t("workspace.preview.reviews_merge", lang, added=self.reviews_added,
                           changed=self.reviews_changed))
        lines.extend(p.message(lang) for p in self.problems)  # non-blocking ones, said aloud
        return lines

    def restore_lines(self, lang: str = DEFAULT_LANG) -> list[str]:
        """What restoring this content (a backup) changes: the log, the plan and the reviews all go back."""
        if not self.ok:
            return [p.message(lang) for p in self.problems]
        return [
            t("workspace.restore.rows", lang, now=self.rows_here, backup=self.rows_in_file, added=self.rows_to_add,
              removed=self.rows_only_here),
            self._restore_plan_line(lang),
            t("workspace.restore.reviews", lang, now=self.reviews_here, backup=self.reviews_in_file,
              added=self.reviews_added, changed=self.reviews_changed, removed=self.reviews_only_here),
            t("workspace.restore.backup_first", lang),
            *(p.message(lang) for p in self.problems),
        ]

    def _restore_plan_line(self, lang: str) -> str:
        """The plan's line of the restore preview, naming the parts that go back."""
        if not self.plan_parts:
            return t("workspace.restore.plan_same", lang)
        if not self.plan_in_file:  # no stored plan: the app starts again from the default one
            return t("workspace.restore.plan_default", lang)
        # " / " reads the same in both languages, so the list needs no separator of its own in the catalogs.
        parts = " / ".join(t(f"workspace.plan_part.{part}", lang) for part in self.plan_parts)
        return t("workspace.restore.plan_back", lang, parts=parts)


@dataclass(frozen=True)
class ImportResult:
    """What an import did."""

    mode: str
    rows_added: int
    rows_removed: int
    plan_changed: bool
    reviews_written: int
    backup_id: int | None  # the backup taken first (replace on a non-empty workspace)


def default_workspace_path(environ: Mapping[str, str] | None = None, platform: str | None = None) -> Path:
    """$KPI_COACH_WORKSPACE, else the user's data directory: XDG_DATA_HOME or ~/.local/share on Linux,
    %APPDATA% on Windows, ~/Library/Application Support on macOS; then kpi-coach/workspace.sqlite3."""
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if environ.get(ENV_VAR):
        return Path(environ[ENV_VAR]).expanduser()
    home = Path(environ.get("HOME") or environ.get("USERPROFILE") or Path.home())
    if platform.startswith("win"):
        base = Path(environ.get("APPDATA") or home / "AppData" / "Roaming")
    elif platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        xdg = environ.get("XDG_DATA_HOME", "")
        # The XDG spec says a relative path is invalid and must be ignored.
        base = Path(xdg) if xdg and Path(xdg).is_absolute() else home / ".local" / "share"
    return base / APP_DIR / FILE_NAME


# ---------------------------------------------------------------- the workspace


class Workspace:
    """One person's workspace in a database: a SQLite file (local mode), memory (a guest's session), or PostgreSQL
    (signed-in people, any number of app replicas). Every write is one transaction; every statement on a person
    table is built by Owned (kpi_core.store.owned) for this workspace's owner, so one person never reads or
    changes another's rows."""

    def __init__(self, engine: sa.Engine, path: str, owner: Owner) -> None:
        self._engine = engine
        self.path = path  # the file, ":memory:", or the URL without its password
        self.owner = owner
        self._dialect = engine.dialect.name
        # One workspace object serves Streamlit's script threads one at a time (in memory they share one connection).
        self._lock = threading.RLock()
        self._own_writes = (None, 0)  # (person id, write transactions committed through this object)
        self._closed = False

    # -------------------------------------------------------- opening

    @classmethod
    def open(cls, target: str | os.PathLike, owner: Owner = LOCAL_OWNER) -> Workspace:
        """Open (create, migrate) the workspace of `owner` at `target`: a SQLite file path, ":memory:" (lives
        only in this process), or a SQLAlchemy URL (sqlite:///…, postgresql+psycopg://…)."""
        name = os.fspath(target)
        url = url_of(name)
        shown = url.render_as_string(hide_password=True) if "://" in name else name
        issuer, subject = owner
        if not (isinstance(issuer, str) and isinstance(subject, str) and issuer and subject):
            raise ValueError(f"an owner is (issuer, subject), two non-empty texts; got {owner!r}")
        engine = engines.acquire(url)
        try:
            migrate(engine)
        except SchemaRefused as refused:
            engines.release(engine)
            raise WorkspaceError(refused.code, path=shown, **refused.params) from refused
        except Busy as error:
            engines.release(engine)
            raise WorkspaceError("error.busy") from error
        except sa.exc.DatabaseError as error:
            engines.release(engine)
            if type(error.orig) is sqlite3.DatabaseError:  # "file is not a database"; OperationalError is not this
                raise WorkspaceError("error.not_a_workspace", path=shown) from error
            raise
        except BaseException:
            engines.release(engine)
            raise
        return cls(engine, shown, (issuer, subject))

    def close(self) -> None:
        """Let go of the database (the last workspace on a SQLite file to close folds the WAL back into it)."""
        with self._lock:
            if not self._closed:
                self._closed = True
                engines.release(self._engine)

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def schema_version(self) -> int:
        """The database's schema version (its Alembic revision; a SQLite file's PRAGMA user_version too)."""
        with self._lock, self._engine.connect() as conn:
            return current_version(conn)

    # -------------------------------------------------------- transactions

    @contextmanager
    def _read(self, snapshot: bool = True) -> Iterator[tuple[sa.Connection, Owned]]:
        """One read transaction; snapshot: every table seen at the same moment, even while another writer commits."""
        with self._lock, self._engine.connect() as conn:
            if self._dialect == "sqlite":
                conn.exec_driver_sql("BEGIN")
            elif snapshot:
                conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            try:
                yield conn, Owned(person_of(self.owner), self._dialect)
            finally:
                conn.rollback()  # nothing was written

    @contextmanager
    def _write(self, *, create: bool = True) -> Iterator[tuple[sa.Connection, Owned]]:
        """One write transaction, counted in the person's write counter first. The counter's row is locked until
        the commit, so this person's writes take turns (on SQLite, BEGIN IMMEDIATE locks the whole file first)
        and none turns a stale read into a write. create: add the person's row when there is none yet."""
        with self._lock, self._engine.connect() as conn:
            try:
                if self._dialect == "sqlite":
                    retry_busy(lambda: conn.exec_driver_sql("BEGIN IMMEDIATE"))
                person = self._count_write(conn, create)
                yield conn, Owned(person if person is not None else person_of(self.owner), self._dialect)
                conn.commit()
            except Busy as error:
                conn.rollback()
                raise WorkspaceError("error.busy") from error
            except BaseException:
                conn.rollback()
                raise
            if person is not None:
                known, count = self._own_writes
                self._own_writes = (person, count + 1 if known == person else 1)

    def _count_write(self, conn: sa.Connection, create: bool) -> int | None:
        issuer, subject = self.owner
        me = (people.c.issuer == issuer) & (people.c.subject == subject)
        bump = sa.update(people).where(me).values(writes=people.c.writes + 1).returning(people.c.id)
        person = conn.execute(bump).scalar()
        if person is None and create:
            insert = (postgresql.insert if self._dialect == "postgresql" else sqlite.insert)(people)
            conn.execute(insert.values(issuer=issuer, subject=subject, created_at=_now(), writes=0)
                         .on_conflict_do_nothing(index_elements=["issuer", "subject"]))
            person = conn.execute(bump).scalar_one()
        return person

    # -------------------------------------------------------- plan

    def load_plan(self) -> Plan | None:
        """The saved plan, or None before one is saved."""
        with self._read(snapshot=False) as (conn, own):
            text = conn.execute(own.select(plan.c.yaml)).scalar()
        return None if text is None else plan_from_yaml(text)[0]

    def load_checked_plan(self, catalog: PersonaCatalog | None = None) -> tuple[Plan | None, list[PlanRepair]]:
        """The saved plan as this version can use it (kpi_core.plan.repair_plan), with what was changed.

        A plan an upgrade made invalid (a persona gone, a KPI renamed, a cap lowered) is repaired and saved back,
        after a backup of the workspace as it was ("repair"); the next load finds it valid and says nothing.
        """
        catalog = catalog or default_catalog()
        with self._read(snapshot=False) as (conn, own):
            text = conn.execute(own.select(plan.c.yaml)).scalar()
        if text is None:
            return None, []
        stored, changes = read_stored_plan(text, catalog)
        if not changes:
            return stored, []
        with self._write() as (conn, own):  # read again under the write lock: another tab may have repaired it
            text = conn.execute(own.select(plan.c.yaml)).scalar()
            if text is None:
                return None, []
            stored, changes = read_stored_plan(text, catalog)
            if changes:
                self._backup(conn, own, "repair")
                conn.execute(own.upsert(plan, (), {"yaml": plan_to_yaml(stored), "saved_at": _now()}))
        return stored, changes

    def save_plan(self, new: Plan) -> None:
        """Save the plan (as its YAML text)."""
        text = plan_to_yaml(new)
        with self._write() as (conn, own):
            conn.execute(own.upsert(plan, (), {"yaml": text, "saved_at": _now()}))

    # -------------------------------------------------------- log

    def load_log(self, *, with_ids: bool = False) -> pd.DataFrame:
        """The canonical log, in date order (date, source, source_row).

        with_ids: the index holds each row's id (for delete_rows) and an `upload_id` column is added.
        """
        with self._read() as (conn, own):
            rows = _fetch(conn, own)
        return _frame(rows, with_ids)

    def row_count(self) -> int:
        """How many log rows the workspace holds."""
        with self._read(snapshot=False) as (conn, own):
            return _count(conn, own, log_rows)

    def change_mark(self) -> int:
        """A number that changes each time another workspace object (another tab, process or app replica) commits
        a change to this person's data: the person's write counter, kept in the database, less the writes made
        through this object (they are in hand already). Compared run to run, it tells a page that what is stored
        changed (the plan, a review, any log row, an upload, a backup), not only the row count. Cheap: one row of
        `people` is read."""
        issuer, subject = self.owner
        with self._read(snapshot=False) as (conn, _):
            found = conn.execute(sa.select(people.c.id, people.c.writes)
                                 .where(people.c.issuer == issuer, people.c.subject == subject)).first()
        if found is None:
            return 0
        person, writes = found
        known, own = self._own_writes
        # The id is part of the mark: a person deleted and created again starts counting from nothing.
        return person * 2**40 + writes - (own if known == person else 0)

    def replace_log(self, log: pd.DataFrame, upload: UploadInfo | None = None, *, backup: bool = True) -> int | None:
        """Make the log exactly `log`; returns the id of the backup taken first (None: nothing to back up)."""
        rows = _prepare(log)
        with self._write() as (conn, own):
            backup_id = self._backup(conn, own, "replace_log") if backup and _count(conn, own, log_rows) else None
            conn.execute(own.delete(log_rows))
            upload_id = self._record_upload(conn, own, upload, rows.n) if upload else None
            _set_columns(conn, own, rows.columns)
            _insert(conn, own, rows, [upload_id] * rows.n, None)
        return backup_id

    def append_rows(self, log: pd.DataFrame, upload: UploadInfo | None = None) -> int:
        """Add a file's rows, leaving out rows the workspace already holds (the merge_logs rule); returns how
        many were added. The upload is recorded even when every row was already there."""
        rows = _prepare(log)
        with self._write() as (conn, own):
            upload_id = self._record_upload(conn, own, upload, 0) if upload else None
            added = self._append(conn, own, rows, [upload_id] * rows.n)
            if upload_id is not None:
                conn.execute(own.update(uploads).where(uploads.c.id == upload_id).values(rows_added=added))
        return added

    def _append(self, conn: sa.Connection, own: Owned, incoming: _Rows, upload_ids: list[int | None]) -> int:
        has_rows = _count(conn, own, log_rows) > 0
        columns = _union(_columns(conn, own), incoming.columns, has_rows)
        incoming = _conformed(incoming, columns)
        dates = [d for d in incoming.values["date"] if d is not None]
        if not has_rows or not incoming.n:
            candidates = _Rows(columns, {}, 0)
        elif len(dates) == incoming.n:  # only rows on the same days can be equal
            candidates = _fetch(conn, own, (min(dates), max(dates)))
        else:
            candidates = _fetch(conn, own)
        keep = _new_rows(_keys(candidates, columns), _keys(incoming, columns))
        _set_columns(conn, own, columns)
        return _insert(conn, own, incoming, upload_ids, keep)

    def delete_rows(self, row_ids: Iterable[int] = (), *, source_rows: Iterable[tuple[str, int]] = (),
                    backup: bool = True) -> int:
        """Delete rows by id (load_log(with_ids=True)) or by (source, source_row); backup first; returns how many."""
        wanted = {int(i) for i in row_ids}
        with self._write() as (conn, own):
            for source, row in source_rows:
                found = conn.execute(own.select(log_rows.c.id).where(log_rows.c.source == source,
                                                                     log_rows.c.source_row == int(row)))
                wanted.update(found.scalars())
            present = sorted(i for chunk in _chunks(sorted(wanted)) for i in conn.execute(
                own.select(log_rows.c.id).where(log_rows.c.id.in_(chunk))).scalars())
            if not present:
                return 0
            if backup:
                self._backup(conn, own, "delete_rows")
            for chunk in _chunks(present):
                conn.execute(own.delete(log_rows).where(log_rows.c.id.in_(chunk)))
        return len(present)

    # -------------------------------------------------------- uploads

    def _record_upload(self, conn: sa.Connection, own: Owned, upload: UploadInfo, added: int) -> int:
        return _add_upload(conn, own, {
            "file_name": upload.file_name, "sha256": upload.sha256, "read_at": upload.read_at or _now(),
            "rows_accepted": int(upload.rows_accepted), "rows_rejected": int(upload.rows_rejected),
            "rows_added": added})

    def uploads(self) -> list[Upload]:
        """Every recorded upload, oldest first, with how many of its rows are still in the log."""
        with self._read() as (conn, own):
            present = own.select(sa.func.count(), from_=log_rows).where(log_rows.c.upload_id == uploads.c.id)
            query = own.select(uploads.c.id, uploads.c.file_name, uploads.c.sha256, uploads.c.read_at,
                               uploads.c.rows_accepted, uploads.c.rows_rejected, uploads.c.rows_added,
                               present.scalar_subquery()).order_by(uploads.c.id)
            return [Upload(*row) for row in conn.execute(query)]

    # -------------------------------------------------------- reviews

    def load_reviews(self) -> dict[str, dict]:
        """Weekly reviews: week start (ISO date) -> the fields written, in week order."""
        with self._read(snapshot=False) as (conn, own):
            return _reviews(conn, own)

    def load_checked_reviews(self) -> tuple[dict[str, dict], list[ReviewRepair]]:
        """The reviews as the pages can show them (kpi_core.bounds.repair_reviews), with what was changed: a text
        over its cap (stored before the cap existed) is cut, and saved so after a backup ("repair")."""
        checked, changes = repair_reviews(self.load_reviews())
        if not changes:
            return checked, []
        with self._write() as (conn, own):  # again under the write lock: another tab may have done it already
            checked, changes = repair_reviews(_reviews(conn, own))
            if changes:
                self._backup(conn, own, "repair")
                for week in dict.fromkeys(c.week for c in changes):
                    conn.execute(_review_upsert(own, week, checked[week]))
        return checked, changes

    def save_review(self, week_iso: str, fields: Mapping[str, object]) -> None:
        """Save one week's review fields (plain JSON values), replacing what that week had."""
        week = dt.date.fromisoformat(week_iso).isoformat()
        fields = json.loads(json.dumps(dict(fields), ensure_ascii=False))  # TypeError for values not plain data
        with self._write() as (conn, own):
            conn.execute(_review_upsert(own, week, fields))

    # -------------------------------------------------------- backups

    def backup(self, reason: str = "manual") -> int:
        """Store a copy of the whole workspace (as the export zip); returns its id."""
        with self._write() as (conn, own):
            return self._backup(conn, own, reason)

    def _backup(self, conn: sa.Connection, own: Owned, reason: str) -> int:
        content = _snapshot(conn, own)
        backup_id = conn.execute(own.insert(backups).values(
            created_at=_now(), reason=reason, schema_version=SCHEMA_VERSION, rows=content.rows.n,
            zip=_zip(content)).returning(backups.c.id)).scalar_one()
        kept = own.select(backups.c.id).order_by(backups.c.id.desc()).limit(MAX_BACKUPS)
        conn.execute(own.delete(backups).where(backups.c.id.not_in(kept.scalar_subquery())))
        return backup_id

    def backups(self) -> list[BackupInfo]:
        """Stored backups, newest first."""
        with self._read(snapshot=False) as (conn, own):
            query = own.select(backups.c.id, backups.c.created_at, backups.c.reason, backups.c.schema_version,
                               backups.c.rows, sa.func.length(backups.c.zip)).order_by(backups.c.id.desc())
            return [BackupInfo(*row) for row in conn.execute(query)]

    def backup_zip(self, backup_id: int) -> bytes:
        """A backup's export zip, to download."""
        with self._read(snapshot=False) as (conn, own):
            return _backup_zip(conn, own, backup_id)

    def restore(self, backup_id: int) -> int:
        """Bring back a backup's content; the content replaced is backed up first (its id is returned)."""
        with self._write() as (conn, own):
            bundle, problems = _read_bundle(_backup_zip(conn, own, backup_id))
            if bundle is None:
                raise WorkspaceImportError(problems)
            safety_id = self._backup(conn, own, "restore")
            self._replace_all(conn, own, bundle)
        return safety_id

    def preview_restore(self, backup_id: int) -> ImportPreview:
        """What restore(backup_id) would change, without changing anything (see ImportPreview.restore_lines)."""
        return self.preview_import(self.backup_zip(backup_id))

    # -------------------------------------------------------- export and import

    def export_zip(self) -> bytes:
        """The whole workspace as a zip a person can read: plan.yaml, log.csv, reviews.yaml, uploads.yaml,
        manifest.yaml (schema version, columns and their dtypes)."""
        with self._read() as (conn, own):
            content = _snapshot(conn, own)
        return _zip(content)

    def preview_import(self, zip_bytes: bytes | ImportFile) -> ImportPreview:
        """What importing the zip (its bytes, or the zip already read by read_import) would change, without
        changing anything; problems when it cannot be used."""
        read = zip_bytes if isinstance(zip_bytes, ImportFile) else read_import(zip_bytes)
        bundle, problems = read.bundle, read.problems
        if bundle is None:
            return ImportPreview(problems=tuple(problems))
        with self._read() as (conn, own):
            here = _fetch(conn, own)
            stored = _plan(conn, own)
            stored_reviews = _reviews(conn, own)
        columns = _union(here.columns, bundle.rows.columns, here.n > 0)
        file_keys, here_keys = _keys(bundle.rows, columns), _keys(here, columns)
        to_add = sum(_new_rows(here_keys, file_keys))
        return ImportPreview(
            problems=tuple(problems), schema_version=bundle.manifest.get("schema_version"),
            exported_at=bundle.manifest.get("exported_at"), rows_in_file=bundle.rows.n,
            rows_rejected=bundle.rows_rejected, rows_to_add=to_add, rows_already_present=bundle.rows.n - to_add,
            rows_only_here=sum(_new_rows(file_keys, here_keys)), plan_in_file=bundle.plan is not None,
            plan_here=stored is not None, plan_differs=bundle.plan is not None and bundle.plan != stored,
            reviews_in_file=len(bundle.reviews),
            reviews_added=sum(1 for w in bundle.reviews if w not in stored_reviews),
            reviews_changed=sum(1 for w, f in bundle.reviews.items() if w in stored_reviews and stored_reviews[w] != f),
            reviews_only_here=sum(1 for w in stored_reviews if w not in bundle.reviews),
            rows_here=here.n, reviews_here=len(stored_reviews), plan_parts=_plan_parts(stored, bundle.plan),
        )

    def import_zip(self, zip_bytes: bytes | ImportFile, mode: str = "merge") -> ImportResult:
        """Import an export zip (its bytes, or the zip already read by read_import). merge: add missing rows,
        reviews of new weeks, the plan if there is none; replace: back up, then make the workspace exactly the
        file's content. A file with blocking problems raises WorkspaceImportError and changes nothing."""
        if mode not in ("merge", "replace"):
            raise ValueError(f"mode must be 'merge' or 'replace', got {mode!r}")
        read = zip_bytes if isinstance(zip_bytes, ImportFile) else read_import(zip_bytes)
        bundle, problems = read.bundle, read.problems
        if bundle is None:
            raise WorkspaceImportError(problems)
        with self._write() as (conn, own):
            if mode == "replace":
                backup_id = None if _empty(conn, own) else self._backup(conn, own, "import_replace")
                here = _fetch(conn, own)
                columns = _union(here.columns, bundle.rows.columns, here.n > 0)
                file_keys, here_keys = _keys(bundle.rows, columns), _keys(here, columns)
                plan_changed = bundle.plan != _plan(conn, own)
                self._replace_all(conn, own, bundle)
                return ImportResult(mode, sum(_new_rows(here_keys, file_keys)), sum(_new_rows(file_keys, here_keys)),
                                    plan_changed, len(bundle.reviews), backup_id)
            used: set[int] = set()
            id_map = {u["id"]: self._match_upload(conn, own, u, used) for u in bundle.uploads}
            added = self._append(conn, own, bundle.rows, [id_map.get(u) for u in bundle.rows.uploads])
            plan_changed = bundle.plan is not None and _plan(conn, own) is None
            if plan_changed:
                conn.execute(own.upsert(plan, (), {"yaml": plan_to_yaml(bundle.plan), "saved_at": _now()}))
            written = 0
            for week, fields in bundle.reviews.items():  # a week already here returns no row (kept, not written)
                upsert = _review_upsert(own, week, fields, replace=False).returning(reviews.c.week_start)
                written += len(conn.execute(upsert).all())
            return ImportResult(mode, added, 0, plan_changed, written, None)

    def _match_upload(self, conn: sa.Connection, own: Owned, upload: dict, used: set[int]) -> int:
        """The id of the same upload record here (importing one export twice), else a new record."""
        values = {"file_name": upload["file_name"], "sha256": upload["sha256"], "read_at": upload["read_at"],
                  "rows_accepted": upload["rows_accepted"] or 0, "rows_rejected": upload["rows_rejected"] or 0,
                  "rows_added": upload["rows_added"] or 0}
        same = [uploads.c[k].is_not_distinct_from(v) for k, v in values.items()]
        found = conn.execute(own.select(uploads.c.id).where(*same).order_by(uploads.c.id)).scalars().all()
        # Two reads of one file in the same second look alike: each still gets a record of its own.
        match = next((upload_id for upload_id in found if upload_id not in used), None)
        if match is None:
            match = _add_upload(conn, own, values)
        used.add(match)
        return match

    def _replace_all(self, conn: sa.Connection, own: Owned, bundle: _Bundle) -> None:
        for table in (log_rows, uploads, reviews, plan):
            conn.execute(own.delete(table))
        if bundle.uploads:
            conn.execute(own.insert(uploads), [
                {"id": u["id"], "file_name": u["file_name"], "sha256": u["sha256"], "read_at": u["read_at"],
                 "rows_accepted": u["rows_accepted"] or 0, "rows_rejected": u["rows_rejected"] or 0,
                 "rows_added": u["rows_added"] or 0} for u in bundle.uploads])
        _set_columns(conn, own, bundle.rows.columns)
        _insert(conn, own, bundle.rows, bundle.rows.uploads, None)
        if bundle.plan is not None:
            conn.execute(own.upsert(plan, (), {"yaml": plan_to_yaml(bundle.plan), "saved_at": _now()}))
        for week, fields in bundle.reviews.items():
            conn.execute(_review_upsert(own, week, fields))

    # -------------------------------------------------------- the person's account

    def delete_everything(self) -> dict[str, int]:
        """Delete every row this person has, in every table, their `people` row last; returns how many rows
        went from each table. Other people's rows are untouched. The workspace stays usable (empty)."""
        with self._write(create=False) as (conn, own):
            removed = {table.name: conn.execute(own.delete(table)).rowcount for table in OWNED}
            issuer, subject = self.owner
            removed["people"] = conn.execute(
                sa.delete(people).where(people.c.issuer == issuer, people.c.subject == subject)).rowcount
        return removed

    def table_counts(self) -> dict[str, int]:
        """How many rows this person has in each table (`people`: 1 once they have written anything)."""
        issuer, subject = self.owner
        with self._read() as (conn, own):
            counts = {table.name: _count(conn, own, table) for table in OWNED}
            counts["people"] = conn.execute(sa.select(sa.func.count()).select_from(people).where(
                people.c.issuer == issuer, people.c.subject == subject)).scalar_one()
        return counts


def _chunks(ids: list[int], size: int = 500) -> Iterator[list[int]]:
    """Ids in slices: one statement binds a bounded number of parameters on any engine."""
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def _count(conn: sa.Connection, own: Owned, table: sa.Table) -> int:
    return int(conn.execute(own.count(table)).scalar_one())


def _empty(conn: sa.Connection, own: Owned) -> bool:
    return not any(_count(conn, own, table) for table in (log_rows, plan, reviews))


def _plan(conn: sa.Connection, own: Owned) -> Plan | None:
    text = conn.execute(own.select(plan.c.yaml)).scalar()
    return None if text is None else plan_from_yaml(text)[0]


def _reviews(conn: sa.Connection, own: Owned) -> dict[str, dict]:
    query = own.select(reviews.c.week_start, reviews.c.fields).order_by(reviews.c.week_start)
    return {week: json.loads(fields) for week, fields in conn.execute(query)}


def _review_upsert(own: Owned, week: str, fields: Mapping, *, replace: bool = True) -> sa.Insert:
    values = {"week_start": week, "fields": json.dumps(fields, ensure_ascii=False), "saved_at": _now()}
    return own.upsert(reviews, ("week_start",), values, replace=replace)


def _add_upload(conn: sa.Connection, own: Owned, values: dict) -> int:
    """A new upload record, numbered after this person's last one (their writes take turns: no two get one id)."""
    upload_id = conn.execute(own.select(sa.func.coalesce(sa.func.max(uploads.c.id), 0) + 1)).scalar_one()
    conn.execute(own.insert(uploads).values(id=upload_id, **values))
    return upload_id


def _backup_zip(conn: sa.Connection, own: Owned, backup_id: int) -> bytes:
    data = conn.execute(own.select(backups.c.zip).where(backups.c.id == int(backup_id))).scalar()
    if data is None:
        raise WorkspaceError("error.unknown_backup", backup_id=backup_id)
    return bytes(data)


def _snapshot(conn: sa.Connection, own: Owned) -> _Content:
    text = conn.execute(own.select(plan.c.yaml)).scalar()
    query = own.select(*(uploads.c[name] for name in _UPLOAD_FIELDS)).order_by(uploads.c.id)
    found = [dict(zip(_UPLOAD_FIELDS, row, strict=True)) for row in conn.execute(query)]
    return _Content(text, _fetch(conn, own), _reviews(conn, own), found)
